package main

import (
	"github.com/jenkins-launcher/launcher/cgroup"
	"github.com/jenkins-launcher/launcher/entrypoint"
	"github.com/jenkins-launcher/launcher/jnlp"
	"github.com/jenkins-launcher/launcher/jvm"
)

// Plan is everything the launcher decided. `launcher plan` prints it and a
// run executes it, so what is shown is what runs.
type Plan struct {
	Mode      string              `json:"mode"` // agent | exec | command
	ExitCode  int                 `json:"exit_code"`
	Reason    string              `json:"reason,omitempty"`
	Supervise bool                `json:"supervise"`
	Limits    cgroup.Limits       `json:"limits"`
	Home      entrypoint.HomePlan `json:"home"`
	JVM       *JVMPlan            `json:"jvm,omitempty"`
	Agent     *AgentPlan          `json:"agent,omitempty"`
	Command   []string            `json:"command"` // redacted argv
	Warnings  []string            `json:"warnings,omitempty"`

	// What runs, unredacted; never printed.
	path   string
	argv   []string
	env    []string
	agent  *jnlp.Agent
	fdArgs []string // the lines of the file the agent reads at secretFD (see agentArgv); none: no file

	limits func() cgroup.Limits // Limits still to come (see build); nil once they are in
}

// awaitLimits fills in Limits when they are still to come. Not inlined:
// the Limits value would sit in its callers' frames, on the start-up
// stack (see run).
//
//go:noinline
func (p *Plan) awaitLimits() {
	if p.limits != nil {
		p.Limits = p.limits()
		p.limits = nil
	}
}

// rehome moves what the plan derived from the home at planned to the home
// that ApplyHome fell back to at the last moment (the planned one failed
// its write test): the JVM's -Duser.home, in the flags and in a command
// line built from them. The agent's cache and work directories are derived
// from p.Home when the agent is prepared, after this.
//
//go:noinline
func (p *Plan) rehome(planned string) {
	if p.JVM == nil {
		return
	}
	old, now := "-Duser.home="+planned, "-Duser.home="+p.Home.Path
	// The flags follow java in a command line built from them (exec of
	// java, and the agent's until prepareAgent builds it again).
	inArgv := p.argv[min(1, len(p.argv)):min(1+len(p.JVM.Flags), len(p.argv))]
	for _, list := range [][]string{p.JVM.Flags, inArgv} {
		for i, a := range list {
			if a == old {
				list[i] = now
			}
		}
	}
}

// JVMPlan is the plan's "jvm" object.
type JVMPlan struct {
	jvm.Java
	jvm.Plan
	Enabled bool `json:"enabled"`
}

// AgentPlan is the plan's "agent" object.
type AgentPlan struct {
	URLs      []string `json:"urls"`
	Mode      string   `json:"mode"`
	Name      string   `json:"name"`
	Readiness string   `json:"readiness"`
	Timeout   string   `json:"connect_timeout"`
	Jar       string   `json:"jar"`
	JarSource string   `json:"jar_source"`
	WorkDir   string   `json:"work_dir,omitempty"`
	WorkDirOp string   `json:"work_dir_action,omitempty"`
	// FromDescriptor are the arguments that reach the agent through the
	// secret's descriptor instead of its command line, redacted.
	FromDescriptor []string `json:"from_descriptor,omitempty"`
}

// fail records why the run would not go ahead and with which exit code.
func (p *Plan) fail(code int, reason string) *Plan {
	p.ExitCode = code
	p.Reason = reason
	return p
}
