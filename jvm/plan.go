package jvm

import (
	"fmt"
	"math"

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

// planBudget is the memory the JVM may use: a share of the limit or a size,
// less the launcher's own memory when it stays in the same cgroup.
func planBudget(in Input, p *Plan) (uint64, bool) {
	limit := in.MemoryBytes
	switch {
	case in.Budget.Bytes > 0:
		b := in.Budget.Bytes
		if limit != nil && b+in.LauncherRSS > *limit {
			p.Warnings = append(p.Warnings, fmt.Sprintf(
				"LAUNCHER_JVM_MEMORY=%s is above the limit of %s less the launcher's %s: using %s",
				in.Budget, config.HumanSize(*limit), config.HumanSize(in.LauncherRSS), config.HumanSize(sub(*limit, in.LauncherRSS))))
			b = sub(*limit, in.LauncherRSS)
		}
		return b, true
	case limit == nil:
		return 0, false
	}
	pct := in.Budget.Percent
	if pct <= 0 {
		pct = in.DefaultPercent
	}
	if pct <= 0 || pct > 100 {
		pct = 100
	}
	b := uint64(math.Floor(float64(*limit) * pct / 100))
	return sub(b, in.LauncherRSS), true
}

func sub(a, b uint64) uint64 {
	if b >= a {
		return 0
	}
	return a - b
}

// tailFlags are the flags that do not depend on the memory budget.
func tailFlags(in Input, u userChoices, p *Plan) []string {
	var f []string
	if in.CPUs != nil && u.processors == "" && !jvmSeesCPUs(in) {
		if in.Version.supportsActiveProcessorCount() {
			f = append(f, fmt.Sprintf("-XX:ActiveProcessorCount=%d", int(math.Ceil(*in.CPUs))))
		} else if in.Version.Known() {
			p.Notes = append(p.Notes, fmt.Sprintf("java %s cannot see the CPU limit and has no -XX:ActiveProcessorCount (8u191+, 10+): GC threads set instead", in.Version))
			// Without it the JVM starts a GC thread per host CPU, each
			// with its own stack and buffers; ParallelGCThreads exists
			// in every version.
			if u.gcThreads == "" {
				f = append(f, fmt.Sprintf("-XX:ParallelGCThreads=%d", int(math.Ceil(*in.CPUs))))
			}
		}
	}
	if in.ExitOnOOM && u.exitOnOOM == "" {
		if in.Version.supportsExitOnOOM() {
			f = append(f, "-XX:+ExitOnOutOfMemoryError")
		} else if in.Version.Known() {
			p.Notes = append(p.Notes, fmt.Sprintf("java %s has no -XX:+ExitOnOutOfMemoryError (8u92+)", in.Version))
		}
	}
	if in.Home != "" && u.userHome == "" {
		f = append(f, "-Duser.home="+in.Home)
	}
	return f
}

// jvmSeesCPUs reports whether the JVM reads the CPU limit by itself.
func jvmSeesCPUs(in Input) bool {
	if in.JVMSeesCPULimit {
		return true
	}
	if !in.CPUsFromCgroup {
		return false
	}
	switch in.CgroupVersion {
	case "v1":
		return in.Version.seesCgroupV1()
	case "v2":
		return in.Version.seesCgroupV2()
	}
	return false
}
