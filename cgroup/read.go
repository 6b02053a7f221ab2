package cgroup

import (
	"bytes"
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/jenkins-launcher/launcher/internal/smallfile"
	"golang.org/x/sys/unix"
)

// bufSize bounds one read. Every file we read is a one-liner except
// mountinfo, memory.stat and meminfo, which are scanned line by line
// through it; 8 KiB holds the part of memory.stat we need in one read.
const bufSize = 8192

// files reads process-visible paths (like /proc/self/cgroup) below root
// through one reusable buffer, so a whole detection costs one allocation for
// reading. Slices it returns are valid until the next read.
type files struct {
	root string
	buf  []byte
	// mem, when set, serves files from memory instead of below root; it
	// lets fuzzing run whole detections without touching the disk.
	mem map[string][]byte
}

func newFiles(root string) *files {
	return &files{root: root, buf: make([]byte, bufSize)}
}

// realRoot reports whether root is the process's own "/".
func (f *files) realRoot() bool { return f.root == "" || f.root == "/" }

// live reports whether the files are the running system's own, where a
// system call may stand in for a file.
func (f *files) live() bool { return f.mem == nil && f.realRoot() }

// full maps a process-visible path onto the injected root.
func (f *files) full(path string) string {
	if f.realRoot() {
		return path
	}
	return filepath.Join(f.root, path)
}

func (f *files) open(path string) (int, error) {
	fd, err := smallfile.Open(f.full(path))
	if err != nil {
		// A PathError keeps errors.Is(err, fs.ErrNotExist) working and
		// names the path the process would see, not the fixture path.
		return -1, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return fd, nil
}

// small returns the content of a one-line control file, without the
// trailing newline. Content beyond the buffer is dropped: no control file
// we read this way comes near it. Kernel control files hand over their
// whole content in one read, so a read ending in a newline is taken as
// complete; that saves the read that would only return EOF.
func (f *files) small(path string) ([]byte, error) {
	if f.mem != nil {
		b, err := f.memFile(path)
		return bytes.TrimSpace(f.buf[:copy(f.buf, b)]), err
	}
	fd, err := f.open(path)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	n := 0
	for n < len(f.buf) {
		m, err := smallfile.ReadFD(fd, f.buf[n:])
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if m == 0 {
			break
		}
		n += m
		if f.buf[n-1] == '\n' {
			break
		}
	}
	return bytes.TrimSpace(f.buf[:n]), nil
}

// lines calls fn for each line of path (without the newline) until fn
// returns true. A line longer than the buffer is handed over truncated.
func (f *files) lines(path string, fn func(line []byte) (stop bool)) error {
	return f.linesChunked(path, len(f.buf), fn)
}

// linesChunked is lines reading at most chunk bytes at a time. Files the
// kernel generates record by record (mountinfo) cost time per record
// produced, so small reads let an early stop skip generating the rest.
func (f *files) linesChunked(path string, chunk int, fn func(line []byte) (stop bool)) error {
	if f.mem != nil {
		b, err := f.memFile(path)
		for line := range bytes.Lines(b) {
			if fn(bytes.TrimSuffix(line, []byte{'\n'})) {
				break
			}
		}
		return err
	}
	fd, err := f.open(path)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	buf := f.buf
	start, end := 0, 0
	skipping := false // inside the rest of an over-long line
	for {
		if start > 0 {
			end = copy(buf, buf[start:end])
			start = 0
		}
		if end == len(buf) {
			if !skipping && fn(buf) {
				return nil
			}
			skipping, end = true, 0
		}
		n, err := smallfile.ReadFD(fd, buf[end:min(end+chunk, len(buf))])
		if err != nil {
			return &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			if end > 0 && !skipping {
				fn(buf[:end])
			}
			return nil
		}
		end += n
		for {
			i := bytes.IndexByte(buf[start:end], '\n')
			if i < 0 {
				break
			}
			line := buf[start : start+i]
			start += i + 1
			if skipping {
				skipping = false
				continue
			}
			if fn(line) {
				return nil
			}
		}
	}
}

func (f *files) memFile(path string) ([]byte, error) {
	b, ok := f.mem[path]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrNotExist}
	}
	return b, nil
}

func isNotExist(err error) bool {
	return errors.Is(err, fs.ErrNotExist)
}
