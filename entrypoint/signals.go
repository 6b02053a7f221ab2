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
	ready   chan struct{} // closed once the early signals are caught too
	all     chan struct{} // closed once the late signals are caught too

	supervise bool // made for a supervisor (CatchSignals)

	more     chan struct{} // closed to go on catching (see CatchSignals)
	moreOnce sync.Once

	begin     func() // starts the catching and the dispatcher
	beginOnce sync.Once
}

// CatchSignals prepares catching signals; call it first in main so that a
// signal during set-up ends the launcher with 128+n instead of being ignored
// (PID 1) or making the Go runtime exit 2. supervise says whether the
// launcher will stay as the command's parent and forward every signal (see
// caughtSignals for what is caught when). The first signal.Notify starts
// three runtime threads and each signal costs a hand-off to one of them,
// 0.4-0.6 ms in all on the machine we measure on, so:
//
//   - a supervisor starts catching at once, in the background while it
//     plans; the real-time signals follow once the command has started (or
//     Ready is called).
//   - a launcher that will replace itself starts catching only when Ready is
//     first called: before it creates something a signal must clean up, or
//     waits for something that may take long. Until then Go's defaults end
//     it with 128+n on SIGTERM, SIGINT and SIGHUP, with nothing to clean up,
//     and a quick start to exec pays nothing.
func CatchSignals(supervise bool) *Signals {
	s := newSignals()
	s.supervise = supervise
	s.ready, s.all = make(chan struct{}), make(chan struct{})
	s.begin = func() {
		go func() {
			// Listed here, when catching begins: a launcher that replaces
			// itself without needing signals never lists them.
			early, late := caughtSignals(supervise)
			s.notify(early)
			close(s.ready)
			// A supervisor's once the command runs; a launcher that
			// meant to replace itself only if it has to supervise
			// after all.
			<-s.more
			s.notify(late)
			close(s.all)
		}()
		go s.dispatch()
	}
	if supervise {
		// In line, not in the goroutine: a launcher that replaces itself
		// after all resets ignored signals before its exec, and must not
		// race this.
		dropUncatchable()
		s.start()
	}
	return s
}

// start starts the catching, once.
func (s *Signals) start() { s.beginOnce.Do(s.begin) }

func (s *Signals) notify(sigs []syscall.Signal) {
	if len(sigs) > 0 {
		signal.Notify(s.other, asOSSignals(sigs)...)
	}
}

// catchRest lets the catching go on to the late signals; Supervise calls it
// once the command has started.
func (s *Signals) catchRest() {
	s.moreOnce.Do(func() { close(s.more) })
}

// Ready waits until every signal that set-up relies on is caught. Call it
// before creating anything that a signal should clean up, or waiting for
// long. Until then Go's default applies (see caughtSignals).
func (s *Signals) Ready() {
	s.start()
	if s.supervise {
		// A long wait ahead: a real-time signal then ends it too.
		s.catchRest()
	}
	<-s.ready
}

// awaitForwarded waits until the signals a supervisor must forward from
// the command's first instant are caught: the standard ones. One made for a
// launcher that meant to replace itself catches the rest now, all of it.
func (s *Signals) awaitForwarded() {
	s.start()
	if s.supervise {
		<-s.ready
		return
	}
	s.catchRest()
	<-s.all
}

// newSignals makes a Signals not yet connected to the runtime, for tests
// that feed its channels themselves; start runs only its dispatcher.
func newSignals() *Signals {
	ctx, cancel := context.WithCancelCause(context.Background())
	s := &Signals{
		// Deep enough that a burst of distinct signals during set-up is
		// not dropped: the runtime never blocks on a full channel.
		other:   make(chan os.Signal, 64),
		ctx:     ctx,
		cancel:  cancel,
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
		ready:   closedChan(),
		all:     closedChan(),
		more:    make(chan struct{}),
	}
	s.begin = func() { go s.dispatch() }
	return s
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
	// Never started: no dispatcher to stop, and nothing was caught.
	s.beginOnce.Do(func() { close(s.stopped) })
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
