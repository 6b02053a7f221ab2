package entrypoint

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// reaper collects every child that exits, orphans adopted as PID 1 or
// subreaper included. The supervisor calls reap after every wake-up (each
// SIGCHLD wakes it, see catchChildren), on its own goroutine: a reaper
// blocked in wait4 would hold a thread for the life of the agent, and a
// supervisor whose process limit is full has no thread to spare (see
// holdThreads). Once the command has started it must be the only waiter
// (REFERENCE.md section 6: another would steal statuses), which is why
// nothing in the launcher starts processes from then on.
type reaper struct {
	main   int
	status unix.WaitStatus // the command's, once exited
	exited bool
}

// reap collects every zombie there is now, without blocking. SIGCHLD is not
// counted: standard signals coalesce, so one wake-up may stand for many
// exits, and a wake-up without one costs a single wait4.
//
// It runs after the supervisor gave its code pages back (see
// shrinkWhileWaiting), so it is in a file next to the supervisor's, whose
// code stays resident (the linker lays files out in name order), and makes
// a raw system call (wait4 with WNOHANG does not block) through the syscall
// package, like the shrink's madvise: in reap.go, through x/sys/unix, it
// brought two more 64 KiB windows of code back for the life of the agent.
func (r *reaper) reap() {
	for {
		var status unix.WaitStatus
		pid, _, errno := syscall.RawSyscall6(syscall.SYS_WAIT4, ^uintptr(0), // -1: any child
			uintptr(unsafe.Pointer(&status)), unix.WNOHANG, 0, 0, 0)
		if errno == unix.EINTR {
			continue
		}
		if errno != 0 || pid == 0 {
			return // ECHILD, or only running children left
		}
		if int(pid) == r.main {
			r.status, r.exited = status, true
		}
	}
}

// exitCode is the code a shell reports for a child's status: its exit code,
// or 128+n when signal n killed it.
func exitCode(status unix.WaitStatus) int {
	switch {
	case status.Exited():
		return status.ExitStatus()
	case status.Signaled():
		return signalExitBase + int(status.Signal())
	}
	return ExitInternal
}
