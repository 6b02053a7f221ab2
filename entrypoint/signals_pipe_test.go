package entrypoint

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/testutil"
	"golang.org/x/sys/unix"
)

// The handlers of signop_*.s in real processes: internal/signalprog
// catches as a supervisor does, natively and, for the arm64 handlers,
// under qemu-user. A signal reaches Signals however it was sent, 32 and
// 34 too (os/signal cannot catch them); a sent SIGSEGV or SIGBUS is a
// signal like any other, while a real fault still reaches the Go runtime
// and panics; a write to a broken stdout does not end the process, nor
// does an exec that fails and logs to a broken stderr; a forked child
// that has not exec'd yet keeps its signals to itself.
func TestSignalPipe(t *testing.T) {
	arches := []string{runtime.GOARCH}
	if runtime.GOARCH == "amd64" {
		arches = append(arches, "arm64")
	}
	for _, arch := range arches {
		t.Run(arch, func(t *testing.T) {
			prog := signalProg(t, arch)

			out := signalProgRun(t, prog, "fault")
			if want := "recovered: runtime error: invalid memory address or nil pointer dereference\n"; out != want {
				t.Errorf("fault: printed %q, want %q", out, want)
			}
			if out := signalProgRun(t, prog, "sigpipe"); !strings.Contains(out, "survived: write /dev/stdout: broken pipe") {
				t.Errorf("sigpipe: printed %q", out)
			}
			// An exec that fails logs to a broken stderr and still
			// returns its code (SIGPIPE is not back to its default).
			if out := signalProgRun(t, prog, "exec-fail"); out != "exit code 127\n" {
				t.Errorf("exec-fail: printed %q, want %q", out, "exit code 127\n")
			}
			// A signal caught before the exec wins over it.
			if out := signalProgRun(t, prog, "exec-pending"); out != "exit code 143\n" {
				t.Errorf("exec-pending: printed %q, want %q", out, "exit code 143\n")
			}
			// A forked child that has not exec'd yet gets its signal
			// itself, with the default action, and it does not land in
			// the parent's pipe.
			if out, want := signalProgRun(t, prog, "forked"), "child killed by 10\ncaught 12\n"; out != want {
				t.Errorf("forked: printed %q, want %q", out, want)
			}
			// A second CatchSignals would take the pipe from the first.
			twice, err := signalProgCmd(t, prog, "twice").CombinedOutput()
			if err == nil || !strings.Contains(string(twice), "CatchSignals called twice") {
				t.Errorf("twice: %v, printed %q; want a panic", err, twice)
			}

			sends := []struct {
				name string
				send func(pid int, sig syscall.Signal) error
			}{
				{"kill", unix.Kill}, // SI_USER
				{"tgkill", func(pid int, sig syscall.Signal) error { return unix.Tgkill(pid, pid, sig) }}, // SI_TKILL
			}
			sigs := []syscall.Signal{syscall.SIGTERM, syscall.SIGSEGV, syscall.SIGBUS, syscall.SIGFPE, syscall.SIGUSR1}
			if arch == runtime.GOARCH {
				// Not under qemu-user, which keeps some real-time
				// signals for itself and renumbers the others.
				sigs = append(sigs, 32, 34, 64)
			}
			for _, send := range sends {
				for _, sig := range sigs {
					if arch == runtime.GOARCH || !raisedByFaults(sig) {
						expectCaught(t, signalProgCmd(t, prog, "wait"), send.name, send.send, sig)
						continue
					}
					// qemu-user itself handles a host SIGSEGV, SIGBUS
					// or SIGFPE before the guest sees it, and once in
					// CI, under the race detector's load, the emulated
					// process died of a sent SIGSEGV (none in the 162
					// fault-signal sends of 27 runs since, alone and
					// under load). The handlers' check is the same
					// either way: a second failure in a row fails.
					if err := caught(t, signalProgCmd(t, prog, "wait"), send.send, sig); err != nil {
						t.Logf("%s %d under qemu-user: %v; sending again", send.name, sig, err)
						expectCaught(t, signalProgCmd(t, prog, "wait"), send.name, send.send, sig)
					}
				}
			}
		})
	}
}

// signalProg builds internal/signalprog for arch, and returns the command
// line prefix that runs it.
func signalProg(t *testing.T, arch string) []string {
	t.Helper()
	var runner []string
	if arch != runtime.GOARCH {
		q, err := exec.LookPath("qemu-aarch64-static")
		if err != nil {
			testutil.Unavailable(t, "qemu-aarch64-static not found (make setup installs it)")
		}
		runner = []string{q}
	}
	t.Setenv("GOARCH", arch)
	bin := testutil.BuildStatic(t, t.TempDir(), "./internal/signalprog")[0]
	return append(runner, filepath.Clean(bin))
}

