// Package smallfile reads a whole small file (passwd, a JDK's release file)
// with plain system calls. os.ReadFile would do, but on Linux the first
// os.File a Go program opens sets up the runtime's network poller (an epoll
// instance, an eventfd, a registration that fails for regular files) and
// every open costs a few fcntl calls more: work that a start-up which reads
// two files and then replaces itself has no use for.
package smallfile

import (
	"errors"
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
	var st unix.Stat_t
	size := 0
	if unix.Fstat(fd, &st) == nil {
		if err := notRegular(st.Mode); err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		// The size is a hint only: files in /proc and /sys report 0,
		// and a file may grow while it is read.
		if st.Size > 0 && st.Size < int64(limit) {
			size = int(st.Size)
		}
	}
	buf := make([]byte, 0, min(limit, max(size+1, 512)))
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
// none comes (Read then refuses it); a regular file reads the same.
func Open(path string) (int, error) {
	for {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		if err != unix.EINTR {
			return fd, err
		}
	}
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

// notRegular says why a file of this mode is not a regular one; nil for a
// regular file. Only regular files (those of /proc and /sys included) end:
// a FIFO, a socket or a terminal may never, and a device such as /dev/zero
// never does. A directory gets EISDIR, as os.ReadFile gives.
func notRegular(mode uint32) error {
	kind := ""
	switch mode & unix.S_IFMT {
	case unix.S_IFREG:
		return nil
	case unix.S_IFDIR:
		return unix.EISDIR
	case unix.S_IFIFO:
		kind = "a FIFO (named pipe)"
	case unix.S_IFSOCK:
		kind = "a socket"
	case unix.S_IFCHR:
		kind = "a character device"
	case unix.S_IFBLK:
		kind = "a block device"
	default:
		kind = "of an unknown kind"
	}
	return errors.New("is " + kind + ", not a regular file")
}
