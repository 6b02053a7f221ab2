package entrypoint

import (
	"slices"
	"syscall"
)

// sigRTMax is the highest signal number Linux delivers.
const sigRTMax = 64

// caughtSignals lists the signals CatchSignals catches, in two parts,
// early and late, in order, all in the background. Each signal.Notify costs a
// hand-off to the runtime's signal thread (20-45 us here, far more on a
// loaded host). Until a signal is caught Go's default applies: SIGHUP,
// SIGINT and SIGTERM kill the launcher (a PID 1 exits 2 instead: the kernel
// ignores the default action for it), SIGQUIT, SIGABRT and SIGSYS make it
// exit 2 with a goroutine dump, stop signals stop it (not as PID 1), and
// the rest are ignored.
//
// A supervisor catches what it forwards (see forwarded), plus SIGPIPE:
// not SIGCHLD, since its reaper blocks in wait4 instead, nor SIGURG, which
// the Go runtime sends itself for goroutine preemption and which would
// otherwise flood the channel. First come what engines and terminals send,
// SIGTERM and SIGINT; then the other standard signals, urgent ones first;
// Supervise waits for all of those before the fork, so that every standard
// signal sent once the command runs reaches it (SIGWINCH from `docker run
// -it`, SIGQUIT for a JVM thread dump). The real-time ones, which nobody
// sends at start, follow once the command has started. Notify silently
// skips the numbers Go keeps (SIGPROF, 32, 33).
//
// A launcher that will replace itself forwards nothing: it catches early
// the signals that must end it through its clean-up with 128+n, and only
// from its first Ready on (see CatchSignals). Its late list is for
// Supervise, should it have to supervise after all.
func caughtSignals(supervise bool) (early, late []syscall.Signal) {
	if supervise {
		early = []syscall.Signal{syscall.SIGTERM, syscall.SIGINT}
	} else {
		// SIGPIPE so that a broken log pipe does not kill the launcher;
		// SIGUSR1 and SIGUSR2, which Go would ignore, as requests to stop.
		early = []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGABRT, syscall.SIGPIPE, syscall.SIGUSR1, syscall.SIGUSR2}
	}
	skip := func(n syscall.Signal) bool {
		return slices.Contains(early, n) ||
			n == syscall.SIGKILL || n == syscall.SIGSTOP || n == syscall.SIGURG || n == syscall.SIGCHLD
	}
	var standard []syscall.Signal
	for n := syscall.Signal(1); n <= sigRTMax; n++ {
		switch {
		case skip(n):
		case supervise && urgent(n):
			early = append(early, n)
		case supervise && n < 32:
			standard = append(standard, n)
		default:
			// A launcher that meant to replace itself and has to
			// supervise after all catches these then (Supervise).
			late = append(late, n)
		}
	}
	return append(early, standard...), late
}

// urgent says whether a supervisor catches sig before the other standard
// signals: the Go runtime kills the process on SIGHUP, SIGINT and SIGTERM,
// dumps goroutines and exits 2 on SIGQUIT and SIGABRT, and dies on SIGPIPE
// from its own broken stderr; SIGUSR1 and SIGUSR2 are the usual requests
// to a running program; and SIGHUP, SIGINT, SIGCONT, SIGTSTP, SIGTTIN and
// SIGTTOU keep an inherited SIG_IGN until caught. Any other signal arriving
// in the first milliseconds gets Go's default treatment: it is dropped, as
// a PID 1 would drop it.
func urgent(sig syscall.Signal) bool {
	switch sig {
	case syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGABRT,
		syscall.SIGPIPE, syscall.SIGTERM, syscall.SIGUSR1, syscall.SIGUSR2,
		syscall.SIGCONT, syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU:
		return true
	}
	return false
}

// terminates reports whether sig, arriving before the command runs, ends the
// launcher. These are the signals whose default action terminates a process
// (with or without a core dump): a PID 1 would otherwise ignore them and a Go
// program would exit 2 for some. The exceptions keep their default meaning:
// SIGCHLD, SIGCONT, SIGURG and SIGWINCH are ignored by default, SIGTSTP,
// SIGTTIN and SIGTTOU stop rather than terminate, and SIGPIPE is excluded
// because Go raises it for the launcher's own write to a closed stdout or
// stderr, which must not abort a working agent.
func terminates(sig syscall.Signal) bool {
	switch sig {
	case syscall.SIGCHLD, syscall.SIGCONT, syscall.SIGURG, syscall.SIGWINCH,
		syscall.SIGTSTP, syscall.SIGTTIN, syscall.SIGTTOU, syscall.SIGSTOP,
		syscall.SIGPIPE:
		return false
	}
	return sig > 0 && sig <= sigRTMax
}

// forwarded reports whether the supervisor passes sig on to the command.
// SIGCHLD is the supervisor's own business and SIGURG the Go runtime's;
// SIGPIPE is not forwarded for the reason given at terminates: the launcher
// cannot tell an external one from its own broken log pipe.
func forwarded(sig syscall.Signal) bool {
	switch sig {
	case syscall.SIGCHLD, syscall.SIGURG, syscall.SIGPIPE, syscall.SIGKILL, syscall.SIGSTOP:
		return false
	}
	return sig > 0 && sig <= sigRTMax
}
