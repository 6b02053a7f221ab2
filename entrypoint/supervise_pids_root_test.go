package entrypoint

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// TestRootSupervisePidsLimit: the command fills the process limit of its
// cgroup (docker --pids-limit, Kubernetes' podPidsLimit: threads count) and
// keeps it full. The launcher, PID 1 in the same group, must not need a
// thread it cannot have: Go's runtime dies ("fatal error: newosproc") when
// it cannot start one, and with PID 1 the container. What asked for one:
// garbage collections (the runtime forced one every two minutes before
// a settled supervisor turned pacing off; one still comes once its
// garbage reaches the memory limit; here every 10 ms), sysmon waking the scavenger while the one idle thread
// spun, and, where set-up had started reading signals (agent mode waiting
// for the controller: "ready"), the supervisor's slow read of
// /proc/self/smaps. The command fills the limit once the supervisor has
// settled (holdThreads, shrinkDelay after the start); a signal must still
// reach it, and the launcher exit with its code.
//
// "no room": as when the command fills the limit within its first 50 ms,
// the limit is full when the supervisor settles, and it has no room to
// hold threads: it goes down to one P and waits holding it
// (holdProcessor). The collections start after the settling, and run
// whenever the supervisor wakes. No crash is allowed. Before the P was
// held, with both CPUs busy and the limit filled after the settling: 6
// crashes in 240 runs of the two cases (3 in 30 while a reaper goroutine
// blocked in wait4); since, none in 480 (and none in 240 filled after).
func TestRootSupervisePidsLimit(t *testing.T) {
	svRequirePID1(t)
	if _, err := os.Stat("/bin/sleep"); err != nil {
		testutil.Unavailable(t, "needs /bin/sleep")
	}
	p := svBuild(t)
	parent := testutil.OwnV1Group(t, "pids")
	cases := []struct {
		name    string
		ready   bool
		noRoom  bool
		settled string // the supervisor's line once it has settled
	}{
		{"not-ready", false, false, "supervisor settled"},
		{"ready", true, false, "supervisor settled"},
		{"no-room", false, true, "process limit is nearly reached"},
		{"no-room-ready", true, true, "process limit is nearly reached"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runs, fullAtSettle := 5, 0
			if tc.noRoom {
				runs = 10
				defer func() { t.Logf("the limit was full when the supervisor settled in %d of %d runs", fullAtSettle, runs) }()
			}
			for i := range runs {
				group := testutil.V1Group(t, parent,
					"launcher-test-pids-"+strconv.Itoa(os.Getpid())+"-"+strconv.Itoa(i), "pids.max", "40")
				env := []string{"SUPERVISE_GC_EVERY=10ms", "SUPERVISE_DEBUG=1"}
				fill := mkfifo(t, "fill")
				var gcGate string
				if tc.noRoom {
					gcGate = mkfifo(t, "gc")
					env = append(env, "SUPERVISE_PIDS_ROOM=none", "SUPERVISE_GC_GATE="+gcGate)
				} else {
					env = append(env, "SUPERVISE_PIDS_ROOM=1")
				}
				var gate string
				if tc.ready {
					gate = mkfifo(t, "gate")
					env = append(env, "SUPERVISE_GATE="+gate)
				}
				// PID 1 of the new namespace joins the group (writing its
				// own pid, 1, as the namespace sees it), then becomes the
				// launcher.
				run := svStart(t, svPID1, env,
					"/bin/sh", "-c", `echo $$ > "$0" && exec "$@"`, group+"/cgroup.procs",
					p.supervise, p.test, "fill-pids", fill)
				if tc.ready {
					run.expect("caught")
					openWrite(t, gate, nil)
				}
				if !tc.noRoom {
					run.awaitStderr(tc.settled)
				}
				openWrite(t, fill, nil)
				full := run.expect("full ")
				if n, _ := strconv.Atoi(strings.TrimPrefix(full, "full ")); n == 0 || n >= 1000 {
					t.Fatalf("the command reported %q: the limit was not reached", full)
				}
				if tc.noRoom {
					if !strings.Contains(run.stderrText(), tc.settled) {
						fullAtSettle++
					}
					run.awaitStderr(tc.settled)
					openWrite(t, gcGate, []byte{1})
				}
				// Exposure, not synchronisation: 30 collections with the
				// limit reached, or with the P held, 300 ms of sysmon.
				time.Sleep(300 * time.Millisecond)
				if err := run.cmd.Process.Signal(syscall.SIGTERM); err != nil {
					t.Fatalf("run %d: the launcher is gone with the limit reached: %v; stderr:\n%s", i, err, run.stderrText())
				}
				if got := run.wait(); got != 42 || strings.Contains(run.stderrText(), "fatal error") {
					// The command is a Go program in the same full
					// group: its crash would come back as its code.
					who := "the launcher"
					if strings.Contains(run.stderrText(), `msg="command exited"`) {
						who = "the command (the launcher passed its code on)"
					}
					t.Fatalf("run %d: exit %d, want 42 (the command's code); %s died; what asked for a thread:\n%s\nstderr:\n%s", i, got, who, runtimeStack(run.stderrText()), run.stderrText())
				}
			}
		})
	}
}

// runtimeStack is the part of a Go crash report before the goroutines:
// the runtime's own stack, which shows what wanted the thread.
func runtimeStack(stderr string) string {
	start := strings.Index(stderr, "fatal error")
	if start < 0 {
		return "(no crash report)"
	}
	rest := stderr[start:]
	if end := strings.Index(rest, "\ngoroutine "); end >= 0 {
		rest = rest[:end]
	}
	return rest
}
