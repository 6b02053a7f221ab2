package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/jenkins-launcher/launcher/cgroup"
	"github.com/jenkins-launcher/launcher/config"
	"github.com/jenkins-launcher/launcher/entrypoint"
	"github.com/jenkins-launcher/launcher/jnlp"
)

// execute carries out a plan that would go ahead: it makes the home, waits
// for the controller, fetches agent.jar, then hands the finished command to
// entrypoint. A signal before the child starts ends it with 128+n, after
// removing what it created.
func (pl *planner) execute(ctx context.Context, p *Plan, sigs *entrypoint.Signals) int {
	log := pl.log
	var cleanups []func()
	undo := func() {
		for i := len(cleanups) - 1; i >= 0; i-- {
			cleanups[i]()
		}
	}
	stopped := func() (int, bool) {
		if ctx.Err() == nil {
			return 0, false
		}
		undo()
		return signalExit(ctx), true
	}

	// A launcher that replaces itself catches signals only from the first
	// Ready on: before it creates something a signal must clean up, or
	// waits for long. Until then a signal ends it by its default action
	// with the same 128+n, and there is nothing to clean up.
	ready := pl.awaitSignals
	homeEnv, cleanup, ok := pl.applyHome(ctx, p)
	if !ok {
		return exitInternal
	}
	cleanups = append(cleanups, cleanup)
	if code, ok := stopped(); ok {
		return code
	}
	env := entrypoint.MergeEnv(p.env, homeEnv)

	var extra []*os.File
	if a := p.agent; a != nil && !a.Info {
		var code int
		if extra, code = pl.prepareAgent(ctx, p, a, ready, stopped, undo); code != exitOK {
			return code
		}
	}
	if code, ok := stopped(); ok {
		return code
	}

	pl.logStart(ctx, p)
	opts := entrypoint.Options{
		Subreaper:   pl.cfg.Subreaper,
		SignalGroup: pl.cfg.SignalGroup,
		StopGrace:   stopGrace(pl.cfg.StopGrace),
		Logger:      log,
		OOM:         pl.oomWatch(p),
		ProcessRoom: pl.processRoom,
		Quiet:       p.Agent == nil,
		NotStarted:  undo,
	}
	return entrypoint.Run(&entrypoint.Command{Path: p.path, Args: p.argv, Env: env, ExtraFiles: extra}, sigs, &opts)
}

// applyHome makes the plan's home and says so in the log; ok is false
// when there is none. It, logHome and logStart are functions of their own:
// their values and logging would otherwise sit in execute's frame on the
// launcher's start-up stack (see run).
func (pl *planner) applyHome(ctx context.Context, p *Plan) (env []string, cleanup func(), ok bool) {
	in := pl.identityInput()
	in.BeforeChange = pl.awaitSignals
	planned := p.Home.Path
	env, cleanup, err := entrypoint.ApplyHomeInto(&in, &p.Home)
	if err != nil {
		pl.noHome(err)
		return nil, nil, false
	}
	if p.Home.Path != planned {
		p.rehome(planned)
	}
	pl.logHome(ctx, p)
	return env, cleanup, true
}

// noHome logs that no home is usable. Not inlined, nor is rehome: their
// values would sit in applyHome's frame on the start-up stack, where arm64
// outgrew the first 4 KiB in an allocation's slow path below
// ApplyHomeInto (TestStartFitsFirstStack).
//
//go:noinline
func (pl *planner) noHome(err error) {
	pl.log.Error("no usable home directory", "error", err)
}

// logHome says which home the command gets (see applyHome).
func (pl *planner) logHome(ctx context.Context, p *Plan) {
	level := slog.LevelDebug
	if p.Home.Action != entrypoint.HomeKept || p.Home.Passwd != entrypoint.PasswdPresent || p.Agent != nil {
		level = slog.LevelInfo
	}
	if pl.log.Enabled(ctx, level) {
		pl.log.Log(ctx, level, "home", "path", p.Home.Path, "action", p.Home.Action, "passwd", p.Home.Passwd, "uid", p.Home.UID, "gid", p.Home.GID)
	}
}

