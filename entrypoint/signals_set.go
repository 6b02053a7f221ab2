package entrypoint

import (
	"slices"
	"syscall"
)

// sigRTMax is the highest signal number Linux delivers.
const sigRTMax = 64

// caughtSignals lists the signals CatchSignals catches: first when it
// starts catching, rest once it must supervise. Until a signal is caught
// Go's default applies: SIGHUP, SIGINT and SIGTERM kill the launcher (a
// PID 1 exits 2 instead: the kernel ignores the default action for it),
// SIGQUIT, SIGABRT and SIGSYS make it exit 2 with a goroutine dump, stop
// signals stop it (not as PID 1), and the rest are ignored.
//
// A supervisor catches everything it forwards (see forwarded), at once,
// plus SIGPIPE (ignored: see terminates). Left alone are SIGKILL and
// SIGSTOP, which nobody can catch, and what the Go runtime needs: SIGURG
// for goroutine preemption, SIGPROF for its profiler, and 33 for changing
// the credentials of every thread. SIGCHLD comes later, just before the
// command starts (see catchChildren): set-up waits for its own children.
//
// A launcher that will replace itself forwards nothing: first come the
// signals that must end it through its clean-up with 128+n (Go would exit
// 2 on SIGQUIT and SIGABRT, and ignore SIGUSR1 and SIGUSR2), and SIGPIPE.
// The rest, stop signals among them (^Z stops it as it would stop the
// command), keep their default unless it has to supervise after all.
func caughtSignals(supervise bool) (first, rest []syscall.Signal) {
	all := make([]syscall.Signal, 0, sigRTMax)
	for n := syscall.Signal(1); n <= sigRTMax; n++ {
		if forwarded(n) || n == syscall.SIGPIPE {
			all = append(all, n)
		}
	}
	if supervise {
		return all, nil
	}
	first = []syscall.Signal{syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGABRT, syscall.SIGPIPE, syscall.SIGUSR1, syscall.SIGUSR2}
	for _, n := range all {
		if !slices.Contains(first, n) {
			rest = append(rest, n)
		}
	}
	return first, rest
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

// forwarded reports whether the supervisor passes sig on to the command:
// every signal but SIGKILL and SIGSTOP, which never reach it, SIGCHLD, its
// own business, and those the Go runtime keeps (see caughtSignals).
// SIGPIPE is not forwarded for the reason given at terminates: the
// launcher cannot tell an external one from its own broken log pipe.
func forwarded(sig syscall.Signal) bool {
	switch sig {
	case syscall.SIGKILL, syscall.SIGSTOP, syscall.SIGCHLD, syscall.SIGPIPE,
		syscall.SIGURG, syscall.SIGPROF, sigSetCredentials:
		return false
	}
	return sig > 0 && sig <= sigRTMax
}

// sigSetCredentials is the signal the Go runtime sends its own threads to
// make each of them run a system call such as setuid (glibc's SIGSETXID).
const sigSetCredentials = syscall.Signal(33)
