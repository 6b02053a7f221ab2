package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/jenkins-launcher/launcher/cgroup"
	"github.com/jenkins-launcher/launcher/config"
	"github.com/jenkins-launcher/launcher/entrypoint"
	"github.com/jenkins-launcher/launcher/jnlp"
	"github.com/jenkins-launcher/launcher/jvm"
)

// Exit codes of the launcher's own failures; README.md lists them.
const (
	exitOK         = 0
	exitUsage      = 64 // EX_USAGE: bad configuration or arguments
	exitNoInput    = 66 // EX_NOINPUT: agent.jar missing and not downloadable
	exitUnavail    = 69 // EX_UNAVAILABLE: controller not reachable in time
	exitInternal   = 70 // EX_SOFTWARE: no usable home, other internal failure
	exitConfigMem  = 78 // EX_CONFIG: memory budget too small for a heap
	exitNotExec    = 126
	exitNotFound   = 127
	defaultJarPath = "/usr/share/jenkins/agent.jar"
)

// invocation is what the words after `launcher` ask for.
type invocation struct {
	mode string   // "agent", "exec" or "command"
	args []string // agent arguments, or the command and its arguments
}

// sizesJVM says whether the run plans a JVM's memory: the agent, or exec of
// java.
func (inv invocation) sizesJVM() bool {
	return inv.mode == "agent" || inv.mode == "exec" && isJava(inv.args[0])
}

func parseInvocation(args []string) (invocation, error) {
	if len(args) > 0 && args[0] == "exec" {
		rest := args[1:]
		if len(rest) > 0 && rest[0] == "--" {
			rest = rest[1:]
		}
		if len(rest) == 0 {
			return invocation{}, errors.New("exec: no command given; usage: launcher exec -- CMD [ARGS...]")
		}
		return invocation{mode: "exec", args: rest}, nil
	}
	if len(args) > 0 && jnlp.Reserved(args[0]) {
		return invocation{}, fmt.Errorf("%q cannot be planned or run here; usage: launcher plan [--json] [exec -- CMD ...|AGENT ARGS...]", args[0])
	}
	if jnlp.IsCommand(args) {
		return invocation{mode: "command", args: args}, nil
	}
	return invocation{mode: "agent", args: args}, nil
}

// planner builds a Plan. It reads, it never writes: `launcher plan` and a
// real run share it.
type planner struct {
	h        host
	cfg      config.Config
	log      *slog.Logger
	planOnly bool // `launcher plan`: report, do not prepare

	// signals waits until the signals set-up relies on are caught (see
	// entrypoint.Signals.Ready); planning calls it before what may take
	// long. nil: nothing to wait for.
	signals func()
}

// awaitSignals is pl.signals, when there is one.
func (pl *planner) awaitSignals() {
	if pl.signals != nil {
		pl.signals()
	}
}

func (pl *planner) build(ctx context.Context, inv invocation) *Plan {
	p := &Plan{Mode: inv.mode, Supervise: entrypoint.ShouldSupervise(pl.h.pid, pl.cfg.Subreaper)}
	supervise := p.Supervise
	// Read when first needed: by planJVM for a run that sizes a JVM; at
	// the end of planning otherwise; and for a supervised command without a JVM
	// only by the OOM diagnosis once the command runs (oomWatch), so that
	// they do not compete with set-up for the CPU.
	p.limits = func() cgroup.Limits { return pl.limits(ctx, inv, supervise) }
	p = pl.planRest(ctx, p, inv)
	if !pl.deferLimits(inv, supervise) || p.ExitCode != exitOK {
		p.awaitLimits()
	}
	return p
}

// deferLimits says whether the limits can wait until the command runs:
// a supervisor of a command without a JVM reads them only to explain an
// OOM kill. Not when debug logging wants them at the start: then they are
// read before the command starts, so that the supervisor's first reading
// of the OOM counter, right after the start and before it forwards a
// signal, never waits for them (on ECS, an HTTP request of up to 2 s).
func (pl *planner) deferLimits(inv invocation, supervise bool) bool {
	return supervise && !pl.planOnly && !inv.sizesJVM() && !pl.log.Enabled(context.Background(), slog.LevelDebug)
}

func (pl *planner) planRest(ctx context.Context, p *Plan, inv invocation) *Plan {
	in := pl.identityInput()
	if err := entrypoint.PlanHomeInto(&in, &p.Home); err != nil {
		return p.fail(exitInternal, fmt.Sprintf("no usable home: %v", err))
	}
	if p.Home.Reason != "" {
		p.Warnings = append(p.Warnings, p.Home.Reason)
	}

	switch inv.mode {
	case "command":
		return pl.planCommand(ctx, p, inv.args, false)
	case "exec":
		return pl.planCommand(ctx, p, inv.args, true)
	}
	return pl.planAgent(ctx, p, inv.args)
}

func (pl *planner) identityInput() entrypoint.IdentityInput {
	return entrypoint.IdentityInput{
		Root:     pl.h.root,
		UID:      pl.h.uid,
		GID:      pl.h.gid,
		Getenv:   pl.h.lookup,
		UserName: pl.cfg.User,
		Log:      pl.log,
	}
}

