package entrypoint

import (
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestStartPollerRoom, in a process of its own (it lowers the open-file
// limit and fills it): with two descriptors free StartPoller refuses, and
// says which limit; with three it succeeds (its pipe end and the poller's
// two).
func TestStartPollerRoom(t *testing.T) {
	if !inOwnProcess(t) {
		return
	}
	var old unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &old); err != nil {
		t.Fatal(err)
	}
	const limit = 64
	if err := unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: limit, Max: old.Max}); err != nil {
		t.Fatal(err)
	}
	defer unix.Setrlimit(unix.RLIMIT_NOFILE, &old)
	// Every free descriptor below the limit, held.
	var held []int
	for {
		fd, err := unix.FcntlInt(2, unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			break
		}
		held = append(held, fd)
	}
	release := func(n int) {
		for _, fd := range held[len(held)-n:] {
			unix.Close(fd)
		}
		held = held[:len(held)-n]
	}
	defer func() { release(len(held)) }()

	release(2)
	err := StartPoller()
	if err == nil || !strings.Contains(err.Error(), "open-file limit") || !strings.Contains(err.Error(), strconv.Itoa(limit)) {
		t.Fatalf("StartPoller with 2 descriptors free = %v; want an error that names the limit, %d", err, limit)
	}
	release(1)
	if err := StartPoller(); err != nil {
		t.Fatalf("StartPoller with 3 descriptors free = %v", err)
	}
}
