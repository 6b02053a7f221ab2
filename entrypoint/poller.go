package entrypoint

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// StartPoller sets the Go runtime's network poller up now, or returns an
// error that names the open-file limit. The runtime sets it up at the
// first socket or pollable file, takes two descriptors for it (an epoll
// instance and an eventfd), and dies if it cannot have them ("fatal error:
// runtime: netpollinit failed"): agent mode, which waits for the
// controller through it, did so with `ulimit -n` 6 to 8. Call it before
// the first such use, while set-up runs on one goroutine, so that the
// descriptors it leaves free are still free when the poller takes them.
func StartPoller() error {
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		return openFilesError(err)
	}
	unix.Close(p[1])
	if err := pollerRoom(p[0]); err != nil {
		unix.Close(p[0])
		return err
	}
	// A non-blocking pipe is pollable: the poller starts here, if it
	// had not yet.
	return os.NewFile(uintptr(p[0]), "poller start").Close()
}

// pollerRoom makes sure that two more descriptors can be opened, by
// opening two (duplicates of fd) and closing them again: what the
// runtime's poller takes when it starts. The caller makes the pollable
// file that starts it next.
func pollerRoom(fd int) error {
	a, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return openFilesError(err)
	}
	b, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
	unix.Close(a)
	if err != nil {
		return openFilesError(err)
	}
	unix.Close(b)
	return nil
}

// openFilesError explains a failure to open a descriptor: with EMFILE, by
// the open-file limit, which Go has already raised to its hard limit.
func openFilesError(err error) error {
	var lim unix.Rlimit
	if errors.Is(err, unix.EMFILE) && unix.Getrlimit(unix.RLIMIT_NOFILE, &lim) == nil {
		return fmt.Errorf("too few file descriptors: the open-file limit (ulimit -n, RLIMIT_NOFILE) is %d and it is reached; raise it (docker run --ulimit nofile=N, the ECS task definition's ulimits): %w", lim.Cur, err)
	}
	return fmt.Errorf("starting the runtime's poller: %w", err)
}
