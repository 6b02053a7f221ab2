package smallfile

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, size int) string {
		p := filepath.Join(dir, name)
		// Distinct bytes, so that a chunk copied to the wrong place shows.
		b := make([]byte, size)
		for i := range b {
			b[i] = byte('a' + i%23)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name  string
		path  string
		limit int
		err   string // substring; "" = success, content equal to os.ReadFile's
	}{
		{"empty", write("empty", 0), 100, ""},
		{"one byte", write("one", 1), 100, ""},
		{"below the first buffer", write("small", 300), 1 << 20, ""},
		{"grows several times", write("big", 100_000), 1 << 20, ""},
		{"exactly the limit", write("exact", 4096), 4096, ""},
		{"one byte over the limit", write("over", 4097), 4096, "larger than 4096 bytes"},
		{"far over the limit", write("far", 100_000), 1000, "larger than 1000 bytes"},
		{"limit zero, empty file", write("empty0", 0), 0, ""},
		{"limit zero, one byte", write("one0", 1), 0, "larger than 0 bytes"},
		// proc files report size 0 and are produced on reading.
		{"proc file", "/proc/self/mountinfo", 1 << 20, ""},
		{"missing", filepath.Join(dir, "missing"), 100, "no such file"},
		{"directory", dir, 100, "is a directory"},
		// An endless device hits the limit.
		{"endless device", "/dev/zero", 1 << 20, "larger than 1048576 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Read(tc.path, tc.limit)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), tc.path) {
					t.Fatalf("Read(%q, %d) = %d bytes, %v; want an error naming the path and %q", tc.path, tc.limit, len(got), err, tc.err)
				}
				var pe *fs.PathError
				if !errors.As(err, &pe) {
					t.Errorf("error %v is %T, want *fs.PathError", err, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Read(%q): %v", tc.path, err)
			}
			want, err := os.ReadFile(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Read(%q) = %d bytes, os.ReadFile %d bytes, or different content", tc.path, len(got), len(want))
			}
		})
	}
}

// Callers tell a missing file from an unreadable one as with os.ReadFile.
func TestReadErrorsMatch(t *testing.T) {
	_, err := Read(filepath.Join(t.TempDir(), "missing"), 10)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	_, err = Read(t.TempDir(), 10)
	if !errors.Is(err, syscall.EISDIR) {
		t.Errorf("directory: %v, want EISDIR", err)
	}
}

// fifo makes a named pipe in dir that nobody writes to.
func fifo(t *testing.T, dir string) string {
	t.Helper()
	p := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The open of a FIFO does not wait for a writer, which may never come
// (os.ReadFile would): without one it reads as empty at once.
func TestReadFIFOWithoutWriter(t *testing.T) {
	p := fifo(t, t.TempDir())
	got, err := Read(p, 100)
	if err != nil || len(got) != 0 {
		t.Fatalf("Read = %q, %v; want nothing and no error", got, err)
	}
}

// A pipe that is already open, as for a here-string (`@/dev/fd/3
// 3<<<"..."`) or a process substitution, is read to its end, however its
// writer paces itself.
func TestReadPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	go func() {
		// Two writes, the second after the reader has found the pipe
		// empty at least once, most likely: reads must wait, not stop.
		w.WriteString("-name\n")
		time.Sleep(20 * time.Millisecond)
		w.WriteString("agent\n")
		w.Close()
	}()
	got, err := Read("/proc/self/fd/"+strconv.Itoa(int(r.Fd())), 100)
	if err != nil || string(got) != "-name\nagent\n" {
		t.Fatalf("Read = %q, %v; want both writes", got, err)
	}
}
