package entrypoint

import (
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"
)

// startChild forks and execs cmd in a new process group led by the child,
// and returns its pid. Waiting is left to the supervisor's one reap loop.
func startChild(cmd Command) (int, error) {
	files := []uintptr{0, 1, 2}
	for _, f := range cmd.ExtraFiles {
		files = append(files, f.Fd())
	}
	sys := &syscall.SysProcAttr{Setpgid: true}
	if stdinIsControllingTerminal() {
		// The command owns the terminal: ^C and ^Z reach it straight
		// from the line discipline, and it may read without SIGTTIN.
		sys.Foreground = true
		sys.Ctty = 0
	}
	attr := &syscall.ProcAttr{Dir: cmd.Dir, Env: cmd.Env, Files: files, Sys: sys}

	// The child restores the signal mask of the forking thread (Go saves
	// it at fork): empty that thread's mask first, so a mask the launcher
	// inherited does not reach the command. Dispositions need nothing:
	// every signal was Notify-ed, and Go resets those to SIG_DFL in the
	// child, inherited SIG_IGN included.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var empty, old unix.Sigset_t
	if err := unix.PthreadSigmask(unix.SIG_SETMASK, &empty, &old); err != nil {
		return 0, err
	}
	defer unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
	return syscall.ForkExec(cmd.Path, cmd.Args, attr)
}

// stdinIsControllingTerminal reports whether fd 0 is the launcher's
// controlling terminal and the launcher is in its foreground: only then is
// there a terminal to hand to the command's group. A launcher started in
// the background of an interactive shell must not steal the terminal.
func stdinIsControllingTerminal() bool {
	fg, err := unix.IoctlGetInt(0, unix.TIOCGPGRP)
	return err == nil && fg == unix.Getpgrp()
}
