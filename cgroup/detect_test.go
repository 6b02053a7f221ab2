package cgroup

import (
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func u64(v uint64) *uint64   { return &v }
func f64(v float64) *float64 { return &v }

const (
	dockerID = "4f2a8c1e9b7d3f6a0c5e2b8d1a7f9c3e6b0d4a8f2c7e1b5d9a3f6c0e8b2d4a71"
	podSlice = "/sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b6a4c2e_5d1f_4e8a_9c3b_7a2d6f1e8b40.slice"
	podScope = podSlice + "/cri-containerd-9d3c7b1a5e8f2d6c0b4a9e7f3d1c5b8a2e6f0d4c9b7a3e1f5d8c2b6a0e4f7d39.scope"
	v1Mem    = "/sys/fs/cgroup/memory"
	v1CPU    = "/sys/fs/cgroup/cpu,cpuacct"
	gib      = 1 << 30
	cpuTop   = "top of the visible cgroup tree (private cgroup namespace, a mount of only its own group, or the host's root group): CPU quotas set above it cannot be seen"
	v2Top    = "top of the visible cgroup tree (private cgroup namespace, a mount of only its own group, or the host's root group): limits set above it, such as a Kubernetes pod limit, cannot be seen under cgroup v2"
	mib      = 1 << 20
)

// detectCases maps each fixture under testdata/detect to what Detect must
// find there. notes and warnings list one substring per expected entry, in
// order; their counts must match exactly.
type detectCase struct {
	want     Limits // Notes are checked through notes, not here
	notes    []string
	warnings []string
}

var detectCases = map[string]detectCase{
	"v1-docker-host-paths": {want: Limits{
		Cgroup: "v1", MemoryBytes: u64(512 * mib), MemorySource: v1Mem + "/memory.limit_in_bytes",
		SwapBytes: u64(512 * mib), SwapSource: v1Mem + "/memory.stat hierarchical_memsw_limit minus the memory limit",
		CPUs: f64(1.5), CPUsSource: v1CPU + "/cpu.cfs_quota_us",
		HostMemoryBytes: 16318440 << 10, OOMKillFile: v1Mem + "/memory.oom_control",
	}, notes: []string{cpuTop}},
	"v1-private-ns": {want: Limits{
		Cgroup: "v1", MemoryBytes: u64(300 * mib), MemorySource: v1Mem + "/memory.limit_in_bytes",
		SwapBytes: u64(300 * mib), SwapSource: v1Mem + "/memory.stat hierarchical_memsw_limit minus the memory limit",
		CPUs: f64(1), CPUsSource: "/sys/fs/cgroup/cpuset/cpuset.cpus",
		HostMemoryBytes: 24683656 << 10, OOMKillFile: v1Mem + "/memory.oom_control",
	}, notes: []string{cpuTop}},
	"v2-private-ns": {want: Limits{
		Cgroup: "v2", MemoryBytes: u64(256 * mib), MemorySource: "/sys/fs/cgroup/memory.max",
		SwapBytes: u64(0), SwapSource: "/sys/fs/cgroup/memory.swap.max",
		HostMemoryBytes: 8029876 << 10, OOMKillFile: "/sys/fs/cgroup/memory.events",
	}, notes: []string{v2Top}},
	"v2-k8s-pod-limit-on-pod-level": {want: Limits{
		Cgroup: "v2", MemoryBytes: u64(1 * gib), MemorySource: podSlice + "/memory.max",
		SwapBytes: u64(0), SwapSource: podSlice + "/memory.swap.max",
		CPUs: f64(2), CPUsSource: podSlice + "/cpu.max",
		HostMemoryBytes: 16318440 << 10, OOMKillFile: podScope + "/memory.events",
	}},
	"v2-k8s-private-ns-pod-limit-invisible": {want: Limits{
		Cgroup: "v2", HostMemoryBytes: 16318440 << 10, OOMKillFile: "/sys/fs/cgroup/memory.events",
	}, notes: []string{v2Top}},
	"v1-ecs-fargate-task-limit": {want: Limits{
		Cgroup: "v1", MemoryBytes: u64(512 * mib), MemorySource: v1Mem + "/memory.stat hierarchical_memory_limit",
		HostMemoryBytes: 3936544 << 10, OOMKillFile: v1Mem + "/memory.oom_control",
	}, notes: []string{"memory limit is set on a group above the container's own", cpuTop}},
	"v2-systemd-slice-limit": {want: Limits{
		Cgroup: "v2", MemoryBytes: u64(2 * gib), MemorySource: "/sys/fs/cgroup/system.slice/jenkins.slice/memory.max",
		CPUs: f64(0.5), CPUsSource: "/sys/fs/cgroup/system.slice/jenkins.slice/jenkins-agent.service/cpu.max",
		HostMemoryBytes: 32657412 << 10, OOMKillFile: "/sys/fs/cgroup/system.slice/jenkins.slice/jenkins-agent.service/memory.events",
	}},
	"hybrid": {want: Limits{
		Cgroup: "v1", MemoryBytes: u64(1 * gib), MemorySource: v1Mem + "/system.slice/jenkins-agent.service/memory.limit_in_bytes",
		CPUs: f64(2), CPUsSource: v1CPU + "/system.slice/jenkins-agent.service/cpu.cfs_quota_us",
		HostMemoryBytes: 24683656 << 10, OOMKillFile: v1Mem + "/system.slice/jenkins-agent.service/memory.oom_control",
	}},
	"none-mounted": {want: Limits{
		Cgroup: "none", HostMemoryBytes: 16318440 << 10,
	}, notes: []string{"no cgroup file system is mounted"}},
	"garbage": {want: Limits{
		Cgroup: "v1", OOMKillFile: v1Mem + "/memory.oom_control",
	}, notes: []string{cpuTop}, warnings: []string{
		`/proc/meminfo: line "MemTotal: lots kB"`,
		`/proc/self/mountinfo: no " - " separator in "this is not a mount"`,
		`/proc/self/cgroup: want "ID:CONTROLLERS:PATH", got "9:memory"`,
		`/sys/fs/cgroup/memory/memory.stat: line "hierarchical_memory_limit lots"`,
		`/sys/fs/cgroup/memory/memory.limit_in_bytes: not a number: "12abc"`,
		`/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes: not a number: "-5"`,
		`/sys/fs/cgroup/cpu/cpu.cfs_quota_us, /sys/fs/cgroup/cpu/cpu.cfs_period_us: quota: not a number: "fast"`,
		`/sys/fs/cgroup/cpuset/cpuset.cpus: CPU list "3-1": bad range "3-1"`,
	}},
	"garbage-v2": {want: Limits{
		Cgroup: "v2", HostMemoryBytes: 16318440 << 10, OOMKillFile: "/sys/fs/cgroup/memory.events",
	}, notes: []string{v2Top}, warnings: []string{
		`/sys/fs/cgroup/memory.max: not a number: "max max"`,
		`/sys/fs/cgroup/memory.swap.max: not a number: "-1"`,
		`/sys/fs/cgroup/cpu.max: want "QUOTA PERIOD", got "150000"`,
		`/sys/fs/cgroup/cpuset.cpus.effective: CPU list "0-3,,"`,
	}},
	"v2-max": {want: Limits{
		Cgroup: "v2", HostMemoryBytes: 16318440 << 10,
		OOMKillFile: "/sys/fs/cgroup/system.slice/docker-" + dockerID + ".scope/memory.events",
	}},
	"v1-above-memtotal": {want: Limits{
		Cgroup: "v1", HostMemoryBytes: 16318440 << 10, OOMKillFile: v1Mem + "/memory.oom_control",
	}, notes: []string{cpuTop}},
	"cpuset-only": {want: Limits{
		Cgroup: "v1", CPUs: f64(2), CPUsSource: "/sys/fs/cgroup/cpuset/cpuset.cpus",
		HostMemoryBytes: 16318440 << 10, OOMKillFile: v1Mem + "/memory.oom_control",
	}, notes: []string{cpuTop}},
	"untranslatable": {want: Limits{
		Cgroup: "v1", MemoryBytes: u64(256 * mib), MemorySource: v1Mem + "/memory.limit_in_bytes",
		SwapBytes: u64(0), SwapSource: v1Mem + "/memory.stat hierarchical_memsw_limit minus the memory limit",
		CPUs: f64(1), CPUsSource: v1CPU + "/cpu.cfs_quota_us",
		HostMemoryBytes: 16318440 << 10, OOMKillFile: v1Mem + "/memory.oom_control",
	}, notes: []string{
		`memory group "/kubepods/besteffort/pod1f2e/0c9d" is not below the mount root "/docker/` + dockerID,
		`cpu group "/kubepods/besteffort/pod1f2e/0c9d" is not below`,
		`cpuset group "/kubepods/besteffort/pod1f2e/0c9d" is not below`,
	}},
	"v2-outside-namespace": {want: Limits{
		Cgroup: "v2", MemoryBytes: u64(768 * mib), MemorySource: "/sys/fs/cgroup/memory.max",
		HostMemoryBytes: 16318440 << 10, OOMKillFile: "/sys/fs/cgroup/memory.events",
	}, notes: []string{`group "/../../system.slice/other.service" is not below the mount root "/"`}},
	"v1-parent-limit-walk": {want: Limits{
		Cgroup: "v1", MemoryBytes: u64(768 * mib), MemorySource: v1Mem + "/jenkins/memory.limit_in_bytes",
		SwapBytes: u64(256 * mib), SwapSource: v1Mem + "/jenkins/memory.memsw.limit_in_bytes minus the memory limit",
		CPUs: f64(0.75), CPUsSource: "/sys/fs/cgroup/cpu/jenkins/cpu.cfs_quota_us",
		HostMemoryBytes: 16318440 << 10, OOMKillFile: v1Mem + "/jenkins/agent-7/memory.oom_control",
	}},
	"v2-host-path-own-group": {want: Limits{
		Cgroup: "v2", MemoryBytes: u64(512 * mib), MemorySource: "/sys/fs/cgroup/memory.max",
		CPUs: f64(1), CPUsSource: "/sys/fs/cgroup/cpu.max",
		HostMemoryBytes: 16318440 << 10, OOMKillFile: "/sys/fs/cgroup/memory.events",
	}, notes: []string{v2Top}},
	"v1-quota-above-cpuset": {want: Limits{
		Cgroup: "v1", CPUs: f64(2), CPUsSource: "/sys/fs/cgroup/cpuset/cpuset.cpus",
		HostMemoryBytes: 16318440 << 10, OOMKillFile: v1Mem + "/memory.oom_control",
	}, notes: []string{cpuTop}},
	"v2-quota-above-cpuset": {want: Limits{
		Cgroup: "v2", CPUs: f64(2), CPUsSource: "/sys/fs/cgroup/cpuset.cpus.effective",
		HostMemoryBytes: 16318440 << 10, OOMKillFile: "/sys/fs/cgroup/memory.events",
	}, notes: []string{v2Top}},
	"v2-quota-above-online": {want: Limits{
		Cgroup: "v2", CPUs: f64(2), CPUsSource: "/sys/devices/system/cpu/online",
		HostMemoryBytes: 16318440 << 10, OOMKillFile: "/sys/fs/cgroup/memory.events",
	}, notes: []string{v2Top}},
	"zero-period": {want: Limits{
		Cgroup: "v1", HostMemoryBytes: 16318440 << 10, OOMKillFile: v1Mem + "/memory.oom_control",
	}, notes: []string{cpuTop}, warnings: []string{`zero quota or period: "50000" / "0"`}},
}

func TestDetectFixtures(t *testing.T) {
	eachFixture(t, "detect", detectCases, func(t *testing.T, root string, tc detectCase) {
		got, warns := Detect(root)
		notes := got.Notes
		got.Notes = nil
		if !reflect.DeepEqual(got, tc.want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(tc.want)
			t.Errorf("Detect:\n got %s\nwant %s", g, w)
		}
		matchAll(t, "note", notes, tc.notes)
		msgs := make([]string, len(warns))
		for i, w := range warns {
			msgs[i] = w.Error()
			// Messages name paths as the process sees them.
			if strings.Contains(msgs[i], root) {
				t.Errorf("warning %q leaks the injected root", msgs[i])
			}
		}
		matchAll(t, "warning", msgs, tc.warnings)
	})
}

func matchAll(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d %ss, want %d:\n%s", len(got), what, len(want), strings.Join(got, "\n"))
		return
	}
	for i := range want {
		if !strings.Contains(got[i], want[i]) {
			t.Errorf("%s %d = %q, want it to contain %q", what, i, got[i], want[i])
		}
	}
}

