package entrypoint

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// signalPipe delivers caught signals through a pipe: our own handlers
// (signop_*.s) write each signal's number to it, and a goroutine passes
// them on to a channel. os/signal would do the same through the Go
// runtime, but its first Notify starts three threads and each signal it
// catches costs a hand-off to one of them: 0.6-0.8 ms for a supervisor's
// signals on the machine we measure on, against about 1 us for an
// rt_sigaction. It also cannot catch 32 and 34, which the runtime leaves
// to libc, so those could not be forwarded.
type signalPipe struct {
	r    *os.File // read end (a duplicate), in the runtime's poller (stop can end a Read); nil until startReader
	fd   int      // read end, for reading it raw while no reader runs
	w    int      // write end, where the handlers write
	act  kernelSigaction
	done chan struct{} // closed when the reader has ended, or never started

	// The thread that takes signals blocked at start: nil until one is.
	unblock   chan unix.Sigset_t
	unblocked chan struct{}
}

// openSignalPipe makes the pipe; startReader starts reading it. It fails
// where there are no handlers of ours or no pipe to be had; the caller
// then uses os/signal.
func openSignalPipe() (*signalPipe, error) {
	if sigToPipePC == 0 {
		return nil, errors.New("no signal handler of ours on this architecture")
	}
	// The runtime's handler too, for faults (see sigToPipeIfSent).
	act, ok := runtimeAction()
	if !ok {
		return nil, errors.New("the runtime's own signal action cannot be read")
	}
	var fds [2]int
	// Non-blocking both ends: a handler never waits on a full pipe (the
	// signal is dropped, as the kernel drops a standard signal already
	// pending), and the reader waits in the poller, not in a thread.
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return nil, fmt.Errorf("signal pipe: %w", err)
	}
	// One pipe per process: the handlers have one place to write to.
	atomic.StoreInt32(&sigPipePID, int32(os.Getpid()))
	atomic.StoreUintptr(&sigGoHandler, act.handler)
	if !atomic.CompareAndSwapInt32(&sigPipeFD, -1, int32(fds[1])) {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return nil, errPipeTaken
	}
	done := make(chan struct{})
	close(done)
	return &signalPipe{fd: fds[0], w: fds[1], act: act, done: done}, nil
}

// startReader starts a goroutine that passes every signal on to out,
// blocking while out is full (the pipe holds the rest), waiting in the
// runtime's poller; once.
func (p *signalPipe) startReader(out chan<- os.Signal) error {
	// A descriptor of its own for the file, which closes it when it is
	// collected: p.fd stays open for the raw reads whatever happens here.
	fd, err := unix.FcntlInt(uintptr(p.fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("signal pipe: %w", err)
	}
	// This file may be the first in the poller, which the runtime then
	// sets up, and dies if it cannot (see StartPoller).
	if err := pollerRoom(fd); err != nil {
		unix.Close(fd)
		return fmt.Errorf("signal pipe: %w", err)
	}
	r := os.NewFile(uintptr(fd), "signal pipe")
	// Only a file in the poller has deadlines, and stop needs one.
	if err := r.SetReadDeadline(time.Time{}); err != nil {
		r.Close()
		return fmt.Errorf("signal pipe: %w", err)
	}
	p.r, p.done = r, make(chan struct{})
	go p.read(out)
	return nil
}

// errPipeTaken says that another Signals already has the process's pipe.
var errPipeTaken = errors.New("signals are already caught in this process (CatchSignals called twice)")

// catch installs the handler for sigs. A signal that the CPU also raises
// on a fault gets the handler that sends faults on to the runtime.
//
// SIGPIPE is dropped instead. The runtime, when a write to stdout or
// stderr finds the pipe broken, ends the process unless os/signal catches
// or ignores SIGPIPE, so it is ignored there; and it gets the no-op
// handler, not SIG_IGN, which execClean would set back to the default
// before an exec that may yet fail and log to that broken stderr.
func (p *signalPipe) catch(sigs []syscall.Signal) {
	for _, sig := range sigs {
		if sig == syscall.SIGPIPE {
			signal.Ignore(sig)
			nop := p.act
			nop.handler = sigNopPC
			_ = rtSigaction(int(sig), &nop, nil)
			continue
		}
		act := p.act
		act.handler = sigToPipePC
		if raisedByFaults(sig) {
			act.handler = sigToPipeIfSentPC
		}
		_ = rtSigaction(int(sig), &act, nil)
	}
	p.unblockInherited(sigs)
}

// unblockInherited makes sure that a thread takes each of sigs. Every
// thread the runtime starts has the signal mask the launcher inherited,
// less the signals the runtime needs itself, so a signal blocked at start
// (SIGUSR1, SIGWINCH, the real-time ones...) would stay pending for ever.
// os/signal keeps a thread for this; here one is started only when the
// inherited mask blocks one of sigs, and stays, parked, with those
// unblocked: the kernel hands such a signal to it.
func (p *signalPipe) unblockInherited(sigs []syscall.Signal) {
	var cur, set unix.Sigset_t
	if unix.PthreadSigmask(unix.SIG_SETMASK, nil, &cur) != nil {
		return
	}
	for _, sig := range sigs {
		bit := uint64(1) << (uint(sig) - 1)
		if sig != syscall.SIGPIPE && cur.Val[0]&bit != 0 {
			set.Val[0] |= bit
		}
	}
	if set == (unix.Sigset_t{}) {
		return
	}
	if p.unblock == nil {
		p.unblock = make(chan unix.Sigset_t)
		p.unblocked = make(chan struct{})
		go func() {
			// Never unlocked: the thread keeps its mask for the
			// life of the process.
			runtime.LockOSThread()
			for set := range p.unblock {
				_ = unix.PthreadSigmask(unix.SIG_UNBLOCK, &set, nil)
				p.unblocked <- struct{}{}
			}
		}()
	}
	p.unblock <- set
	<-p.unblocked
}

func (p *signalPipe) read(out chan<- os.Signal) {
	defer close(p.done)
	var buf [64]byte
	for {
		n, err := p.r.Read(buf[:])
		for _, b := range buf[:n] {
			out <- syscall.Signal(b)
		}
		if err != nil {
			return
		}
	}
}

// stop makes the reader, if any, end, without waiting: the returned
// channel is closed once it has. Signals caught after that stay in the
// pipe.
func (p *signalPipe) stop() <-chan struct{} {
	if p.r != nil {
		_ = p.r.SetReadDeadline(time.Unix(1, 0))
	}
	return p.done
}

// unread reads what is left in the pipe; only while no reader runs.
func (p *signalPipe) unread() []syscall.Signal { return drainSignals(p.fd) }

// drainSignals reads the non-blocking pipe at fd until it is empty, and
// returns the signals in it.
func drainSignals(fd int) []syscall.Signal {
	var out []syscall.Signal
	var buf [64]byte
	for {
		n, err := unix.Read(fd, buf[:])
		for _, b := range buf[:max(n, 0)] {
			out = append(out, syscall.Signal(b))
		}
		if err != nil || n <= 0 {
			return out
		}
	}
}

// raisedByFaults reports whether the kernel also sends sig to a thread
// that faults (a nil dereference is a SIGSEGV), for the Go runtime to
// handle.
func raisedByFaults(sig syscall.Signal) bool {
	switch sig {
	case syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGFPE, syscall.SIGILL, syscall.SIGTRAP, syscall.SIGSYS:
		return true
	}
	return false
}
