package entrypoint

import (
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sigIgn is the kernel's SIG_IGN handler value.
const sigIgn = 1

// kernelSigaction is struct sigaction as rt_sigaction takes it. All that
// matters here is that an all-zero value means SIG_DFL with no flags and an
// empty mask, that the handler comes first, and that the struct is no
// smaller than the kernel's, so that an old action read into it can be
// put back as it was. That holds for amd64 and arm64, which we ship, and
// for the kernel's generic layout (riscv64 and others, whose struct has no
// restorer: the mask lands in the restorer field and comes back from
// there). Not for mips, where the flags come first.
type kernelSigaction struct {
	handler  uintptr
	flags    uintptr
	restorer uintptr
	mask     uint64
}

// execClean replaces the process with path, giving it what a fresh process
// expects: no ignored signals and an empty signal mask, whatever the
// launcher inherited. Caught signals need nothing, execve resets them to
// SIG_DFL. A terminating signal that arrived meanwhile (pending) wins over
// the exec; Signals.pendingTermination also sets the caught signals back
// to their default, so that one arriving after it is not lost.
func execClean(path string, args, env []string, pending func() *SignalError) error {
	defaultIgnoredSignals()
	unlock, err := emptySignalMask()
	if err != nil {
		return err
	}
	defer unlock()
	if se := pending(); se != nil {
		return se
	}
	return syscall.Exec(path, args, env)
}

// defaultIgnoredSignals sets every signal that is ignored now back to
// SIG_DFL: SIGPIPE, which the launcher ignores once it catches signals,
// and any inherited ignored that neither the launcher nor Go took over
// (SIGPROF; SIGHUP or SIGINT before catching starts).
func defaultIgnoredSignals() { replaceIgnored(kernelSigaction{}, 0) }

// replaceIgnored gives every signal that is ignored now the action act.
// The signals in handled (bit n-1 for signal n) have a handler of ours, so
// are not ignored, and need no system call to tell.
func replaceIgnored(act kernelSigaction, handled uint64) {
	for sig := 1; sig <= sigRTMax; sig++ {
		if sig == int(syscall.SIGKILL) || sig == int(syscall.SIGSTOP) || handled&(1<<(sig-1)) != 0 {
			continue
		}
		var old kernelSigaction
		if rtSigaction(sig, nil, &old) == nil && old.handler == sigIgn {
			_ = rtSigaction(sig, &act, nil)
		}
	}
}

// dropUncatchable makes signal sig (32 or 34) harmless to a supervisor
// that catches with os/signal. Go leaves them to libc (glibc's SIGCANCEL,
// musl's SIGSYNCCALL) and installs no handler, so os/signal can neither
// catch nor forward them, and their default action would end the
// supervisor and orphan its command: `kill -34` is glibc's SIGRTMIN,
// which people do send. They get a handler that does nothing (see
// nopAction): a caught signal, unlike an ignored one, is set back to its
// default by execve, so the command starts with the default while the
// supervisor never has it, not even around the fork. Where there is no
// such handler they are ignored, and forkDispositions sets them to the
// default for the moment of the fork.
func dropUncatchable(sig int) {
	act, ok := nopAction()
	if !ok {
		act = kernelSigaction{handler: sigIgn}
	}
	_ = rtSigaction(sig, &act, nil)
}

// runtimeAction is the runtime's own sigaction for SIGURG, which it always
// handles itself: its flags (SA_SIGINFO, SA_ONSTACK for the signal stacks
// of its threads, SA_RESTART), its mask (every signal), its restorer,
// which returns from a handler, and its handler. Our handlers are
// installed with the same, their own address in place of the handler.
func runtimeAction() (kernelSigaction, bool) {
	var act kernelSigaction
	if rtSigaction(int(syscall.SIGURG), nil, &act) != nil || act.handler <= sigIgn {
		return kernelSigaction{}, false
	}
	return act, true
}

// nopAction is a sigaction whose handler only returns (sigNopPC). Not Go's
// handler itself: for a signal it did not install, it applies the signal's
// default action.
func nopAction() (kernelSigaction, bool) {
	act, ok := runtimeAction()
	if !ok || sigNopPC == 0 {
		return kernelSigaction{}, false
	}
	act.handler = sigNopPC
	return act, true
}

// forkDispositions prepares a supervisor's signal dispositions for
// starting the command, which inherits the ignored ones: each ignored
// signal (see defaultIgnoredSignals; 32 and 34 too where os/signal catches)
// gets the no-op handler, which execve resets to the default in the
// command. Without one, they are set to the default, and the returned
// function ignores 32 and 34 again once the command has started. handled
// is as for replaceIgnored.
func forkDispositions(handled uint64) (after func()) {
	act, ok := nopAction()
	if !ok {
		defaultIgnoredSignals()
		return func() {
			dropUncatchable(32)
			dropUncatchable(34)
		}
	}
	replaceIgnored(act, handled)
	return func() {}
}

func rtSigaction(sig int, act, old *kernelSigaction) error {
	_, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig),
		uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), kernelSigsetSize, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// emptySignalMask makes sure the calling goroutine runs on a thread with an
// empty signal mask, which execve and fork pass on. Every Go thread that
// runs ordinary goroutines has the same mask (what the launcher inherited,
// less the signals the runtime needs), so when this one's is empty there is
// nothing to do and the goroutine may move freely. Only an inherited mask
// needs clearing, on a thread the goroutine then stays on until unlock: the
// first runtime.LockOSThread starts the runtime's template thread, about
// 0.1-0.2 ms that the usual start does without.
func emptySignalMask() (unlock func(), err error) {
	var cur, empty unix.Sigset_t
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, nil, &cur); err != nil {
		return nil, err
	}
	if cur == empty {
		return func() {}, nil
	}
	runtime.LockOSThread()
	var old unix.Sigset_t
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, &empty, &old); err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	return func() {
		unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
		runtime.UnlockOSThread()
	}, nil
}
