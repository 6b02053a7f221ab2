package entrypoint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/jenkins-launcher/launcher/internal/smallfile"
	"golang.org/x/sys/unix"
)

const (
	etcPasswd = "/etc/passwd"
	etcGroup  = "/etc/group"
	// maxPasswd bounds what is read of passwd and group: far above any
	// real file, it only stops a runaway one such as a device.
	maxPasswd = 64 << 20
)

// PlanHome decides, read-only, which HOME the command gets and what is done
// about a missing passwd entry. When no home is usable it returns the plan
// anyway (Reason says why each candidate failed) and an error wrapping
// ErrNoHome.
func PlanHome(in IdentityInput) (HomePlan, error) {
	var p HomePlan
	err := PlanHomeInto(&in, &p)
	return p, err
}

// PlanHomeInto is PlanHome writing the plan to p, and in's defaults into
// in. The launcher plans so: the input and the plan passed and returned by
// value took three copies of each on its start-up stack (see
// cmd/launcher's run).
func PlanHomeInto(in *IdentityInput, p *HomePlan) error {
	in.setDefaults()
	*p = HomePlan{UID: in.UID, GID: in.GID}
	data := in.readPasswd()
	entry, found := findUID(data, in.UID)
	var entryPtr *PasswdEntry
	if found {
		entryPtr = &entry
	}
	path, action, reason, homeErr := in.planHomePath(entryPtr)
	p.Path, p.Action, p.Reason = path, action, reason
	switch {
	case found:
		p.Passwd, p.User = PasswdPresent, entry.Name
	case validUserName(in.UserName) != nil:
		return validUserName(in.UserName)
	default:
		p.Passwd, p.NSSWrapper = in.planPasswd(p.Path)
		// Missing too: the run sets USER and LOGNAME to it.
		p.User = chooseName(data, in.UserName, in.UID)
	}
	return homeErr
}

// readPasswd returns etc/passwd, or nothing when it cannot be read: an
// image without one (FROM scratch) is an image without entries.
func (in *IdentityInput) readPasswd() []byte {
	path := in.host(etcPasswd)
	data, err := smallfile.Read(path, maxPasswd)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		in.Log.Warn("cannot read passwd file, assuming no entries", "file", path, "err", err)
	}
	return data
}

// planPasswd chooses how a uid without an entry gets one, and the
// nss_wrapper library when that is the way.
func (in *IdentityInput) planPasswd(home string) (state, lib string) {
	if strings.ContainsAny(home, ":\n\x00") {
		// A home that would break the passwd line cannot be published.
		return PasswdMissing, ""
	}
	if in.Writable(in.host(etcPasswd)) {
		return PasswdAppend, ""
	}
	if lib := in.findNSSWrapper(); lib != "" {
		return PasswdNSSWrapper, lib
	}
	return PasswdMissing, ""
}

// planHomePath tries $HOME, the passwd home, then the fallback directories.
func (in *IdentityInput) planHomePath(entry *PasswdEntry) (path, action, reason string, err error) {
	home, set := in.Getenv("HOME")
	why := in.homeProblem("HOME", home, set)
	if why == "" {
		return home, HomeKept, "", nil
	}
	reasons := []string{why}
	if entry != nil && (entry.Home != home || !set) {
		label := fmt.Sprintf("passwd home of %q", entry.Name)
		w := in.homeProblem(label, entry.Home, true)
		if w == "" {
			return entry.Home, HomePasswd, why, nil
		}
		reasons = append(reasons, w)
	}
	return in.planFallback(reasons)
}

// planFallback picks the first usable fallback directory; reasons say why
// the earlier candidates were passed over.
func (in *IdentityInput) planFallback(reasons []string) (path, action, reason string, err error) {
	for _, cand := range in.fallbackCandidates() {
		act, w := in.checkFallback(cand)
		if w == "" {
			return cand, act, strings.Join(reasons, "; "), nil
		}
		reasons = append(reasons, w)
	}
	reason = strings.Join(reasons, "; ")
	return "", "", reason, fmt.Errorf("%w: %s", ErrNoHome, reason)
}

// homeProblem says why value cannot serve as HOME, or "" if it can.
func (in *IdentityInput) homeProblem(label, value string, set bool) string {
	switch {
	case !set:
		return label + " is not set"
	case value == "":
		return label + " is empty"
	case !filepath.IsAbs(value):
		return fmt.Sprintf("%s %q is not absolute", label, value)
	case filepath.Clean(value) == "/":
		// Tools then write dotfiles into / (npm, gradle) and fail.
		return fmt.Sprintf("%s %q is the root directory", label, value)
	case notDir(in.host(value)):
		return fmt.Sprintf("%s %q is not a directory", label, value)
	case !in.Writable(in.host(value)):
		return fmt.Sprintf("%s %q is not writable", label, value)
	}
	return ""
}

// notDir says whether path exists and is not a directory (after symlinks):
// access(2) alone would let a writable file pass.
func notDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}

// fallbackCandidates lists $TMPDIR/home-<uid> then /tmp/home-<uid>.
func (in *IdentityInput) fallbackCandidates() []string {
	leaf := "home-" + strconv.Itoa(in.UID)
	var out []string
	if dir, ok := in.Getenv("TMPDIR"); ok && filepath.IsAbs(dir) {
		out = append(out, filepath.Join(dir, leaf))
	}
	if tmp := filepath.Join("/tmp", leaf); len(out) == 0 || out[0] != tmp {
		out = append(out, tmp)
	}
	return out
}

// checkFallback says whether cand can be created or reused. A path that
// exists must be a real directory owned by the uid: in a shared /tmp
// anything else may have been planted by another user.
func (in *IdentityInput) checkFallback(cand string) (action, problem string) {
	host := in.host(cand)
	fi, err := os.Lstat(host)
	if errors.Is(err, fs.ErrNotExist) {
		parent := filepath.Dir(cand)
		if !in.Writable(in.host(parent)) {
			return "", fmt.Sprintf("cannot create %q: %q is not writable", cand, parent)
		}
		return HomeCreate, ""
	}
	if err != nil {
		return "", fmt.Sprintf("cannot inspect %q: %v", cand, errors.Unwrap(err))
	}
	if w := ownedDirProblem(cand, fi, in.UID); w != "" {
		return "", w
	}
	// The run sets its mode to 0700, which only a read-only file system
	// refuses an owner: the permission bits it has now do not matter.
	if readOnlyFS(host) {
		return "", fmt.Sprintf("%q is on a read-only file system", cand)
	}
	return HomeReuse, ""
}

// readOnlyFS says whether path is on a file system mounted read-only.
func readOnlyFS(path string) bool {
	var st unix.Statfs_t
	return unix.Statfs(path, &st) == nil && st.Flags&unix.ST_RDONLY != 0
}

// ownedDirProblem says why an existing fallback directory is refused.
func ownedDirProblem(cand string, fi fs.FileInfo, uid int) string {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return fmt.Sprintf("%q is a symlink", cand)
	case !fi.IsDir():
		return fmt.Sprintf("%q is not a directory", cand)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != uid {
		return fmt.Sprintf("%q is owned by uid %d, not %d", cand, st.Uid, uid)
	}
	return ""
}