// logStart logs the command about to start (see applyHome).
func (pl *planner) logStart(ctx context.Context, p *Plan) {
	p.Command = jnlp.Redact(p.argv)
	level := slog.LevelDebug
	if p.Agent != nil {
		level = slog.LevelInfo
	}
	if pl.log.Enabled(ctx, level) {
		pl.log.Log(ctx, level, "starting", "supervise", p.Supervise, "command", fmt.Sprintf("%q", p.Command))
	}
}

// oomWatch prepares the OOM diagnosis of a supervised command. Supervise
// reads the counter first once the command has started, and again only if
// the command dies of SIGKILL (never at the same time). Limits still to
// come (see build) are not needed for the counter: its file is found from
// the two small proc files alone, and the limits are read, and logged,
// only for a diagnosis, or before the start when debug logging wants them
// (see deferLimits). That
// spares the command's start four kernel-formatted files (and on ECS an
// HTTP request): for `exec -- /bin/true` as PID 1, 0.15-0.25 ms of CPU and
// 8 page faults (one binary, both ways, 600 runs each).
func (pl *planner) oomWatch(p *Plan) *entrypoint.OOMWatch {
	if !p.Supervise {
		return nil
	}
	limits := func() cgroup.Limits {
		if p.limits != nil {
			// Read for this alone: nothing was planned from them.
			p.awaitLimits()
			pl.logLimits(slog.LevelDebug, p.Limits)
		}
		return p.Limits
	}
	counter := ""
	find := func() (string, error) {
		if p.limits != nil {
			// Deferred (see deferLimits): not worth reading now.
			return cgroup.FindOOMKillFile(pl.h.root)
		}
		if f := limits().OOMKillFile; f != "" {
			return f, nil
		}
		return "", errors.New("no oom_kill counter found for the container's memory cgroup")
	}
	w := &entrypoint.OOMWatch{
		Read: func() (uint64, error) {
			if counter == "" {
				f, err := find()
				if err != nil {
					return 0, err
				}
				counter = f
			}
			return cgroup.ReadOOMKills(pl.h.root, counter)
		},
		Limit: func() string {
			l := limits()
			if l.MemoryBytes == nil {
				return "no limit found"
			}
			return fmt.Sprintf("%s (%s)", config.HumanSize(*l.MemoryBytes), l.MemorySource)
		},
		Advice: "raise the container memory limit, or lower LAUNCHER_JVM_MEMORY so builds beside the agent have more room (LAUNCHER_JVM_THREADS/LAUNCHER_JVM_CLASSES if the agent runs more threads or classes than planned)",
	}
	if p.JVM != nil {
		w.JVMFlags = p.JVM.Flags
	}
	return w
}

// processRoom is entrypoint's Options.ProcessRoom: the least room of the
// pids cgroup and the user's RLIMIT_NPROC, and what raises that one. A
// limit that cannot be read counts as none, as detection treats an
// unreadable limit. RLIMIT_NPROC's room is an upper bound (see
// cgroup.NprocFree): a user whose threads elsewhere fill it goes
// unnoticed here.
func (pl *planner) processRoom() (free int64, limit string) {
	if n, limited, err := cgroup.PidsFree(pl.h.root); err != nil {
		pl.log.Debug("process limit unknown", "limit", "pids.max", "error", err)
	} else if limited {
		free, limit = n, "pids.max (podPidsLimit, --pids-limit)"
	}
	if pl.h.nprocLimit == nil {
		return free, limit
	}
	n, limited, err := cgroup.NprocFree(pl.h.root, pl.h.uid, pl.h.nprocLimit())
	if err != nil {
		pl.log.Debug("process limit unknown", "limit", "RLIMIT_NPROC", "error", err)
	} else if limited && (limit == "" || n < free) {
		free, limit = n, "ulimit -u (RLIMIT_NPROC, --ulimit nproc) for uid "+strconv.Itoa(pl.h.uid)
	}
	return free, limit
}

