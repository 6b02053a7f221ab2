package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"syscall"

	"github.com/jenkins-launcher/launcher/config"
	"github.com/jenkins-launcher/launcher/entrypoint"
	"github.com/jenkins-launcher/launcher/jnlp"
)

const usage = `usage:
  launcher [AGENT OPTIONS...]          run the Jenkins inbound agent (drop-in for jenkins-agent)
  launcher COMMAND                     run one command (no '-', one word) with home and PID-1 handling
  launcher exec -- CMD [ARGS...]       run any command under the launcher (JVM flags added for java)
  launcher plan [--json] [ARGS...]     show what 'launcher ARGS...' would do, change nothing
  launcher install DIR                 copy this binary into DIR/launcher (mode 0755)
  launcher version                     print the version
See README.md for the LAUNCHER_* settings and exit codes.
`

// run is the whole program; it returns the exit code.
//
// The path from here to a command that replaces the launcher keeps its
// frames small, so that it fits the main goroutine's first 4 KiB of stack
// (TestStartFitsFirstStack): the work that ends before planning (settings,
// logger, subcommands) is in functions of its own, and large values stay
// behind pointers. Outgrowing that stack costs a copy and about 8 page
// faults: `exec -- /bin/true` is 76 us faster without it (README,
// Performance). Runs that need more get it at once (growStack).
func run(h *host, args []string) int {
	// First, so that a signal during set-up ends us with 128+n instead of
	// being ignored (PID 1) or ending the Go runtime with 2; see
	// needSignals for the one case that does without.
	// What the words ask for, read once; an error is reported once the
	// log is set up (after the subcommands, which it may be about).
	inv, invErr := parseInvocation(args)
	if invErr == nil && inv.mode == "agent" && h.reserveFD != nil {
		// Before anything opens a descriptor (the signal pipe, the
		// runtime's poller).
		h.reserveFD()
	}
	var sigs *entrypoint.Signals
	need, supervise := needSignals(h, inv, invErr)
	if need {
		sigs = entrypoint.CatchSignals(supervise)
	}
	if invErr == nil {
		growStack(inv, supervise)
	}

	pl, code := newPlanner(h, args)
	if pl == nil {
		return code
	}
	if code, done := subcommand(pl, args); done {
		return code
	}
	if invErr != nil {
		pl.log.Error(invErr.Error())
		return exitUsage
	}
	if inv.mode == "agent" && jnlp.NeedsReexec(inv.args) {
		return reexecWithoutSecret(h, inv.args, pl.log)
	}
	return pl.start(&inv, sigs)
}

// growStack gives the main goroutine the stack that the run ahead needs,
// in one copy now, while the stack holds three frames. Agent mode reaches
// 7 KiB (in cgroup detection) and a supervisor 5 KiB (at the fork), more
// than the first 4 KiB; grown on the way, the stack is copied when it is
// deep (agent mode twice: to 8, then 16 KiB), and a copy reads every
// frame's tables in the binary, mostly pages that nothing touched yet.
// Same binary, 1000 interleaved runs: agent mode 35-90 us faster so, and
// as PID 1 76-97 us slower without it. A command that replaces the
// launcher fits its first stack (see run) and is left alone.
func growStack(inv invocation, supervise bool) {
	switch {
	case inv.mode == "agent":
		reserveStack16K()
	case supervise:
		reserveStack8K()
	}
}

// reserveStack8K and reserveStack16K have frames that the runtime can only
// fit by growing the stack to 8 and 16 KiB.
//
//go:noinline
func reserveStack8K() byte {
	var pad [5 << 10]byte
	return lastByte(pad[:])
}

//go:noinline
func reserveStack16K() byte {
	var pad [10 << 10]byte
	return lastByte(pad[:])
}

//go:noinline
func lastByte(b []byte) byte { return b[len(b)-1] }

// newPlanner reads the settings and sets up the log; a nil planner ends the
// run with code. The settings are read in a frame of their own
// (loadPlanner): a config.Config held here would sit, some 700 bytes,
// under the logger's set-up, the deepest point of a start that replaces
// the launcher, which then no longer fits its first stack on arm64, whose
// frames are larger (TestStartFitsFirstStack).
func newPlanner(h *host, args []string) (*planner, int) {
	pl, code := loadPlanner(h, args)
	if pl == nil {
		return nil, code
	}
	pl.log = newLogger(h.stderr, pl.cfg.LogFormat, pl.cfg.LogLevel)
	for _, name := range config.Unknown(h.env) {
		pl.log.Warn("unknown setting ignored: no LAUNCHER_* variable has this name (see README, Configuration)", "variable", name)
	}
	return pl, exitOK
}

