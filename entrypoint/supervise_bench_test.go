package entrypoint

import (
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// BenchmarkStartOverhead times `superviseprog /bin/true` against
// `floorprog /bin/true` (same packages linked, only an exec), interleaved,
// as PID 1 (supervising) and as an ordinary process (exec). The metrics are
// the median differences: what catching signals, LookPath and supervision
// add before and around the command.
func BenchmarkStartOverhead(b *testing.B) {
	testutil.RequireRoot(b)
	p := svBuild(b)
	var launcherExec, floorExec, launcherPID1, floorPID1 []time.Duration
	timed := func(mode svMode, argv ...string) time.Duration {
		cmd := svCommand(mode, nil, argv...)
		start := time.Now()
		if err := cmd.Run(); err != nil {
			b.Fatalf("%q: %v", argv, err)
		}
		return time.Since(start)
	}
	for b.Loop() {
		launcherExec = append(launcherExec, timed(svPlain, p.supervise, "/bin/true"))
		floorExec = append(floorExec, timed(svPlain, p.floor, "/bin/true"))
		launcherPID1 = append(launcherPID1, timed(svPID1, p.supervise, "/bin/true"))
		floorPID1 = append(floorPID1, timed(svPID1, p.floor, "/bin/true"))
	}
	b.ReportMetric(svMedianUS(launcherExec)-svMedianUS(floorExec), "µs-over-floor-exec")
	b.ReportMetric(svMedianUS(launcherPID1)-svMedianUS(floorPID1), "µs-over-floor-pid1")
	b.ReportMetric(svMedianUS(floorExec), "µs-floor-exec")
	b.ReportMetric(svMedianUS(floorPID1), "µs-floor-pid1")
}

func svMedianUS(d []time.Duration) float64 {
	return float64(testutil.Quantile(d, 0.5).Microseconds())
}

// BenchmarkSupervisorRSS reads VmRSS of the launcher as PID 1 while its
// command waits, 200 ms after the command started.
func BenchmarkSupervisorRSS(b *testing.B) {
	testutil.RequireRoot(b)
	p := svBuild(b)
	var total, n int
	for b.Loop() {
		run := svStart(b, svPID1, nil, p.supervise, p.test, "wait-signal")
		run.expect("ready")
		// Measured at a fixed age, as an idle agent's supervisor is:
		// after the delayed shrink (shrinkDelay), which signals nothing.
		time.Sleep(shrinkDelay + 150*time.Millisecond)
		total += testutil.VmRSSKiB(b, run.cmd.Process.Pid)
		n++
		run.signal(syscall.SIGTERM)
		if code := run.wait(); code != 143 {
			b.Fatalf("launcher exited %d, want 143", code)
		}
	}
	b.ReportMetric(float64(total)/float64(n), "KiB-VmRSS")
}

// BenchmarkReapOrphans: the command leaves 10,000 short-lived orphans; the
// metric is the time from their parent's exit until the launcher, as PID 1,
// has reaped them all (the command watches /proc).
func BenchmarkReapOrphans(b *testing.B) {
	testutil.RequireRoot(b)
	p := svBuild(b)
	const orphans = 10000
	var total time.Duration
	var n int
	for b.Loop() {
		run := svStart(b, svPID1, nil, p.supervise, p.test, "orphans", strconv.Itoa(orphans), "short")
		line := run.expect("")
		if code := run.wait(); code != 0 || !strings.HasPrefix(line, "reaped "+strconv.Itoa(orphans)) {
			b.Fatalf("command said %q, launcher exited %d; stderr:\n%s", line, code, run.stderrText())
		}
		// "reaped N orphans in DUR (forking took DUR)"
		d, err := time.ParseDuration(strings.Fields(line)[4])
		if err != nil {
			b.Fatalf("line %q: %v", line, err)
		}
		total += d
		n++
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(n), "ms-reap-10k")
}
