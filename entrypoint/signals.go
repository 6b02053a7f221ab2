package entrypoint

import (
	"context"
	"errors"
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

	pipe   *signalPipe      // where the caught signals come from; nil: os/signal
	caught []syscall.Signal // every signal caught so far but SIGPIPE (see catch)
	// What uncatch took back, to be put back by recatch; nil until then.
	uncaught []caughtAction

	begin     func() // starts the catching
	beginOnce sync.Once
	readOnce  sync.Once // starts the pipe's reader and the dispatcher
	reading   bool      // they were started
	rest      func()    // catches what a launcher that replaces itself left out
	restOnce  sync.Once
}

// CatchSignals prepares catching signals; call it once, first in main, so
// that a signal during set-up ends the launcher with 128+n instead of being
// ignored (PID 1) or making the Go runtime exit 2. supervise says whether
// the launcher will stay as the command's parent and forward every signal
// (see caughtSignals for what is caught when).
//
// A supervisor catches everything at once. A launcher that will replace
// itself starts catching only when Ready is first called: before it
// creates something a signal must clean up, or waits for something that
// may take long. Until then Go's defaults end it with 128+n on SIGTERM,
// SIGINT and SIGHUP, with nothing to clean up, and a quick start to exec
// does without the pipe and its reader (see signalPipe).
//
// Either way the caught signals are read, and a terminating one cancels
// the contexts from Context, only from the first Ready on. A supervisor
// that never needed to be ready (nothing created, nothing waited for)
// looks at them once, when it takes over before starting the command, and
// then reads the pipe itself: a reader and a dispatcher goroutine, and the
// runtime's poller for the pipe, would cost a start as PID 1 about 0.1 ms.
func CatchSignals(supervise bool) *Signals {
	s := newSignals()
	s.begin = func() {
		// Without the pipe (no file descriptor to be had, or another
		// architecture) os/signal does the same, only slower.
		p, err := openSignalPipe()
		if errors.Is(err, errPipeTaken) {
			// A programming error: the first would silently
			// stop receiving.
			panic("entrypoint: " + err.Error())
		}
		s.pipe = p
		first, _ := caughtSignals(supervise)
		s.catch(first)
	}
	s.rest = func() {
		_, rest := caughtSignals(supervise)
		s.catch(rest)
	}
	if supervise {
		s.start()
	}
	return s
}

// start starts the catching, once.
func (s *Signals) start() { s.beginOnce.Do(s.begin) }

// startReading starts the catching, and reading what is caught: the
// pipe's reader and the dispatcher, once.
func (s *Signals) startReading() {
	s.start()
	s.readOnce.Do(func() {
		if s.pipe != nil && s.pipe.startReader(s.other) != nil {
			// No poller for the pipe: the signals wait in it until
			// takeOver reads them.
			return
		}
		s.reading = true
		go s.dispatch()
	})
}

// catch catches sigs: through the pipe, or else with os/signal, which
// cannot catch 32 and 34 (it leaves them to libc), so that they are made
// harmless instead (see dropUncatchable).
func (s *Signals) catch(sigs []syscall.Signal) {
	if s.pipe != nil {
		s.pipe.catch(sigs)
	} else {
		var notify []os.Signal
		for _, sig := range sigs {
			if sig == 32 || sig == 34 {
				dropUncatchable(int(sig))
				continue
			}
			notify = append(notify, sig)
		}
		if len(notify) > 0 {
			signal.Notify(s.other, notify...)
		}
	}
	for _, sig := range sigs {
		// Not SIGPIPE, which is dropped, not caught (see
		// signalPipe.catch), and which Go's default would turn into
		// death on a broken stderr (see terminates).
		if sig != syscall.SIGPIPE && (s.pipe != nil || sig != 32 && sig != 34) {
			s.caught = append(s.caught, sig)
		}
	}
}

// Ready makes sure that every signal set-up relies on is caught, and that a
// terminating one cancels the contexts from Context. Call it before
// creating anything that a signal should clean up, or waiting for long.
// Until then Go's default applies (see caughtSignals), or for a
// supervisor, the signal is seen only when it takes over.
func (s *Signals) Ready() { s.startReading() }

// awaitForwarded makes sure that every signal a supervisor forwards is
// caught, before it starts the command.
func (s *Signals) awaitForwarded() {
	s.start()
	s.restOnce.Do(s.rest)
}

