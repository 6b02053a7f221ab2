package jvm

import (
	"fmt"

	"github.com/jenkins-launcher/launcher/config"
)

const (
	kib = 1 << 10
	mib = 1 << 20
	gib = 1 << 30

	// HeapFloor is the smallest heap the launcher plans. A Jenkins agent
	// (remoting) idles with 15-25 MiB of live heap; below 32 MiB it spends
	// its time collecting garbage or fails, so a smaller budget is a
	// configuration error, not a plan.
	HeapFloor = 32 * mib

	// DefaultThreads is the thread hint for a Jenkins agent: remoting's
	// channel and pinger threads, the remoting thread pool that grows with
	// concurrent controller calls (20-60 in busy agents), the executors'
	// build threads and their process reapers. Threads are cheap in this
	// model (stacks are committed as touched), so the default errs high.
	DefaultThreads = 100
	// DefaultClasses is the class hint: remoting and the JDK load about
	// 3000 classes; plugin code shipped from the controller (git client,
	// durable tasks, pipeline steps, build wrappers) brings a busy agent to
	// 5000-8000; 5000 gives a 43 MiB metaspace cap, and an agent that
	// needs more fails with a Java OutOfMemoryError, not a kernel kill.
	DefaultClasses = 5000

	// jvmThreads are the JVM's own threads (VM thread, compiler threads,
	// GC workers, signal, finalizer, reference handler, cleaners, sweeper).
	jvmThreads = 20
	// bytesPerClass and metaspaceBase are the Cloud Foundry memory
	// calculator's metaspace model, which holds for JDK 8-21: 5800 B per
	// loaded class plus 14 MiB for the JDK itself.
	bytesPerClass   = 5800
	metaspaceBase   = 14 * mib
	directPerThread = 128 * kib
	// serialMaxBudget: below this Serial GC is used (see chooseGC).
	serialMaxBudget = 4 * gib
)

type sizing struct {
	gc      string
	regions []Region
}

// sizeRegions caps every non-heap region the JVM lets us cap and models the
// ones it does not. User caps are kept as given. Regions sized from the
// default hints shrink with small budgets (a guess should not starve the
// heap); regions sized from explicit hints do not.
func sizeRegions(in Input, u userChoices, budget uint64) sizing {
	s := sizing{gc: chooseGC(in, u, budget)}
	classes, threads := in.Classes, in.Threads
	explicitClasses, explicitThreads := classes > 0, threads > 0
	if !explicitClasses {
		classes = DefaultClasses
	}
	if !explicitThreads {
		// A small container runs a small agent: scale the guess down.
		threads = int(clamp(budget/(2*mib), 32, DefaultThreads))
	}

	meta := metaspaceFor(classes)
	if !explicitClasses {
		meta = clamp(budget/16, 24*mib, meta)
	}
	s.add("metaspace", u.metaspace, "-XX:MaxMetaspaceSize=", meta,
		fmt.Sprintf("%d classes x %d B + %s", classes, bytesPerClass, config.HumanSize(metaspaceBase)))

	// Compiled code grows with the code that runs hot, not with the
	// heap; a full code cache only stops the JIT, it does not fail.
	s.add("code cache", u.codeCache, "-XX:ReservedCodeCacheSize=", clamp(budget/32, 8*mib, 32*mib), "budget/32 within 8-32 MiB")

	// Unset, direct memory may grow as large as the heap: always cap it.
	// It grows with threads too: NIO keeps a cached temporary direct
	// buffer per thread that does channel I/O with heap buffers.
	direct := clamp(budget/32, 8*mib, 64*mib) + uint64(threads)*directPerThread
	s.add("direct memory", u.direct, "-XX:MaxDirectMemorySize=", direct,
		fmt.Sprintf("budget/32 within 8-64 MiB + %d threads x %s", threads, config.HumanSize(directPerThread)))

	stack := stackSize(in.Arch)
	stackSrc := "default for " + in.Arch
	if u.stack.set() {
		stack, stackSrc = u.stack.bytes, "user ("+u.stack.raw+")"
	}
	per := touchedStack(stack, in.Arch)
	n := uint64(threads + jvmThreads)
	s.regions = append(s.regions, Region{
		Name:  "thread stacks",
		Bytes: roundUp(n * per),
		Source: fmt.Sprintf("%d threads (%d + %d JVM) x %s touched of %s reserved (%s)",
			n, threads, jvmThreads, config.HumanSize(per), config.HumanSize(stack), stackSrc),
	})
	s.regions = append(s.regions, Region{
		Name:   "native",
		Bytes:  nativeOverhead(budget),
		Source: "JVM internals, malloc arenas, symbol tables, compiler arenas: 18 MiB + budget/128",
	})
	return s
}

