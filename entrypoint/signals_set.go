package entrypoint

import "syscall"

// sigRTMax is the highest signal number Linux delivers.
const sigRTMax = 64

// sigRTMin is the first real-time signal a program may use (glibc keeps 32
// and 33 for itself).
const sigRTMin = 34

// caughtSignals lists every signal the launcher catches: all but SIGKILL
// and SIGSTOP, which cannot be caught, and SIGURG, which the Go runtime
// sends itself for goroutine preemption and which would otherwise flood the
// channel. SIGCHLD is caught on its own channel (see CatchSignals). Notify
// silently skips the few numbers Go keeps for itself (SIGPROF, 32, 33).
// Catching costs per signal, so they come in three parts: the urgent ones
// before CatchSignals returns, then in the background the other standard
// signals (Supervise waits for them once the command has started) and the
// real-time ones (nobody stops a container with those).
func caughtSignals() (first, standard, realtime []syscall.Signal) {
	for n := syscall.Signal(1); n <= sigRTMax; n++ {
		switch {
		case n == syscall.SIGKILL, n == syscall.SIGSTOP, n == syscall.SIGURG, n == syscall.SIGCHLD:
		case urgent(n):
			first = append(first, n)
		case n < sigRTMin:
			standard = append(standard, n)
		default:
			realtime = append(realtime, n)
		}
	}
	return first, standard, realtime
}

// urgent says whether CatchSignals catches sig before it returns. Each
// signal.Notify costs a hand-off to the runtime's signal thread (15-50 us,
// far more on a loaded host), so only those come first that matter from the
// first instant: the Go runtime kills the process on SIGHUP, SIGINT and
// SIGTERM, dumps goroutines and exits 2 on SIGQUIT and SIGABRT, and dies on
// SIGPIPE from its own broken stderr; SIGUSR1 and SIGUSR2 are the usual
// requests to a running program; and SIGHUP, SIGINT, SIGCONT, SIGTSTP,
// SIGTTIN and SIGTTOU keep an inherited SIG_IGN, which the command would
// inherit too, until they are caught. Any other signal arriving in the
// first milliseconds gets Go's default treatment: it is dropped, as a PID 1
// would drop it.
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
