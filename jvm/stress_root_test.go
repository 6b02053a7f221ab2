package jvm

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// TestRootRealStressNoKernelKill runs the benchmark's light workload with
// the planned flags in fresh v1 memory groups and checks the two things the
// plan is for: the kernel never kills the JVM, and the heap gets most of
// the container (the targets of issue 4).
func TestRootRealStressNoKernelKill(t *testing.T) {
	testutil.RequireRoot(t)
	parent := testutil.OwnV1Group(t, "memory")
	javac, err := exec.LookPath("javac")
	if err != nil {
		testutil.Unavailable(t, "javac not installed")
	}
	classes := t.TempDir()
	if out, err := exec.Command(javac, "-d", classes, "bench/Stress.java").CombinedOutput(); err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	java, err := Inspect(context.Background(), "/usr/bin/java")
	if err != nil {
		testutil.Unavailable(t, "no /usr/bin/java: "+err.Error())
	}
	// Warm the page cache outside the groups: file pages are charged to
	// the group that reads them first.
	_ = exec.Command(java.Path, "-version").Run()

	for _, c := range []struct {
		name    string
		limit   uint64
		percent int // of the limit the heap must fill
	}{
		{name: "light-256MiB", limit: 256 * mib, percent: 55},
		{name: "light-512MiB", limit: 512 * mib, percent: 70},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := baseInput()
			in.MemoryBytes, in.Version, in.Home = u64(c.limit), java.Version, t.TempDir()
			p, err := PlanMemory(in)
			if err != nil {
				t.Fatal(err)
			}
			limit := strconv.FormatUint(c.limit, 10)
			g := testutil.V1Group(t, parent, fmt.Sprintf("jvm-test-%d-%s", os.Getpid(), c.name),
				"memory.limit_in_bytes", limit, "memory.memsw.limit_in_bytes?", limit)

			// The shell joins the group, then becomes java: nothing of the
			// test process is charged to the group.
			args := append(append([]string{}, p.Flags...), "-cp", classes, "Stress", "60", "3000", "16")
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "/bin/sh", append([]string{"-c", `echo $$ >"$0/cgroup.procs" && exec "$@"`, g, java.Path}, args...)...)
			out, _ := cmd.CombinedOutput()

			if kills := testutil.V1OOMKills(t, g); kills != 0 {
				t.Fatalf("kernel OOM kills: %d with flags %q\n%s", kills, p.Flags, tailLines(out))
			}
			filled := strings.Count(string(out), "\nfilled ")
			if !strings.Contains(string(out), "Terminating due to java.lang.OutOfMemoryError: Java heap space") {
				t.Errorf("the JVM did not end on a full heap:\n%s", tailLines(out))
			}
			if got := uint64(filled) * mib * 100 / c.limit; got < uint64(c.percent) {
				t.Errorf("heap filled %d MiB = %d%% of the limit, want at least %d%% (flags %q)", filled, got, c.percent, p.Flags)
			}
		})
	}
}

func tailLines(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return strings.Join(lines, "\n")
}