// newSignals makes a Signals not yet connected to the runtime, for tests
// that feed its channels themselves; startReading runs only its
// dispatcher.
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
	}
	s.begin = func() {}
	s.rest = func() {}
	return s
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

// takeOver ends set-up dispatching so the caller reads the signals itself,
// and returns the terminating signal already received, if any.
func (s *Signals) takeOver() *SignalError {
	// Never started: nothing was caught.
	s.beginOnce.Do(func() {})
	s.readOnce.Do(func() {})
	if !s.reading {
		// Caught but never read (see CatchSignals): the first
		// terminating signal ends set-up now; the others had nothing
		// to reach yet, as with the dispatcher.
		return s.unreadTermination()
	}
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.stopped
	return s.received()
}

// handled returns the signals that have a handler of ours, bit n-1 for
// signal n (see replaceIgnored): none where os/signal catches.
func (s *Signals) handled() uint64 {
	var set uint64
	if s.pipe != nil {
		for _, sig := range s.caught {
			set |= 1 << (uint(sig) - 1)
		}
	}
	return set
}

// received returns the terminating signal that cancelled s.ctx, or nil.
func (s *Signals) received() *SignalError {
	if se, ok := context.Cause(s.ctx).(*SignalError); ok {
		return se
	}
	return nil
}

// pendingTermination returns the first terminating signal caught and not
// yet read, without blocking; for the last moment before the launcher
// replaces itself. It ends the pipe's reader: every signal caught until
// then is in the channel or still in the pipe, and read here. A signal
// that comes later is no longer caught (see uncatch): it takes its default
// action, as it would in the command.
func (s *Signals) pendingTermination() *SignalError {
	s.uncatch()
	return s.unreadTermination()
}

// uncatch gives the caught signals their default action back, once, for
// the last moment before an exec: a signal caught after the last read
// would be lost with the pipe (or os/signal's channel), and the command
// would start as if it had never been sent. Now it does to the launcher
// what it would do to the command (a SIGTERM ends it, killed by SIGTERM).
// The kernel's action is set directly: os/signal's Reset would put back an
// inherited SIG_IGN of SIGHUP and SIGINT, which the command would inherit.
// The fault signals keep the handler that passes real faults on to the
// runtime, which needs them until the exec (one sent then is still lost).
// recatch undoes it, for an exec that failed.
func (s *Signals) uncatch() {
	if s.uncaught != nil {
		return
	}
	s.uncaught = []caughtAction{}
	var dfl kernelSigaction
	for _, sig := range s.caught {
		var old kernelSigaction
		if terminates(sig) && !raisedByFaults(sig) && rtSigaction(int(sig), &dfl, &old) == nil {
			s.uncaught = append(s.uncaught, caughtAction{sig, old})
		}
	}
}

// caughtAction is a signal's action before uncatch.
type caughtAction struct {
	sig syscall.Signal
	act kernelSigaction
}

// recatch puts back what uncatch took, so that a signal during the
// clean-up after a failed exec does not cut it short; the launcher then
// exits without reading it.
func (s *Signals) recatch() {
	for _, c := range s.uncaught {
		_ = rtSigaction(int(c.sig), &c.act, nil)
	}
}

// unreadTermination reads every signal caught and not yet read, and
// returns the first terminating one. It ends the pipe's reader, if one
// runs: every signal caught until then is in the channel or still in the
// pipe.
func (s *Signals) unreadTermination() *SignalError {
	for _, sig := range stopReading(s.pipe, s.other) {
		if terminates(sig) {
			return &SignalError{Signal: sig}
		}
	}
	return nil
}

// stopReading ends the pipe's reader, if one runs (p nil: os/signal, no
// pipe), and returns every signal caught and not yet read, in the order
// they came: what is in other (the reader may be waiting to pass one on,
// and is taken meanwhile), then what is still in the pipe.
func stopReading(p *signalPipe, other <-chan os.Signal) []syscall.Signal {
	var got []syscall.Signal
	take := func(sig os.Signal) {
		if n, ok := sig.(syscall.Signal); ok {
			got = append(got, n)
		}
	}
	if p != nil {
		done := p.stop()
		for waiting := true; waiting; {
			select {
			case sig := <-other:
				take(sig)
			case <-done:
				waiting = false
			}
		}
	}
	for {
		select {
		case sig := <-other:
			take(sig)
		default:
			if p != nil {
				got = append(got, p.unread()...)
			}
			return got
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
