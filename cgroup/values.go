package cgroup

import (
	"bytes"
	"errors"
	"fmt"
)

// unlimitedV1 is the smallest value treated as "no limit" in cgroup v1
// files. The kernel reports an unset limit as LONG_MAX rounded down to the
// page size (9223372036854771712 with 4 KiB pages); 2^63 - 64 KiB also
// covers 16 and 64 KiB page kernels.
const unlimitedV1 = 1<<63 - 1<<16

var errEmpty = errors.New("empty value")

// parseUint parses a decimal unsigned integer with no sign or spaces.
func parseUint(b []byte) (uint64, error) {
	if len(b) == 0 {
		return 0, errEmpty
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("not a number: %q", b)
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return 0, fmt.Errorf("number out of range: %q", b)
		}
		v = v*10 + d
	}
	return v, nil
}

// parseV1Limit reads a v1 byte limit such as memory.limit_in_bytes. ok is
// false when the value means "no limit" (-1 or the page-rounded LONG_MAX).
func parseV1Limit(b []byte) (v uint64, ok bool, err error) {
	b = bytes.TrimSpace(b)
	if string(b) == "-1" {
		return 0, false, nil
	}
	v, err = parseUint(b)
	if err != nil || v >= unlimitedV1 {
		return 0, false, err
	}
	return v, true, nil
}

// parseV2Limit reads a v2 limit such as memory.max; "max" means no limit.
func parseV2Limit(b []byte) (v uint64, ok bool, err error) {
	b = bytes.TrimSpace(b)
	if string(b) == "max" {
		return 0, false, nil
	}
	v, err = parseUint(b)
	if err != nil {
		return 0, false, err
	}
	return v, true, nil
}

// parseQuota reads a CFS quota and period as CPUs. ok is false for no
// quota (v1 -1, v2 "max").
func parseQuota(quota, period []byte) (cpus float64, ok bool, err error) {
	quota, period = bytes.TrimSpace(quota), bytes.TrimSpace(period)
	if string(quota) == "-1" || string(quota) == "max" {
		return 0, false, nil
	}
	q, err := parseUint(quota)
	if err != nil {
		return 0, false, fmt.Errorf("quota: %w", err)
	}
	p, err := parseUint(period)
	if err != nil {
		return 0, false, fmt.Errorf("period: %w", err)
	}
	if q == 0 || p == 0 {
		return 0, false, fmt.Errorf("zero quota or period: %q / %q", quota, period)
	}
	return float64(q) / float64(p), true, nil
}

// parseCPUMax reads v2 cpu.max: "max 100000" or "150000 100000". The
// period is optional in what the kernel accepts on write but always
// present on read; a missing one is malformed.
func parseCPUMax(b []byte) (cpus float64, ok bool, err error) {
	b = bytes.TrimSpace(b)
	quota, period, found := bytes.Cut(b, []byte{' '})
	if !found {
		return 0, false, fmt.Errorf("want \"QUOTA PERIOD\", got %q", b)
	}
	cpus, ok, err = parseQuota(quota, period)
	if err != nil {
		return 0, false, fmt.Errorf("%w in %q", err, b)
	}
	return cpus, ok, nil
}

// maxCPUs bounds a CPU list so a hostile "0-4294967295" cannot make
// counting slow or overflow.
const maxCPUs = 1 << 16

// parseCPUList counts the CPUs in a list such as "0-3,5" (cpuset.cpus,
// /sys/devices/system/cpu/online).
func parseCPUList(b []byte) (int, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0, errEmpty
	}
	n := 0
	for part := range bytes.SplitSeq(b, []byte{','}) {
		lo, hi, isRange := bytes.Cut(part, []byte{'-'})
		first, err := parseUint(lo)
		if err != nil {
			return 0, fmt.Errorf("CPU list %q: %w", b, err)
		}
		last := first
		if isRange {
			if last, err = parseUint(hi); err != nil {
				return 0, fmt.Errorf("CPU list %q: %w", b, err)
			}
		}
		if last < first || last >= maxCPUs {
			return 0, fmt.Errorf("CPU list %q: bad range %q", b, part)
		}
		n += int(last-first) + 1
		if n > maxCPUs {
			return 0, fmt.Errorf("CPU list %q: too many CPUs", b)
		}
	}
	return n, nil
}

// field returns the value of a "key value" line (memory.stat,
// memory.events, memory.oom_control) when the key matches exactly.
func field(line []byte, key string) ([]byte, bool) {
	if len(line) <= len(key) || string(line[:len(key)]) != key || line[len(key)] != ' ' {
		return nil, false
	}
	return bytes.TrimSpace(line[len(key)+1:]), true
}
