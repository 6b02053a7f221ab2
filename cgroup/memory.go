package cgroup

import (
	"bytes"
	"cmp"
	"fmt"
)

// minimum tracks the smallest limit seen and the file that gave it; on a
// tie the first (the one nearest the process) is kept. Memory limits are
// bytes, CPU limits fractional CPUs.
type minimum[T cmp.Ordered] struct {
	v   T
	src string
	ok  bool
}

func (m *minimum[T]) offer(v T, src string) {
	if !m.ok || v < m.v {
		m.v, m.src, m.ok = v, src, true
	}
}

// memMin is the minimum of memory limits, in bytes.
type memMin = minimum[uint64]

// readLimit reads one limit file. present is false when the file does not
// exist; that is a warning only when required. limited is false for "no
// limit" and for unreadable values, which add a warning.
func (d *detection) readLimit(file string, required bool, parse func([]byte) (uint64, bool, error)) (v uint64, limited, present bool) {
	b, err := d.f.small(file)
	if err != nil {
		if !isNotExist(err) || required {
			d.warn(err)
		}
		return 0, false, !isNotExist(err)
	}
	v, limited, err = parse(b)
	if err != nil {
		d.warn(fmt.Errorf("%s: %w", file, err))
		return 0, false, true
	}
	return v, limited, true
}

// belowHost drops memory limits at or above the machine's memory: they
// cannot bind, and treating them as limits would size heaps for memory
// that does not exist.
func (d *detection) belowHost(v uint64) bool {
	return d.lim.HostMemoryBytes == 0 || v < d.lim.HostMemoryBytes
}

func (d *detection) memoryV1(dir, point string) {
	// hierarchical_* in memory.stat is the kernel's own minimum over the
	// group and every ancestor that applies (it honours use_hierarchy),
	// including those above the mount root that the process cannot see:
	// an ECS task, a pod. Reading it first spares most other reads.
	stat := dir + "/memory.stat"
	mem, memsw, found := d.hierarchicalV1(stat)
	if found {
		if mem.ok && !d.belowHost(mem.v) {
			mem = memMin{}
		}
		if mem.ok {
			d.attributeV1(dir, &mem)
		}
	} else {
		mem, memsw = d.walkV1(dir, point)
	}
	d.setMemory(mem)
	if mem.ok && memsw.ok {
		swap := uint64(0)
		if memsw.v > mem.v {
			swap = memsw.v - mem.v
		}
		d.lim.SwapBytes = &swap
		d.lim.SwapSource = memsw.src + " minus the memory limit"
	}
	d.lim.OOMKillFile = oomKillFile(false, dir)
}

// attributeV1 names the group's own limit file as the source when it
// holds the hierarchical minimum, and says so when an ancestor does.
func (d *detection) attributeV1(dir string, mem *memMin) {
	file := dir + "/memory.limit_in_bytes"
	own, ok, _ := d.readLimit(file, true, parseV1Limit)
	if ok && own == mem.v {
		mem.src = file
		return
	}
	d.note("memory limit is set on a group above the container's own (%s), e.g. an ECS task or pod limit", mem.src)
}

// walkV1 is the fallback without hierarchical figures: the minimum over
// the group and its visible ancestors.
func (d *detection) walkV1(dir, point string) (mem, memsw memMin) {
	swapAccounting := true
	ancestors(dir, point, func(p string, leaf bool) bool {
		file := p + "/memory.limit_in_bytes"
		if v, ok, _ := d.readLimit(file, leaf, parseV1Limit); ok && d.belowHost(v) {
			mem.offer(v, file)
		}
		if swapAccounting {
			// Without swap accounting (swapaccount=0) no memsw file exists.
			file = p + "/memory.memsw.limit_in_bytes"
			v, ok, present := d.readLimit(file, false, parseV1Limit)
			swapAccounting = present
			if ok {
				memsw.offer(v, file)
			}
		}
		return false
	})
	return mem, memsw
}

// hierarchicalV1 reads the two hierarchical limits from memory.stat. They
// come right after the group's own counters, so the scan stops at the
// first total_* line. found reports a readable hierarchical_memory_limit.
func (d *detection) hierarchicalV1(file string) (mem, memsw memMin, found bool) {
	var bad error
	err := d.f.lines(file, func(line []byte) bool {
		var dst *memMin
		val, ok := field(line, "hierarchical_memory_limit")
		isMem := ok
		if ok {
			dst = &mem
		} else if val, ok = field(line, "hierarchical_memsw_limit"); ok {
			dst = &memsw
		} else {
			return bytes.HasPrefix(line, []byte("total_"))
		}
		v, limited, err := parseV1Limit(val)
		if err != nil && bad == nil {
			bad = fmt.Errorf("%s: line %q: %w", file, line, err)
		}
		found = found || (isMem && err == nil)
		if limited {
			dst.offer(v, file+" "+string(line[:bytes.IndexByte(line, ' ')]))
		}
		return false
	})
	if err != nil {
		d.warn(err)
	}
	d.warn(bad)
	return mem, memsw, found
}

func (d *detection) memoryV2(dir, point string) {
	var mem, swap memMin
	// v2 has no hierarchical summary: walk the visible ancestors. Above
	// the leaf a missing memory.max only means the controller is not
	// enabled there (or it is the root group).
	ancestors(dir, point, func(p string, leaf bool) bool {
		file := p + "/memory.max"
		if v, ok, _ := d.readLimit(file, leaf, parseV2Limit); ok && d.belowHost(v) {
			mem.offer(v, file)
		}
		file = p + "/memory.swap.max"
		if v, ok, _ := d.readLimit(file, false, parseV2Limit); ok {
			swap.offer(v, file)
		}
		return false
	})
	d.setMemory(mem)
	if swap.ok {
		d.lim.SwapBytes = &swap.v
		d.lim.SwapSource = swap.src
	}
	d.lim.OOMKillFile = oomKillFile(true, dir)
}

func (d *detection) setMemory(mem memMin) {
	if mem.ok {
		v := mem.v
		d.lim.MemoryBytes = &v
		d.lim.MemorySource = Source(mem.src)
	}
}
