//go:build e2e

package e2e

import (
	"slices"
	"strings"
	"testing"
)

// Arbitrary UIDs: nobody (HOME=/nonexistent) and an OpenShift-style UID in
// group 0 (podman adds a passwd entry with HOME=/).
func TestAgentArbitraryUID(t *testing.T) {
	tests := []struct {
		name string
		user string
		uid  int64
	}{
		{name: "uid-65534", user: "65534", uid: 65534},
		{name: "uid-1000100000-gid-0", user: "1000100000:0", uid: 1000100000},
	}
	s := need(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, rep, _ := runAgent(t, s, agentRun{image: jre17, form: ecsForm, podman: []string{"-u", tt.user}})
			checkAgentBasics(t, rep)
			if rep.UID != tt.uid {
				t.Errorf("agent uid %d, want %d", rep.UID, tt.uid)
			}
			if p.Home.Path != rep.Home {
				t.Errorf("plan home %q, agent HOME %q", p.Home.Path, rep.Home)
			}
			if rep.UserName == "" || rep.UserName == "?" {
				t.Errorf("user.name %q", rep.UserName)
			}
		})
	}
}

// A read-only root with a tmpfs /tmp (common on Fargate): HOME and the jar
// cache must land somewhere writable.
func TestAgentReadOnlyRoot(t *testing.T) {
	s := need(t)
	p, _, rep, _ := runAgent(t, s, agentRun{image: jre17, form: ecsForm, podman: []string{"--read-only", "--tmpfs", "/tmp"}})
	checkAgentBasics(t, rep)
	checkJVMFlags(t, p, rep)
}

// The secret is not in any process's arguments (ps) nor in the agent's
// environment. In the ECS form podman starts PID 1 with the secret in its
// arguments; the launcher's re-exec must have moved it to a descriptor by
// the time anything can run ps, PID 1 included.
func TestAgentSecretHidden(t *testing.T) {
	tests := []struct {
		name string
		form string
		env  map[string]string
		args []string
	}{
		{name: "kubernetes-env", form: kubernetesForm},
		{name: "ecs-command", form: ecsForm},
		// Credentials reach the agent through the secret's descriptor too.
		{name: "kubernetes-credentials", form: kubernetesForm, env: map[string]string{"REMOTING_OPTS": "-credentials user:CREDPW"}},
		// Given as arguments, the re-exec moves them off PID 1's line.
		{name: "ecs-command-credentials", form: ecsForm, args: []string{"-credentials", "user:CREDPW"}},
	}
	s := need(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c, rep, a := runAgent(t, s, agentRun{image: jre17, form: tt.form, env: tt.env, args: tt.args})
			checkAgentBasics(t, rep)
			ps := c.exec("ps", "-eo", "pid,args")
			for _, line := range strings.Split(ps, "\n") {
				f := strings.Fields(line)
				if len(f) == 0 || !(strings.Contains(line, a.secret) || strings.Contains(line, "CREDPW")) {
					continue
				}
				t.Errorf("secret or credentials visible in ps: pid %s", f[0])
			}
			if (tt.env != nil || tt.args != nil) && (!slices.Contains(rep.Options, "-credentials") || slices.Contains(rep.Argv, "-credentials")) {
				t.Errorf("-credentials: agent options %q, its command line %q: want it from the descriptor only", rep.Options, rep.Argv)
			}
			// Nor in the environment builds inherit.
			if tt.env != nil && rep.HasEnv("REMOTING_OPTS") {
				t.Errorf("REMOTING_OPTS, which holds -credentials, is in the agent's environment")
			}
			if n := strings.Count(ps, "\n"); n < 3 {
				t.Fatalf("ps shows too little to trust:\n%s", ps)
			}
		})
	}
}
