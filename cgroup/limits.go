package cgroup

import (
	"encoding/json"
	"fmt"
)

// Limits is what detection found. The JSON tags are part of the product:
// `launcher plan --json` prints this under "limits". Paths in the *Source
// and OOMKillFile fields are as the process sees them, without the
// injected root.
type Limits struct {
	Cgroup          string   `json:"cgroup"`        // "v1" | "v2" | "none" (a hybrid host is "v1")
	MemoryBytes     *uint64  `json:"memory_bytes"`  // nil = no limit found
	MemorySource    Source   `json:"memory_source"` // file and field that gave the minimum
	SwapBytes       *uint64  `json:"swap_bytes"`    // swap allowed on top of memory; nil = unlimited or unknown
	SwapSource      string   `json:"swap_source,omitempty"`
	CPUs            *float64 `json:"cpus"` // e.g. 1.5; nil = no limit
	CPUsSource      Source   `json:"cpus_source"`
	HostMemoryBytes uint64   `json:"host_memory_bytes,omitempty"` // MemTotal (sysinfo(2); proc/meminfo under a fixture root)
	OOMKillFile     string   `json:"oom_kill_file,omitempty"`     // counter file for ReadOOMKills
	Notes           []string `json:"notes,omitempty"`             // facts for people
}

// Source names where a limit came from; "" when no limit was found.
type Source string

// MarshalJSON writes an absent source as null, as the absent limit beside
// it is written: the key is always there for scripts that read it.
func (s Source) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(s))
}

// MemoryBinds reports whether a memory limit of v bytes can bind on this
// host: below MemTotal (when known) and below cgroup's "unlimited" value
// (v1's page-rounded LONG_MAX; 2^64-1 is above it). Detection drops other
// values as "no limit"; callers check limits from elsewhere with it.
func (l Limits) MemoryBinds(v uint64) bool {
	return v < unlimitedV1 && (l.HostMemoryBytes == 0 || v < l.HostMemoryBytes)
}

// Detect reads the limits that apply to the current process from files
// below root ("/" in production). It never fails: a missing or malformed
// file means "unknown" and adds one warning naming the file and quoting
// the bad value. Files that only exist with optional kernel features (swap
// accounting, cpuset) are silently skipped when absent.
func Detect(root string) (Limits, []error) {
	return detect(newFiles(root))
}

func detect(f *files) (Limits, []error) {
	d := &detection{f: f}
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
// top reports that the group is the highest one visible: the mount shows
// nothing above it, so limits set on its ancestors cannot be read there.
func (d *detection) dir(what string, m mount, groupPath string) (dir string, top bool) {
	if groupPath == "" {
		d.warn(fmt.Errorf("/proc/self/cgroup: no line for %s; reading limits at its mount point %s", what, m.point))
		return m.point, false
	}
	dir, ok := locate(m, groupPath)
	if !ok {
		d.note("%s group %q is not below the mount root %q of %s (untranslatable): read limits at the mount point instead", what, groupPath, m.root, m.point)
	}
	return dir, ok && dir == m.point
}

// locate is dir without the warnings and notes: the group's directory, or
// the mount point when the group path is missing or not below the mount
// root (ok false).
func locate(m mount, groupPath string) (dir string, ok bool) {
	if groupPath == "" {
		return m.point, false
	}
	return groupDir(m, groupPath)
}

// topNote explains what a group at the top of the visible tree implies.
// The files cannot tell a private cgroup namespace (path "/"), a
// container that sees only its own group (Docker on v1: host path, mount
// root = own group) and the host's real root group apart.
const topNote = "the container's group is the top of the visible cgroup tree (private cgroup namespace, a mount of only its own group, or the host's root group): "

func (d *detection) detectV1(ms mounts, pg procGroups) {
	// Memory limits above the top still show through memory.stat
	// hierarchical_memory_limit; only CPU quotas there are lost.
	topCPU := false
	if m, path, ok := ms.group(pg, false, "memory"); ok {
		dir, _ := d.dir("memory", m, path)
		d.memoryV1(dir, m.point)
	}
	if m, ok := ms.v1For("cpu", pg.cpu); ok {
		var dir string
		dir, topCPU = d.dir("cpu", m, pg.cpu)
		d.cpuV1(dir, m.point)
	}
	if m, ok := ms.v1For("cpuset", pg.cpuset); ok {
		dir, _ := d.dir("cpuset", m, pg.cpuset)
		d.cpusetV1(dir)
	} else if cpus := d.quota(); cpus.ok {
		d.boundByOnline(&cpus)
		d.setCPUs(cpus)
	}
	if topCPU {
		d.note(topNote + "CPU quotas set above it cannot be seen; memory limits above it still show through memory.stat hierarchical_memory_limit")
	}
}

func (d *detection) detectV2(ms mounts, pg procGroups) {
	m, _, _ := ms.group(pg, true, "memory")
	dir, top := d.dir("the unified hierarchy", m, pg.unified)
	d.memoryV2(dir, m.point)
	d.cpuV2(dir, m.point)
	if top {
		d.note(topNote + "limits set above it, such as a Kubernetes pod limit, cannot be seen under cgroup v2, which has no hierarchical summary")
	}
}
