package jvm

import (
	"fmt"

	"github.com/jenkins-launcher/launcher/config"
)

// Input is everything the memory plan depends on. The caller reads the
// limits, the configuration and the user's options; PlanMemory only decides.
type Input struct {
	MemoryBytes *uint64  // effective container limit, nil = none found
	CPUs        *float64 // nil = none
	// JVMSeesCPULimit may be set by a caller that knows the JVM reads the
	// CPU limit itself. Left false, PlanMemory works it out from
	// CgroupVersion, Version and CPUsFromCgroup.
	JVMSeesCPULimit bool
	CgroupVersion   string // "v1" | "v2" | "none"
	CPUsFromCgroup  bool   // false when CPUs came from ECS metadata or LAUNCHER_CPU_LIMIT
	Budget          config.Budget
	DefaultPercent  float64  // 100 for `launcher exec`, 50 for agent mode
	UserOptions     []string // every JVM option the user gave, split into words
	Threads         int      // LAUNCHER_JVM_THREADS; 0 = DefaultThreads
	Classes         int      // LAUNCHER_JVM_CLASSES; 0 = DefaultClasses
	Arch            string   // runtime.GOARCH, for the thread stack size
	LauncherRSS     uint64   // the supervising launcher's memory, same cgroup
	Home            string   // -Duser.home=<Home>
	ExitOnOOM       bool     // -XX:+ExitOnOutOfMemoryError
	Enabled         bool     // false = no flags at all
	Version         Version
}

// Plan is the decided memory layout and the flags that carry it out.
type Plan struct {
	BudgetBytes *uint64  `json:"budget_bytes"`
	HeapBytes   *uint64  `json:"heap_bytes"`
	HeapSource  string   `json:"heap_source"` // "launcher" | "user (-Xmx768m)" | "jvm default (no limit found)" | "disabled"
	GC          string   `json:"gc,omitempty"`
	Regions     []Region `json:"regions"`
	Flags       []string `json:"flags"` // exactly what will be passed, in order
	Notes       []string `json:"notes,omitempty"`
	Warnings    []string `json:"warnings,omitempty"`
}

// Region is one part of the JVM's memory outside the heap.
type Region struct {
	Name   string `json:"name"`
	Bytes  uint64 `json:"bytes"`
	Flag   string `json:"flag,omitempty"`
	Source string `json:"source,omitempty"`

	planned bool // the cap is ours, so its flag goes on the command line
}

// PlanMemory computes the plan. A budget too small for a heap of at least
// HeapFloor returns *BudgetError, unless the user chose the heap: then the
// user's choice stands and the plan warns with the numbers.
func PlanMemory(in Input) (Plan, error) {
	p := Plan{Regions: []Region{}, Flags: []string{}}
	if !in.Enabled {
		p.HeapSource = "disabled"
		p.Notes = append(p.Notes, "LAUNCHER_JVM_FLAGS=false: no JVM flags added, the JVM sizes itself")
		return p, nil
	}
	u, bad := scanOptions(in.UserOptions)
	for _, err := range bad {
		p.Warnings = append(p.Warnings, err.Error()+": ignored for planning; the JVM will judge it")
	}
	if !in.Version.Known() {
		p.Notes = append(p.Notes, "java version unknown: version-dependent flags (ExitOnOutOfMemoryError, ActiveProcessorCount) left out")
	}

	budget, ok := planBudget(in, &p)
	if !ok {
		p.HeapSource = "jvm default (no limit found)"
		if u.heapSet() {
			p.HeapSource = "user (" + u.heapOption() + ")"
		}
		p.Notes = append(p.Notes, "no memory limit found: heap and regions left to the JVM's own sizing")
		p.Flags = append(p.Flags, tailFlags(in, u, &p)...)
		return p, nil
	}
	p.BudgetBytes = &budget

	s := sizeRegions(in, u, budget)
	p.GC = s.gc
	p.Regions = s.regions
	var fixed uint64
	for _, r := range s.regions {
		fixed += r.Bytes
	}

	var heap uint64
	if u.heapSet() {
		heap = u.userHeap(limitOf(in))
		p.HeapSource = "user (" + u.heapOption() + ")"
		gcBytes := gcOverhead(s.gc, heap)
		p.Regions = append(p.Regions, gcRegion(s.gc, gcBytes))
		if heap > 0 && heap+gcBytes+fixed > budget {
			p.Warnings = append(p.Warnings, fmt.Sprintf(
				"user heap %s (%s) plus non-heap %s is %s, above the budget of %s: the kernel may kill the JVM",
				u.heapOption(), config.HumanSize(heap), config.HumanSize(fixed+gcBytes),
				config.HumanSize(heap+gcBytes+fixed), config.HumanSize(budget)))
		}
	} else {
		heap = heapFromBudget(budget, fixed, s.gc)
		gcBytes := gcOverhead(s.gc, heap)
		p.Regions = append(p.Regions, gcRegion(s.gc, gcBytes))
		if heap < HeapFloor {
			return p, &BudgetError{Budget: budget, Heap: heap, Floor: HeapFloor, Regions: p.Regions}
		}
		p.HeapSource = "launcher"
		p.Flags = append(p.Flags, "-Xmx"+config.FormatSize(heap))
	}
	if heap > 0 {
		p.HeapBytes = &heap
	}
	if u.ramOpt != "" && u.maxRAMOpt == "" && !u.xmx.set() && in.MemoryBytes != nil {
		// The user's percentage must apply to the limit found here, which
		// the JVM may not see (cgroup v2 on an old JVM, ECS task limits,
		// LAUNCHER_MEMORY_LIMIT). MaxRAM replaces the JVM's own detection.
		p.Flags = append(p.Flags, "-XX:MaxRAM="+config.FormatSize(*in.MemoryBytes))
		p.Notes = append(p.Notes, fmt.Sprintf("%s applies to the limit found, %s, through -XX:MaxRAM", u.ramOpt, config.HumanSize(*in.MemoryBytes)))
	}
	for _, r := range s.regions {
		if r.Flag != "" && r.planned {
			p.Flags = append(p.Flags, r.Flag+config.FormatSize(r.Bytes))
		}
	}
	if u.gc == "" {
		p.Flags = append(p.Flags, "-XX:+Use"+s.gc+"GC")
	}
	p.Flags = append(p.Flags, tailFlags(in, u, &p)...)
	return p, nil
}

func limitOf(in Input) uint64 {
	if in.MemoryBytes == nil {
		return 0
	}
	return *in.MemoryBytes
}
