package entrypoint

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/testutil"
	"golang.org/x/sys/unix"
)

// svPrograms are the helper binaries of the real-kernel tests, built once
// per top-level test into its temporary directory.
type svPrograms struct {
	supervise string // internal/superviseprog: CatchSignals + Run
	test      string // internal/testprog: the command under supervision
	floor     string // internal/floorprog: links the same, only execs
}

func svBuild(tb testing.TB) svPrograms {
	tb.Helper()
	bins := testutil.BuildStatic(tb, tb.TempDir(), "./internal/superviseprog", "./internal/testprog", "./internal/floorprog")
	return svPrograms{supervise: bins[0], test: bins[1], floor: bins[2]}
}

// svRequirePID1 skips (fails under CI=true) a test that starts the
// launcher as PID 1 of a new PID namespace where that cannot be done.
func svRequirePID1(t testing.TB) {
	t.Helper()
	testutil.RequireRoot(t)
	if _, err := os.Stat("/usr/bin/unshare"); err != nil {
		testutil.Unavailable(t, "needs unshare(1)")
	}
}

// svMode is how the launcher is started.
type svMode int

const (
	svPID1  svMode = iota // as PID 1 of a new PID namespace with its own /proc
	svPlain               // as an ordinary process (exec, or subreaper with SUPERVISE_SUBREAPER=1)
)

func (m svMode) String() string {
	if m == svPID1 {
		return "pid1"
	}
	return "plain"
}

// svCommand makes the command line for argv in mode.
func svCommand(mode svMode, env []string, argv ...string) *exec.Cmd {
	var cmd *exec.Cmd
	if mode == svPID1 {
		// The new PID namespace is cloned here, so cmd's pid is the
		// launcher's once unshare has mounted /proc and exec'd it.
		cmd = exec.Command("unshare", append([]string{"--mount-proc", "--"}, argv...)...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID}
	} else {
		cmd = exec.Command(argv[0], argv[1:]...)
	}
	cmd.Env = append(os.Environ(), env...)
	return cmd
}

// svRun is one launcher run: its stdout is read line by line, its stderr
// kept in a file.
type svRun struct {
	t      testing.TB
	cmd    *exec.Cmd
	lines  chan string
	seen   []string
	stderr *os.File
	start  time.Time
	done   bool
}

func svStart(t testing.TB, mode svMode, env []string, argv ...string) *svRun {
	t.Helper()
	cmd := svCommand(mode, env, argv...)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	// Files, not buffers: Wait must not wait for orphans that still hold
	// the descriptors.
	cmd.Stdout, cmd.Stderr = w, stderr
	run := &svRun{t: t, cmd: cmd, lines: make(chan string, 1024), stderr: stderr, start: time.Now()}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	go func() {
		defer close(run.lines)
		defer r.Close()
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			run.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		if !run.done {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		stderr.Close()
	})
	return run
}

// expect waits for a stdout line starting with prefix and returns it.
func (r *svRun) expect(prefix string) string {
	r.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case line, ok := <-r.lines:
			if !ok {
				r.t.Fatalf("stdout ended before a line %q; saw %q; stderr:\n%s", prefix, r.seen, r.stderrText())
			}
			r.seen = append(r.seen, line)
			if strings.HasPrefix(line, prefix) {
				return line
			}
		case <-timeout:
			r.t.Fatalf("no line %q within 20s; saw %q; stderr:\n%s", prefix, r.seen, r.stderrText())
		}
	}
}

// awaitStderr waits for text in the launcher's stderr, which is a file:
// it looks every 10 ms, for up to 20 s.
func (r *svRun) awaitStderr(text string) {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(r.stderrText(), text) {
		if time.Now().After(deadline) {
			r.t.Fatalf("no %q in stderr within 20s; stderr:\n%s", text, r.stderrText())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (r *svRun) signal(sig syscall.Signal) {
	r.t.Helper()
	if err := r.cmd.Process.Signal(sig); err != nil {
		r.t.Fatalf("sending %v to the launcher: %v", sig, err)
	}
}

// wait returns the launcher's exit code as a shell reports it.
func (r *svRun) wait() int {
	r.t.Helper()
	timer := time.AfterFunc(60*time.Second, func() { _ = r.cmd.Process.Kill() })
	defer timer.Stop()
	err := r.cmd.Wait()
	r.done = true
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		r.t.Fatalf("waiting for the launcher: %v", err)
	}
	ws := r.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}

// killedBy returns the signal that killed the launcher, after wait; 0 if
// it exited.
func (r *svRun) killedBy() syscall.Signal {
	if ws := r.cmd.ProcessState.Sys().(syscall.WaitStatus); ws.Signaled() {
		return ws.Signal()
	}
	return 0
}

// rest returns the stdout lines not yet consumed, once stdout has ended.
func (r *svRun) rest() []string {
	var out []string
	for line := range r.lines {
		out = append(out, line)
	}
	return out
}

func (r *svRun) stderrText() string {
	data, _ := os.ReadFile(r.stderr.Name())
	return string(data)
}

// mkfifo makes a FIFO named name in a new temporary directory.
func mkfifo(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := unix.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// openWrite opens path for writing, which waits for a reader if it is a
// FIFO, writes data and closes it.
func openWrite(t *testing.T, path string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
}
