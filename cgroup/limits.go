package cgroup

import (
	"fmt"
)

// Limits is what detection found. The JSON tags are part of the product:
// `launcher plan --json` prints this under "limits". Paths in the *Source
// and OOMKillFile fields are as the process sees them, without the
// injected root.
type Limits struct {
	Cgroup          string   `json:"cgroup"`                  // "v1" | "v2" | "none" (a hybrid host is "v1")
	MemoryBytes     *uint64  `json:"memory_bytes"`            // nil = no limit found
	MemorySource    string   `json:"memory_source,omitempty"` // file and field that gave the minimum
	SwapBytes       *uint64  `json:"swap_bytes"`              // swap allowed on top of memory; nil = unlimited or unknown
	SwapSource      string   `json:"swap_source,omitempty"`
	CPUs            *float64 `json:"cpus"` // e.g. 1.5; nil = no limit
	CPUsSource      string   `json:"cpus_source,omitempty"`
	HostMemoryBytes uint64   `json:"host_memory_bytes,omitempty"` // MemTotal from proc/meminfo
	OOMKillFile     string   `json:"oom_kill_file,omitempty"`     // counter file for ReadOOMKills
	Notes           []string `json:"notes,omitempty"`             // facts for people
}

// Detect reads the limits that apply to the current process from files
// below root ("/" in production). It never fails: a missing or malformed
// file means "unknown" and adds one warning naming the file and quoting
// the bad value. Files that only exist with optional kernel features (swap
// accounting, cpuset) are silently skipped when absent.
func Detect(root string) (Limits, []error) {
	d := &detection{f: newFiles(root)}
	d.lim.HostMemoryBytes = d.memTotal()

	ms, err := readMounts(d.f)
	d.warn(err)
	d.lim.Cgroup = ms.mode()
	if d.lim.Cgroup == "none" {
		d.note("no cgroup file system is mounted: memory and CPU limits are unknown")
		return d.lim, d.warnings
	}
	pg, err := readProcGroups(d.f, d.lim.Cgroup == "v2")
	d.warn(err)
	if d.lim.Cgroup == "v1" {
		d.detectV1(ms, pg)
	} else {
		d.detectV2(ms, pg)
	}
	return d.lim, d.warnings
}

// detection accumulates one Detect call's result, warnings and notes.
type detection struct {
	f        *files
	lim      Limits
	warnings []error
}

func (d *detection) warn(err error) {
	if err != nil {
		d.warnings = append(d.warnings, err)
	}
}

func (d *detection) note(format string, args ...any) {
	d.lim.Notes = append(d.lim.Notes, fmt.Sprintf(format, args...))
}

// dir locates the group of one hierarchy, noting an untranslatable path.
func (d *detection) dir(what string, m mount, groupPath string) string {
	if groupPath == "" {
		d.warn(fmt.Errorf("/proc/self/cgroup: no line for %s; reading limits at its mount point %s", what, m.point))
		return m.point
	}
	dir, ok := groupDir(m, groupPath)
	if !ok {
		d.note("%s group %q is not below the mount root %q of %s (untranslatable): read limits at the mount point instead", what, groupPath, m.root, m.point)
	}
	return dir
}

func (d *detection) detectV1(ms mounts, pg procGroups) {
	private := false
	if m, ok := ms.v1For("memory", pg.memory); ok {
		d.memoryV1(d.dir("memory", m, pg.memory), m.point)
		private = private || pg.memory == "/"
	}
	if m, ok := ms.v1For("cpu", pg.cpu); ok {
		d.cpuV1(d.dir("cpu", m, pg.cpu), m.point)
		private = private || pg.cpu == "/"
	}
	if m, ok := ms.v1For("cpuset", pg.cpuset); ok {
		d.cpusetV1(d.dir("cpuset", m, pg.cpuset))
	}
	if private {
		d.note("cgroup path is \"/\" (private cgroup namespace, or the host's root group): CPU quotas set above the container's group cannot be seen; memory limits above it still show through memory.stat hierarchical_memory_limit")
	}
}

func (d *detection) detectV2(ms mounts, pg procGroups) {
	m, _ := ms.v2For(pg.unified)
	dir := d.dir("the unified hierarchy", m, pg.unified)
	d.memoryV2(dir, m.point)
	d.cpuV2(dir, m.point)
	if pg.unified == "/" {
		d.note("cgroup path is \"/\" (private cgroup namespace, or the host's root group): limits set above the container's group, such as a Kubernetes pod limit, cannot be seen under cgroup v2")
	}
}