// add appends a capped region: the user's cap when given, else ours.
func (s *sizing) add(name string, user opt, flag string, ours uint64, why string) {
	if user.set() {
		s.regions = append(s.regions, Region{Name: name, Bytes: user.bytes, Flag: flag, Source: "user (" + user.raw + ")"})
		return
	}
	s.regions = append(s.regions, Region{Name: name, Bytes: roundUp(ours), Flag: flag, Source: "launcher: " + why, planned: true})
}

func metaspaceFor(classes int) uint64 {
	return uint64(classes)*bytesPerClass + metaspaceBase
}

// touchedStack models a thread's resident stack. The kernel commits stack
// pages as they are touched, so what counts is the call depth, not -Xss:
// busy Java threads measured here touch 50-150 KiB. The model takes 128
// KiB (192 KiB on arm64, whose frames are larger and whose kernels may use
// 64 KiB pages), never more than the reserved size, plus 32 KiB for the
// thread's native structures (JavaThread, TLS, malloc caches).
func touchedStack(reserved uint64, arch string) uint64 {
	typical := uint64(128 * kib)
	if arch == "arm64" {
		typical = 192 * kib
	}
	return min(reserved, typical) + 32*kib
}

// stackSize is HotSpot's default -Xss: 1 MiB, 2 MiB on arm64 and ppc64le.
func stackSize(arch string) uint64 {
	switch arch {
	case "arm64", "ppc64le", "ppc64":
		return 2 * mib
	}
	return mib
}

// nativeOverhead is what the JVM mallocs and maps outside every capped
// region: compiler arenas (peaks of 16 MiB seen), symbol and string tables,
// malloc arenas. Measured at 15-20 MiB for JDK 17 at 256 MiB; it grows
// slowly with the size of everything else.
func nativeOverhead(budget uint64) uint64 { return roundUp(18*mib + budget/128) }

// heapFromBudget gives the heap the rest of the budget after the fixed
// regions and the GC's share, rounded down to the heap alignment: the JVM
// rounds -Xmx up to it, which would otherwise give it more than planned.
func heapFromBudget(budget, fixed uint64, gc string, page uint64) uint64 {
	if fixed >= budget {
		return 0
	}
	avail := budget - fixed
	h := avail * 100 / (100 + gcPercent(gc))
	a := heapAlignment(gc, h, page)
	h &^= a - 1
	// The GC's share is rounded up to a MiB; step down until both fit.
	for h >= a && h+gcOverhead(gc, h) > avail {
		h -= a
	}
	return h
}

// heapAlignment is what HotSpot rounds the maximum heap up to: the card
// table's span, 512-byte cards over a page each (2 MiB with 4 KiB pages),
// or, with G1, the region size if larger. G1 picks regions of heap/2048
// within 1-32 MiB, rounded up to a power of two (HeapRegion::
// setup_heap_region_size, JDK 17-25). page 0 means 4 KiB.
func heapAlignment(gc string, heap, page uint64) uint64 {
	if page == 0 {
		page = 4 * kib
	}
	a := 512 * page
	if gc == "G1" {
		region := uint64(mib)
		for region < heap/2048 && region < 32*mib {
			region *= 2
		}
		a = max(a, region)
	}
	return a
}

func clamp(v, lo, hi uint64) uint64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

func roundUp(b uint64) uint64 { return alignUp(b, mib) }

// alignUp rounds v up to a multiple of a, a power of two.
func alignUp(v, a uint64) uint64 { return (v + a - 1) &^ (a - 1) }
