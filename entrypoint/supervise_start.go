package entrypoint

import (
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// startChild forks and execs cmd in a new process group led by the child,
// and returns its pid. Waiting is left to the supervisor's one reap loop.
// terminal (stdinIsControllingTerminal) hands the child the terminal.
func startChild(cmd Command, terminal bool) (int, error) {
	files := []uintptr{0, 1, 2}
	for _, f := range cmd.ExtraFiles {
		files = append(files, f.Fd())
	}
	sys := &syscall.SysProcAttr{Setpgid: true}
	if terminal {
		// The command owns the terminal: ^C and ^Z reach it straight
		// from the line discipline, and it may read without SIGTTIN.
		sys.Foreground = true
		sys.Ctty = 0
	}
	attr := &syscall.ProcAttr{Dir: cmd.Dir, Env: cmd.Env, Files: files, Sys: sys}

	// The child restores the signal mask of the forking thread (Go saves
	// it at fork), so a mask the launcher inherited must not be there.
	// Dispositions: Go resets caught signals to SIG_DFL in the child, and
	// Supervise set the ignored ones to SIG_DFL before.
	unlock, err := emptySignalMask()
	if err != nil {
		return 0, err
	}
	defer unlock()
	return syscall.ForkExec(cmd.Path, cmd.Args, attr)
}

// stdinIsControllingTerminal reports whether fd 0 is the launcher's
// controlling terminal and the launcher is in its foreground: only then is
// there a terminal to hand to the command's group. A launcher started in
// the background of an interactive shell must not steal the terminal.
//
// A foreground group outside the launcher's PID namespace reads as 0, as
// does the launcher's own group when it leads the namespace (PID 1 under
// `unshare --pid` from a shell): that is no foreground of ours either.
func stdinIsControllingTerminal() bool {
	fg, err := unix.IoctlGetInt(0, unix.TIOCGPGRP)
	return err == nil && fg != 0 && fg == unix.Getpgrp()
}

// restoreForeground gives the terminal back to the launcher's own process
// group once the command is gone, as a shell takes it back after a job: a
// caller in the same session (a script that ran the launcher) would
// otherwise find its terminal held by a dead group and stop on its next
// read (SIGTTIN). A process outside the foreground group that sets it gets
// SIGTTOU unless its thread blocks that signal, hence the locked thread.
func restoreForeground() {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var ttou, old unix.Sigset_t
	ttou.Val[0] = 1 << (uint(syscall.SIGTTOU) - 1)
	if unix.PthreadSigmask(unix.SIG_BLOCK, &ttou, &old) != nil {
		return
	}
	// A raw call, as the mask's: a call the runtime sees may hand the P
	// to a new thread, which a full process limit has no room for (see
	// holdProcessor).
	pgrp := int32(unix.Getpgrp())
	_, _, _ = syscall.RawSyscall(unix.SYS_IOCTL, 0, unix.TIOCSPGRP, uintptr(unsafe.Pointer(&pgrp)))
	_ = unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
}
