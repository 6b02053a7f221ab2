package entrypoint

import (
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
func stdinIsControllingTerminal() bool {
	fg, err := unix.IoctlGetInt(0, unix.TIOCGPGRP)
	return err == nil && fg == unix.Getpgrp()
}
