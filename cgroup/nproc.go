package cgroup

import (
	"bytes"
	"errors"
	"io/fs"
	"math"
	"strconv"

	"github.com/jenkins-launcher/launcher/internal/smallfile"
	"golang.org/x/sys/unix"
)

// NprocFree says how many more processes and threads the per-user process
// limit (RLIMIT_NPROC, `ulimit -u`, docker's `--ulimit nproc`) lets the
// real user uid start, given the limit's soft value: the limit less the
// threads of uid's processes that /proc below root shows.
//
// The kernel counts the user's threads everywhere: in other containers
// that run as the same uid and on the host too, which this PID namespace's
// /proc does not show. So free is an upper bound, exact when the uid is the
// container's own (an arbitrary UID usually is). limited is false where
// the limit does not apply: no limit (RLIM_INFINITY), or a user the
// kernel exempts: the host's root (uid 0 of the initial user namespace),
// or a process with CAP_SYS_RESOURCE or CAP_SYS_ADMIN there.
func NprocFree(root string, uid int, limit uint64) (free int64, limited bool, err error) {
	if limit > math.MaxInt64 { // RLIM_INFINITY among them
		return 0, false, nil
	}
	f := newFiles(root)
	exempt, err := nprocExempt(f, uid)
	if err != nil || exempt {
		return 0, false, err
	}
	used, err := userThreads(f, uid)
	if err != nil {
		return 0, false, err
	}
	return int64(limit) - used, true, nil
}

// capSysAdmin and capSysResource are bits of /proc/PID/status's CapEff.
const (
	capSysAdmin    = 21
	capSysResource = 24
)

// nprocExempt reports whether the kernel lets uid's threads past
// RLIMIT_NPROC (copy_process: the initial user namespace's root, or
// CAP_SYS_RESOURCE or CAP_SYS_ADMIN in that namespace). Without a
// uid_map (a kernel without user namespaces) the namespace is the
// initial one.
func nprocExempt(f *files, uid int) (bool, error) {
	hostUID, initial := uid, true
	err := f.lines("/proc/self/uid_map", func(line []byte) bool {
		fields := bytes.Fields(line)
		if len(fields) != 3 {
			return false
		}
		inside, ierr := parseUint(fields[0])
		outside, oerr := parseUint(fields[1])
		count, cerr := parseUint(fields[2])
		if ierr != nil || oerr != nil || cerr != nil {
			return false
		}
		if inside != 0 || outside != 0 || count != math.MaxUint32 {
			initial = false
		}
		if uint64(uid) >= inside && uint64(uid)-inside < count {
			hostUID = int(outside + uint64(uid) - inside)
		}
		return false
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	if hostUID == 0 {
		return true, nil
	}
	if !initial {
		// Capabilities count only in the initial namespace.
		return false, nil
	}
	var capEff uint64
	err = f.lines("/proc/self/status", func(line []byte) bool {
		v, ok := bytes.CutPrefix(line, []byte("CapEff:"))
		if ok {
			capEff, _ = strconv.ParseUint(string(bytes.TrimSpace(v)), 16, 64)
		}
		return ok
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return capEff&(1<<capSysAdmin|1<<capSysResource) != 0, nil
}

// userThreads sums the Threads: of every process in /proc whose real uid
// is uid. A process that ends while it is read is left out.
func userThreads(f *files, uid int) (int64, error) {
	names, err := f.dirNames("/proc")
	if err != nil {
		return 0, err
	}
	var used int64
	for _, name := range names {
		if !allDigits(name) {
			continue
		}
		status := "/proc/" + name + "/status"
		realUID, threads := -1, int64(0)
		err := f.lines(status, func(line []byte) bool {
			if v, ok := bytes.CutPrefix(line, []byte("Uid:")); ok {
				fields := bytes.Fields(v)
				if len(fields) > 0 {
					if n, perr := parseUint(fields[0]); perr == nil {
						realUID = int(n)
					}
				}
				return realUID != uid // not ours: the rest does not matter
			}
			if v, ok := bytes.CutPrefix(line, []byte("Threads:")); ok {
				if n, perr := parseUint(bytes.TrimSpace(v)); perr == nil {
					threads = int64(n)
				}
				return true
			}
			return false
		})
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, unix.ESRCH) {
				continue
			}
			return 0, err
		}
		if realUID == uid {
			used += max(threads, 1)
		}
	}
	return used, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// dirNames lists the directory at path, with raw system calls like the
// other reads (an os.File would start the runtime's poller).
func (f *files) dirNames(path string) ([]string, error) {
	if f.mem != nil {
		// Fuzzing serves single files; nothing lists a directory there.
		return nil, &fs.PathError{Op: "open", Path: path, Err: fs.ErrInvalid}
	}
	fd, err := smallfile.Open(f.full(path))
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	var names []string
	for {
		n, err := unix.ReadDirent(fd, f.buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "readdirent", Path: path, Err: err}
		}
		if n == 0 {
			return names, nil
		}
		_, _, names = unix.ParseDirent(f.buf[:n], -1, names)
	}
}
