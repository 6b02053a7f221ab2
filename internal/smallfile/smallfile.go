// Package smallfile reads a whole small file (passwd, a JDK's release file)
// with plain system calls. os.ReadFile would do, but on Linux the first
// os.File a Go program opens sets up the runtime's network poller (an epoll
// instance, an eventfd, a registration that fails for regular files) and
// every open costs a few fcntl calls more: work that a start-up which reads
// two files and then replaces itself has no use for.
package smallfile

import (
	"fmt"
	"io/fs"

	"golang.org/x/sys/unix"
)

// Read returns the content of path. A file larger than limit bytes is an
// error, not a truncated result. Errors are *fs.PathError, so errors.Is
// with fs.ErrNotExist and fs.ErrPermission works as for os.ReadFile.
func Read(path string, limit int) ([]byte, error) {
	fd, err := Open(path)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	size, err := prepare(fd)
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	// The size is a hint only: files in /proc and /sys report 0, and a
	// file may grow while it is read.
	if size < 0 || size >= int64(limit) {
		size = 0
	}
	buf := make([]byte, 0, min(limit, max(int(size)+1, 512)))
	for {
		if len(buf) == cap(buf) {
			if len(buf) >= limit {
				// One byte beyond limit tells a file of exactly limit bytes
				// from a bigger one.
				var probe [1]byte
				n, err := ReadFD(fd, probe[:])
				if err != nil {
					return nil, &fs.PathError{Op: "read", Path: path, Err: err}
				}
				if n == 0 {
					return buf, nil
				}
				return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("larger than %d bytes", limit)}
			}
			grown := make([]byte, len(buf), min(limit, 2*cap(buf)))
			copy(grown, buf)
			buf = grown
		}
		n, err := ReadFD(fd, buf[len(buf):cap(buf)])
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

// Open opens path read-only and close-on-exec, retrying on EINTR. Not
// blocking: opening a FIFO would otherwise wait for a writer, for ever if
// none comes; a regular file reads the same (see blockingReads for the
// others).
func Open(path string) (int, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
}

// prepare returns fd's size (0 when unknown) after blockingReads, in a
// function of its own: its unix.Stat_t would otherwise sit in Read's frame
// through every read, and Read runs deep in the launcher's start-up stack
// (see cmd/launcher's run).
func prepare(fd int) (int64, error) {
	var st unix.Stat_t
	if unix.Fstat(fd, &st) != nil {
		return 0, nil
	}
	return st.Size, blockingReads(fd, st.Mode)
}

// ReadFD is read(2) on fd, retried on EINTR.
func ReadFD(fd int, p []byte) (int, error) {
	for {
		n, err := unix.Read(fd, p)
		if err != unix.EINTR {
			return n, err
		}
	}
}

// blockingReads makes reads of a pipe or a device wait for data again,
// as they would have without Open's O_NONBLOCK (a regular file never
// waits): a here-string or a process substitution (`@/dev/fd/3`) is read
// to its end, while a named FIFO that has no writer reads as empty at once
// instead of holding the open for ever.
func blockingReads(fd int, mode uint32) error {
	switch mode & unix.S_IFMT {
	case unix.S_IFIFO, unix.S_IFCHR, unix.S_IFSOCK:
		flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
		if err != nil {
			return err
		}
		_, err = unix.FcntlInt(uintptr(fd), unix.F_SETFL, flags&^unix.O_NONBLOCK)
		return err
	}
	return nil
}
