package entrypoint

import (
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// groupPollInterval is how often stopGroup checks whether the process group
// has emptied: the kernel offers no event for that.
const groupPollInterval = 5 * time.Millisecond

// killedGroupWait bounds the wait after SIGKILL, for processes stuck in
// uninterruptible sleep; the launcher exits regardless.
const killedGroupWait = 2 * time.Second

// stopGroup ends what remains of the command's process group after the
// command exited: SIGTERM, then SIGKILL once grace has passed, reaping all
// along, and returns as soon as the group is empty.
func (s *supervisor) stopGroup(grace time.Duration) {
	s.reaper.reap()
	if s.groupGone() {
		return
	}
	s.logger.Info("command exited; stopping the rest of its process group", "pgid", s.pgid, "grace", grace.String())
	_ = unix.Kill(-s.pgid, syscall.SIGTERM)

	deadline := time.Now().Add(grace)
	killed := false
	for {
		for _, sig := range s.events.next(min(groupPollInterval, max(time.Until(deadline), 0))) {
			// The command is gone: a signal now is for what is left.
			if forwarded(sig) {
				_ = unix.Kill(-s.pgid, sig)
			}
		}
		s.reaper.reap()
		if s.groupGone() {
			return
		}
		if time.Now().Before(deadline) {
			continue
		}
		if killed {
			s.logger.Warn("process group still present after SIGKILL; leaving it", "pgid", s.pgid)
			return
		}
		s.logger.Warn("process group still running after the grace period; sending SIGKILL", "pgid", s.pgid, "grace", grace.String())
		_ = unix.Kill(-s.pgid, syscall.SIGKILL)
		killed = true
		deadline = time.Now().Add(killedGroupWait)
	}
}

// groupGone reports whether no process, zombies included, is left in the
// command's process group; stopGroup reaps our own zombies meanwhile.
func (s *supervisor) groupGone() bool {
	return unix.Kill(-s.pgid, 0) == unix.ESRCH
}
