package cgroup

import (
	"bytes"
	"fmt"
	"path"
	"strings"
)

// procGroups is the process's group path per hierarchy, from
// proc/self/cgroup, for the controllers that carry limits.
type procGroups struct {
	memory, cpu, cpuset string // v1; "" when absent
	pids                string // v1, read for PidsFree only; "" when absent
	unified             string // the v2 "0::" line; "" when absent
}

// parseCgroupLine parses one proc/self/cgroup line, "ID:CONTROLLERS:PATH",
// e.g. "4:memory:/docker/abc", "2:cpu,cpuacct:/" or "0::/". The path may
// itself contain colons. The results are slices of line.
func parseCgroupLine(line []byte) (id, controllers, groupPath []byte, err error) {
	id, rest, ok := bytes.Cut(line, []byte{':'})
	if !ok {
		return nil, nil, nil, fmt.Errorf("want \"ID:CONTROLLERS:PATH\", got %q", line)
	}
	controllers, groupPath, ok = bytes.Cut(rest, []byte{':'})
	if !ok {
		return nil, nil, nil, fmt.Errorf("want \"ID:CONTROLLERS:PATH\", got %q", line)
	}
	if _, err := parseUint(id); err != nil {
		return nil, nil, nil, fmt.Errorf("hierarchy ID in %q: %w", line, err)
	}
	if len(groupPath) == 0 || groupPath[0] != '/' {
		return nil, nil, nil, fmt.Errorf("group path must be absolute in %q", line)
	}
	return id, controllers, groupPath, nil
}

// readProcGroups reads proc/self/cgroup, keeping the first error. It stops
// once it has what the mode needs: the "0::" line for v2, the memory, cpu
// and cpuset lines for v1.
func readProcGroups(f *files, v2 bool) (procGroups, error) { return scanProcGroups(f, v2, false) }

// scanProcGroups is readProcGroups; with pids, under v1 it also reads on
// until the pids line (PidsFree).
func scanProcGroups(f *files, v2, pids bool) (procGroups, error) {
	const file = "/proc/self/cgroup"
	var g procGroups
	var bad error
	err := f.lines(file, func(line []byte) bool {
		if len(line) == 0 {
			return false
		}
		id, ctl, p, err := parseCgroupLine(line)
		if err != nil {
			if bad == nil {
				bad = fmt.Errorf("%s: %w", file, err)
			}
			return false
		}
		if string(id) == "0" && len(ctl) == 0 {
			g.unified = string(p)
			return v2
		}
		if v2 {
			return false
		}
		for c := range bytes.SplitSeq(ctl, []byte{','}) {
			switch string(c) {
			case "memory":
				g.memory = string(p)
			case "cpu":
				g.cpu = string(p)
			case "cpuset":
				g.cpuset = string(p)
			case "pids":
				g.pids = string(p)
			}
		}
		return g.memory != "" && g.cpu != "" && g.cpuset != "" && (g.pids != "" || !pids)
	})
	if err != nil {
		return procGroups{}, err
	}
	return g, bad
}

// relative returns groupPath relative to a mount's root ("" when equal).
// ok is false when the group is not below the root, or when either path
// climbs with "..", as paths outside a cgroup namespace do.
func relative(mountRoot, groupPath string) (string, bool) {
	if strings.Contains(groupPath+"/", "/../") || strings.Contains(mountRoot+"/", "/../") {
		return "", false
	}
	if mountRoot == "/" {
		return strings.TrimSuffix(groupPath, "/"), true
	}
	if groupPath == mountRoot {
		return "", true
	}
	if strings.HasPrefix(groupPath, mountRoot) && groupPath[len(mountRoot)] == '/' {
		return groupPath[len(mountRoot):], true
	}
	return "", false
}

// groupDir is where the process's group appears in the file system. Without
// a cgroup namespace a container sees its host path while the mount root is
// its own group, so the path is translated through the mount root rather
// than joined onto the mount point. ok is false for an untranslatable path;
// the mount point is returned then, as the best guess.
func groupDir(m mount, groupPath string) (string, bool) {
	rel, ok := relative(m.root, groupPath)
	if !ok {
		return m.point, false
	}
	if rel == "" {
		return m.point, true
	}
	return path.Join(m.point, rel), true
}

// ancestors calls fn for dir and each parent up to and including the mount
// point, leaf first, and stops when fn returns true. dir must be the mount
// point or below it.
func ancestors(dir, point string, fn func(d string, leaf bool) (stop bool)) {
	leaf := true
	for d := dir; ; d = path.Dir(d) {
		if fn(d, leaf) || len(d) <= len(point) || d == "/" {
			return
		}
		leaf = false
	}
}

// path is the group path of a v1 controller ("memory", "pids", ...).
func (g procGroups) path(controller string) string {
	switch controller {
	case "memory":
		return g.memory
	case "cpu":
		return g.cpu
	case "cpuset":
		return g.cpuset
	case "pids":
		return g.pids
	}
	return ""
}
