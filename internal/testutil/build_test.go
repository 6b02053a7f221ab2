package testutil

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rewrite keeps the bytes and the mode; only the file's page cache changes.
func TestRewrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bin")
	data := bytes.Repeat([]byte("launcher"), 64<<10)
	if err := os.WriteFile(path, data, 0o751); err != nil {
		t.Fatal(err)
	}
	if err := rewrite(path); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("rewritten content differs (%v)", err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o751 {
		t.Errorf("mode %v, want 0751", fi.Mode().Perm())
	}
	if _, err := os.Stat(path + ".new"); !os.IsNotExist(err) {
		t.Errorf("temporary file left behind: %v", err)
	}
}

// ReadBack's copy holds the same bytes and none of its pages is cached
// until something reads it.
func TestReadBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bin")
	data := bytes.Repeat([]byte("launcher"), 64<<10) // 128 pages
	if err := os.WriteFile(path, data, 0o755); err != nil {
		t.Fatal(err)
	}
	cp := ReadBack(t, path)

	f, err := os.Open(cp)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := unix.Mmap(int(f.Fd()), 0, len(data), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Munmap(m)
	vec := make([]byte, (len(data)+os.Getpagesize()-1)/os.Getpagesize())
	if _, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)), uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
		t.Fatal(e)
	}
	resident := 0
	for _, v := range vec {
		resident += int(v & 1)
	}
	if resident != 0 {
		t.Errorf("%d of %d pages of the copy are cached, want none", resident, len(vec))
	}
	if !bytes.Equal(m, data) {
		t.Error("the copy's content differs")
	}
	if fi, _ := os.Stat(cp); fi.Mode().Perm()&0o111 == 0 {
		t.Errorf("copy not executable: %v", fi.Mode())
	}
}