// stopGrace maps LAUNCHER_STOP_GRACE to entrypoint's option: 0 there is
// "no grace" (as `docker stop -t 0`), where entrypoint's zero means unset.
func stopGrace(d time.Duration) time.Duration {
	if d == 0 {
		return entrypoint.NoStopGrace
	}
	return d
}

func signalExit(ctx context.Context) int {
	var se *entrypoint.SignalError
	if errors.As(context.Cause(ctx), &se) {
		return se.ExitCode()
	}
	return exitInternal
}

// prepareAgent waits for the controller, fetches agent.jar, prepares the
// work directory and the agent's command line, and returns the file that
// hands it its secret, or the exit code that ends the run (exitOK: go on).
// A method of its own: its locals would otherwise sit in execute's frame,
// and make every run's stack outgrow its first 4 KiB (see run); agent mode
// grows its stack at the start instead (growStack).
func (pl *planner) prepareAgent(ctx context.Context, p *Plan, a *jnlp.Agent, ready func(), stopped func() (int, bool), undo func()) ([]*os.File, int) {
	log := pl.log
	var extra []*os.File
	if pl.cfg.ConnectTimeout > 0 || p.Agent.JarSource != "image" {
		// Talking to the controller starts the runtime's poller,
		// which needs descriptors of its own.
		if err := entrypoint.StartPoller(); err != nil {
			undo()
			log.Error("cannot talk to the controller", "error", err)
			return nil, exitInternal
		}
	}
	// One client for the wait and the download, made only if one of
	// them talks to the controller, and dropped before the agent runs.
	client := jnlp.NewSharedClient(*a)
	if pl.cfg.ConnectTimeout > 0 {
		// The wait may be long: every signal that should end it
		// must be caught by then.
		ready()
	}
	// failed ends the run after a wait or a download that failed: with
	// 128+n if a signal cut it short.
	failed := func(code int, msg string, err error) ([]*os.File, int) {
		if c, ok := stopped(); ok {
			return nil, c
		}
		undo()
		log.Error(msg, "error", err)
		return nil, code
	}
	readyURL, err := jnlp.WaitReady(ctx, *a, jnlp.WaitOptions{Timeout: pl.cfg.ConnectTimeout, Logger: log, Client: client})
	if err != nil {
		return failed(exitUnavail, "controller not reachable", err)
	}
	if p.Agent.JarSource != "image" {
		// A download writes a temporary file.
		ready()
	}
	jar, source, err := jnlp.EnsureJar(ctx, *a, jnlp.JarOptions{
		// The image's jar: p.Agent.Jar is where a download goes,
		// and a file left there by an earlier run proves nothing.
		Path:     a.Jar,
		Download: pl.cfg.AgentDownload,
		CacheDir: pl.cacheDir(p.Home.Path),
		Logger:   log,
		Client:   client,
		Ready:    readyURL,
	})
	client.Close()
	if err != nil {
		return failed(exitNoInput, "agent.jar not available", err)
	}
	// Made only now: a signal or a timeout while waiting leaves
	// nothing behind.
	// With -failIfWorkDirIsMissing remoting refuses a missing one, which
	// is the point: nothing is made or moved for it.
	if a.WorkDir != "" && !a.StrictWorkDir {
		use, warn, err := jnlp.PrepareWorkDir(a.WorkDir, p.Home.Path)
		if err != nil {
			undo()
			log.Error("agent work directory unusable", "dir", a.WorkDir, "error", err)
			return nil, exitInternal
		}
		if warn != "" {
			log.Warn(warn)
		}
		a.WorkDir = use
	}
	p.Agent.Jar, p.Agent.JarSource, p.Agent.WorkDir = jar, source, a.WorkDir
	p.argv, p.fdArgs = agentArgv(p.path, p.JVM.Flags, *a, jar)
	if len(p.fdArgs) > 0 {
		f, err := jnlp.ArgsFile(p.fdArgs)
		if err != nil {
			undo()
			log.Error("cannot hand the secret to the agent", "error", err)
			return nil, exitInternal
		}
		// entrypoint puts it at fd 3 for a child and for an exec alike.
		extra = append(extra, f)
	}
	return extra, exitOK
}
