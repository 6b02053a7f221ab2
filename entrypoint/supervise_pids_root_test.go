package entrypoint

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/testutil"
	"golang.org/x/sys/unix"
)

// TestRootSupervisePidsLimit: the command fills the process limit of its
// cgroup (docker --pids-limit, Kubernetes' podPidsLimit: threads count) and
// keeps it full. The launcher, PID 1 in the same group, must not need a
// thread it cannot have: Go's runtime dies ("fatal error: newosproc") when
// it cannot start one, and with PID 1 the container. What asked for one:
// garbage collections (the runtime forces one every two minutes; here
// every 10 ms), sysmon waking the scavenger while the one idle thread
// spun, and, where set-up had started reading signals (agent mode waiting
// for the controller: "ready"), the supervisor's slow read of
// /proc/self/smaps. The command fills the limit once the supervisor has
// settled (holdThreads, shrinkDelay after the start); a signal must still
// reach it, and the launcher exit with its code.
func TestRootSupervisePidsLimit(t *testing.T) {
	svRequirePID1(t)
	if _, err := os.Stat("/bin/sleep"); err != nil {
		testutil.Unavailable(t, "needs /bin/sleep")
	}
	p := svBuild(t)
	parent := testutil.OwnV1Group(t, "pids")
	for _, ready := range []bool{false, true} {
		t.Run(map[bool]string{false: "not-ready", true: "ready"}[ready], func(t *testing.T) {
			for i := range 5 {
				group := testutil.V1Group(t, parent,
					"launcher-test-pids-"+strconv.Itoa(os.Getpid())+"-"+strconv.Itoa(i), "pids.max", "40")
				env := []string{"SUPERVISE_GC_EVERY=10ms", "SUPERVISE_DEBUG=1", "SUPERVISE_PIDS_ROOM=1"}
				fill := filepath.Join(t.TempDir(), "fill")
				if err := unix.Mkfifo(fill, 0o600); err != nil {
					t.Fatal(err)
				}
				var gate string
				if ready {
					gate = filepath.Join(t.TempDir(), "gate")
					if err := unix.Mkfifo(gate, 0o600); err != nil {
						t.Fatal(err)
					}
					env = append(env, "SUPERVISE_GATE="+gate)
				}
				// PID 1 of the new namespace joins the group (writing its
				// own pid, 1, as the namespace sees it), then becomes the
				// launcher.
				run := svStart(t, svPID1, env,
					"/bin/sh", "-c", `echo $$ > "$0" && exec "$@"`, group+"/cgroup.procs",
					p.supervise, p.test, "fill-pids", fill)
				if ready {
					run.expect("caught")
					f, err := os.OpenFile(gate, os.O_WRONLY, 0)
					if err != nil {
						t.Fatal(err)
					}
					f.Close()
				}
				run.awaitStderr("supervisor settled")
				f, err := os.OpenFile(fill, os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				f.Close()
				full := run.expect("full ")
				if n, _ := strconv.Atoi(strings.TrimPrefix(full, "full ")); n == 0 || n >= 1000 {
					t.Fatalf("the command reported %q: the limit was not reached", full)
				}
				time.Sleep(300 * time.Millisecond) // 30 collections with the limit reached
				if err := run.cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatalf("run %d: the launcher is gone with the limit reached: %v; stderr:\n%s", i, err, run.stderrText())
				}
				if got := run.wait(); got != 42 || strings.Contains(run.stderrText(), "fatal error") {
					t.Fatalf("run %d: launcher exited %d, want 42 (the command's code); stderr:\n%s", i, got, run.stderrText())
				}
			}
		})
	}
}
