package entrypoint

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// elfHeader is the start of a 64-bit little-endian ELF file for machine m.
func elfHeader(m uint16) []byte {
	h := make([]byte, 64)
	copy(h, "\x7fELF\x02\x01\x01")
	h[16] = 2 // ET_EXEC
	h[18], h[19] = byte(m), byte(m>>8)
	return h
}

func writeExec(t *testing.T, dir, name string, content []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, content, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExecError(t *testing.T) {
	dir := t.TempDir()
	other := uint16(183) // arm64
	if runtime.GOARCH == "arm64" {
		other = 62
	}
	for _, c := range []struct {
		name    string
		content []byte // nil: no file
		err     syscall.Errno
		code    int
		want    string
	}{
		{"missing", nil, syscall.ENOENT, ExitNotFound, "no such file or directory"},
		{"bad-interpreter", []byte("#!/nonexistent/bash -e\necho hi\n"), syscall.ENOENT, ExitNotFound, `its interpreter "/nonexistent/bash" (the #! line) does not exist`},
		{"crlf", []byte("#!/bin/sh\r\necho hi\r\n"), syscall.ENOENT, ExitNotFound, "Windows line endings (CRLF)"},
		{"missing-loader", elfHeader(62), syscall.ENOENT, ExitNotFound, "the dynamic loader it needs is not"},
		{"other-arch", elfHeader(other), syscall.ENOEXEC, ExitNotExecutable, "a binary for another machine"},
		{"script-no-shell", []byte("echo hi\n"), syscall.ENOEXEC, ExitNotExecutable, "a script without a #! line, and /bin/sh cannot run it"},
		{"garbage", []byte("\x00\x01\x02"), syscall.ENOEXEC, ExitNotExecutable, "exec format error"},
		{"denied", []byte("#!/bin/sh\n"), syscall.EACCES, ExitNotExecutable, "permission denied"},
		{"fork-limit", []byte("#!/bin/sh\n"), syscall.EAGAIN, ExitInternal, "the process limit is reached"},
	} {
		path := filepath.Join(dir, c.name)
		if c.content != nil {
			writeExec(t, dir, c.name, c.content)
		}
		code, err := execError(path, c.err)
		if code != c.code || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %d %v, want %d and an error with %q", c.name, code, err, c.code, c.want)
		}
		if err != nil && !strings.HasPrefix(err.Error(), c.err.Error()) {
			t.Errorf("%s: %q does not start with the system's error %q", c.name, err, c.err)
		}
	}
}

func TestAsScript(t *testing.T) {
	dir := t.TempDir()
	script := writeExec(t, dir, "script", []byte("echo hi\n"))
	empty := writeExec(t, dir, "empty", nil)
	binary := writeExec(t, dir, "binary", elfHeader(183))
	shebang := writeExec(t, dir, "shebang", []byte("#!/bin/weird\n"))
	// A #! that names no interpreter: shells run it with sh.
	bare := writeExec(t, dir, "bare", []byte("#!\necho ok\n"))
	blanks := writeExec(t, dir, "blanks", []byte("#! \t\r\necho ok\n"))
	spaced := writeExec(t, dir, "spaced", []byte("#! /bin/weird\n"))
	cmd := func(p string) Command {
		return Command{Path: p, Args: []string{"name", "a", "b"}, Env: []string{"X=1"}}
	}
	for _, c := range []struct {
		name string
		cmd  Command
		err  error
		want []string // nil: no fallback
	}{
		{"script", cmd(script), syscall.ENOEXEC, []string{"/bin/sh", script, "a", "b"}},
		{"empty", cmd(empty), syscall.ENOEXEC, []string{"/bin/sh", empty, "a", "b"}},
		{"binary", cmd(binary), syscall.ENOEXEC, nil},
		{"shebang", cmd(shebang), syscall.ENOEXEC, nil},
		{"shebang-after-blank", cmd(spaced), syscall.ENOEXEC, nil},
		{"bare-shebang", cmd(bare), syscall.ENOEXEC, []string{"/bin/sh", bare, "a", "b"}},
		{"shebang-of-blanks", cmd(blanks), syscall.ENOEXEC, []string{"/bin/sh", blanks, "a", "b"}},
		{"other-error", cmd(script), syscall.EACCES, nil},
		{"missing", cmd(filepath.Join(dir, "missing")), syscall.ENOEXEC, nil},
	} {
		got, ok := asScript(c.cmd, c.err)
		if ok != (c.want != nil) || (ok && (got.Path != "/bin/sh" || !slices.Equal(got.Args, c.want) || !slices.Equal(got.Env, c.cmd.Env))) {
			t.Errorf("%s: %v %+v, want %q", c.name, ok, got, c.want)
		}
	}
}
