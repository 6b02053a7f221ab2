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
// empty mask, and that the handler comes first, on every architecture.
type kernelSigaction struct {
	handler  uintptr
	flags    uintptr
	restorer uintptr
	mask     uint64
}

// execClean replaces the process with path, giving it what a fresh process
// expects: no ignored signals and an empty signal mask, whatever the
// launcher inherited. signal.Reset must have run before: it hands back
// SIGHUP and SIGINT as SIG_IGN when they were inherited ignored, and a
// handler-less SIG_IGN survives execve.
func execClean(path string, args, env []string) error {
	defaultIgnoredSignals()
	// The mask survives execve per thread: clear it on the thread that
	// execs, and keep the goroutine there.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var empty unix.Sigset_t
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, &empty, nil); err != nil {
		return err
	}
	return syscall.Exec(path, args, env)
}

// defaultIgnoredSignals sets every signal that is ignored now back to
// SIG_DFL. Signals with a handler need nothing: execve resets them.
func defaultIgnoredSignals() {
	for sig := 1; sig <= sigRTMax; sig++ {
		if sig == int(syscall.SIGKILL) || sig == int(syscall.SIGSTOP) {
			continue
		}
		var old kernelSigaction
		if rtSigaction(sig, nil, &old) != nil || old.handler != sigIgn {
			continue
		}
		var dfl kernelSigaction
		_ = rtSigaction(sig, &dfl, nil)
	}
}

func rtSigaction(sig int, act, old *kernelSigaction) error {
	const sigsetSize = 8 // the kernel's sigset_t: 64 signals
	_, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig),
		uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), sigsetSize, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
