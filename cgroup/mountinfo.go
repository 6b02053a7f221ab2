package cgroup

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// mount is one cgroup file system from proc/self/mountinfo.
type mount struct {
	root  string // the group the mount shows, in the hierarchy's own terms
	point string // where it is mounted, as the process sees it
	v2    bool
	opts  string // super options; v1 controllers are listed here
}

// hasController reports whether a v1 mount carries controller, looking at
// whole comma-separated options so "cpu" does not match "cpuacct" or
// "cpuset" (combined mounts like "rw,cpu,cpuacct" are common).
func (m mount) hasController(controller string) bool {
	for opt := range strings.SplitSeq(m.opts, ",") {
		if opt == controller {
			return true
		}
	}
	return false
}

// parseMountinfoLine parses a proc/self/mountinfo line:
//
//	36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
//
// ok is false, with no error, for well-formed lines that are not cgroup
// mounts, so that scanning allocates only for the few lines we keep.
func parseMountinfoLine(line []byte) (m mount, ok bool, err error) {
	pre, post, found := bytes.Cut(line, []byte(" - "))
	if !found {
		return mount{}, false, fmt.Errorf("no \" - \" separator in %q", line)
	}
	var f [6][]byte
	n := 0
	for w := range bytes.FieldsSeq(pre) {
		if n < len(f) {
			f[n] = w
		}
		n++
	}
	if n < len(f) {
		return mount{}, false, fmt.Errorf("want at least 6 fields before \" - \" in %q", line)
	}
	var g [3][]byte
	n = 0
	for w := range bytes.FieldsSeq(post) {
		if n < len(g) {
			g[n] = w
		}
		n++
	}
	if n < 2 {
		return mount{}, false, fmt.Errorf("want file system type and source after \" - \" in %q", line)
	}
	switch string(g[0]) {
	case "cgroup":
	case "cgroup2":
		m.v2 = true
	default:
		return mount{}, false, nil
	}
	// The root is kept as is: in a cgroup namespace a mount made outside
	// it shows a root like "/../..", which cleaning would turn into "/".
	m.root = unescapeOctal(f[3])
	m.point = path.Clean(unescapeOctal(f[4]))
	m.opts = string(g[2])
	if !strings.HasPrefix(m.root, "/") || !strings.HasPrefix(m.point, "/") {
		return mount{}, false, fmt.Errorf("mount root and point must be absolute in %q", line)
	}
	return m, true, nil
}

// unescapeOctal undoes the kernel's \ooo escaping of space, tab, newline
// and backslash in mountinfo paths.
func unescapeOctal(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+3 < len(b) && isOctal(b[i+1]) && isOctal(b[i+2]) && isOctal(b[i+3]) {
			out = append(out, (b[i+1]-'0')<<6|(b[i+2]-'0')<<3|(b[i+3]-'0'))
			i += 3
			continue
		}
		out = append(out, b[i])
	}
	return string(out)
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// mounts is every cgroup mount of the process, in mountinfo order.
type mounts struct {
	v1 []mount
	v2 []mount
}

// mountinfoChunk is the read size for mountinfo: about eight lines. The
// kernel spends microseconds per line it generates, so reading it all
// costs more than the few extra reads.
const mountinfoChunk = 1024

// readMounts scans proc/self/mountinfo once. It stops early when nothing
// later can change the result: once the v1 memory, cpu and cpuset
// controllers have all been seen, or at a cgroup2 mount on /sys/fs/cgroup
// itself, which only a pure v2 host has (a hybrid host mounts a tmpfs
// there and cgroup2 at /sys/fs/cgroup/unified).
func readMounts(f *files) (mounts, error) { return scanMounts(f, false) }

// scanMounts is readMounts; with pids, it also reads on until the v1 pids
// controller has been seen (PidsFree).
func scanMounts(f *files, pids bool) (mounts, error) {
	const path = "/proc/self/mountinfo"
	var ms mounts
	var bad error
	var seenMem, seenCPU, seenSet, seenPids bool
	err := f.linesChunked(path, mountinfoChunk, func(line []byte) bool {
		if len(line) == 0 {
			return false
		}
		m, ok, err := parseMountinfoLine(line)
		if err != nil {
			if bad == nil {
				bad = fmt.Errorf("%s: %w", path, err)
			}
			return false
		}
		if !ok {
			return false
		}
		if m.v2 {
			ms.v2 = append(ms.v2, m)
			return m.point == "/sys/fs/cgroup" && len(ms.v1) == 0
		}
		ms.v1 = append(ms.v1, m)
		seenMem = seenMem || m.hasController("memory")
		seenCPU = seenCPU || m.hasController("cpu")
		seenSet = seenSet || m.hasController("cpuset")
		seenPids = seenPids || m.hasController("pids")
		return seenMem && seenCPU && seenSet && (seenPids || !pids)
	})
	if err != nil {
		return mounts{}, err
	}
	return ms, bad
}

// mode decides the cgroup version used for limits. A hybrid host (v1
// controllers plus cgroup2 at /sys/fs/cgroup/unified) enforces limits
// through v1, so any v1 mount carrying a resource controller makes it v1;
// a v1 "name=systemd" mount alone does not.
func (ms mounts) mode() string {
	for _, m := range ms.v1 {
		if m.hasController("memory") || m.hasController("cpu") || m.hasController("cpuset") {
			return "v1"
		}
	}
	if len(ms.v2) > 0 {
		return "v2"
	}
	return "none"
}

// v1For returns the mount of controller, preferring one whose root
// contains the process's group path (several bind mounts of one hierarchy
// can exist). ok is false when the controller is not mounted.
func (ms mounts) v1For(controller, groupPath string) (mount, bool) {
	var first mount
	found := false
	for _, m := range ms.v1 {
		if !m.hasController(controller) {
			continue
		}
		if _, ok := relative(m.root, groupPath); ok {
			return m, true
		}
		if !found {
			first, found = m, true
		}
	}
	return first, found
}

// group is the mount and group path of the process's cgroup for
// controller: that controller's under v1, the unified hierarchy's under
// v2. Detect and FindOOMKillFile locate the memory group so, PidsFree the
// pids group.
func (ms mounts) group(pg procGroups, v2 bool, controller string) (m mount, groupPath string, ok bool) {
	if v2 {
		m, ok = ms.v2For(pg.unified)
		return m, pg.unified, ok
	}
	groupPath = pg.path(controller)
	m, ok = ms.v1For(controller, groupPath)
	return m, groupPath, ok
}

// v2For is v1For for the unified hierarchy.
func (ms mounts) v2For(groupPath string) (mount, bool) {
	for _, m := range ms.v2 {
		if _, ok := relative(m.root, groupPath); ok {
			return m, true
		}
	}
	if len(ms.v2) == 0 {
		return mount{}, false
	}
	return ms.v2[0], true
}