// loadPlanner is newPlanner's reading of the settings, without the log.
//
//go:noinline
func loadPlanner(h *host, args []string) (*planner, int) {
	cfg, err := config.LoadFrom(h.lookup)
	if err != nil {
		if len(args) > 0 && args[0] == "plan" {
			return nil, planConfigError(*h, args[1:], err)
		}
		fmt.Fprintf(h.stderr, "launcher: invalid setting: %v\n", err)
		return nil, exitUsage
	}
	return &planner{h: *h, cfg: cfg}, exitOK
}

// subcommand runs version, help, install and plan; done is false for
// anything else.
func subcommand(pl *planner, args []string) (code int, done bool) {
	if len(args) == 0 {
		return 0, false
	}
	h, log := &pl.h, pl.log
	switch args[0] {
	case "version":
		fmt.Fprintln(h.stdout, "launcher", version)
		return exitOK, true
	case "help":
		fmt.Fprint(h.stdout, usage)
		return exitOK, true
	case "install":
		if len(args) != 2 {
			fmt.Fprint(h.stderr, "launcher install: want exactly one directory\n"+usage)
			return exitUsage, true
		}
		self, err := h.self()
		if err == nil {
			err = installSelf(args[1], self)
		}
		if err != nil {
			log.Error("install failed", "dir", args[1], "error", err)
			return exitInternal, true
		}
		log.Info("installed", "path", args[1]+"/launcher")
		return exitOK, true
	case "plan":
		return planCommand(*h, pl.cfg, log, args[1:]), true
	}
	return 0, false
}

// start plans the run and carries it out.
func (pl *planner) start(inv *invocation, sigs *entrypoint.Signals) int {
	ctx := context.Background()
	if sigs != nil {
		ctx = sigs.Context(ctx)
		pl.signals = sigs.Ready
	}
	p := pl.build(ctx, *inv)
	if ctx.Err() != nil {
		return signalExit(ctx)
	}
	pl.logPlan(p)
	if p.ExitCode != exitOK {
		pl.log.Error("cannot start", "exit_code", p.ExitCode, "reason", p.Reason)
		return p.ExitCode
	}
	return pl.execute(ctx, p, sigs)
}

// needSignals reports whether the launcher needs a Signals, and whether
// it will supervise (and so forward every signal from the start). A run
// that will replace itself (agent, exec or single-command mode, not PID 1,
// no subreaper) gets one that starts catching only when it has to, before
// it creates a home or runs `java -version` (see entrypoint.CatchSignals):
// catching costs a pipe, a goroutine in the poller and a system call per
// signal, which a quick start to exec does without. Runs of nothing (plan,
// version, help, install) get none: a signal's default action ends them.
func needSignals(h *host, inv invocation, invErr error) (need, supervise bool) {
	if h.pid == 1 {
		return true, true
	}
	if v, ok := h.lookup("LAUNCHER_SUBREAPER"); ok {
		// A bad value catches until config rejects it.
		if b, err := strconv.ParseBool(v); err != nil || b {
			return true, true
		}
	}
	// plan, version, help and install (invErr: not a run) run nothing and
	// end in milliseconds.
	return invErr == nil, false
}

// reexecWithoutSecret runs the launcher again with the secrets moved from
// its arguments (which every user can read in ps) into inherited
// descriptors of anonymous files: the agent secret, and the other words
// jnlp.HideArgs keeps off a command line.
func reexecWithoutSecret(h *host, args []string, log interface{ Error(string, ...any) }) int {
	_, secret, hidden, err := jnlp.ReexecArgs(args, 0, 0)
	if err != nil {
		log.Error("cannot move the secret out of the command line", "error", err)
		return exitUsage
	}
	// An inherited descriptor (the fd number stays across the exec of
	// ourselves) for each file there is something to put in.
	inherit := func(make func() (*os.File, error)) (int, error) {
		f, err := make()
		if err == nil {
			err = jnlp.InheritAt(f, int(f.Fd()))
		}
		if err != nil {
			return 0, err
		}
		return int(f.Fd()), nil
	}
	secretFD, hiddenFD := 0, 0
	if secret != "" {
		secretFD, err = inherit(func() (*os.File, error) { return jnlp.SecretFile(secret) })
	}
	if err == nil && len(hidden) > 0 {
		hiddenFD, err = inherit(func() (*os.File, error) { return jnlp.ArgsFile(hidden) })
	}
	if err != nil {
		log.Error("cannot move the secret out of the command line", "error", err)
		return exitInternal
	}
	newArgs, _, _, err := jnlp.ReexecArgs(args, secretFD, hiddenFD)
	if err != nil {
		log.Error("cannot move the secret out of the command line", "error", err)
		return exitUsage
	}
	self := "/proc/self/exe"
	err = syscall.Exec(self, append([]string{os.Args[0]}, newArgs...), h.env)
	log.Error("re-executing the launcher failed", "path", self, "error", err)
	return exitInternal
}