// planCommand plans `launcher exec -- CMD ...` and the single-command form.
// Only exec gets JVM flags, and only when the command is java.
func (pl *planner) planCommand(ctx context.Context, p *Plan, args []string, jvmFlags bool) *Plan {
	path, code, err := entrypoint.LookPath(args[0], entrypoint.SearchPath(pl.h.lookup("PATH")))
	if err != nil {
		return p.fail(code, err.Error())
	}
	p.path = path
	p.argv = append([]string{}, args...)
	if jvmFlags && isJava(args[0]) {
		opts, _ := jvm.SplitJavaCommand(args[1:])
		jp, code, err := pl.planJVM(ctx, p, path, opts, 100)
		if err != nil {
			return p.fail(code, err.Error())
		}
		p.JVM = jp
		p.argv = append(append([]string{args[0]}, jp.Flags...), args[1:]...)
	}
	p.env = pl.h.env
	p.Command = jnlp.Redact(p.argv)
	return p
}

// planJVM reads the java binary's version and sizes its memory. userOpts are
// the options the user gave for this JVM's command line; JAVA_TOOL_OPTIONS
// and JDK_JAVA_OPTIONS are added here because the JVM reads them too, in
// the JVM's order of precedence: JAVA_TOOL_OPTIONS, then JDK_JAVA_OPTIONS
// (java launchers from JDK 9 on), then the command line, the last
// occurrence of an option winning.
// ctx ends a `java -version` that a signal makes pointless.
func (pl *planner) planJVM(ctx context.Context, p *Plan, javaPath string, userOpts []string, defaultPercent float64) (*JVMPlan, int, error) {
	java, err := jvm.InspectBefore(ctx, javaPath, pl.awaitSignals)
	p.awaitLimits()
	if err != nil {
		// An unknown version only costs version-specific flags; the JVM
		// itself may still run. Plan for the oldest JVM we support.
		p.Warnings = append(p.Warnings, fmt.Sprintf("java version unknown, planning conservatively: %v", err))
		java = jvm.Java{Path: javaPath, VersionString: "unknown", VersionSource: "none"}
	}
	var all, notes []string
	for _, name := range []string{"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"} {
		v, ok := pl.h.lookup(name)
		if !ok || strings.TrimSpace(v) == "" {
			continue
		}
		if name == "JDK_JAVA_OPTIONS" && java.Version.Known() && java.Version.Feature < 9 {
			notes = append(notes, fmt.Sprintf("JDK_JAVA_OPTIONS ignored: java %s does not read it (JDK 9+)", java.Version))
			continue
		}
		words, lit := jnlp.SplitWords(v)
		if lit.Quote() {
			// The JVM reads these itself, and refuses an unmatched
			// quote: better said now than by the JVM at start.
			return nil, exitUsage, fmt.Errorf("%s: %s; the JVM refuses it", name, lit)
		}
		if lit != "" {
			notes = append(notes, fmt.Sprintf("%s: %s is taken literally", name, lit))
		}
		all = append(all, words...)
	}
	all = append(all, userOpts...)
	in := jvm.Input{
		MemoryBytes:     p.Limits.MemoryBytes,
		HostMemoryBytes: p.Limits.HostMemoryBytes,
		CPUs:            p.Limits.CPUs,
		CgroupVersion:   p.Limits.Cgroup,
		CPUsFromCgroup:  p.Limits.CPUs != nil && strings.HasPrefix(string(p.Limits.CPUsSource), "/"),
		Budget:          pl.cfg.JVMMemory,
		DefaultPercent:  defaultPercent,
		UserOptions:     all,
		Threads:         pl.cfg.JVMThreads,
		Classes:         pl.cfg.JVMClasses,
		Arch:            pl.h.arch,
		Home:            p.Home.Path,
		PageSize:        uint64(pl.h.pageSize),
		ExitOnOOM:       pl.cfg.JVMExitOnOOM,
		Enabled:         pl.cfg.JVMFlags,
		Version:         java.Version,
	}
	if p.Supervise {
		in.LauncherRSS = supervisorReserve
	}
	plan, err := jvm.PlanMemory(in)
	plan.Notes = append(notes, plan.Notes...)
	jp := &JVMPlan{Java: java, Plan: plan, Enabled: pl.cfg.JVMFlags}
	if err != nil {
		var be *jvm.BudgetError
		if errors.As(err, &be) {
			return jp, exitConfigMem, err
		}
		return jp, exitInternal, err
	}
	return jp, exitOK, nil
}

// supervisorReserve is what the JVM's budget leaves to the supervising
// launcher, which shares the container's cgroup. It is what the launcher's
// own resident memory used to be read as at planning time (5.9-6.1 MiB
// here); once the agent runs the supervisor keeps under 3 MiB
// (BenchmarkAgentRSS). A constant, because that reading differed by a few
// hundred KiB between `launcher plan` and the run: enough to plan one heap
// and start another (e2e TestAgentJDKs caught -Xmx156m planned, -Xmx155m run).
const supervisorReserve = 6 << 20

func isJava(name string) bool { return filepath.Base(name) == "java" }
