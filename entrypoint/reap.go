package entrypoint

import (
	"golang.org/x/sys/unix"
)

// reap collects every child that has exited, orphans adopted as PID 1 or
// subreaper included, and notes the command's own status. SIGCHLD
// coalesces, so one wake-up may stand for many exits: loop until none is
// left.
func (s *supervisor) reap() {
	for {
		var status unix.WaitStatus
		pid, err := unix.Wait4(-1, &status, unix.WNOHANG, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil || pid <= 0 {
			// ECHILD: no children at all; 0: none has exited yet.
			return
		}
		if pid == s.pid {
			s.exited = true
			s.status = status
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
