package entrypoint

import (
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// holdProcessor makes a supervisor that runs on one P (see holdThreads: its
// process limit had no room for the idle threads it wanted) wait without
// ever letting go of that P. The runtime starts a thread when it has a P
// with work and no idle thread for it; a wait in poll(2) lets the P go
// idle, and then the scavenger that sysmon wakes after a collection, or a
// timer, made the runtime start one: with the limit full, "fatal error:
// newosproc" (TestRootSupervisePidsLimit, "no room"). A P that is never
// idle gives it no such moment: what the runtime queues meanwhile runs on
// the supervisor's own thread when it next wakes (a signal, a child's
// exit, its own timeouts). Where os/signal delivers the signals ev is
// returned as it is: its goroutine needs the P to pass a signal on.
func holdProcessor(ev events) events {
	// sysmon asks a goroutine that has run for 10 ms to yield, with
	// SIGURG; blocked during the wait (ppoll's own mask), it interrupts
	// nothing, and is delivered when the wait ends. Read first: the
	// reader stays if this fails.
	var mask unix.Sigset_t
	if _, _, errno := unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_BLOCK, 0,
		uintptr(unsafe.Pointer(&mask)), kernelSigsetSize, 0, 0); errno != 0 {
		return ev
	}
	mask.Val[0] |= 1 << (uint(syscall.SIGURG) - 1)
	switch e := ev.(type) {
	case *pipeEvents:
		e.hold, e.holdMask = true, mask
		return e
	case chanEvents:
		if e.pipe == nil {
			return ev
		}
		return &pipeEvents{fd: e.pipe.fd, hold: true, holdMask: mask, pending: stopReading(e.pipe, e.other)}
	}
	return ev
}

// kernelSigsetSize is the size of the kernel's sigset_t (64 signals), which
// its system calls insist on; unix.Sigset_t is glibc's, 128 bytes.
const kernelSigsetSize = 8

// pollHolding waits in ppoll(2) as a raw system call, which the runtime
// does not see, so it keeps the P (see holdProcessor), with mask as the
// thread's signal mask meanwhile; through the syscall package, whose code
// the shrink keeps resident (see reaper.reap). It returns the poll's revents, 0 on a
// time-out or an interruption.
func pollHolding(fd int, d time.Duration, mask *unix.Sigset_t) int16 {
	fds := [1]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	var ts *unix.Timespec
	if d >= 0 {
		t := unix.NsecToTimespec(int64(d))
		ts = &t
	}
	n, _, errno := syscall.RawSyscall6(unix.SYS_PPOLL, uintptr(unsafe.Pointer(&fds[0])), 1,
		uintptr(unsafe.Pointer(ts)), uintptr(unsafe.Pointer(mask)), kernelSigsetSize, 0)
	if errno != 0 || n == 0 {
		return 0
	}
	return fds[0].Revents
}
