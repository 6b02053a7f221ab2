//go:build e2e

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

const (
	realMemory = 300 << 20 // 314572800
	realQuota  = 150000    // with the default 100000 us period: 1.5 CPUs
)

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
	// Below the test's own groups: this sandbox may itself be limited.
	memBase := testutil.OwnV1Group(t, "memory")
	cpuBase := testutil.OwnV1Group(t, "cpu")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			group := fmt.Sprintf("launcher-e2e-%d-%s", os.Getpid(), tt.name)
			memDir := testutil.V1Group(t, memBase, group, "memory.limit_in_bytes", fmt.Sprint(realMemory))
			// The period before the quota: the kernel checks the pair.
			cpuDir := testutil.V1Group(t, cpuBase, group, "cpu.cfs_period_us", "100000", "cpu.cfs_quota_us", fmt.Sprint(realQuota))
			if tt.onParentOnly {
				memDir = testutil.V1Group(t, memDir, "child")
				cpuDir = testutil.V1Group(t, cpuDir, "child")
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
