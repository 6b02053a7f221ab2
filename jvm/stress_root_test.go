package jvm

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
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
	parent := memoryGroup(t)
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
			g := filepath.Join(parent, fmt.Sprintf("jvm-test-%d-%s", os.Getpid(), c.name))
			if err := os.Mkdir(g, 0o755); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { removeGroup(t, g) })
			limit := strconv.FormatUint(c.limit, 10)
			write(t, filepath.Join(g, "memory.limit_in_bytes"), limit)
			if _, err := os.Stat(filepath.Join(g, "memory.memsw.limit_in_bytes")); err == nil {
				write(t, filepath.Join(g, "memory.memsw.limit_in_bytes"), limit)
			}

			// The shell joins the group, then becomes java: nothing of the
			// test process is charged to the group.
			args := append(append([]string{}, p.Flags...), "-cp", classes, "Stress", "60", "3000", "16")
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "/bin/sh", append([]string{"-c", `echo $$ >"$0/cgroup.procs" && exec "$@"`, g, java.Path}, args...)...)
			out, _ := cmd.CombinedOutput()

			if kills := oomKills(t, g); kills != 0 {
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

// memoryGroup is this process's v1 memory cgroup directory.
func memoryGroup(t *testing.T) string {
	t.Helper()
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		testutil.Unavailable(t, err.Error())
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) == 3 && parts[1] == "memory" {
			dir := filepath.Join("/sys/fs/cgroup/memory", parts[2])
			if _, err := os.Stat(filepath.Join(dir, "memory.limit_in_bytes")); err == nil {
				return dir
			}
		}
	}
	testutil.Unavailable(t, "no cgroup v1 memory controller")
	return ""
}

func oomKills(t *testing.T, g string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(g, "memory.oom_control"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	t.Fatalf("no oom_kill in %s/memory.oom_control (kernel older than 4.13?)", g)
	return 0
}

func write(t *testing.T, p, v string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(v), 0o644); err != nil {
		t.Fatal(err)
	}
}

// removeGroup kills what is left in the group and removes it; a group
// empties asynchronously after its last process exits.
func removeGroup(t *testing.T, g string) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(filepath.Join(g, "cgroup.procs"))
		for _, pid := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(pid); err == nil {
				if p, err := os.FindProcess(n); err == nil {
					_ = p.Kill()
				}
			}
		}
		err := os.Remove(g)
		if err == nil || os.IsNotExist(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("removing cgroup %s: %v", g, err)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tailLines(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return strings.Join(lines, "\n")
}
