package entrypoint

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// PasswdEntry is one line of etc/passwd.
type PasswdEntry struct {
	Name     string
	UID, GID int
	Gecos    string
	Home     string
	Shell    string
}

// ParsePasswd parses etc/passwd content. Lines that are not seven
// colon-separated fields with numeric ids are skipped and reported, so a
// damaged file still yields its good entries. Blank lines and comments are
// ignored silently.
func ParsePasswd(data []byte) ([]PasswdEntry, []error) {
	var entries []PasswdEntry
	var errs []error
	forEachLine(data, func(n int, line []byte) bool {
		if skippable(line) {
			return true
		}
		e, err := parsePasswdLine(line)
		if err != nil {
			errs = append(errs, fmt.Errorf("passwd line %d %q: %w", n, line, err))
			return true
		}
		entries = append(entries, e)
		return true
	})
	return entries, errs
}

// findUID returns the first entry for uid, parsing only up to it: this runs
// on every start, and most images list the agent user early. A loop of its
// own rather than forEachLine: the callback's frame and the copies of the
// entry out of it made this the deepest point of the launcher's start-up
// stack (see cmd/launcher's run).
func findUID(data []byte, uid int) (PasswdEntry, bool) {
	for len(data) > 0 {
		var line []byte
		line, data = nextLine(data)
		if skippable(line) || !thirdFieldIs(line, uid) {
			continue
		}
		if e, err := parsePasswdLine(line); err == nil {
			return e, true
		}
	}
	return PasswdEntry{}, false
}

// nameTaken reports whether some line of data (passwd or group) already
// uses name as its first field.
func nameTaken(data []byte, name string) bool {
	taken := false
	forEachLine(data, func(_ int, line []byte) bool {
		first, _, _ := bytes.Cut(line, []byte(":"))
		taken = string(first) == name
		return !taken
	})
	return taken
}

// chooseName picks the passwd name for a new entry: the configured name,
// or name-<uid> when another uid owns it already.
func chooseName(data []byte, name string, uid int) string {
	if !nameTaken(data, name) {
		return name
	}
	alt := name + "-" + strconv.Itoa(uid)
	for i := 2; nameTaken(data, alt); i++ {
		alt = name + "-" + strconv.Itoa(uid) + "-" + strconv.Itoa(i)
	}
	return alt
}

// passwdLine formats a new entry; it refuses values that would split or
// corrupt the line.
func passwdLine(e PasswdEntry) (string, error) {
	for field, v := range map[string]string{"name": e.Name, "gecos": e.Gecos, "home": e.Home, "shell": e.Shell} {
		if strings.ContainsAny(v, ":\n\x00") {
			return "", fmt.Errorf("passwd %s %q contains ':' or a line break", field, v)
		}
	}
	return fmt.Sprintf("%s:x:%d:%d:%s:%s:%s\n", e.Name, e.UID, e.GID, e.Gecos, e.Home, e.Shell), nil
}

// validUserName rejects names that cannot head a passwd line or that NSS
// would read as a NIS compat marker.
func validUserName(name string) error {
	if name == "" || strings.ContainsAny(name, ":\n\x00/ \t") || name[0] == '+' || name[0] == '-' {
		return fmt.Errorf("%w: LAUNCHER_USER %q", ErrUserName, name)
	}
	return nil
}

func parsePasswdLine(line []byte) (PasswdEntry, error) {
	f := strings.Split(string(line), ":")
	if len(f) != 7 {
		return PasswdEntry{}, fmt.Errorf("has %d fields, want 7", len(f))
	}
	if f[0] == "" {
		return PasswdEntry{}, fmt.Errorf("empty name")
	}
	uid, err := parseID(f[2])
	if err != nil {
		return PasswdEntry{}, fmt.Errorf("uid: %w", err)
	}
	gid, err := parseID(f[3])
	if err != nil {
		return PasswdEntry{}, fmt.Errorf("gid: %w", err)
	}
	return PasswdEntry{Name: f[0], UID: uid, GID: gid, Gecos: f[4], Home: f[5], Shell: f[6]}, nil
}

// parseID accepts the kernel's id range, 0..2^32-1.
func parseID(s string) (int, error) {
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%q is not a numeric id", s)
	}
	return int(n), nil
}

// thirdFieldIs compares the third field (uid in passwd, gid in group) with
// id without splitting the line.
func thirdFieldIs(line []byte, id int) bool {
	rest := line
	for range 2 {
		i := bytes.IndexByte(rest, ':')
		if i < 0 {
			return false
		}
		rest = rest[i+1:]
	}
	field, _, _ := bytes.Cut(rest, []byte(":"))
	n, err := strconv.ParseUint(string(field), 10, 32)
	return err == nil && int(n) == id
}

func skippable(line []byte) bool {
	t := bytes.TrimSpace(line)
	return len(t) == 0 || t[0] == '#'
}

// forEachLine calls fn with 1-based line numbers until fn returns false.
func forEachLine(data []byte, fn func(n int, line []byte) bool) {
	for n := 1; len(data) > 0; n++ {
		var line []byte
		line, data = nextLine(data)
		if !fn(n, line) {
			return
		}
	}
}

// nextLine splits data after its first newline; line has no newline and
// no trailing carriage return.
func nextLine(data []byte) (line, rest []byte) {
	line, rest, _ = bytes.Cut(data, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), rest
}
