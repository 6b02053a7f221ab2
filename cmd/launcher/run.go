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
func run(h host, args []string) int {
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
	if need, supervise := needSignals(h, inv, invErr); need {
		sigs = entrypoint.CatchSignals(supervise)
	}

	cfg, err := config.LoadFrom(h.lookup)
	if err != nil {
		if len(args) > 0 && args[0] == "plan" {
			return planConfigError(h, args[1:], err)
		}
		fmt.Fprintf(h.stderr, "launcher: invalid setting: %v\n", err)
		return exitUsage
	}
	log := newLogger(h.stderr, cfg.LogFormat, cfg.LogLevel)
	for _, name := range config.Unknown(h.env) {
		log.Warn("unknown setting ignored: no LAUNCHER_* variable has this name (see README, Configuration)", "variable", name)
	}

	if len(args) > 0 {
		switch args[0] {
		case "version":
			fmt.Fprintln(h.stdout, "launcher", version)
			return exitOK
		case "help":
			fmt.Fprint(h.stdout, usage)
			return exitOK
		case "install":
			if len(args) != 2 {
				fmt.Fprint(h.stderr, "launcher install: want exactly one directory\n"+usage)
				return exitUsage
			}
			self, err := h.self()
			if err == nil {
				err = installSelf(args[1], self)
			}
			if err != nil {
				log.Error("install failed", "dir", args[1], "error", err)
				return exitInternal
			}
			log.Info("installed", "path", args[1]+"/launcher")
			return exitOK
		case "plan":
			return planCommand(h, cfg, log, args[1:])
		}
	}

	if invErr != nil {
		log.Error(invErr.Error())
		return exitUsage
	}
	if inv.mode == "agent" && jnlp.NeedsReexec(inv.args) {
		return reexecWithoutSecret(h, inv.args, log)
	}
	ctx := context.Background()
	if sigs != nil {
		ctx = sigs.Context(ctx)
	}
	pl := planner{h: h, cfg: cfg, log: log}
	if sigs != nil {
		pl.signals = sigs.Ready
	}
	p := pl.build(ctx, inv)
	if ctx.Err() != nil {
		return signalExit(ctx)
	}
	pl.logPlan(p)
	if p.ExitCode != exitOK {
		log.Error("cannot start", "exit_code", p.ExitCode, "reason", p.Reason)
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
func needSignals(h host, inv invocation, invErr error) (need, supervise bool) {
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
func reexecWithoutSecret(h host, args []string, log interface{ Error(string, ...any) }) int {
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