// A missing root must not crash or invent limits: everything is unknown
// and each unreadable file is reported.
func TestDetectMissingRoot(t *testing.T) {
	got, warns := Detect(filepath.Join(t.TempDir(), "nothing-here"))
	if got.Cgroup != "none" || got.MemoryBytes != nil || got.CPUs != nil || got.HostMemoryBytes != 0 {
		t.Errorf("Detect on an empty root = %+v, want nothing found", got)
	}
	if len(warns) != 2 {
		t.Errorf("warnings = %v, want one for /proc/meminfo and one for /proc/self/mountinfo", warns)
	}
}

// The JSON field names are part of the product (`launcher plan --json`).
func TestLimitsJSON(t *testing.T) {
	b, err := json.Marshal(Limits{Cgroup: "v1", MemoryBytes: u64(5), CPUs: f64(1.5), CPUsSource: "env"})
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"cgroup":"v1","memory_bytes":5,"memory_source":null,"swap_bytes":null,"cpus":1.5,"cpus_source":"env"}`
	if string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
}

func BenchmarkDetectFixture(b *testing.B) {
	root := filepath.Join("testdata", "detect", "v1-docker-host-paths")
	b.ReportAllocs()
	for b.Loop() {
		if l, _ := Detect(root); l.MemoryBytes == nil {
			b.Fatal("no memory limit found")
		}
	}
}

func BenchmarkDetectHost(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Detect("/")
	}
}
