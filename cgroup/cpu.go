package cgroup

import (
	"fmt"
)

// cpuMin is the minimum of CPU limits, in CPUs.
type cpuMin = minimum[float64]

func (d *detection) cpuV1(dir, point string) {
	var cpus cpuMin
	ancestors(dir, point, func(p string, leaf bool) bool {
		qfile := p + "/cpu.cfs_quota_us"
		q, err := d.f.small(qfile)
		if err != nil {
			if leaf || !isNotExist(err) {
				d.warn(err)
			}
			return false
		}
		if string(q) == "-1" {
			return false
		}
		quota := string(q) // the next read reuses the buffer
		pfile := p + "/cpu.cfs_period_us"
		period, err := d.f.small(pfile)
		if err != nil {
			d.warn(err)
			return false
		}
		v, ok, err := parseQuota([]byte(quota), period)
		if err != nil {
			d.warn(fmt.Errorf("%s, %s: %w", qfile, pfile, err))
			return false
		}
		if ok {
			cpus.offer(v, qfile)
		}
		return false
	})
	d.setCPUs(cpus)
}

func (d *detection) cpuV2(dir, point string) {
	var cpus cpuMin
	ancestors(dir, point, func(p string, leaf bool) bool {
		file := p + "/cpu.max"
		b, err := d.f.small(file)
		if err != nil {
			if leaf || !isNotExist(err) {
				d.warn(err)
			}
			return false
		}
		v, ok, err := parseCPUMax(b)
		if err != nil {
			d.warn(fmt.Errorf("%s: %w", file, err))
			return false
		}
		if ok {
			cpus.offer(v, file)
		}
		return false
	})
	// cpuset.cpus.effective exists only where the cpuset controller is
	// enabled; the nearest ancestor that has it holds the inherited set.
	// A set holds at least one CPU, so it cannot lower a quota of one.
	if cpus.ok && cpus.v <= 1 {
		d.setCPUs(cpus)
		return
	}
	cpuset := false
	ancestors(dir, point, func(p string, _ bool) bool {
		file := p + "/cpuset.cpus.effective"
		n, present := d.cpuCount(file, false)
		if !present {
			return false
		}
		d.boundByCpuset(&cpus, n, file)
		cpuset = true
		return true
	})
	if !cpuset && cpus.ok {
		d.boundByOnline(&cpus)
	}
	d.setCPUs(cpus)
}

// onlineFile lists the CPUs the kernel runs on.
const onlineFile = "/sys/devices/system/cpu/online"

// boundByOnline lowers a CPU quota to the online CPUs where no cpuset did:
// a limit above the machine's size (Kubernetes allows one above the
// node's) runs on what there is. Read only when there is such a quota.
func (d *detection) boundByOnline(cpus *cpuMin) {
	if cpus.v <= 1 {
		return
	}
	if n, _ := d.cpuCount(onlineFile, false); n > 0 && float64(n) < cpus.v {
		*cpus = cpuMin{float64(n), onlineFile, true}
	}
}

// quota is the CPU limit found so far (the v1 CFS quota), to be bounded
// by the CPUs there are.
func (d *detection) quota() cpuMin {
	if d.lim.CPUs == nil {
		return cpuMin{}
	}
	return cpuMin{*d.lim.CPUs, string(d.lim.CPUsSource), true}
}

func (d *detection) cpusetV1(dir string) {
	cpus := d.quota()
	if cpus.ok && cpus.v <= 1 {
		return // a set holds at least one CPU
	}
	file := dir + "/cpuset.cpus"
	if n, present := d.cpuCount(file, true); present {
		d.boundByCpuset(&cpus, n, file)
	}
	d.setCPUs(cpus)
}

// boundByCpuset lowers the CPU limit to the cpuset size. Without a quota
// a set that holds every online CPU restricts nothing, so it is no limit;
// with one, the set still caps it: a quota of 4 CPUs on 2 runs on 2.
func (d *detection) boundByCpuset(cpus *cpuMin, n int, file string) {
	if n == 0 {
		return
	}
	online, _ := d.cpuCount(onlineFile, false)
	if online > 0 && n >= online {
		if !cpus.ok {
			return
		}
		// A set may name CPUs that are offline; only online ones run.
		n = online
	}
	if !cpus.ok || float64(n) < cpus.v {
		*cpus = cpuMin{float64(n), file, true}
	}
}

// cpuCount reads a CPU list file. n is 0 when it is absent or malformed.
func (d *detection) cpuCount(file string, required bool) (n int, present bool) {
	b, err := d.f.small(file)
	if err != nil {
		if required || !isNotExist(err) {
			d.warn(err)
		}
		return 0, !isNotExist(err)
	}
	n, err = parseCPUList(b)
	if err != nil {
		d.warn(fmt.Errorf("%s: %w", file, err))
		return 0, true
	}
	return n, true
}

func (d *detection) setCPUs(cpus cpuMin) {
	if cpus.ok {
		v := cpus.v
		d.lim.CPUs = &v
		d.lim.CPUsSource = Source(cpus.src)
	}
}
