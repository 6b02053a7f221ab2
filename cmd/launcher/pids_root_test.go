package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// TestRootRealNoRoomHolds: the real binary as PID 1 in a pids group with
// too little room 50 ms in reads the room from the cgroup, warns, goes
// down to one processor and holds it (entrypoint.holdProcessor), and
// still forwards a signal and passes the command's code on.
func TestRootRealNoRoomHolds(t *testing.T) {
	if os.Geteuid() != 0 {
		testutil.Unavailable(t, "needs root for a pids cgroup and a PID namespace")
	}
	bin := buildLauncher(t)
	parent := testutil.OwnV1Group(t, "pids")
	// unshare, the launcher's threads, the shell and its two sleeps:
	// about 9, so the room is below the 7 the launcher wants.
	group := testutil.V1Group(t, parent, "launcher-test-noroom-"+strconv.Itoa(os.Getpid()), "pids.max", "12")
	cmd, rest := startUntil(t, []string{"/bin/sh", "-c", `echo $$ > "$0" && exec "$@"`, group + "/cgroup.procs",
		"unshare", "--pid", "--fork", "--mount-proc",
		bin, "exec", "--", "/bin/sh", "-c", `sleep 30 & sleep 30 & trap "exit 7" TERM; wait`},
		nil, "the process limit is nearly reached")
	holdsThenPassesCode(t, cmd, rest)
}

// TestRootRealNprocNoRoomHolds: the same for the per-user limit
// (RLIMIT_NPROC, `docker run --ulimit nproc`), which counts threads too
// and which no cgroup shows: the real binary as PID 1, as a uid of its
// own with `ulimit -u` 12, reads its user's threads from /proc, warns
// naming that limit, holds its one P, and passes the command's code on
// at SIGTERM. A uid no other test uses: the kernel counts every thread
// of it on the machine.
func TestRootRealNprocNoRoomHolds(t *testing.T) {
	testutil.RequireRoot(t)
	for _, tool := range []string{"unshare", "prlimit", "setpriv"} {
		if _, err := exec.LookPath(tool); err != nil {
			testutil.Unavailable(t, tool+" is not installed")
		}
	}
	dir := testutil.WorldDir(t, "launcher-nproc-")
	bin := filepath.Join(dir, "launcher")
	if err := os.WriteFile(bin, mustRead(t, buildLauncher(t)), 0o755); err != nil {
		t.Fatal(err)
	}
	uid := 1_500_000_000 + os.Getpid()%100_000
	id := strconv.Itoa(uid)
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(home, uid, uid); err != nil {
		t.Fatal(err)
	}
	// The launcher's threads, the shell and its two sleeps: about 9 of
	// 12, so the room is below the 7 the launcher wants.
	cmd, rest := startUntil(t, []string{"unshare", "--pid", "--fork", "--mount-proc",
		"prlimit", "--nproc=12", "setpriv", "--reuid", id, "--regid", id, "--clear-groups",
		"env", "HOME=" + home, bin, "exec", "--", "/bin/sh", "-c", `sleep 30 & sleep 30 & trap "exit 7" TERM; wait`},
		nil, "the process limit is nearly reached")
	log := holdsThenPassesCode(t, cmd, rest)
	if !strings.Contains(log, "ulimit -u (RLIMIT_NPROC, --ulimit nproc) for uid "+id) {
		t.Errorf("the warning does not name the per-user limit; log:\n%s", log)
	}
}

// holdsThenPassesCode checks a launcher that warned of a full process
// limit, started by cmd (unshare, whose one child is the launcher as PID
// 1, with a command that exits 7 at SIGTERM): it holds its one P, forwards
// SIGTERM and passes the 7 on. It returns the launcher's log.
func holdsThenPassesCode(t *testing.T, cmd *exec.Cmd, rest <-chan string) string {
	t.Helper()
	children, err := os.ReadFile("/proc/" + strconv.Itoa(cmd.Process.Pid) + "/task/" + strconv.Itoa(cmd.Process.Pid) + "/children")
	launcher, err2 := strconv.Atoi(strings.TrimSpace(string(children)))
	if err != nil || err2 != nil {
		// Gone before it warned: its command ended (no hold, so no
		// warning), or its runtime died starting a thread.
		cmd.Wait()
		t.Fatalf("the launcher ended (exit %d) without the warning; log:\n%s", cmd.ProcessState.ExitCode(), <-rest)
	}
	// Held, the one P is never idle, so the runtime's monitor thread
	// does not sleep: it wakes every 10 ms (README, How it works, step 6).
	// A supervisor waiting in poll(2) lets all of them sleep: 0 here.
	// Not synchronisation: the settling's own collection wakes the
	// monitor too, for a few ms; the window starts well after it.
	time.Sleep(100 * time.Millisecond)
	before := switches(t, launcher)
	time.Sleep(300 * time.Millisecond)
	if woke := switches(t, launcher) - before; woke < 10 {
		t.Errorf("the launcher's threads woke %d times in 300 ms; want the monitor's ~30 of a held P", woke)
	}
	if err := syscall.Kill(launcher, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var log string
	select {
	case log = <-rest: // all of stderr: the launcher and its command are gone
	case <-time.After(20 * time.Second):
		t.Fatal("the launcher did not end within 20 s of SIGTERM")
	}
	cmd.Wait()
	if code := cmd.ProcessState.ExitCode(); code != 7 || strings.Contains(log, "fatal error") {
		t.Fatalf("exit %d, want 7 (the command's trap); log:\n%s", code, log)
	}
	return log
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// switches is the sum of the voluntary context switches of pid's threads.
func switches(t *testing.T, pid int) int {
	t.Helper()
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, task := range tasks {
		tid, _ := strconv.Atoi(task.Name())
		sum += testutil.StatusField(t, tid, "voluntary_ctxt_switches")
	}
	return sum
}
