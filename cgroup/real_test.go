package cgroup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// The real-kernel tests re-run this test binary as a helper child that
// first moves itself into the cgroups named in joinEnv, then acts.
const (
	helperEnv = "LAUNCHER_CGROUP_TEST_HELPER" // "detect", "oom" or "pids"
	joinEnv   = "LAUNCHER_CGROUP_TEST_JOIN"   // cgroup.procs files, newline-separated
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	os.Exit(m.Run())
}

func runHelper(mode string) int {
	for _, procs := range strings.Split(os.Getenv(joinEnv), "\n") {
		if err := os.WriteFile(procs, []byte(strconv.Itoa(os.Getpid())), 0); err != nil {
			fmt.Fprintln(os.Stderr, "join:", err)
			return 2
		}
	}
	lim, warns := Detect("/")
	for _, w := range warns {
		fmt.Fprintln(os.Stderr, "warning:", w)
	}
	if err := json.NewEncoder(os.Stdout).Encode(lim); err != nil {
		return 2
	}
	// The counter a supervisor finds without the limits must be the one
	// detection reports, in the real groups too.
	if file, err := FindOOMKillFile("/"); err != nil || file != lim.OOMKillFile {
		fmt.Fprintf(os.Stderr, "FindOOMKillFile = %q, %v; Detect found %q\n", file, err, lim.OOMKillFile)
		return 4
	}
	if mode == "pids" {
		free, limited, err := PidsFree("/")
		fmt.Fprintf(os.Stderr, "pids %d %t %v\n", free, limited, err)
		return 0
	}
	if mode != "oom" {
		return 0
	}
	// Touch every page so the memory is charged, well past the limit.
	var keep [][]byte
	for range 64 {
		b := make([]byte, 8<<20)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1
		}
		keep = append(keep, b)
	}
	fmt.Fprintln(os.Stderr, "allocated", len(keep)*8, "MiB without being killed")
	return 3
}

// v1Hierarchy is where a real v1 controller of the test process lives.
type v1Hierarchy struct{ dir string } // the test process's own group

func realV1(t *testing.T, controller string) v1Hierarchy {
	t.Helper()
	f := newFiles("/")
	ms, err := scanMounts(f, true)
	if err != nil || ms.mode() != "v1" {
		testutil.Unavailable(t, fmt.Sprintf("needs cgroup v1 (mode %q, %v)", ms.mode(), err))
	}
	pg, err := scanProcGroups(f, false, true)
	if err != nil {
		t.Fatal(err)
	}
	path := pg.path(controller)
	m, ok := ms.v1For(controller, path)
	if !ok {
		testutil.Unavailable(t, "no v1 "+controller+" hierarchy mounted")
	}
	dir, ok := groupDir(m, path)
	if !ok {
		t.Fatalf("cannot locate own %s group %q below %+v", controller, path, m)
	}
	return v1Hierarchy{dir: dir}
}

// runChild runs the helper in the given groups and returns what its
// Detect found, its stderr and how it ended.
func runChild(t *testing.T, mode string, groups ...string) (Limits, string, error) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	procs := make([]string, len(groups))
	for i, g := range groups {
		procs[i] = filepath.Join(g, "cgroup.procs")
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, joinEnv+"="+strings.Join(procs, "\n"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var lim Limits
	if err := json.Unmarshal(stdout.Bytes(), &lim); err != nil {
		t.Fatalf("helper printed %q (%v), stderr %q", stdout.String(), runErr, stderr.String())
	}
	return lim, stderr.String(), runErr
}

func TestRealV1Limits(t *testing.T) {
	testutil.RequireRoot(t)
	mem, cpu := realV1(t, "memory"), realV1(t, "cpu")
	const limit = 300 << 20
	name := fmt.Sprintf("launcher-test-%d", os.Getpid())
	memSettings := []string{"memory.limit_in_bytes", strconv.Itoa(limit)}
	cpuSettings := []string{"cpu.cfs_period_us", "100000", "cpu.cfs_quota_us", "150000"}

	for _, tc := range []struct {
		name        string
		limitsAbove bool // limits on a parent group, process in a child group
	}{
		{"limits-on-own-group", false},
		{"limits-on-parent-group", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			memGroup := testutil.V1Group(t, mem.dir, name+"-"+tc.name, memSettings...)
			cpuGroup := testutil.V1Group(t, cpu.dir, name+"-"+tc.name, cpuSettings...)
			memLeaf, cpuLeaf := memGroup, cpuGroup
			if tc.limitsAbove {
				memLeaf = testutil.V1Group(t, memGroup, "inner")
				cpuLeaf = testutil.V1Group(t, cpuGroup, "inner")
			}
			got, stderr, err := runChild(t, "detect", memLeaf, cpuLeaf)
			if err != nil || stderr != "" {
				t.Fatalf("helper: %v, stderr %q", err, stderr)
			}
			if got.Cgroup != "v1" {
				t.Errorf("Cgroup = %q, want v1", got.Cgroup)
			}
			if got.MemoryBytes == nil || *got.MemoryBytes != limit {
				t.Errorf("MemoryBytes = %v, want %d (source %q)", got.MemoryBytes, limit, got.MemorySource)
			}
			if !strings.HasPrefix(string(got.MemorySource), memLeaf+"/") {
				t.Errorf("MemorySource = %q, want a file of %s", got.MemorySource, memLeaf)
			}
			if got.CPUs == nil || *got.CPUs != 1.5 {
				t.Errorf("CPUs = %v, want 1.5", got.CPUs)
			}
			if want := Source(cpuGroup + "/cpu.cfs_quota_us"); got.CPUsSource != want {
				t.Errorf("CPUsSource = %q, want %q", got.CPUsSource, want)
			}
			if want := memLeaf + "/memory.oom_control"; got.OOMKillFile != want {
				t.Errorf("OOMKillFile = %q, want %q", got.OOMKillFile, want)
			}
		})
	}
}

