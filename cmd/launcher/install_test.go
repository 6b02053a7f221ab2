package main

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func TestInstallSelf(t *testing.T) {
	tests := []struct {
		name string
		// setup prepares the scenario in a temp root and returns the
		// arguments for installSelf.
		setup   func(t *testing.T, root string) (dir, self string)
		wantErr string // substring; "" means success
	}{
		{name: "fresh", setup: func(t *testing.T, root string) (string, string) {
			return instMkdir(t, root, "shared"), instRandomBinary(t, root)
		}},
		{name: "test-binary", setup: func(t *testing.T, root string) (string, string) {
			self, err := os.Executable()
			if err != nil {
				t.Fatal(err)
			}
			return instMkdir(t, root, "shared"), self
		}},
		{name: "overwrite", setup: func(t *testing.T, root string) (string, string) {
			dir := instMkdir(t, root, "shared")
			instWrite(t, filepath.Join(dir, installName), "old launcher", 0o600)
			return dir, instRandomBinary(t, root)
		}},
		{name: "missing-dir", wantErr: "no such file", setup: func(t *testing.T, root string) (string, string) {
			return filepath.Join(root, "absent"), instRandomBinary(t, root)
		}},
		{name: "dir-is-a-file", wantErr: "not a directory", setup: func(t *testing.T, root string) (string, string) {
			f := filepath.Join(root, "file")
			instWrite(t, f, "x", 0o644)
			return f, instRandomBinary(t, root)
		}},
		{name: "self-missing", wantErr: "running binary", setup: func(t *testing.T, root string) (string, string) {
			return instMkdir(t, root, "shared"), filepath.Join(root, "gone")
		}},
		{name: "self-unreadable", wantErr: "is a directory", setup: func(t *testing.T, root string) (string, string) {
			return instMkdir(t, root, "shared"), instMkdir(t, root, "a-directory")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, self := tt.setup(t, t.TempDir())
			target := filepath.Join(dir, installName)
			old, hadOld := instOpenIfExists(t, target)

			err := installSelf(dir, self)

			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("installSelf: error %v, want one containing %q", err, tt.wantErr)
				}
				if !strings.Contains(err.Error(), strconv.Quote(dir)) && !strings.Contains(err.Error(), strconv.Quote(self)) {
					t.Errorf("error %q names neither the directory nor the binary", err)
				}
				instAssertNoTemp(t, dir)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(self)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: %d bytes differ from %s (%d bytes)", target, len(got), self, len(want))
			}
			info, err := os.Stat(target)
			if err != nil {
				t.Fatal(err)
			}
			if info.Mode() != 0o755 {
				t.Errorf("mode %v, want -rwxr-xr-x", info.Mode())
			}
			instAssertNoTemp(t, dir)
			if hadOld {
				instAssertReplacedByRename(t, old, info)
			}
		})
	}
}

// instAssertReplacedByRename checks the old file was swapped out, not written
// over: a reader holding it open still sees the whole old content.
func instAssertReplacedByRename(t *testing.T, old *os.File, now os.FileInfo) {
	t.Helper()
	before, err := old.Stat()
	if err != nil {
		t.Fatal(err)
	}
	if before.Sys().(*syscall.Stat_t).Ino == now.Sys().(*syscall.Stat_t).Ino {
		t.Error("the existing file was rewritten in place, not replaced by a rename")
	}
	content, err := os.ReadFile("/proc/self/fd/" + strconv.Itoa(int(old.Fd())))
	if err != nil {
		t.Fatal(err)
	}
	if string(content) != "old launcher" {
		t.Errorf("a reader of the old file saw %q", content)
	}
}

func instAssertNoTemp(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return // the directory itself is the failure case
	}
	for _, e := range entries {
		if e.Name() != installName {
			t.Errorf("left behind %s in %s", e.Name(), dir)
		}
	}
}

func instOpenIfExists(t *testing.T, path string) (*os.File, bool) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	t.Cleanup(func() { f.Close() })
	return f, true
}

func instRandomBinary(t *testing.T, root string) string {
	t.Helper()
	b := make([]byte, 256<<10)
	rand.Read(b)
	p := filepath.Join(root, "self")
	instWrite(t, p, string(b), 0o700)
	return p
}

func instMkdir(t *testing.T, root, name string) string {
	t.Helper()
	p := filepath.Join(root, name)
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func instWrite(t *testing.T, path, content string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
}
