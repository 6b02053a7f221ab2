package entrypoint

import (
	"golang.org/x/sys/unix"
)

// reaper collects every child that exits, orphans adopted as PID 1 or
// subreaper included, in one blocking wait4(-1) loop on a thread of its
// own: an exit wakes it directly, where SIGCHLD would take three hand-offs
// through the runtime's signal thread first. Once the command has started
// it must be the only waiter (REFERENCE.md section 6: another would steal
// statuses), which is why it starts after startChild and nothing in the
// launcher starts processes from then on.
type reaper struct {
	main   int
	status chan unix.WaitStatus // the command's status, sent once
	reaped chan struct{}        // a wake-up after reaps (coalesced), unless wakeFD
	wakeFD int                  // >= 0: wake-ups are a 0 written here instead (see pipeEvents)
}

func newReaper(main int) *reaper {
	return &reaper{
		main:   main,
		status: make(chan unix.WaitStatus, 1),
		reaped: make(chan struct{}, 1),
		wakeFD: -1,
	}
}

// loop ends at ECHILD. No child can appear after that: orphans are
// reparented to the launcher when their parent exits, so while any
// descendant lives the launcher has a child.
func (r *reaper) loop() {
	for {
		var status unix.WaitStatus
		pid, err := unix.Wait4(-1, &status, 0, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return
		}
		if pid == r.main {
			r.status <- status
		}
		r.wake()
	}
}

// wake tells the supervisor that it may have something to look at. A full
// pipe drops the 0, but then the supervisor has plenty to read, and it
// looks at the status before it waits again.
func (r *reaper) wake() {
	if r.wakeFD >= 0 {
		_, _ = unix.Write(r.wakeFD, []byte{0})
		return
	}
	select {
	case r.reaped <- struct{}{}:
	default:
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
