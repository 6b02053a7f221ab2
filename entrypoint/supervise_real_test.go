package entrypoint

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/jenkins-launcher/launcher/internal/testutil"
	"golang.org/x/sys/unix"
)

// TestRootTerminalForeground: with a terminal as stdin and controlling
// terminal, the command's group becomes the terminal's foreground group,
// and once the command is gone the launcher takes it back for its own, as
// a shell does after a job (a caller in the same session would otherwise
// stop on its next read).
func TestRootTerminalForeground(t *testing.T) {
	testutil.RequireRoot(t)
	p := svBuild(t)
	master, slave := svOpenPTY(t)
	defer master.Close()
	defer slave.Close()
	for _, c := range []struct {
		name string
		tty  bool
		want string
	}{
		{"terminal", true, "fg"},
		{"no-terminal", false, "bg"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(p.supervise, p.test, "tty-foreground")
			cmd.Env = append(os.Environ(), "SUPERVISE_SUBREAPER=1", "SUPERVISE_REPORT_FG=1")
			var out, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &out, &stderr
			if c.tty {
				// The launcher leads a new session with the pty as its
				// controlling terminal, as in `podman run -t`.
				cmd.Stdin = slave
				cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
			} else {
				// A terminal as stdin that is not the launcher's
				// controlling terminal: nothing to hand over, and the
				// launcher must not fail trying.
				cmd.Stdin = slave
				cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
			}
			err := cmd.Run()
			got, report, _ := strings.Cut(strings.TrimSpace(out.String()), "\n")
			if c.tty {
				if err != nil || got != c.want {
					t.Fatalf("command said %q (err %v), want %q", got, err, c.want)
				}
				var fg, own int
				if _, err := fmt.Sscanf(report, "terminal fg %d own %d", &fg, &own); err != nil {
					t.Fatalf("launcher's report %q: %v", report, err)
				}
				if fg != own {
					t.Errorf("terminal's foreground group %d after the command, want the launcher's %d", fg, own)
				}
				return
			}
			// The command ran; its own TIOCGPGRP fails for the same reason.
			if !strings.Contains(stderr.String(), "TIOCGPGRP") {
				t.Fatalf("command said %q, %q (err %v); want it to run without a controlling terminal", got, stderr.String(), err)
			}
		})
	}
}

// svOpenPTY opens a pseudo-terminal pair.
func svOpenPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		testutil.Unavailable(t, "no /dev/ptmx: "+err.Error())
	}
	unlock := 0
	if _, _, errno := unix.Syscall(unix.SYS_IOCTL, master.Fd(), unix.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		t.Fatalf("unlockpt: %v", errno)
	}
	n, err := unix.IoctlGetUint32(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("ptsname: %v", err)
	}
	slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening the pty slave: %v", err)
	}
	return master, slave
}

// TestRealOOMKillExplained runs a memory hog under the launcher in a 32 MiB
// cgroup v1 memory group: the kernel OOM killer kills it, the launcher
// exits 137 and explains why in one line. The hog starts once the
// supervisor is idle: an OOM kill while the supervisor itself is faulting
// pages in (its shrink, shrinkDelay after the start) can take it down too,
// as the kernel finds it the only task left to kill (seen 1 in 12 runs).
func TestRealOOMKillExplained(t *testing.T) {
	testutil.RequireRoot(t)
	parent := testutil.OwnV1Group(t, "memory")
	p := svBuild(t)
	limit := strconv.Itoa(32 << 20)
	group := testutil.V1Group(t, parent, fmt.Sprintf("entrypoint-oom-test-%d", os.Getpid()),
		"memory.limit_in_bytes", limit, "memory.memsw.limit_in_bytes?", limit)
	// Join the group before exec, so that the launcher and its command
	// are charged from their first page.
	script := `echo $$ > "$1/cgroup.procs" && shift && exec "$@"`
	run := svStart(t, svPID1, []string{"SUPERVISE_OOM_FILE=" + filepath.Join(group, "memory.oom_control")},
		"/bin/sh", "-c", script, "sh", group, p.supervise, p.test, "hog", "512", (shrinkDelay + 250*time.Millisecond).String())
	code := run.wait()
	out := run.stderrText()
	if code != 137 {
		t.Fatalf("launcher exited %d, want 137; stdout %q; stderr:\n%s", code, run.rest(), out)
	}
	if n := strings.Count(out, "killed by the kernel OOM killer"); n != 1 {
		t.Fatalf("%d OOM lines, want 1; stderr:\n%s", n, out)
	}
	t.Log(strings.TrimSpace(out))
}

// TestRealShrinkPIE: a position-independent build (what some distributions
// build Go programs as) survives the shrink. Its RELRO segment is read-only
// but was written by the loader; dropping those pages brought back
// unrelocated pointers and the supervisor died of SIGSEGV 50 ms in.
func TestRealShrinkPIE(t *testing.T) {
	t.Setenv("GOFLAGS", "-buildmode=pie")
	bins := testutil.BuildStatic(t, t.TempDir(), "./internal/superviseprog", "./internal/testprog")
	out, err := exec.Command("file", bins[0]).Output()
	if err == nil && !strings.Contains(string(out), "pie executable") {
		t.Fatalf("not a PIE build: %s", out)
	}
	// The command outlives the shrink (shrinkDelay after its start).
	run := svStart(t, svPlain, []string{"SUPERVISE_SUBREAPER=1"}, bins[0], bins[1], "hog", "1", (shrinkDelay + 250*time.Millisecond).String())
	if got := run.expect("survived"); !strings.HasPrefix(got, "survived") {
		t.Fatalf("command said %q", got)
	}
	if code := run.wait(); code != 0 {
		t.Fatalf("launcher exited %d, want 0; stderr:\n%s", code, run.stderrText())
	}
}
