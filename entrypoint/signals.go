package entrypoint

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Signals holds the signals caught since the launcher started. Before the
// command runs, a terminating signal cancels the contexts from Context;
// once Supervise takes over, every signal is forwarded to the command.
type Signals struct {
	other chan os.Signal // every caught signal

	ctx    context.Context // cancelled with a *SignalError on the first terminating signal
	cancel context.CancelCauseFunc

	stop    chan struct{} // closed to end the set-up dispatcher
	stopped chan struct{} // closed when it has ended
	first   chan struct{} // closed once the first signals are caught
	ready   chan struct{} // closed once the early signals are caught too

	more     chan struct{} // closed to go on catching (see CatchSignals)
	moreOnce sync.Once
}

// CatchSignals starts catching signals; call it first in main so that a
// signal during set-up ends the launcher with 128+n instead of being ignored
// (PID 1) or making the Go runtime exit 2. supervise says whether the
// launcher will stay as the command's parent and forward every signal (see
// caughtSignals for what is caught when). The catching goes on in the
// background while the launcher plans: the first signal.Notify starts three
// runtime threads and each signal costs a hand-off to one of them, 0.4-0.6
// ms in all on the machine we measure on. A supervisor catches only the
// first signals until the command starts (or Ready is called): on two CPUs
// the hand-offs would delay the fork. Supervise waits for the first
// signals, Ready for the early ones.
func CatchSignals(supervise bool) *Signals {
	s := newSignals()
	s.first, s.ready, s.more = make(chan struct{}), make(chan struct{}), make(chan struct{})
	first, early, late := caughtSignals(supervise)
	go func() {
		s.notify(first)
		close(s.first)
		if supervise {
			<-s.more
		}
		s.notify(early)
		close(s.ready)
		// A launcher that meant to replace itself catches the late ones
		// only if it has to supervise after all.
		<-s.more
		s.notify(late)
	}()
	go s.dispatch()
	return s
}

func (s *Signals) notify(sigs []syscall.Signal) {
	if len(sigs) > 0 {
		signal.Notify(s.other, asOSSignals(sigs)...)
	}
}

// catchRest lets the catching go on to the early and late signals; Supervise
// calls it once the command has started.
func (s *Signals) catchRest() {
	s.moreOnce.Do(func() { close(s.more) })
}

// Ready waits until every signal that set-up relies on is caught. Call it
// before creating anything that a signal should clean up, or waiting for
// long. Until then Go's default applies (see caughtSignals).
func (s *Signals) Ready() {
	s.catchRest()
	<-s.ready
}

// awaitFirst waits for the signals a supervisor needs before the start.
func (s *Signals) awaitFirst() { <-s.first }

// newSignals makes a Signals not yet connected to the runtime, for tests
// that feed its channels themselves.
func newSignals() *Signals {
	ctx, cancel := context.WithCancelCause(context.Background())
	return &Signals{
		// Deep enough that a burst of distinct signals during set-up is
		// not dropped: the runtime never blocks on a full channel.
		other:   make(chan os.Signal, 64),
		ctx:     ctx,
		cancel:  cancel,
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
		first:   closedChan(),
		ready:   closedChan(),
		more:    make(chan struct{}),
	}
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// dispatch watches set-up: the first terminating signal cancels s.ctx;
// others (SIGWINCH, SIGCONT, ...) have nothing to reach yet and are dropped.
func (s *Signals) dispatch() {
	defer close(s.stopped)
	for {
		select {
		case <-s.stop:
			return
		case sig := <-s.other:
			if n, ok := sig.(syscall.Signal); ok && terminates(n) {
				s.cancel(&SignalError{Signal: n})
			}
		}
	}
}

// takeOver ends set-up dispatching so the caller reads the channels itself,
// and returns the terminating signal already received, if any.
func (s *Signals) takeOver() *SignalError {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.stopped
	return s.received()
}

// received returns the terminating signal that cancelled s.ctx, or nil.
func (s *Signals) received() *SignalError {
	if se, ok := context.Cause(s.ctx).(*SignalError); ok {
		return se
	}
	return nil
}

// pendingTermination returns a terminating signal waiting in the channel,
// without blocking; for the last moment before the launcher replaces itself.
func (s *Signals) pendingTermination() *SignalError {
	for {
		select {
		case sig := <-s.other:
			if n, ok := sig.(syscall.Signal); ok && terminates(n) {
				return &SignalError{Signal: n}
			}
		default:
			return nil
		}
	}
}

// Context returns a context cancelled when a terminating signal arrives
// (see terminates) or parent ends; then context.Cause is a *SignalError and
// the caller cleans up and exits with its ExitCode. A signal that arrived
// before the call cancels it at once.
func (s *Signals) Context(parent context.Context) context.Context {
	ctx, cancel := context.WithCancelCause(parent)
	stop := context.AfterFunc(s.ctx, func() { cancel(context.Cause(s.ctx)) })
	// Unhook from s.ctx once ctx ends by itself, so contexts made per
	// phase do not pile up on s.ctx.
	context.AfterFunc(ctx, func() { stop() })
	return ctx
}

// SignalError says that signal Signal ended the run.
type SignalError struct{ Signal syscall.Signal }

func (e *SignalError) Error() string {
	return fmt.Sprintf("stopped by signal %d (%s)", int(e.Signal), e.Signal)
}

// ExitCode is the code a shell reports for a process the signal killed: 128+n.
func (e *SignalError) ExitCode() int { return signalExitBase + int(e.Signal) }

func asOSSignals(sigs []syscall.Signal) []os.Signal {
	out := make([]os.Signal, len(sigs))
	for i, sig := range sigs {
		out[i] = sig
	}
	return out
}
