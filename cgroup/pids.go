package cgroup

import (
	"errors"
	"fmt"
	"math"
)

// PidsFree says how many more processes and threads the pids controller
// lets the process's group start: the least room (pids.max less
// pids.current) in the group and every visible ancestor that has a limit,
// under v1's pids hierarchy or v2's unified one. limited is false when no
// level has one ("max" everywhere, or no pids.max file).
func PidsFree(root string) (free int64, limited bool, err error) {
	f := newFiles(root)
	ms, err := scanMounts(f, true)
	if err != nil {
		return 0, false, err
	}
	mode := ms.mode()
	if mode == "none" {
		return 0, false, errors.New("no pids limit found: no cgroup is mounted")
	}
	v2 := mode == "v2"
	pg, err := scanProcGroups(f, v2, true)
	if err != nil {
		return 0, false, err
	}
	m, groupPath, ok := ms.group(pg, v2, "pids")
	if !ok {
		return 0, false, errors.New("no pids limit found: the pids controller is not mounted")
	}
	dir, _ := locate(m, groupPath)
	free = math.MaxInt64
	ancestors(dir, m.point, func(d string, _ bool) bool {
		lim, rerr := f.small(d + "/pids.max")
		if rerr != nil {
			if !isNotExist(rerr) && err == nil {
				err = rerr
			}
			return false
		}
		if string(lim) == "max" {
			return false
		}
		limit, perr := parseUint(lim)
		if perr != nil {
			err = fmt.Errorf("%s/pids.max: %w", d, perr)
			return true
		}
		cur, rerr := f.small(d + "/pids.current")
		var used uint64
		if rerr == nil {
			used, rerr = parseUint(cur)
		}
		if rerr != nil {
			err = fmt.Errorf("%s/pids.current: %w", d, rerr)
			return true
		}
		limited = true
		free = min(free, int64(limit)-int64(used))
		return false
	})
	if err != nil {
		return 0, false, err
	}
	if !limited {
		return 0, false, nil
	}
	return free, true, nil
}
