package jvm

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/jenkins-launcher/launcher/config"
)

func u64(n uint64) *uint64   { return &n }
func f64(n float64) *float64 { return &n }
func ver(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// baseInput is `launcher exec` of JDK 17 in a v1 container of 1 GiB with 2
// CPUs read from the cgroup.
func baseInput() Input {
	return Input{
		MemoryBytes:    u64(gib),
		CPUs:           f64(2),
		CgroupVersion:  "v1",
		CPUsFromCgroup: true,
		DefaultPercent: 100,
		Arch:           "amd64",
		Home:           "/home/jenkins",
		ExitOnOOM:      true,
		Enabled:        true,
		Version:        ver("17.0.15"),
	}
}

func TestPlanMemoryFlags(t *testing.T) {
	for _, c := range []struct {
		name   string
		edit   func(*Input)
		has    []string // flags present, by prefix
		not    []string // flags absent, by prefix
		source string   // HeapSource prefix
		gc     string
		heap   uint64 // exact heap when the user chose it
		warn   string
		note   string
		dupOK  bool // the user's option is unreadable, so the plan sets its own
	}{
		{name: "exec-17-v1-1g", has: []string{"-Xmx", "-XX:MaxMetaspaceSize=", "-XX:ReservedCodeCacheSize=", "-XX:MaxDirectMemorySize=", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError", "-Duser.home=/home/jenkins"}, not: []string{"-XX:ActiveProcessorCount", "-XX:+UseCGroupMemoryLimitForHeap", "-XX:MaxRAM"}, source: "launcher", gc: "Serial"},
		{name: "8u362-v2-cpus-from-cgroup", edit: func(in *Input) { in.Version, in.CgroupVersion, in.CPUs = ver("1.8.0_362"), "v2", f64(1.5) }, has: []string{"-XX:ActiveProcessorCount=2", "-XX:+ExitOnOutOfMemoryError"}},
		{name: "8u372-v2-sees-cpus", edit: func(in *Input) { in.Version, in.CgroupVersion = ver("1.8.0_372"), "v2" }, not: []string{"-XX:ActiveProcessorCount"}},
		{name: "8u181-cannot-count-processors", edit: func(in *Input) { in.Version, in.CPUsFromCgroup = ver("1.8.0_181"), false }, has: []string{"-XX:+ExitOnOutOfMemoryError", "-XX:ParallelGCThreads=2", "-XX:+UseParallelGC"}, not: []string{"-XX:ActiveProcessorCount", "-XX:+UseCGroupMemoryLimitForHeap"}, note: "ActiveProcessorCount"},
		{name: "8u181-user-gc-threads", edit: func(in *Input) {
			in.Version, in.CPUsFromCgroup, in.UserOptions = ver("1.8.0_181"), false, []string{"-XX:ParallelGCThreads=4"}
		}, not: []string{"-XX:ParallelGCThreads", "-XX:ActiveProcessorCount"}, note: "ActiveProcessorCount"},
		{name: "8u60-no-exit-on-oom", edit: func(in *Input) { in.Version = ver("1.8.0_60") }, not: []string{"-XX:+ExitOnOutOfMemoryError", "-XX:ActiveProcessorCount"}, note: "8u92"},
		{name: "11.0.15-v2", edit: func(in *Input) { in.Version, in.CgroupVersion = ver("11.0.15"), "v2" }, has: []string{"-XX:ActiveProcessorCount=2", "-XX:+UseParallelGC"}, gc: "Parallel"},
		{name: "11-large-still-parallel", edit: func(in *Input) { in.Version, in.MemoryBytes = ver("11.0.24"), u64(8*gib) }, has: []string{"-XX:+UseParallelGC"}, gc: "Parallel"},
		{name: "11-user-serial", edit: func(in *Input) { in.Version, in.UserOptions = ver("11.0.24"), []string{"-XX:+UseSerialGC"} }, not: []string{"-XX:+UseParallelGC"}, gc: "Serial"},
		{name: "11.0.16-v2", edit: func(in *Input) { in.Version, in.CgroupVersion = ver("11.0.16"), "v2" }, not: []string{"-XX:ActiveProcessorCount"}},
		{name: "21-ecs-cpus", edit: func(in *Input) {
			in.Version, in.CPUs, in.CPUsFromCgroup, in.CgroupVersion = ver("21"), f64(0.25), false, "none"
		}, has: []string{"-XX:ActiveProcessorCount=1"}},
		{name: "25-ea-caller-says-jvm-sees-cpus", edit: func(in *Input) { in.Version, in.CPUsFromCgroup, in.JVMSeesCPULimit = ver("25-ea"), false, true }, not: []string{"-XX:ActiveProcessorCount"}},
		{name: "unknown-version", edit: func(in *Input) { in.Version, in.CPUsFromCgroup = Version{}, false }, has: []string{"-Xmx", "-XX:+UseParallelGC"}, not: []string{"-XX:+ExitOnOutOfMemoryError", "-XX:ActiveProcessorCount"}, note: "version unknown", gc: "Parallel"},
		{name: "user-xmx", edit: func(in *Input) { in.UserOptions = []string{"-Xmx768m"} }, not: []string{"-Xmx"}, has: []string{"-XX:MaxMetaspaceSize="}, source: "user (-Xmx768m)", heap: 768 * mib},
		{name: "user-xmx-too-big", edit: func(in *Input) { in.UserOptions = []string{"-Xmx2g"} }, not: []string{"-Xmx"}, source: "user (-Xmx2g)", heap: 2 * gib, warn: "2.0 GiB"},
		{name: "user-max-heap-size", edit: func(in *Input) { in.UserOptions = []string{"-XX:MaxHeapSize=512m"} }, not: []string{"-Xmx", "-XX:MaxRAM"}, heap: 512 * mib, source: "user (-XX:MaxHeapSize=512m)"},
		{name: "user-percentage", edit: func(in *Input) { in.UserOptions = []string{"-XX:MaxRAMPercentage=75.0"} }, not: []string{"-Xmx"}, has: []string{"-XX:MaxRAM=1g"}, heap: 768 * mib, source: "user (-XX:MaxRAMPercentage=75.0)"},
		{name: "user-fraction", edit: func(in *Input) { in.UserOptions = []string{"-XX:MaxRAMFraction=2"} }, not: []string{"-Xmx"}, has: []string{"-XX:MaxRAM=1g"}, heap: 512 * mib},
		{name: "user-max-ram", edit: func(in *Input) { in.UserOptions = []string{"-XX:MaxRAM=2g", "-XX:MaxRAMPercentage=25.0"} }, not: []string{"-Xmx", "-XX:MaxRAM="}, heap: 512 * mib, warn: ""},
		{name: "user-xmx-beats-later-percentage", edit: func(in *Input) { in.UserOptions = []string{"-Xmx300m", "-XX:MaxRAMPercentage=90.0"} }, not: []string{"-Xmx", "-XX:MaxRAM"}, heap: 300 * mib},
		{name: "user-xms-raises-xmx", edit: func(in *Input) { in.UserOptions = []string{"-Xms900m"} }, has: []string{"-Xmx900m"}, source: "launcher", heap: 900 * mib, warn: "-Xms900m is above the heap planned from the budget"},
		{name: "user-initial-heap-aligned", edit: func(in *Input) { in.UserOptions = []string{"-XX:InitialHeapSize=901m"} }, has: []string{"-Xmx902m"}, heap: 902 * mib, warn: "-XX:InitialHeapSize=901m is above"},
		{name: "user-min-heap-size", edit: func(in *Input) { in.UserOptions = []string{"-XX:MinHeapSize=950m"} }, has: []string{"-Xmx950m"}, heap: 950 * mib, warn: "above the budget"},
		{name: "user-xms-below-plan", edit: func(in *Input) { in.UserOptions = []string{"-Xms64m"} }, has: []string{"-Xmx"}, source: "launcher", warn: ""},
		{name: "user-xms-above-user-xmx", edit: func(in *Input) { in.UserOptions = []string{"-Xmx100m", "-Xms200m"} }, not: []string{"-Xmx"}, heap: 100 * mib, warn: "-Xms200m is above -Xmx100m: the JVM will refuse to start"},
		{name: "percentage-beats-fraction", edit: func(in *Input) { in.UserOptions = []string{"-XX:MaxRAMFraction=4", "-XX:MaxRAMPercentage=90.0"} }, has: []string{"-XX:MaxRAM=1g"}, heap: 922 * mib, source: "user (-XX:MaxRAMPercentage=90.0)", warn: "above the budget"},
		{name: "percentage-beats-later-fraction", edit: func(in *Input) { in.UserOptions = []string{"-XX:MaxRAMPercentage=50.0", "-XX:MaxRAMFraction=1"} }, heap: 512 * mib, source: "user (-XX:MaxRAMPercentage=50.0)", warn: ""},
		{name: "user-percentage-small-memory", edit: func(in *Input) { in.MemoryBytes, in.UserOptions = u64(200*mib), []string{"-XX:MaxRAMPercentage=75.0"} }, heap: 100 * mib},
		{name: "user-max-ram-small", edit: func(in *Input) { in.UserOptions = []string{"-XX:MaxRAM=200m"} }, not: []string{"-Xmx"}, heap: 100 * mib},
		{name: "user-min-ram-percentage", edit: func(in *Input) { in.UserOptions = []string{"-XX:MinRAMPercentage=5.0", "-XX:MaxRAMPercentage=10.0"} }, heap: 52 * mib},
		{name: "user-percentage-default-max-heap", edit: func(in *Input) { in.UserOptions = []string{"-XX:MaxRAMPercentage=10.0"} }, heap: 126 * mib},
		{name: "not-a-collector", edit: func(in *Input) { in.UserOptions = []string{"-XX:+UseMaximumCompactionOnSystemGC"} }, has: []string{"-XX:+UseSerialGC"}, gc: "Serial"},
		{name: "no-limit-size-budget-host-percentage", edit: func(in *Input) {
			in.MemoryBytes, in.HostMemoryBytes, in.Budget, in.UserOptions = nil, 24*gib, config.Budget{Bytes: 768 * mib}, []string{"-XX:MaxRAMPercentage=75.0"}
		}, not: []string{"-Xmx", "-XX:MaxRAM="}, heap: 18 * gib, warn: "above the budget of 768.0 MiB"},
		{name: "user-metaspace", edit: func(in *Input) { in.UserOptions = []string{"-XX:MaxMetaspaceSize=256m"} }, has: []string{"-Xmx", "-XX:ReservedCodeCacheSize="}, not: []string{"-XX:MaxMetaspaceSize="}},
		{name: "user-region-caps", edit: func(in *Input) {
			in.UserOptions = []string{"-XX:ReservedCodeCacheSize=64m", "-XX:MaxDirectMemorySize=10m", "-Xss512k"}
		}, not: []string{"-XX:ReservedCodeCacheSize=", "-XX:MaxDirectMemorySize=", "-Xss"}},
		{name: "user-gc", edit: func(in *Input) { in.UserOptions = []string{"-XX:+UseG1GC"} }, not: []string{"-XX:+UseSerialGC"}, gc: "G1"},
		{name: "user-no-exit-on-oom", edit: func(in *Input) { in.UserOptions = []string{"-XX:-ExitOnOutOfMemoryError"} }, not: []string{"-XX:+ExitOnOutOfMemoryError"}},
		{name: "user-crash-on-oom", edit: func(in *Input) { in.UserOptions = []string{"-XX:+CrashOnOutOfMemoryError"} }, not: []string{"-XX:+ExitOnOutOfMemoryError"}},
		{name: "exit-on-oom-off", edit: func(in *Input) { in.ExitOnOOM = false }, not: []string{"-XX:+ExitOnOutOfMemoryError"}},
		{name: "user-home-and-processors", edit: func(in *Input) {
			in.CPUsFromCgroup = false
			in.UserOptions = []string{"-Duser.home=/data", "-XX:ActiveProcessorCount=4"}
		}, not: []string{"-Duser.home=", "-XX:ActiveProcessorCount"}},
		{name: "no-home", edit: func(in *Input) { in.Home = "" }, not: []string{"-Duser.home"}},
		{name: "bad-user-option", edit: func(in *Input) { in.UserOptions = []string{"-Xmxlots"} }, has: []string{"-Xmx"}, source: "launcher", warn: `"-Xmxlots"`, dupOK: true},
		{name: "no-limit", edit: func(in *Input) { in.MemoryBytes = nil }, has: []string{"-XX:+ExitOnOutOfMemoryError", "-Duser.home="}, not: []string{"-Xmx", "-XX:MaxMetaspaceSize", "-XX:+UseSerialGC"}, source: "jvm default (no limit found)", note: "no memory limit found"},
		{name: "no-limit-user-heap", edit: func(in *Input) { in.MemoryBytes, in.UserOptions = nil, []string{"-Xmx1g"} }, not: []string{"-Xmx"}, source: "user (-Xmx1g)"},
		{name: "no-limit-size-budget", edit: func(in *Input) { in.MemoryBytes, in.Budget = nil, config.Budget{Bytes: 768 * mib} }, has: []string{"-Xmx", "-XX:MaxMetaspaceSize="}, source: "launcher"},
		{name: "size-budget-above-host", edit: func(in *Input) {
			in.MemoryBytes, in.HostMemoryBytes, in.Budget = nil, 16*gib, config.Budget{Bytes: 40 * gib}
		}, has: []string{"-Xmx"}, warn: "above the machine's memory of 16.0 GiB"},
		{name: "size-budget-below-host", edit: func(in *Input) {
			in.MemoryBytes, in.HostMemoryBytes, in.Budget = nil, 16*gib, config.Budget{Bytes: 8 * gib}
		}, has: []string{"-Xmx"}, warn: ""},
		{name: "size-budget-above-limit", edit: func(in *Input) { in.Budget = config.Budget{Bytes: 2 * gib} }, has: []string{"-Xmx"}, warn: "above the limit"},
		{name: "large-g1", edit: func(in *Input) { in.MemoryBytes = u64(8 * gib) }, has: []string{"-XX:+UseG1GC"}, not: []string{"-XX:+UseSerialGC"}, gc: "G1"},
		{name: "large-one-cpu-serial", edit: func(in *Input) { in.MemoryBytes, in.CPUs = u64(8*gib), f64(1) }, has: []string{"-XX:+UseSerialGC"}, gc: "Serial"},
		{name: "disabled", edit: func(in *Input) { in.Enabled = false; in.UserOptions = []string{"-Xmx1g"} }, not: []string{"-"}, source: "disabled", note: "LAUNCHER_JVM_FLAGS=false"},
		{name: "arm64", edit: func(in *Input) { in.Arch = "arm64" }, has: []string{"-Xmx"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := baseInput()
			if c.edit != nil {
				c.edit(&in)
			}
			p, err := PlanMemory(in)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range c.has {
				if !slices.ContainsFunc(p.Flags, func(s string) bool { return strings.HasPrefix(s, f) }) {
					t.Errorf("flags %q lack %q", p.Flags, f)
				}
			}
			for _, f := range c.not {
				if slices.ContainsFunc(p.Flags, func(s string) bool { return strings.HasPrefix(s, f) }) {
					t.Errorf("flags %q contain %q", p.Flags, f)
				}
			}
			if !c.dupOK {
				assertNoDuplicateSettings(t, p.Flags, in.UserOptions)
			}
			if c.source != "" && !strings.HasPrefix(p.HeapSource, c.source) {
				t.Errorf("heap source %q, want %q", p.HeapSource, c.source)
			}
			if c.gc != "" && p.GC != c.gc {
				t.Errorf("GC %q, want %q", p.GC, c.gc)
			}
			if c.heap != 0 && (p.HeapBytes == nil || *p.HeapBytes != c.heap) {
				t.Errorf("heap %v, want %d", p.HeapBytes, c.heap)
			}
			if c.warn != "" && !slices.ContainsFunc(p.Warnings, func(s string) bool { return strings.Contains(s, c.warn) }) {
				t.Errorf("warnings %q lack %q", p.Warnings, c.warn)
			}
			if c.warn == "" && len(p.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", p.Warnings)
			}
			if c.note != "" && !slices.ContainsFunc(p.Notes, func(s string) bool { return strings.Contains(s, c.note) }) {
				t.Errorf("notes %q lack %q", p.Notes, c.note)
			}
			if p.HeapSource == "launcher" {
				want := "-Xmx" + config.FormatSize(*p.HeapBytes)
				if p.Flags[0] != want {
					t.Errorf("first flag %q, want %q", p.Flags[0], want)
				}
			}
		})
	}
}

// assertNoDuplicateSettings fails when the plan sets something twice or
// sets what the user already chose.
func assertNoDuplicateSettings(t *testing.T, planned, user []string) {
	t.Helper()
	seen := map[string]string{}
	for _, f := range user {
		if k := settingKey(f); k != "" {
			seen[k] = f
		}
	}
	for _, f := range planned {
		k := settingKey(f)
		if k == "" {
			continue
		}
		if prev, ok := seen[k]; ok {
			t.Errorf("setting %s given twice: %q and %q", k, prev, f)
		}
		seen[k] = f
	}
}

func settingKey(f string) string {
	switch {
	case strings.HasPrefix(f, "-Xmx"), strings.HasPrefix(f, "-XX:MaxHeapSize="):
		return "heap"
	case strings.HasPrefix(f, "-Xss"), strings.HasPrefix(f, "-XX:ThreadStackSize="):
		return "stack"
	case strings.HasPrefix(f, "-XX:+Use") && strings.HasSuffix(f, "GC") && isCollector(strings.TrimSuffix(strings.TrimPrefix(f, "-XX:+Use"), "GC")):
		return "gc"
	case strings.HasSuffix(f, "OnOutOfMemoryError"):
		return "oom"
	case strings.HasPrefix(f, "-D"):
		k, _, _ := strings.Cut(f, "=")
		return k
	case strings.HasPrefix(f, "-XX:"):
		k, _, _ := strings.Cut(strings.TrimLeft(f[4:], "+-"), "=")
		return k
	}
	return ""
}

// TestPlanFitsBudget: over a range of limits, budgets, hints and
// architectures, the heap plus every region stays within the budget and
// the heap never falls below the floor without an error.
func TestPlanFitsBudget(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64"} {
		for _, pct := range []float64{50, 100} {
			for _, hints := range [][2]int{{0, 0}, {300, 20000}, {20, 1000}} {
				for lim := uint64(128 * mib); lim <= 64*gib; lim += lim / 3 {
					in := baseInput()
					in.Arch, in.DefaultPercent, in.Threads, in.Classes = arch, pct, hints[0], hints[1]
					in.MemoryBytes, in.LauncherRSS = u64(lim), 6*mib
					name := fmt.Sprintf("%s/%v%%/%v/%s", arch, pct, hints, config.HumanSize(lim))
					p, err := PlanMemory(in)
					var be *BudgetError
					if errors.As(err, &be) {
						if be.Heap >= HeapFloor {
							t.Errorf("%s: BudgetError with a heap of %s above the floor", name, config.HumanSize(be.Heap))
						}
						continue
					}
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					total := *p.HeapBytes
					for _, r := range p.Regions {
						total += r.Bytes
					}
					if total > *p.BudgetBytes {
						t.Errorf("%s: heap %s + regions = %s, above the budget %s", name, config.HumanSize(*p.HeapBytes), config.HumanSize(total), config.HumanSize(*p.BudgetBytes))
					}
					if *p.BudgetBytes+in.LauncherRSS > uint64(float64(lim)*pct/100)+1 {
						t.Errorf("%s: budget %d ignores the launcher's RSS", name, *p.BudgetBytes)
					}
					if *p.HeapBytes < HeapFloor {
						t.Errorf("%s: heap %s below the floor", name, config.HumanSize(*p.HeapBytes))
					}
				}
			}
		}
	}
}

// TestAgentStartsAt256MiB: agent mode (50%) must plan a usable heap in a
// 256 MiB container with the default hints on both architectures, even
// with the launcher supervising.
func TestAgentStartsAt256MiB(t *testing.T) {
	for _, arch := range []string{"amd64", "arm64"} {
		in := baseInput()
		in.MemoryBytes, in.DefaultPercent, in.Arch, in.LauncherRSS = u64(256*mib), 50, arch, 8*mib
		p, err := PlanMemory(in)
		if err != nil {
			t.Fatalf("%s: %v", arch, err)
		}
		if *p.HeapBytes < HeapFloor {
			t.Errorf("%s: heap %d", arch, *p.HeapBytes)
		}
	}
}

func TestPlanBudgetError(t *testing.T) {
	in := baseInput()
	in.MemoryBytes, in.Threads, in.Classes = u64(256*mib), 300, 20000
	_, err := PlanMemory(in)
	var be *BudgetError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a *BudgetError", err)
	}
	msg := err.Error()
	for _, r := range be.Regions {
		if !strings.Contains(msg, r.Name+" "+config.HumanSize(r.Bytes)) {
			t.Errorf("message %q does not list region %s of %s", msg, r.Name, config.HumanSize(r.Bytes))
		}
	}
	if !strings.Contains(msg, config.HumanSize(HeapFloor)) || !strings.Contains(msg, "256.0 MiB") {
		t.Errorf("message %q lacks the floor or the budget", msg)
	}

	// The user's own heap is kept even when it cannot fit: warn, do not fail.
	in.UserOptions = []string{"-Xmx200m"}
	p, err := PlanMemory(in)
	if err != nil {
		t.Fatalf("with -Xmx: %v", err)
	}
	if len(p.Warnings) == 0 || !strings.Contains(p.Warnings[0], "200.0 MiB") {
		t.Errorf("warnings %q do not give the numbers", p.Warnings)
	}
}

// TestPlanHintsMoveHeap: more threads or classes, a bigger stack or a
// costlier GC leave less heap; the user's caps replace ours.
func TestPlanHintsMoveHeap(t *testing.T) {
	heap := func(edit func(*Input)) uint64 {
		in := baseInput()
		edit(&in)
		p, err := PlanMemory(in)
		if err != nil {
			t.Fatal(err)
		}
		return *p.HeapBytes
	}
	base := heap(func(*Input) {})
	for name, edit := range map[string]func(*Input){
		"threads":   func(in *Input) { in.Threads = 400 },
		"classes":   func(in *Input) { in.Classes = 15000 },
		"arm64":     func(in *Input) { in.Arch = "arm64" },
		"g1":        func(in *Input) { in.UserOptions = []string{"-XX:+UseG1GC"} },
		"metaspace": func(in *Input) { in.UserOptions = []string{"-XX:MaxMetaspaceSize=200m"} },
		"rss":       func(in *Input) { in.LauncherRSS = 20 * mib },
		"50%":       func(in *Input) { in.Budget = config.Budget{Percent: 50} },
	} {
		if h := heap(edit); h >= base {
			t.Errorf("%s: heap %s, not below the default %s", name, config.HumanSize(h), config.HumanSize(base))
		}
	}
	if h := heap(func(in *Input) { in.UserOptions = []string{"-XX:MaxMetaspaceSize=16m"} }); h <= base {
		t.Errorf("a smaller user metaspace cap left no more heap: %s vs %s", config.HumanSize(h), config.HumanSize(base))
	}
}

// A heap planned from a big budget stops below 32 GiB, where compressed
// object pointers end, unless the user decided about them or chose the
// heap.
func TestPlanCompressedOopsCap(t *testing.T) {
	for _, c := range []struct {
		name   string
		limit  uint64
		opts   []string
		capped bool
	}{
		{"64GiB", 64 * gib, nil, true},
		{"40GiB", 40 * gib, nil, true},
		{"32GiB-fits-below", 32 * gib, nil, false},
		{"64GiB-oops-off", 64 * gib, []string{"-XX:-UseCompressedOops"}, false},
		{"64GiB-oops-off-then-on", 64 * gib, []string{"-XX:-UseCompressedOops", "-XX:+UseCompressedOops"}, true},
		{"64GiB-16-byte-alignment", 64 * gib, []string{"-XX:ObjectAlignmentInBytes=16"}, false},
		{"64GiB-user-xmx", 64 * gib, []string{"-Xmx48g"}, false},
		// Where compressed oops are off whatever the heap.
		{"64GiB-zgc", 64 * gib, []string{"-XX:+UseZGC"}, false},
		{"64GiB-xms-above", 64 * gib, []string{"-Xms35g"}, false},
		{"48GiB-initial-heap-above", 48 * gib, []string{"-XX:InitialHeapSize=33g"}, false},
		// A minimum below the cap leaves it.
		{"64GiB-xms-below", 64 * gib, []string{"-Xms8g"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := baseInput()
			in.MemoryBytes, in.UserOptions = u64(c.limit), c.opts
			p, err := PlanMemory(in)
			if err != nil {
				t.Fatal(err)
			}
			noted := slices.ContainsFunc(p.Notes, func(s string) bool { return strings.Contains(s, "compressed object pointers") })
			if capped := *p.HeapBytes == CompressedOopsHeapMax; capped != c.capped || noted != c.capped {
				t.Fatalf("heap %s, note %v (notes %q); want capped %v", config.HumanSize(*p.HeapBytes), noted, p.Notes, c.capped)
			}
			if !c.capped && *p.HeapBytes == 0 {
				t.Fatal("no heap planned")
			}
			if slices.ContainsFunc(p.Warnings, func(s string) bool { return strings.Contains(s, "raised") }) {
				t.Errorf("warnings %q: the heap from the budget is above the minimum", p.Warnings)
			}
			if c.limit == 32*gib && *p.HeapBytes >= CompressedOopsHeapMax {
				t.Fatalf("heap %s for a 32 GiB budget", config.HumanSize(*p.HeapBytes))
			}
		})
	}
}
