package cgroup

import (
	"bytes"
	"fmt"

	"golang.org/x/sys/unix"
)

// memTotal is the machine's memory in bytes, MemTotal of proc/meminfo.
// Under the real root it asks sysinfo(2), which gives the same number
// without the kernel formatting all of meminfo (about 45 us of a cold
// start here) and is not rewritten by LXCFS, whose meminfo shows the
// container's limit as MemTotal and would make that limit look like no
// limit (see belowHost). Under a fixture root it reads the file. 0 means
// unknown and adds a warning.
func (d *detection) memTotal() uint64 {
	if d.f.live() {
		var si unix.Sysinfo_t
		if err := unix.Sysinfo(&si); err == nil && si.Totalram > 0 && si.Unit > 0 {
			return uint64(si.Totalram) * uint64(si.Unit)
		}
	}
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