func TestRealReadOOMKills(t *testing.T) {
	testutil.RequireRoot(t)
	mem := realV1(t, "memory")
	const limit = "20971520" // 20 MiB
	settings := []string{"memory.limit_in_bytes", limit}
	if _, err := os.Stat(filepath.Join(mem.dir, "memory.memsw.limit_in_bytes")); err == nil {
		// Without this the child would swap instead of being killed.
		settings = append(settings, "memory.memsw.limit_in_bytes", limit)
	}
	group := testutil.V1Group(t, mem.dir, fmt.Sprintf("launcher-test-%d-oom", os.Getpid()), settings...)
	counter := group + "/memory.oom_control"
	before, err := ReadOOMKills("/", counter)
	if err != nil {
		t.Fatal(err)
	}

	got, stderr, runErr := runChild(t, "oom", group)
	var exit *exec.ExitError
	if !errors.As(runErr, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("helper ended with %v (stderr %q), want it OOM-killed", runErr, stderr)
	}
	if got.OOMKillFile != counter {
		t.Errorf("OOMKillFile = %q, want %q", got.OOMKillFile, counter)
	}
	after, err := ReadOOMKills("/", got.OOMKillFile)
	if err != nil {
		t.Fatal(err)
	}
	if after <= before {
		t.Errorf("oom_kill counter %d -> %d, want it to rise", before, after)
	}
}

// Under the real root the machine's memory comes from sysinfo(2): it must
// be the MemTotal that /proc/meminfo shows (this host has no LXCFS), which
// fixture roots and every other reader of meminfo see.
func TestHostMemoryMatchesMeminfo(t *testing.T) {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		t.Fatal(err)
	}
	var kb uint64
	if _, err := fmt.Sscanf(string(data), "MemTotal: %d kB", &kb); err != nil {
		t.Fatalf("/proc/meminfo: %v", err)
	}
	lim, _ := Detect("/")
	if lim.HostMemoryBytes != kb<<10 {
		t.Errorf("HostMemoryBytes = %d, /proc/meminfo MemTotal = %d kB = %d bytes", lim.HostMemoryBytes, kb, kb<<10)
	}
	// A fixture root keeps reading the file (detect_test's cases).
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "proc"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "proc", "meminfo"), []byte("MemTotal:       1000 kB\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if lim, _ := Detect(root); lim.HostMemoryBytes != 1000<<10 {
		t.Errorf("fixture root: HostMemoryBytes = %d, want %d", lim.HostMemoryBytes, 1000<<10)
	}
}

// PidsFree in a real v1 pids group: the room under its pids.max, less what
// the helper itself (a process and its runtime's threads) takes; and, in a
// group whose pids.max is "max", whatever limit the test's own group has
// (none on a host).
func TestRealPidsFree(t *testing.T) {
	testutil.RequireRoot(t)
	pids := realV1(t, "pids")
	ownFree, ownLimited, err := PidsFree("/")
	if err != nil {
		t.Fatalf("PidsFree of the test's own group: %v", err)
	}
	name := fmt.Sprintf("launcher-test-%d-pids", os.Getpid())
	for _, tc := range []struct {
		max     string
		limited bool
	}{{"50", true}, {"max", ownLimited}} {
		t.Run(tc.max, func(t *testing.T) {
			group := testutil.V1Group(t, pids.dir, name+"-"+tc.max, "pids.max", tc.max)
			_, stderr, err := runChild(t, "pids", group)
			if err != nil {
				t.Fatalf("helper: %v\n%s", err, stderr)
			}
			i := strings.Index(stderr, "pids ")
			if i < 0 {
				t.Fatalf("no PidsFree report from the helper: %q", stderr)
			}
			var free int64
			var limited bool
			var errText string
			if _, err := fmt.Sscanf(stderr[i:], "pids %d %t %s", &free, &limited, &errText); err != nil {
				t.Fatalf("helper's report %q: %v", stderr, err)
			}
			if limited != tc.limited || errText != "<nil>" {
				t.Fatalf("PidsFree = %d, %t, %s; want limited %t, no error", free, limited, errText, tc.limited)
			}
			// The helper and its threads take at least 1 and at most
			// 20; a tighter limit of the test's own group wins.
			if tc.max == "50" && (free > 49 || free < 30 && !(ownLimited && free < ownFree)) {
				t.Errorf("PidsFree = %d with pids.max 50, want 30-49 (own group: %d, limited %t)", free, ownFree, ownLimited)
			}
		})
	}
}
