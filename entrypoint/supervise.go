package entrypoint

import (
	"context"
	"log/slog"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// shrinkDelay is how long the command runs before the supervisor gives
// memory back.
const shrinkDelay = 50 * time.Millisecond

// DefaultStopGrace is how long the rest of the command's process group has
// between SIGTERM and SIGKILL once the command itself has exited.
const DefaultStopGrace = 5 * time.Second

// Options tune Supervise.
type Options struct {
	Subreaper   bool          // LAUNCHER_SUBREAPER: adopt orphans even when not PID 1
	SignalGroup bool          // LAUNCHER_SIGNAL_GROUP: forward signals to the command's whole process group
	StopGrace   time.Duration // LAUNCHER_STOP_GRACE; 0 means DefaultStopGrace, NoStopGrace none
	Logger      *slog.Logger  // nil: silent
	OOM         *OOMWatch     // nil: no OOM diagnosis
	// ProcessRoom says how many more processes and threads the
	// tightest process limit allows and names it, with what raises it
	// (limit "": no limit known), before the supervisor starts the idle
	// threads it keeps (see holdThreads). nil: as if unlimited.
	ProcessRoom func() (free int64, limit string)
	// Quiet logs the command's start and exit at debug level instead of
	// info: a plain command's stderr is its own, as under tini.
	Quiet bool
	// NotStarted runs when the command does not start after all (a
	// terminating signal during set-up, or it cannot be executed), before
	// Run returns, so that the caller removes what it made for it (a
	// home, a passwd line). nil: nothing.
	NotStarted func()
}

// notStarted runs o.NotStarted, if any.
func (o Options) notStarted() {
	if o.NotStarted != nil {
		o.NotStarted()
	}
}

// Supervise starts cmd as a child in its own process group (the terminal's
// foreground group when stdin is a terminal) and stays until it exits:
// every catchable signal but SIGCHLD, SIGURG and SIGPIPE is forwarded to it
// (or to its group with SignalGroup), every zombie is reaped, and when the
// command exits what remains of its group gets SIGTERM, then SIGKILL after
// StopGrace. It returns the command's exit code, 128+n if signal n killed
// it, 128+n without starting it if a terminating signal arrived during
// set-up, or 126/127/70 if it could not be started.
func Supervise(cmd Command, sigs *Signals, opts Options) int {
	logger := orDiscard(opts.Logger)
	if sigs == nil {
		sigs = CatchSignals(true)
	}
	// Every signal sent once the command runs must reach it.
	sigs.awaitForwarded()
	if se := sigs.takeOver(); se != nil {
		logger.Info("not starting the command: signal received during set-up", "signal", se.Signal.String())
		opts.notStarted()
		return se.ExitCode()
	}
	if opts.Subreaper && os.Getpid() != 1 {
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
			logger.Warn("cannot become a subreaper: orphans of the command will not be reaped here", "err", err)
		}
	}

	// Before the start, so that no exit goes unseen.
	sigs.catchChildren()
	// Signals left ignored (SIGPIPE, and any inherited ignored that is not
	// caught) would be ignored in the command too: see forkDispositions.
	afterFork := forkDispositions(sigs.handled())
	terminal := stdinIsControllingTerminal()
	var pid int
	err := startAsShells(&cmd, logger, func(c *Command) (err error) {
		pid, err = startChild(*c, terminal)
		return err
	})
	afterFork()
	if err != nil {
		code, err := execError(cmd.Path, err)
		logger.Error("cannot start the command", "path", cmd.Path, "err", err, "exit_code", code)
		opts.notStarted()
		return code
	}
	lifecycle := slog.LevelInfo
	if opts.Quiet {
		lifecycle = slog.LevelDebug
	}
	logger.Log(context.Background(), lifecycle, "command started", "path", cmd.Path, "pid", pid)
	ev := sigs.handOver()
	// The OOM counter's first reading comes after the start, so that
	// finding the cgroup does not delay the command; no command fills a
	// memory limit in the moment between. Read here, not beside the
	// wait: a goroutine of its own started a thread, and cost a start
	// more than the reading.
	oomBefore, oomOK := opts.OOM.start(logger)

	s := &supervisor{pid: pid, pgid: pid, opts: opts, logger: logger, reaper: reaper{main: pid}, events: ev}
	status := s.waitMain()
	code := exitCode(status)
	logger.Log(context.Background(), lifecycle, "command exited", "pid", pid, "exit_code", code)
	if status.Signaled() && status.Signal() == syscall.SIGKILL && oomOK {
		opts.OOM.diagnose(oomBefore, logger)
	}
	s.stopGroup(grace(opts.StopGrace))
	if terminal {
		restoreForeground()
	}
	return code
}

// NoStopGrace as Options.StopGrace sends SIGKILL right after SIGTERM (the
// zero value is DefaultStopGrace, for callers that leave it unset).
const NoStopGrace time.Duration = -1

func grace(d time.Duration) time.Duration {
	switch {
	case d == 0:
		return DefaultStopGrace
	case d < 0:
		return 0
	}
	return d
}

// supervisor is the state of one supervised run.
type supervisor struct {
	pid    int // the command
	pgid   int // its process group, which it leads
	opts   Options
	logger *slog.Logger
	reaper reaper
	events events
}

// waitMain forwards signals until the command has exited. Set-up garbage
// (HTTP client, plan, JSON) is dead by now: a little later (a command that
// exits at once is not worth a GC) it gives the pages back, so that the
// idle supervisor stays small; here, not in a goroutine of its own
// (time.AfterFunc), whose exit would read the runtime's function table
// back in: 0.2-0.3 MiB of resident pages.
func (s *supervisor) waitMain() unix.WaitStatus {
	shrinkAt := time.Now().Add(shrinkDelay)
	shrunk := false
	for {
		s.reaper.reap()
		if s.reaper.exited {
			return s.reaper.status
		}
		wait := time.Duration(-1)
		if !shrunk {
			wait = max(time.Until(shrinkAt), 0)
		}
		for _, sig := range s.events.next(wait) {
			s.forward(sig)
		}
		if !shrunk && !time.Now().Before(shrinkAt) {
			shrunk = true
			// Before the shrink's collection; not at the start,
			// where it would cost every supervised start 0.6 ms. A
			// command that fills the process limit sooner gets one
			// P instead (see holdThreads).
			if held, free, limit := holdThreads(spareThreads, s.opts.ProcessRoom); held {
				s.logger.Debug("supervisor settled: idle threads kept for a full process limit", "spare_threads", spareThreads)
			} else {
				s.logger.Warn("the process limit is nearly reached: the supervisor keeps the threads it has and runs on one processor; raise "+limit, "free", free, "wanted", threadsNeeded)
				// Before the shrink, which drops the code that ran.
				s.events = holdProcessor(s.events)
			}
			shrinkWhileWaiting()
		}
	}
}

// forward passes sig on to the command, or its process group.
func (s *supervisor) forward(sig syscall.Signal) {
	if !forwarded(sig) {
		return
	}
	target := s.pid
	if s.opts.SignalGroup {
		target = -s.pgid
	}
	if err := unix.Kill(target, sig); err != nil && err != unix.ESRCH {
		s.logger.Warn("cannot forward signal", "signal", sig.String(), "target", target, "err", err)
		return
	}
	s.logger.Debug("forwarded signal", "signal", sig.String(), "target", target)
}
