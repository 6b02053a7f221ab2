package jvm

import "fmt"

// chooseGC picks the collector. Serial has the smallest native overhead
// (a card table, heap/512) and on a fill-until-OOM test used 95% of -Xmx,
// where G1 used 75% and adds 3-10% of the heap in remembered sets and mark
// bitmaps. A Jenkins agent allocates little and tolerates the sub-second
// full collections of a heap of a few GiB, so Serial wins below 4 GiB or
// with fewer than 2 CPUs; above that G1's shorter pauses are worth it.
//
// JVMs before 17 get Parallel instead: on JDK 11.0.24 here, Serial and G1
// allocated about 5 KiB of arena memory per interpreted frame while
// scanning thread stacks (198 MiB for 60 threads 600 frames deep), which
// the kernel OOM killer ended at 256 MiB, 512 MiB and 1 GiB; Parallel
// allocated under 1 MiB. JDK 17 and 21 do not show it. Parallel is also
// JDK 8's own default. An unknown version is treated as old.
func chooseGC(in Input, u userChoices, budget uint64) string {
	if u.gc != "" {
		return u.gc
	}
	if in.Version.Feature < 17 {
		return "Parallel"
	}
	if in.CPUs != nil && *in.CPUs < 2 {
		return "Serial"
	}
	if budget >= serialMaxBudget {
		return "G1"
	}
	return "Serial"
}

// gcOverhead is the GC's memory outside the heap, as a share of the heap.
func gcOverhead(gc string, heap uint64) uint64 {
	switch gc {
	case "Serial":
		return roundUp(heap / 100)
	case "Parallel", "ParallelOld", "ConcMarkSweep":
		return roundUp(heap * 3 / 100)
	}
	// G1, Z, Shenandoah: remembered sets / forwarding tables, mark bitmaps.
	return roundUp(heap / 10)
}

func gcPercent(gc string) uint64 {
	switch gc {
	case "Serial":
		return 1
	case "Parallel", "ParallelOld", "ConcMarkSweep":
		return 3
	}
	return 10
}

func gcRegion(gc string, b uint64) Region {
	return Region{Name: "GC structures", Bytes: b, Source: fmt.Sprintf("%s GC: %d%% of the heap", gc, gcPercent(gc))}
}
