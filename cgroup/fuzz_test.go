package cgroup

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzDetect feeds arbitrary mountinfo, proc/self/cgroup and limit file
// contents through a whole detection, served from memory so that each
// input costs no disk I/O. It must not panic, nor report a CPU limit of
// zero or a memory limit at or above MemTotal.
func FuzzDetect(f *testing.F) {
	for _, name := range []string{"v1-docker-host-paths", "v2-k8s-pod-limit-on-pod-level", "garbage"} {
		dir := filepath.Join("testdata", "detect", name)
		mi, _ := os.ReadFile(filepath.Join(dir, "proc/self/mountinfo"))
		cg, _ := os.ReadFile(filepath.Join(dir, "proc/self/cgroup"))
		f.Add(mi, cg, []byte("268435456\n"), []byte("150000 100000\n"))
	}
	f.Fuzz(func(t *testing.T, mountinfo, cgroup, limit, cpuMax []byte) {
		// The group paths are unknown here, so the limit files sit at the
		// mount points the fixtures use; the rest is found missing.
		fsys := &files{buf: make([]byte, bufSize), mem: map[string][]byte{
			"/proc/meminfo":                               []byte("MemTotal: 16318440 kB\n"),
			"/proc/self/mountinfo":                        mountinfo,
			"/proc/self/cgroup":                           cgroup,
			"/sys/fs/cgroup/memory/memory.limit_in_bytes": limit,
			"/sys/fs/cgroup/memory/memory.stat":           append([]byte("hierarchical_memory_limit "), limit...),
			"/sys/fs/cgroup/memory.max":                   limit,
			"/sys/fs/cgroup/cpu.max":                      cpuMax,
		}}
		lim, _ := detect(fsys)
		if lim.CPUs != nil && !(*lim.CPUs > 0) {
			t.Errorf("CPUs = %v, want a positive limit or none", *lim.CPUs)
		}
		if lim.MemoryBytes != nil && *lim.MemoryBytes >= 16318440<<10 {
			t.Errorf("MemoryBytes = %d, not below MemTotal", *lim.MemoryBytes)
		}
	})
}
