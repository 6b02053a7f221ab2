package entrypoint

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestLookPath resolves "tool" against PATH=bin1:bin2 of each fixture under
// testdata/supervise/lookpath, or the fixture's bin1/tool when the case
// uses a name with a slash.
func TestLookPath(t *testing.T) {
	cases := []struct {
		fixture  string
		slash    bool   // look up FIXTURE/bin1/tool instead of "tool"
		wantDir  string // where the found tool is, "" on failure
		wantCode int
	}{
		{"found", false, "bin1", 0},
		{"second-dir", false, "bin2", 0},
		{"not-executable", false, "", ExitNotExecutable},
		{"denied-then-found", false, "bin2", 0},
		{"directory", false, "", ExitNotExecutable},
		{"missing", false, "", ExitNotFound},
		{"slash-name", true, "bin1", 0},
		{"slash-missing", true, "", ExitNotFound},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			root := filepath.Join("testdata", "supervise", "lookpath", c.fixture)
			name := "tool"
			if c.slash {
				name = filepath.Join(root, "bin1", "tool")
			}
			pathEnv := filepath.Join(root, "bin1") + ":" + filepath.Join(root, "bin2")
			path, code, err := LookPath(name, pathEnv)
			if code != c.wantCode {
				t.Fatalf("LookPath(%q) code %d (err %v), want %d", name, code, err, c.wantCode)
			}
			if c.wantDir == "" {
				if err == nil || !strings.Contains(err.Error(), "tool") {
					t.Fatalf("LookPath(%q) error %v does not name the command", name, err)
				}
				return
			}
			if want := filepath.Join(root, c.wantDir, "tool"); err != nil || path != want {
				t.Fatalf("LookPath(%q) = %q, %v; want %q", name, path, err, want)
			}
		})
	}
}

// An empty PATH entry is the current directory, as in a shell.
func TestLookPathEmptyEntryIsCurrentDir(t *testing.T) {
	t.Chdir(filepath.Join("testdata", "supervise", "lookpath", "found", "bin1"))
	path, code, err := LookPath("tool", "/nonexistent:")
	if err != nil || code != 0 || path != "tool" {
		t.Fatalf("LookPath = %q, %d, %v; want \"tool\" from the empty entry", path, code, err)
	}
	if _, code, _ := LookPath("", "/bin"); code != ExitNotFound {
		t.Fatalf("empty name: code %d, want %d", code, ExitNotFound)
	}
}

func TestStartErrorCode(t *testing.T) {
	for _, c := range []struct {
		err  error
		want int
	}{
		{syscall.ENOENT, ExitNotFound},
		{syscall.ENOTDIR, ExitNotFound},
		{syscall.EACCES, ExitNotExecutable},
		{syscall.ENOEXEC, ExitNotExecutable},
		{syscall.EISDIR, ExitNotExecutable},
		{&os.PathError{Op: "fork/exec", Path: "/x", Err: syscall.EACCES}, ExitNotExecutable},
		{syscall.ENOMEM, ExitInternal},
	} {
		t.Run(fmt.Sprint(c.err), func(t *testing.T) {
			if got := startErrorCode(c.err); got != c.want {
				t.Fatalf("startErrorCode(%v) = %d, want %d", c.err, got, c.want)
			}
		})
	}
}

// Starting a command that cannot run gives the shell's code without
// touching the process: Supervise and execCommand both fail before
// anything stays.
func TestStartFailureCodes(t *testing.T) {
	dir := filepath.Join("testdata", "supervise", "lookpath")
	for _, c := range []struct {
		name string
		path string
		want int
	}{
		{"missing", filepath.Join(dir, "missing", "bin1", "tool"), ExitNotFound},
		{"not-executable", filepath.Join(dir, "not-executable", "bin1", "tool"), ExitNotExecutable},
		{"directory", filepath.Join(dir, "directory", "bin1", "tool"), ExitNotExecutable},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := Command{Path: c.path, Args: []string{"tool"}}
			sigs := newSignals()
			sigs.startReading()
			if got := Supervise(cmd, sigs, Options{}); got != c.want {
				t.Errorf("Supervise = %d, want %d", got, c.want)
			}
			sigs = newSignals()
			sigs.startReading()
			if got := execCommand(&cmd, sigs, nil); got != c.want {
				t.Errorf("execCommand = %d, want %d", got, c.want)
			}
		})
	}
}

func TestShouldSupervise(t *testing.T) {
	for _, c := range []struct {
		pid       int
		subreaper bool
		want      bool
	}{
		{1, false, true},
		{1, true, true},
		{42, true, true},
		{42, false, false},
	} {
		if got := ShouldSupervise(c.pid, c.subreaper); got != c.want {
			t.Errorf("ShouldSupervise(%d, %v) = %v, want %v", c.pid, c.subreaper, got, c.want)
		}
	}
}

// NotStarted runs once whenever Run returns without the command having
// started: a terminating signal during set-up, or a start failure, as
// supervisor and as a launcher that would replace itself. (The command path
// is missing, so a broken signal check gives 127 instead of an exec.)
func TestNotStarted(t *testing.T) {
	missing := Command{Path: filepath.Join(t.TempDir(), "tool"), Args: []string{"tool"}}
	for _, c := range []struct {
		name      string
		signalled bool
		subreaper bool
		want      int
	}{
		{"signal-supervising", true, true, 143},
		{"signal-replacing", true, false, 143},
		{"missing-supervising", false, true, ExitNotFound},
		{"missing-replacing", false, false, ExitNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			sigs := newSignals()
			sigs.startReading()
			if c.signalled {
				sigs.cancel(&SignalError{Signal: syscall.SIGTERM})
			}
			calls := 0
			opts := Options{NotStarted: func() { calls++ }}
			if c.subreaper {
				// Supervise itself: LAUNCHER_SUBREAPER would make the
				// test process a subreaper.
				if got := Supervise(missing, sigs, opts); got != c.want {
					t.Fatalf("Supervise = %d, want %d", got, c.want)
				}
			} else if got := Run(&missing, sigs, &opts); got != c.want {
				t.Fatalf("Run = %d, want %d", got, c.want)
			}
			if calls != 1 {
				t.Errorf("NotStarted ran %d times, want 1", calls)
			}
		})
	}
}

// PATH unset searches the shells' default list; PATH set but empty is one
// zero-length entry, the current directory (env -i, `PATH= cmd`).
func TestSearchPath(t *testing.T) {
	for _, c := range []struct {
		v    string
		set  bool
		want string
	}{
		{"", false, DefaultPath},
		{"", true, "."},
		{"/opt/bin:/usr/bin", true, "/opt/bin:/usr/bin"},
	} {
		if got := SearchPath(c.v, c.set); got != c.want {
			t.Errorf("SearchPath(%q, %v) = %q, want %q", c.v, c.set, got, c.want)
		}
	}
	t.Chdir(filepath.Join("testdata", "supervise", "lookpath", "found", "bin1"))
	if path, code, err := LookPath("tool", SearchPath("", true)); err != nil || code != 0 || path != "tool" {
		t.Errorf("PATH empty: LookPath = %q, %d, %v; want tool from the current directory", path, code, err)
	}
	if path, code, err := LookPath("sh", SearchPath("", false)); err != nil || code != 0 || !strings.HasSuffix(path, "/sh") {
		t.Errorf("PATH unset: LookPath(sh) = %q, %d, %v; want it from the default list", path, code, err)
	}
}
