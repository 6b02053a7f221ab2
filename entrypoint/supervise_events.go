package entrypoint

import (
	"os"
	"os/signal"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// events is what a supervisor waits for: a caught signal, SIGCHLD
// included (see catchChildren).
type events interface {
	// next waits until something happens, or d has passed (for ever if
	// d < 0), and returns the signals caught meanwhile: none after a
	// time-out or an interruption.
	next(d time.Duration) []syscall.Signal
}

// pipeEvents reads the signal pipe itself, in a blocking poll(2) on this
// goroutine: no reader goroutine, no dispatcher and no runtime poller,
// which a start as PID 1 would otherwise pay for.
type pipeEvents struct {
	fd int // the pipe's read end (non-blocking)
	// hold: wait keeping the P, with holdMask as the signal mask (see
	// holdProcessor).
	hold     bool
	holdMask unix.Sigset_t
	pending  []syscall.Signal // read before, returned by the next call
}

func (e *pipeEvents) next(d time.Duration) []syscall.Signal {
	if len(e.pending) > 0 {
		sigs := append(e.pending, drainSignals(e.fd)...)
		e.pending = nil
		return sigs
	}
	var revents int16
	if e.hold {
		revents = pollHolding(e.fd, d, &e.holdMask)
	} else {
		ms := -1
		if d >= 0 {
			ms = int((d + time.Millisecond - 1) / time.Millisecond)
		}
		fds := []unix.PollFd{{Fd: int32(e.fd), Events: unix.POLLIN}}
		if _, err := unix.Poll(fds, ms); err != nil {
			return nil // EINTR: the caller looks again
		}
		revents = fds[0].Revents
	}
	if revents&(unix.POLLNVAL|unix.POLLERR) != 0 {
		// No pipe to wait on (never seen): no spinning at least; the
		// caller still reaps after every return.
		time.Sleep(10 * time.Millisecond)
		return nil
	}
	return drainSignals(e.fd)
}

// chanEvents waits on the channel of caught signals: os/signal's (where
// there is no pipe), or the pipe reader's.
type chanEvents struct {
	other <-chan os.Signal
	pipe  *signalPipe // the reader's pipe; nil: os/signal
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
	case <-timeout:
	}
	return nil
}

// handOver makes the supervisor, not the dispatcher, act on the signals
// from now on, once takeOver has stopped the dispatcher. It returns what
// the supervisor waits on. A pipe that nobody read during set-up is read by the
// supervisor itself; one whose reader runs keeps it: that set-up used the
// runtime's poller anyway, and a supervisor blocked in poll(2) instead of
// parked would make the runtime start a thread to watch the poller
// (about 0.1 MiB more resident for the life of the agent).
func (s *Signals) handOver() events {
	if s.pipe == nil || s.reading {
		return chanEvents{other: s.other, pipe: s.pipe}
	}
	return &pipeEvents{fd: s.pipe.fd}
}

// catchChildren catches SIGCHLD, which wakes the supervisor to reap (see
// reaper), from now on: not during set-up, whose own short-lived children
// (java -version) the set-up waits for itself. An inherited mask that
// blocks it is undone as for the other signals (see unblockInherited).
func (s *Signals) catchChildren() {
	if s.pipe != nil {
		s.pipe.catch([]syscall.Signal{syscall.SIGCHLD})
		return
	}
	signal.Notify(s.other, syscall.SIGCHLD)
}
