package jvm

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/jenkins-launcher/launcher/config"
)

// userChoices is what the user's own JVM options already decide. Each
// field holds the option as written (for the plan) and, where the option is
// a size, its value. The JVM takes the last occurrence, and so do we.
type userChoices struct {
	xmx opt // -Xmx768m or -XX:MaxHeapSize=..: wins over the RAM options
	// -Xms or -XX:InitialHeapSize=, and -XX:MinHeapSize=: the heap may not
	// be smaller, or the JVM refuses to start.
	xms, minHeap opt

	ramPercentOpt, ramFractionOpt string // MaxRAMPercentage / MaxRAMFraction as written
	ramPercent, ramFraction       float64
	minRAMPercent, minRAMFraction float64 // MinRAMPercentage / MinRAMFraction
	maxRAM                        uint64
	maxRAMOpt                     string

	// -XX:-UseCompressedOops (the last word on them wins), or any
	// -XX:ObjectAlignmentInBytes, which moves their limit.
	oopsOff, objectAlign bool

	metaspace, codeCache, direct, stack opt
	gc                                  string // "Serial", "G1", ... as in -XX:+Use<gc>GC
	gcOpt                               string
	exitOnOOM                           string // ExitOnOutOfMemoryError or CrashOnOutOfMemoryError, either sign
	processors                          string
	gcThreads                           string
	userHome                            string
}

type opt struct {
	raw   string
	bytes uint64
}

func (o opt) set() bool { return o.raw != "" }

// scanOptions reads every option the user gave. A value that cannot be
// read is reported and left out of the plan: the JVM will refuse it with
// its own message, which is clearer than ours could be.
func scanOptions(opts []string) (userChoices, []error) {
	var u userChoices
	var bad []error
	for _, o := range opts {
		if err := u.scan(o); err != nil {
			bad = append(bad, fmt.Errorf("JVM option %q: %w", o, err))
		}
	}
	return u, bad
}

func (u *userChoices) scan(o string) error {
	switch {
	case strings.HasPrefix(o, "-Xmx"):
		n, err := jvmSize(o[len("-Xmx"):])
		if err != nil {
			return err
		}
		u.xmx = opt{o, n}
	case strings.HasPrefix(o, "-Xms"):
		n, err := jvmSize(o[len("-Xms"):])
		if err != nil {
			return err
		}
		u.xms = opt{o, n}
	case strings.HasPrefix(o, "-Xss"):
		n, err := jvmSize(o[len("-Xss"):])
		if err != nil {
			return err
		}
		u.stack = opt{o, n}
	case strings.HasPrefix(o, "-Duser.home="):
		u.userHome = o
	case strings.HasPrefix(o, "-XX:"):
		return u.scanXX(o, o[len("-XX:"):])
	}
	return nil
}

func (u *userChoices) scanXX(o, flag string) error {
	if flag != "" && (flag[0] == '+' || flag[0] == '-') {
		name := flag[1:]
		switch {
		case name == "ExitOnOutOfMemoryError" || name == "CrashOnOutOfMemoryError":
			u.exitOnOOM = o
		case name == "UseCompressedOops":
			u.oopsOff = flag[0] == '-'
		case strings.HasPrefix(name, "Use") && strings.HasSuffix(name, "GC") && flag[0] == '+':
			// Only collectors: UseMaximumCompactionOnSystemGC is not one.
			if gc := strings.TrimSuffix(strings.TrimPrefix(name, "Use"), "GC"); isCollector(gc) {
				u.gc, u.gcOpt = gc, o
			}
		}
		return nil
	}
	name, val, ok := strings.Cut(flag, "=")
	if !ok {
		return nil
	}
	size := func() (opt, error) {
		n, err := jvmSize(val)
		return opt{o, n}, err
	}
	var err error
	switch name {
	case "MaxHeapSize":
		u.xmx, err = size()
	case "ObjectAlignmentInBytes":
		u.objectAlign = true
	case "InitialHeapSize":
		u.xms, err = size()
	case "MinHeapSize":
		u.minHeap, err = size()
	case "MaxRAMPercentage":
		u.ramPercent, err = percent(val)
		u.ramPercentOpt = o
	case "MaxRAMFraction":
		u.ramFraction, err = fraction(val)
		u.ramFractionOpt = o
	case "MinRAMPercentage":
		u.minRAMPercent, err = percent(val)
	case "MinRAMFraction":
		u.minRAMFraction, err = fraction(val)
	case "MaxRAM":
		var s opt
		s, err = size()
		u.maxRAM, u.maxRAMOpt = s.bytes, o
	case "MaxMetaspaceSize":
		u.metaspace, err = size()
	case "ReservedCodeCacheSize":
		u.codeCache, err = size()
	case "MaxDirectMemorySize":
		u.direct, err = size()
	case "ThreadStackSize":
		// In KiB, unlike -Xss.
		var k uint64
		k, err = strconv.ParseUint(val, 10, 32)
		u.stack = opt{o, k << 10}
	case "ActiveProcessorCount":
		u.processors = o
	case "ParallelGCThreads":
		u.gcThreads = o
	}
	return err
}

