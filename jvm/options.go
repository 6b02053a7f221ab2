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
	xmx         opt    // -Xmx768m or -XX:MaxHeapSize=..: wins over the RAM options
	ramOpt      string // the last of MaxRAMPercentage / MaxRAMFraction
	ramPercent  float64
	ramFraction float64
	maxRAM      uint64
	maxRAMOpt   string

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
		case strings.HasPrefix(name, "Use") && strings.HasSuffix(name, "GC") && flag[0] == '+':
			u.gc, u.gcOpt = strings.TrimSuffix(strings.TrimPrefix(name, "Use"), "GC"), o
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
	case "MaxRAMPercentage":
		u.ramPercent, err = percent(val)
		u.ramOpt = o
	case "MaxRAMFraction":
		u.ramFraction, err = strconv.ParseFloat(val, 64)
		if err == nil && u.ramFraction < 1 {
			err = fmt.Errorf("fraction below 1")
		}
		u.ramOpt = o
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

// ramHeap is the heap the JVM derives from MaxRAM/MaxRAMPercentage/
// MaxRAMFraction over ram bytes. As in HotSpot's Arguments::set_heap_size,
// a MaxRAMFraction given overrides the percentage, and the default is 25%.
func (u userChoices) ramHeap(ram uint64) uint64 {
	if u.maxRAM > 0 {
		ram = u.maxRAM
	}
	switch {
	case u.ramFraction > 0:
		return uint64(float64(ram) / u.ramFraction)
	case u.ramPercent > 0:
		return uint64(float64(ram) * u.ramPercent / 100)
	}
	return ram / 4
}

// heapSet reports whether the user chose the heap in any way.
func (u userChoices) heapSet() bool { return u.xmx.set() || u.ramOpt != "" || u.maxRAMOpt != "" }

// heapOption is the option that chose the heap, for the plan.
func (u userChoices) heapOption() string {
	switch {
	case u.xmx.set():
		return u.xmx.raw
	case u.ramOpt != "" && u.maxRAMOpt != "":
		return u.ramOpt + " " + u.maxRAMOpt
	case u.ramOpt != "":
		return u.ramOpt
	}
	return u.maxRAMOpt
}

// userHeap is the heap the user's options give over a limit of ram bytes
// (0 = unknown).
func (u userChoices) userHeap(ram uint64) uint64 {
	if u.xmx.set() {
		return u.xmx.bytes
	}
	if ram == 0 && u.maxRAM == 0 {
		return 0
	}
	return u.ramHeap(ram)
}
