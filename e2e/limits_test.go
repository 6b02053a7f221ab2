//go:build e2e

package e2e

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Memory and CPU limits, seen through the host's cgroup paths and through a
// private cgroup namespace: the plan reports them, the agent starts with
// the planned flags and heap.
func TestAgentLimits(t *testing.T) {
	tests := []struct {
		name   string
		podman []string
		memory int64
		cpus   float64 // -1: no limit
	}{
		{name: "m256", podman: []string{"-m", "256m"}, memory: 256 << 20, cpus: -1},
		{name: "m256-cgroupns-private", podman: []string{"-m", "256m", "--cgroupns=private"}, memory: 256 << 20, cpus: -1},
		{name: "m1g-cpus1.5", podman: []string{"-m", "1g", "--cpus", "1.5"}, memory: 1 << 30, cpus: 1.5},
		{name: "m1g-cpus1.5-cgroupns-private", podman: []string{"-m", "1g", "--cpus", "1.5", "--cgroupns=private"}, memory: 1 << 30, cpus: 1.5},
	}
	s := need(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, rep, _ := runAgent(t, s, agentRun{image: jre17, form: kubernetesForm, podman: tt.podman})
			if p.Limits.Cgroup != "v1" {
				t.Errorf("cgroup %q, want v1", p.Limits.Cgroup)
			}
			if p.memory() != tt.memory {
				t.Errorf("memory limit %d (source %q), want %d", p.memory(), p.Limits.MemorySource, tt.memory)
			}
			if p.cpus() != tt.cpus {
				t.Errorf("cpus %v (source %q), want %v", p.cpus(), p.Limits.CPUsSource, tt.cpus)
			}
			checkAgentBasics(t, rep)
			checkJVMFlags(t, p, rep)
			wantCPUs := 2 // this host's CPUs; the JVM rounds a quota up
			if tt.cpus > 0 {
				wantCPUs = int(math.Ceil(tt.cpus))
			}
			for _, f := range p.JVM.Flags {
				if v, ok := strings.CutPrefix(f, "-XX:ActiveProcessorCount="); ok {
					wantCPUs, _ = strconv.Atoi(v)
				}
			}
			if rep.Processors != wantCPUs {
				t.Errorf("agent sees %d processors, want %d", rep.Processors, wantCPUs)
			}
		})
	}
}

// JDK 11, 17 and 21 bases: the version-aware flags are accepted by each JVM.
func TestAgentJDKs(t *testing.T) {
	tests := []struct {
		name  string
		major int
	}{
		{name: "jre11", major: 11},
		{name: "jre17", major: 17},
		{name: "jre21", major: 21},
	}
	s := need(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, rep, _ := runAgent(t, s, agentRun{image: agentImage{base: tt.name}, form: kubernetesForm, podman: []string{"-m", "512m"}})
			if got := javaMajor(p.JVM.Version); got != tt.major {
				t.Errorf("plan java version %q, want major %d", p.JVM.Version, tt.major)
			}
			if got := javaMajor(rep.JavaVersion); got != tt.major {
				t.Errorf("agent java.version %q, want major %d", rep.JavaVersion, tt.major)
			}
			checkAgentBasics(t, rep)
			checkJVMFlags(t, p, rep)
			if slices.Contains(rep.JVMArgs, "-XX:+UseCGroupMemoryLimitForHeap") {
				t.Errorf("JDK 8-only flag passed to JDK %d", tt.major)
			}
		})
	}
}

// The kernel OOM killer ends the agent: the launcher says so and exits 137.
func TestAgentOOMKilled(t *testing.T) {
	s := need(t)
	_, c, _, _ := runAgent(t, s, agentRun{
		image:  jre17,
		form:   kubernetesForm,
		podman: []string{"-m", "256m", "--memory-swap", "256m"},
		env:    map[string]string{"ALLOCATE": "native"},
	})
	code := c.wait(90 * time.Second)
	if code != 137 {
		t.Errorf("exit code %d, want 137 (SIGKILL by the OOM killer)", code)
	}
	log := c.stderr()
	launcherOOM := regexp.MustCompile(`(?im)^.*level=\w+.*(oom|out of memory).*$`)
	if m := launcherOOM.FindString(log); m != "" {
		t.Logf("launcher: %s", m)
	} else {
		t.Errorf("no OOM message from the launcher in the log:\n%s", log)
	}
}

// A command without a JVM, supervised as PID 1, killed by the kernel OOM
// killer: the launcher exits 137 and says so once, with the container's
// limit, though it looked for the counter alone when the command started
// and read the limits only for the diagnosis. Private and host cgroup
// paths both.
func TestExecOOMKilled(t *testing.T) {
	s := need(t)
	image := s.agentImage(t, jre17)
	hog := `$x = "a" x (512 << 20); print length($x), "\n"`
	for _, ns := range []string{"host", "private"} {
		t.Run("cgroupns-"+ns, func(t *testing.T) {
			r := runContainer(t, runOpts{
				image:  image,
				podman: []string{"-m", "64m", "--memory-swap", "64m", "--cgroupns=" + ns},
				args:   []string{"exec", "--", "perl", "-e", hog},
			})
			if r.code != 137 {
				t.Fatalf("exit %d, want 137 (SIGKILL by the OOM killer)\n%s", r.code, r)
			}
			if n := strings.Count(r.stderr, "killed by the kernel OOM killer"); n != 1 {
				t.Fatalf("%d OOM lines, want 1\n%s", n, r)
			}
			if !strings.Contains(r.stderr, `memory_limit="64.0 MiB (/sys/fs/cgroup/memory/`) {
				t.Errorf("OOM line without the container's 64 MiB limit\n%s", r)
			}
		})
	}
}