// isCollector says whether -XX:+Use<name>GC selects a collector, JDK 8 to
// 25.
func isCollector(name string) bool {
	switch name {
	case "Serial", "Parallel", "ParallelOld", "ConcMarkSweep", "G1", "Z", "Shenandoah", "Epsilon":
		return true
	}
	return false
}

func fraction(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err == nil && f < 1 {
		err = fmt.Errorf("fraction below 1")
	}
	return f, err
}

func percent(s string) (float64, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 || f > 100 {
		return 0, fmt.Errorf("want a percentage above 0 and at most 100")
	}
	return f, nil
}

// jvmSize reads a JVM size: bytes or a k/m/g/t suffix, powers of 1024.
func jvmSize(s string) (uint64, error) {
	if s == "" {
		return 0, fmt.Errorf("missing size")
	}
	return config.ParseSize(s)
}

// defaultMaxHeap is HotSpot's default MaxHeapSize on 64-bit machines
// (ScaleForWordSize(96M)): the line between small and not-small memory in
// Arguments::set_heap_size, and the least heap of the latter.
const defaultMaxHeap = 96 * mib * 13 / 10 &^ 7

// ramHeap is the heap HotSpot's Arguments::set_heap_size derives without
// -Xmx, from ram bytes or MaxRAM: MaxRAMPercentage of it (MaxRAMFraction
// only when no percentage is given; default 25%), except that when
// MinRAMPercentage of it (default 50%) is below defaultMaxHeap, memory is
// small and that is the heap, and otherwise the heap is at least
// defaultMaxHeap; an initial (else minimum) heap above it raises it.
// Before alignment (see heapAlignment).
func (u userChoices) ramHeap(ram uint64) uint64 {
	if u.maxRAM > 0 {
		ram = u.maxRAM
	}
	maxPct, minPct := 25.0, 50.0
	switch {
	case u.ramPercent > 0:
		maxPct = u.ramPercent
	case u.ramFraction > 0:
		maxPct = 100 / u.ramFraction
	}
	switch {
	case u.minRAMPercent > 0:
		minPct = u.minRAMPercent
	case u.minRAMFraction > 0:
		minPct = 100 / u.minRAMFraction
	}
	heap := uint64(float64(ram) * maxPct / 100)
	if small := uint64(float64(ram) * minPct / 100); small < defaultMaxHeap {
		heap = small
	} else {
		heap = max(heap, defaultMaxHeap)
	}
	if u.xms.set() {
		heap = max(heap, u.xms.bytes)
	} else if u.minHeap.set() {
		heap = max(heap, u.minHeap.bytes)
	}
	return heap
}

// heapLowerBound is the least heap the user's options allow (-Xms,
// InitialHeapSize, MinHeapSize), and the option that sets it.
func (u userChoices) heapLowerBound() (uint64, string) {
	if u.minHeap.bytes > u.xms.bytes {
		return u.minHeap.bytes, u.minHeap.raw
	}
	return u.xms.bytes, u.xms.raw
}

// ramOpt is the RAM option that decides the heap's share: the percentage
// wins over the fraction, as in HotSpot.
func (u userChoices) ramOpt() string {
	if u.ramPercentOpt != "" {
		return u.ramPercentOpt
	}
	return u.ramFractionOpt
}

// oopsChosen reports whether the user decided about compressed object
// pointers: turned them off, or changed the object alignment (16 bytes:
// a 64 GiB limit).
func (u userChoices) oopsChosen() bool { return u.oopsOff || u.objectAlign }

// heapSet reports whether the user chose the heap in any way.
func (u userChoices) heapSet() bool { return u.xmx.set() || u.ramOpt() != "" || u.maxRAMOpt != "" }

// heapOption is the option that chose the heap, for the plan.
func (u userChoices) heapOption() string {
	switch {
	case u.xmx.set():
		return u.xmx.raw
	case u.ramOpt() != "" && u.maxRAMOpt != "":
		return u.ramOpt() + " " + u.maxRAMOpt
	case u.ramOpt() != "":
		return u.ramOpt()
	}
	return u.maxRAMOpt
}

// userHeap is the heap the JVM will have with the user's options over a
// limit of ram bytes (0 = unknown), aligned as the JVM aligns it.
func (u userChoices) userHeap(ram uint64, gc string, page uint64) uint64 {
	heap := u.xmx.bytes
	if !u.xmx.set() {
		if ram == 0 && u.maxRAM == 0 {
			return 0
		}
		heap = u.ramHeap(ram)
	}
	return alignUp(heap, heapAlignment(gc, heap, page))
}
