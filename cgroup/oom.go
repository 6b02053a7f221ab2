package cgroup

import (
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
