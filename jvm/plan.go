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
	HostMemoryBytes uint64   // the machine's memory, which the JVM sizes from when no limit applies; 0 = unknown
	PageSize        uint64   // for the heap's alignment; 0 = 4 KiB
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
	lower, lowerOpt := u.heapLowerBound()
	if u.heapSet() {
		heap = u.userHeap(ramOf(in), s.gc, in.PageSize)
		p.HeapSource = "user (" + u.heapOption() + ")"
		if u.xmx.set() && lower > u.xmx.bytes {
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s is above %s: the JVM will refuse to start", lowerOpt, u.xmx.raw))
		}
	} else {
		heap = heapFromBudget(budget, fixed, s.gc, in.PageSize)
		if heap > CompressedOopsHeapMax && lower <= CompressedOopsHeapMax && s.gc != "Z" && !u.oopsChosen() {
			p.Notes = append(p.Notes, fmt.Sprintf("heap capped at %s, below the %s the budget allows: from 32 GiB on the JVM turns compressed object pointers off, and a heap somewhat above 32 GiB then holds less than one just below; -Xmx goes past it",
				config.HumanSize(CompressedOopsHeapMax), config.HumanSize(heap)))
			heap = CompressedOopsHeapMax
		}
		if lower > heap {
			// A smaller -Xmx than the user's -Xms stops the JVM at
			// start: the user's minimum wins, and the budget check
			// below says if it does not fit.
			raised := alignUp(lower, heapAlignment(s.gc, lower, in.PageSize))
			p.Warnings = append(p.Warnings, fmt.Sprintf("%s is above the heap planned from the budget, %s: -Xmx raised to %s",
				lowerOpt, config.HumanSize(heap), config.HumanSize(raised)))
			heap = raised
		}
		if heap < HeapFloor {
			p.Regions = append(p.Regions, gcRegion(s.gc, gcOverhead(s.gc, heap)))
			return p, &BudgetError{Budget: budget, Heap: heap, Floor: HeapFloor, Regions: p.Regions}
		}
		p.HeapSource = "launcher"
		p.Flags = append(p.Flags, "-Xmx"+config.FormatSize(heap))
	}
	gcBytes := gcOverhead(s.gc, heap)
	p.Regions = append(p.Regions, gcRegion(s.gc, gcBytes))
	if heap > 0 && heap+gcBytes+fixed > budget {
		who := "user heap " + u.heapOption()
		if !u.heapSet() {
			who = "heap " + lowerOpt
		}
		p.Warnings = append(p.Warnings, fmt.Sprintf(
			"%s (%s) plus non-heap %s is %s, above the budget of %s: the kernel may kill the JVM",
			who, config.HumanSize(heap), config.HumanSize(fixed+gcBytes),
			config.HumanSize(heap+gcBytes+fixed), config.HumanSize(budget)))
	}
	if heap > 0 {
		p.HeapBytes = &heap
	}
	if u.ramOpt() != "" && u.maxRAMOpt == "" && !u.xmx.set() && in.MemoryBytes != nil {
		// The user's percentage must apply to the limit found here, which
		// the JVM may not see (cgroup v2 on an old JVM, ECS task limits,
		// LAUNCHER_MEMORY_LIMIT). MaxRAM replaces the JVM's own detection.
		p.Flags = append(p.Flags, "-XX:MaxRAM="+config.FormatSize(*in.MemoryBytes))
		p.Notes = append(p.Notes, fmt.Sprintf("%s applies to the limit found, %s, through -XX:MaxRAM", u.ramOpt(), config.HumanSize(*in.MemoryBytes)))
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

// CompressedOopsHeapMax is the largest heap the launcher plans by itself.
// With 8-byte object alignment (the default) a heap of 32 GiB or more
// cannot use compressed object pointers, and HotSpot's own sizing stops
// just below that too; 31 GiB stays clear of it whatever the collector's
// alignment, and is a multiple of every G1 region size. Not where they
// cannot be on anyway: with ZGC, which never uses them, or a heap minimum
// above the cap.
const CompressedOopsHeapMax = 31 * gib

// ramOf is the memory the JVM sizes its heap from: the limit found, or with
// none, the machine's (the JVM sees no limit either).
func ramOf(in Input) uint64 {
	if in.MemoryBytes == nil {
		return in.HostMemoryBytes
	}
	return *in.MemoryBytes
}
