package testutil

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// OwnV1Group is the directory of this process's own group in the cgroup v1
// hierarchy of controller ("memory", "cpu"). Tests create their groups
// below it: the test may itself run in a limited group (this sandbox does),
// and a group created elsewhere would escape that limit.
func OwnV1Group(t testing.TB, controller string) string {
	t.Helper()
	data, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		Unavailable(t, err.Error())
	}
	var path string
	for _, line := range strings.Split(string(data), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) == 3 && hasWord(parts[1], controller) {
			path = parts[2]
		}
	}
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		Unavailable(t, err.Error())
	}
	for _, line := range strings.Split(string(mounts), "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		f, g := strings.Fields(pre), strings.Fields(post)
		if !ok || len(f) < 5 || len(g) < 3 || g[0] != "cgroup" || !hasWord(g[2], controller) {
			continue
		}
		// Translate through the mount root: without a cgroup namespace the
		// path is the host's, the mount shows the group's own subtree.
		rel, ok := strings.CutPrefix(path, f[3])
		if !ok {
			continue
		}
		dir := filepath.Join(f[4], rel)
		if _, err := os.Stat(filepath.Join(dir, "cgroup.procs")); err == nil {
			return dir
		}
	}
	Unavailable(t, "no cgroup v1 "+controller+" hierarchy for this process")
	return ""
}

func hasWord(list, word string) bool {
	for _, w := range strings.Split(list, ",") {
		if w == word {
			return true
		}
	}
	return false
}

// V1Group creates the group parent/name, writes settings (file, value
// pairs; a missing optional file such as memory.memsw.limit_in_bytes on a
// kernel without swap accounting is skipped when its name ends in "?"),
// and removes it when the test ends, killing whatever is left in it.
func V1Group(t testing.TB, parent, name string, settings ...string) string {
	t.Helper()
	dir := filepath.Join(parent, name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { RemoveV1Group(t, dir) })
	for i := 0; i+1 < len(settings); i += 2 {
		file, optional := strings.CutSuffix(settings[i], "?")
		err := os.WriteFile(filepath.Join(dir, file), []byte(settings[i+1]), 0)
		if err != nil && !(optional && errors.Is(err, os.ErrNotExist)) {
			t.Fatalf("writing %q to %s: %v", settings[i+1], filepath.Join(dir, file), err)
		}
	}
	return dir
}

// RemoveV1Group kills what is left in the group and removes it. A group
// whose last task just exited stays busy for a moment while the kernel
// releases it; there is no event for that, so this polls with a deadline.
func RemoveV1Group(t testing.TB, dir string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		procs, _ := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
		for _, f := range strings.Fields(string(procs)) {
			if pid, err := strconv.Atoi(f); err == nil {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		err := syscall.Rmdir(dir)
		if err == nil || errors.Is(err, syscall.ENOENT) {
			return
		}
		if !errors.Is(err, syscall.EBUSY) || time.Now().After(deadline) {
			t.Errorf("removing cgroup %s: %v", dir, err)
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// V1OOMKills reads the oom_kill counter of a v1 memory group.
func V1OOMKills(t testing.TB, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "memory.oom_control"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				t.Fatalf("%s/memory.oom_control: oom_kill %q", dir, v)
			}
			return n
		}
	}
	t.Fatalf("no oom_kill in %s/memory.oom_control (kernel older than 4.13?)", dir)
	return 0
}