// signalProgCmd makes the command for one run, which is killed after a
// minute: a fault that loops in a handler never ends.
func signalProgCmd(t *testing.T, prog []string, mode string) *exec.Cmd {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return exec.CommandContext(ctx, prog[0], append(prog[1:], mode)...)
}

// startWaiting starts `signalprog wait` and reads its "ready" line: from
// then on it catches signals.
func startWaiting(t *testing.T, cmd *exec.Cmd) (io.Reader, *bufio.Scanner) {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	if !lines.Scan() || lines.Text() != "ready" {
		t.Fatalf("%v: no ready line (%q)", cmd.Args, lines.Text())
	}
	return stdout, lines
}

// expectCaught starts cmd, a `signalprog wait`, sends it sig once it is
// ready, and expects it to report "caught N" and exit 0.
func expectCaught(t *testing.T, cmd *exec.Cmd, how string, send func(int, syscall.Signal) error, sig syscall.Signal) {
	t.Helper()
	if err := caught(t, cmd, send, sig); err != nil {
		t.Errorf("%s %d: %v", how, sig, err)
	}
}

// caught is expectCaught's check, returning what went wrong.
func caught(t *testing.T, cmd *exec.Cmd, send func(int, syscall.Signal) error, sig syscall.Signal) error {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, lines := startWaiting(t, cmd)
	if err := send(cmd.Process.Pid, sig); err != nil {
		t.Fatal(err)
	}
	lines.Scan()
	got := lines.Text()
	rest, _ := io.ReadAll(stdout)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("%v (printed %q %q, stderr %q)", err, got, rest, stderr.String())
	}
	if want := "caught " + strconv.Itoa(int(sig)); got != want {
		return fmt.Errorf("printed %q, want %q", got, want)
	}
	return nil
}

// signalProgRun runs signalprog, which must exit 0, and returns its output.
func signalProgRun(t *testing.T, prog []string, mode string) string {
	t.Helper()
	cmd := signalProgCmd(t, prog, mode)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("signalprog %s: %v\n%s", mode, err, out)
	}
	return string(out)
}

// Without a descriptor for the pipe, os/signal catches instead: a
// terminating signal still arrives, and 32 and 34, which it cannot catch,
// are made harmless rather than left to end the process.
func TestSignalFallback(t *testing.T) {
	prlimit, err := exec.LookPath("prlimit")
	if err != nil {
		testutil.Unavailable(t, "prlimit(1) not found")
	}
	prog := signalProg(t, runtime.GOARCH)
	// Soft and hard: Go raises the soft limit to the hard one at start.
	cmd := signalProgCmd(t, append([]string{prlimit, "--nofile=3:3"}, prog...), "wait")
	_, lines := startWaiting(t, cmd)
	pid := cmd.Process.Pid
	// With descriptors 0 to 2 taken, the pipe cannot be made (EMFILE).
	limits, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/limits")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`Max open files\s+3\s+3\s`).Match(limits) {
		t.Fatalf("descriptor limit not applied:\n%s", limits)
	}
	for _, sig := range []syscall.Signal{32, 34, syscall.SIGTERM} {
		if err := unix.Kill(pid, sig); err != nil {
			t.Fatal(err)
		}
	}
	lines.Scan()
	got := lines.Text()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v (printed %q)", err, got)
	}
	if got != "caught 15" {
		t.Fatalf("printed %q, want %q", got, "caught 15")
	}
}

// Signals blocked or ignored when the launcher starts are caught all the
// same: testprog with-blocked execs signalprog with SIGUSR2 blocked and
// SIGUSR1 ignored. Every thread the runtime starts keeps SIGUSR2 blocked,
// so without a thread that unblocks it, it would stay pending for ever.
func TestSignalPipeInheritedMask(t *testing.T) {
	prog := signalProg(t, runtime.GOARCH)
	testprog := testutil.BuildStatic(t, t.TempDir(), "./internal/testprog")[0]
	for _, sig := range []syscall.Signal{syscall.SIGUSR2, syscall.SIGUSR1} {
		expectCaught(t, signalProgCmd(t, []string{testprog, "with-blocked", prog[0]}, "wait"), "kill", unix.Kill, sig)
	}
}
