package entrypoint

import (
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// events is what a supervisor waits for: a caught signal, or a wake-up
// from the reaper after a reap.
type events interface {
	// next waits until something happens, or d has passed (for ever if
	// d < 0), and returns the signals caught meanwhile: none after a
	// wake-up, a time-out or an interruption.
	next(d time.Duration) []syscall.Signal
}

// pipeEvents reads the signal pipe itself, in a blocking poll(2) on this
// goroutine: no reader goroutine, no dispatcher and no runtime poller,
// which a start as PID 1 would otherwise pay for. The reaper wakes it by
// writing a 0, which is no signal, to the same pipe.
type pipeEvents struct {
	fd int // the pipe's read end (non-blocking)
}

func (e *pipeEvents) next(d time.Duration) []syscall.Signal {
	ms := -1
	if d >= 0 {
		ms = int((d + time.Millisecond - 1) / time.Millisecond)
	}
	fds := []unix.PollFd{{Fd: int32(e.fd), Events: unix.POLLIN}}
	if _, err := unix.Poll(fds, ms); err != nil {
		return nil // EINTR: the caller looks again
	}
	if fds[0].Revents&(unix.POLLNVAL|unix.POLLERR) != 0 {
		// No pipe to wait on (never seen): no spinning at least; the
		// caller still looks at the reaper's status every time.
		time.Sleep(10 * time.Millisecond)
		return nil
	}
	return drainSignals(e.fd)
}

// chanEvents waits on channels: os/signal's (where there is no pipe) and
// the reaper's.
type chanEvents struct {
	other  <-chan os.Signal
	reaped <-chan struct{}
}

func (e chanEvents) next(d time.Duration) []syscall.Signal {
	var timeout <-chan time.Time
	if d >= 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case sig := <-e.other:
		if n, ok := sig.(syscall.Signal); ok {
			return []syscall.Signal{n}
		}
	case <-e.reaped:
	case <-timeout:
	}
	return nil
}

// handOver makes the supervisor, not the dispatcher, act on the signals
// from now on, once takeOver has stopped the dispatcher. It returns what
// the supervisor waits on, and where the reaper writes its wake-ups (-1:
// to its channel). A pipe that nobody read during set-up is read by the
// supervisor itself; one whose reader runs keeps it: that set-up used the
// runtime's poller anyway, and a supervisor blocked in poll(2) instead of
// parked would make the runtime start a thread to watch the poller
// (about 0.1 MiB more resident for the life of the agent).
func (s *Signals) handOver(reaped <-chan struct{}) (ev events, wakeFD int) {
	if s.pipe == nil || s.reading {
		return chanEvents{other: s.other, reaped: reaped}, -1
	}
	return &pipeEvents{fd: s.pipe.fd}, s.pipe.w
}
