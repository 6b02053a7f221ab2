package cgroup

import (
	"errors"
	"fmt"
)

// ReadOOMKills reads the kernel's OOM-kill counter, the "oom_kill N" line
// of v1 memory.oom_control or v2 memory.events, from file (as the process
// sees it, e.g. Limits.OOMKillFile) below root.
func ReadOOMKills(root, file string) (uint64, error) {
	f := newFiles(root)
	var n uint64
	var bad error
	found := false
	err := f.lines(file, func(line []byte) bool {
		val, ok := field(line, "oom_kill")
		if !ok {
			return false
		}
		found = true
		if n, bad = parseUint(val); bad != nil {
			bad = fmt.Errorf("%s: line %q: %w", file, line, bad)
		}
		return true
	})
	switch {
	case err != nil:
		return 0, fmt.Errorf("reading OOM kills: %w", err)
	case bad != nil:
		return 0, bad
	case !found:
		// Kernels before 4.13 have no v1 oom_kill line.
		return 0, fmt.Errorf("%s: no \"oom_kill\" line", file)
	}
	return n, nil
}

// oomKillFile is the "oom_kill N" counter of the memory group in dir.
func oomKillFile(v2 bool, dir string) string {
	if v2 {
		return dir + "/memory.events"
	}
	return dir + "/memory.oom_control"
}

// FindOOMKillFile finds the OOM-kill counter of the process's memory
// cgroup below root: the file Detect reports as Limits.OOMKillFile, found
// from mountinfo and /proc/self/cgroup alone. A supervisor whose command
// sizes no JVM needs the counter when the command starts, not the limits,
// and this skips every limit file (memory.stat is formatted by the kernel
// on each read) and the ECS request. Problems Detect would warn about are
// only reported when they leave no counter to read.
func FindOOMKillFile(root string) (string, error) {
	f := newFiles(root)
	ms, err := readMounts(f)
	var perr error
	file := ""
	if mode := ms.mode(); mode != "none" {
		var pg procGroups
		v2 := mode == "v2"
		pg, perr = readProcGroups(f, v2)
		if m, path, ok := ms.group(pg, v2, "memory"); ok {
			dir, _ := locate(m, path)
			file = oomKillFile(v2, dir)
		}
	}
	if file == "" {
		msg := "no OOM-kill counter: the cgroup memory controller is not mounted"
		for _, e := range []error{err, perr} {
			if e != nil {
				msg += "; " + e.Error()
			}
		}
		return "", errors.New(msg)
	}
	return file, nil
}
