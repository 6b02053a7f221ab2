//go:build e2e

package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const (
	realMemory = 300 << 20 // 314572800
	realQuota  = 150000    // with the default 100000 us period: 1.5 CPUs
)

// v1GroupDir returns the directory of this process's group in the v1
// hierarchy that carries controller, read from mountinfo and
// /proc/self/cgroup rather than assumed (on this host cpu and cpuacct are
// separate mounts).
func v1GroupDir(t *testing.T, controller string) string {
	t.Helper()
	mi, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	var root, point string
	for _, line := range strings.Split(string(mi), "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		if !ok || len(f) < 5 || len(g) < 3 || g[0] != "cgroup" {
			continue
		}
		for _, o := range strings.Split(g[2], ",") {
			if o == controller {
				root, point = f[3], f[4]
			}
		}
	}
	if point == "" {
		t.Skipf("no v1 %s hierarchy mounted", controller)
	}
	cg, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(cg), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == controller {
				rel, ok := strings.CutPrefix(parts[2], root)
				if !ok && root != "/" {
					t.Fatalf("group %q is outside the %s mount root %q", parts[2], controller, root)
				}
				if root == "/" {
					rel = parts[2]
				}
				return filepath.Join(point, rel)
			}
		}
	}
	t.Fatalf("no %s line in /proc/self/cgroup:\n%s", controller, cg)
	return ""
}

// makeGroup creates a cgroup directory and writes its limit files (the
// period before the quota), removed when the test ends (after the process
// in it has exited).
func makeGroup(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeGroup(t, dir) })
	for _, name := range []string{"cpu.cfs_period_us", "memory.limit_in_bytes", "cpu.cfs_quota_us"} {
		v, ok := files[name]
		if !ok {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(v), 0o644); err != nil {
			t.Fatalf("write %s: %v", filepath.Join(dir, name), err)
		}
	}
}

func removeGroup(t *testing.T, dir string) {
	// A group is removable once its last task is gone; the kernel can lag
	// the exit by a moment, and no event says when.
	deadline := time.Now().Add(5 * time.Second)
	for {
		err := os.Remove(dir)
		if err == nil || errors.Is(err, os.ErrNotExist) {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("remove cgroup %s: %v", dir, err)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// planIn runs `launcher plan --json exec -- launcher version` as a member
// of the given memory and cpu groups.
func planIn(t *testing.T, launcher, memDir, cpuDir string) plan {
	t.Helper()
	cmd := exec.Command("sh", "-c", `echo $$ >"$1/cgroup.procs" && echo $$ >"$2/cgroup.procs" && exec "$3" plan --json exec -- "$3" version`,
		"sh", memDir, cpuDir, launcher)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if err != nil {
		t.Fatalf("plan in %s and %s: %v\n%s", memDir, cpuDir, err, r)
	}
	return decodePlan(t, r)
}

// Issue 2 on a real kernel: a v1 group with 300 MiB and 1.5 CPUs, the
// limits on the process's own group or only on its parent.
func TestRealCgroupV1Plan(t *testing.T) {
	tests := []struct {
		name         string
		onParentOnly bool
	}{
		{name: "limits-on-own-group"},
		{name: "limits-on-parent-only", onParentOnly: true},
	}
	s := need(t)
	memBase := v1GroupDir(t, "memory")
	cpuBase := v1GroupDir(t, "cpu")
	memLimit := map[string]string{"memory.limit_in_bytes": fmt.Sprint(realMemory)}
	cpuLimit := map[string]string{"cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": fmt.Sprint(realQuota)}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			group := fmt.Sprintf("launcher-e2e-%d-%s", os.Getpid(), tt.name)
			memDir, cpuDir := filepath.Join(memBase, group), filepath.Join(cpuBase, group)
			makeGroup(t, memDir, memLimit)
			makeGroup(t, cpuDir, cpuLimit)
			if tt.onParentOnly {
				memDir, cpuDir = filepath.Join(memDir, "child"), filepath.Join(cpuDir, "child")
				makeGroup(t, memDir, nil)
				makeGroup(t, cpuDir, nil)
			}
			p := planIn(t, s.launcher, memDir, cpuDir)
			checkRealLimits(t, p)
		})
	}
}

func checkRealLimits(t *testing.T, p plan) {
	t.Helper()
	if p.Limits.Cgroup != "v1" {
		t.Errorf("cgroup %q, want v1", p.Limits.Cgroup)
	}
	if p.memory() != realMemory {
		t.Errorf("memory_bytes %d (source %q), want %d", p.memory(), p.Limits.MemorySource, realMemory)
	}
	if p.cpus() != 1.5 {
		t.Errorf("cpus %v (source %q), want 1.5", p.cpus(), p.Limits.CPUsSource)
	}
	if p.Limits.MemorySource == "" || p.Limits.CPUsSource == "" {
		t.Errorf("limit sources not named: memory %q, cpus %q", p.Limits.MemorySource, p.Limits.CPUsSource)
	}
}

// The same limits set by podman on the FROM scratch image, with the host's
// cgroup paths visible and with a private cgroup namespace.
func TestRealPodmanPlan(t *testing.T) {
	tests := []struct {
		name     string
		cgroupns string
	}{
		{name: "cgroupns-host", cgroupns: "host"},
		{name: "cgroupns-private", cgroupns: "private"},
	}
	s := need(t)
	image := s.scratchImage(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runContainer(t, runOpts{
				image: image,
				// A scratch image has no /tmp for the home the launcher sets up.
				podman: []string{"-m", "300m", "--cpus", "1.5", "--cgroupns=" + tt.cgroupns, "--tmpfs", "/tmp"},
				args:   []string{"plan", "--json", "exec", "--", "/launcher", "version"},
			})
			if r.code != 0 {
				t.Fatalf("plan in podman: %s", r)
			}
			checkRealLimits(t, decodePlan(t, r))
		})
	}
}

// The scratch image alone: the static binary runs with no base at all.
func TestRealScratchVersion(t *testing.T) {
	s := need(t)
	r := runContainer(t, runOpts{image: s.scratchImage(t), args: []string{"version"}})
	if r.code != 0 || !strings.HasPrefix(r.stdout, "launcher ") {
		t.Fatalf("launcher version in the scratch image: %s", r)
	}
}
