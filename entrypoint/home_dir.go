package entrypoint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"golang.org/x/sys/unix"
)

// makeOwnedDir creates dir (host path; name is what errors show) with mode
// 0700 unless it exists, then checks what is really there through a
// descriptor opened without following symlinks, so that a directory swapped
// in after mkdir is not mistaken for ours. created reports whether this call
// made it.
func makeOwnedDir(host, name string, uid int) (created bool, err error) {
	switch err := os.Mkdir(host, 0o700); {
	case err == nil:
		created = true
	case !errors.Is(err, fs.ErrExist):
		return false, fmt.Errorf("creating %q: %w", name, err)
	}
	fd, err := unix.Open(host, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	switch {
	case errors.Is(err, unix.ELOOP):
		return created, fmt.Errorf("%q is a symlink", name)
	case errors.Is(err, unix.ENOTDIR):
		return created, fmt.Errorf("%q is not a directory", name)
	case err != nil:
		return created, fmt.Errorf("opening %q: %w", name, err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return created, fmt.Errorf("inspecting %q: %w", name, err)
	}
	if int(st.Uid) != uid {
		return created, fmt.Errorf("%q is owned by uid %d, not %d", name, st.Uid, uid)
	}
	// mkdir's mode is filtered by the umask, and a reused directory may have
	// been loosened since: private is the point.
	if err := unix.Fchmod(fd, 0o700); err != nil {
		return created, fmt.Errorf("setting mode 0700 on %q: %w", name, err)
	}
	return created, nil
}

// probeWritable proves a directory writable by creating a file in it and
// writing a byte: access(2) can say yes where a write still fails (some
// network and read-only bind-mounted file systems), and an empty file
// needs only an inode, so a file system without a free block (or a
// quota with none left) lets it be created. An unnamed O_TMPFILE file
// leaves no name to remove and disappears with its descriptor, even if
// the launcher dies in between; file systems without O_TMPFILE get a
// named file, removed at once.
func probeWritable(host, name string) error {
	fd, err := unix.Open(host, unix.O_TMPFILE|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
	if err == nil {
		defer unix.Close(fd)
		return probeWrite(fd, name)
	}
	if !errors.Is(err, unix.EOPNOTSUPP) && !errors.Is(err, unix.EISDIR) && !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("home %q is not writable: %w", name, err)
	}
	return probeWritableNamed(host, name)
}

func probeWritableNamed(host, name string) error {
	f, err := os.CreateTemp(host, ".launcher-write-test-*")
	if err != nil {
		return fmt.Errorf("home %q is not writable: %w", name, unwrapPath(err))
	}
	werr := probeWrite(int(f.Fd()), name)
	f.Close()
	if err := os.Remove(f.Name()); err != nil {
		return fmt.Errorf("removing write test file in %q: %w", name, unwrapPath(err))
	}
	return werr
}

// probeWrite writes one byte to fd, a file just created in home name: a
// full file system or an exhausted quota refuses it (ENOSPC, EDQUOT).
func probeWrite(fd int, name string) error {
	if _, err := unix.Write(fd, []byte{0}); err != nil {
		return fmt.Errorf("home %q is not writable: %w", name, err)
	}
	return nil
}

// unwrapPath drops the *PathError's host path, which under a test Root
// differs from the path the message already names.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
