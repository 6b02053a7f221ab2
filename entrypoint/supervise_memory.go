package entrypoint

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"

	"github.com/jenkins-launcher/launcher/internal/smallfile"
	"golang.org/x/sys/unix"
)

// mapping is one address range of /proc/self/maps.
type mapping struct {
	start, end uintptr
}

// shrinkWhileWaiting gives memory back once the command runs: set-up
// garbage to the OS, and the pages of the binary's code and read-only data
// that set-up touched. The supervisor then needs few of them, and those it
// touches again come back from the page cache: VmRSS drops by about 2 MiB.
func shrinkWhileWaiting() {
	// smaps, not maps: it shows which read-only mappings hold pages of
	// their own (see readOnlyFileMappings). Read first, so that the GC
	// below gives its buffer (tens of KiB) back too.
	maps, err := smallfile.Read("/proc/self/smaps", 1<<20)
	var ranges []mapping
	if err == nil {
		ranges, err = readOnlyFileMappings(bytes.NewReader(maps))
	}
	debug.FreeOSMemory()
	stopTimedCollections()
	if err != nil {
		return
	}
	// Code that runs once a range is dropped comes back, and in 64 KiB
	// windows (the kernel's fault-around): so nothing runs after the
	// first madvise but this loop and the system call. A deferred Close
	// of an os.File here kept two more windows of the os package, 128 KiB.
	for _, m := range ranges {
		// A raw system call: the range is not Go memory (no []byte for
		// unix.Madvise), madvise does not block, and x/sys/unix's wrappers
		// would bring back 64 KiB more of code. DONTNEED is safe only
		// because these mappings are private, file-backed and hold no page
		// of their own: dropped pages are read again from the file.
		_, _, _ = syscall.RawSyscall(syscall.SYS_MADVISE, m.start, m.end-m.start, unix.MADV_DONTNEED)
	}
}

// idleGarbage is how much the heap of a settled supervisor may grow
// before it is collected (see stopTimedCollections).
const idleGarbage = 2 << 20

// stopTimedCollections turns the collector's pacing off and bounds the
// runtime's memory by a limit instead: what it holds now plus idleGarbage.
// With pacing on, the runtime forces a collection every two minutes, and
// each one reads stack maps and code back in: a supervisor measured at
// about 2.9 MiB after the shrink was at 4.8-5.0 MiB 135 s in (3 runs).
// It also wants threads, which a command that keeps the process limit full
// leaves none of (see holdThreads). A supervisor allocates a little per
// signal it logs, so it is still collected, once that adds up to
// idleGarbage. ReadMemStats stops the world once (as FreeOSMemory's
// collection just did: where the process limit left no room, each is a
// moment the runtime may want a thread); runtime/metrics would not, but
// its package initialisation costs every start 0.13 ms.
func stopTimedCollections() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	debug.SetMemoryLimit(int64(ms.Sys-ms.HeapReleased) + idleGarbage)
	debug.SetGCPercent(-1)
}

// readOnlyFileMappings returns the private, file-backed mappings without
// write permission from a /proc/PID/maps or /proc/PID/smaps listing: code
// and read-only data, whose pages can be dropped and read again from the
// file. With smaps, a mapping that holds anonymous pages is left out: the
// loader wrote to it before making it read-only (a PIE binary's RELRO
// segment, its relocated pointers), and dropping those pages would bring
// back the file's unrelocated bytes (a PIE build crashed so 50 ms in).
func readOnlyFileMappings(r io.Reader) ([]mapping, error) {
	var out []mapping
	var cur *mapping // the last header's mapping, if it qualifies
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		f := strings.Fields(line)
		if len(f) >= 2 && strings.HasSuffix(f[0], ":") {
			// An smaps field of the mapping above.
			if f[0] == "Anonymous:" && f[1] != "0" {
				cur = nil
			}
			continue
		}
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
		// start-end perms offset dev inode [path]
		if len(f) < 6 {
			continue // anonymous mapping: no path
		}
		perms, inode := f[1], f[4]
		if len(perms) != 4 || perms[1] == 'w' || perms[0] != 'r' || perms[3] != 'p' || inode == "0" {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if !ok || err1 != nil || err2 != nil || end <= start {
			return nil, fmt.Errorf("maps: bad address range in %q", line)
		}
		cur = &mapping{start: uintptr(start), end: uintptr(end)}
	}
	if cur != nil {
		out = append(out, *cur)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("maps: %w", err)
	}
	return out, nil
}
