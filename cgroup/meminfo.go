package cgroup

import (
	"bytes"
	"fmt"
)

// memTotal reads MemTotal from proc/meminfo (its first line), in bytes.
// 0 means unknown and adds a warning.
func (d *detection) memTotal() uint64 {
	const file = "/proc/meminfo"
	var total uint64
	var bad error
	found := false
	err := d.f.lines(file, func(line []byte) bool {
		val, ok := field(line, "MemTotal:")
		if !ok {
			return false
		}
		found = true
		num, unit, _ := bytes.Cut(val, []byte{' '})
		kb, err := parseUint(num)
		if err != nil || string(bytes.TrimSpace(unit)) != "kB" || kb > 1<<54 {
			bad = fmt.Errorf("%s: line %q: want \"MemTotal: N kB\"", file, line)
			return true
		}
		total = kb << 10
		return true
	})
	switch {
	case err != nil:
		d.warn(err)
	case bad != nil:
		d.warn(bad)
	case !found:
		d.warn(fmt.Errorf("%s: no MemTotal line", file))
	}
	return total
}
