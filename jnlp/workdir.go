package jnlp

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// PlanWorkDir decides, without changing anything, which work directory the
// agent gets: dir when it exists and the current UID can write it, or when
// it is missing and can be created (create = true); otherwise <home>/agent,
// with a warning. An empty dir stays empty (remoting's default).
func PlanWorkDir(dir, home string) (use string, create bool, warning string) {
	if dir == "" {
		return "", false, ""
	}
	ok, missing, why := usable(dir)
	if ok {
		return dir, missing, ""
	}
	fb := filepath.Join(home, "agent")
	_, err := os.Stat(fb)
	return fb, err != nil, fallbackWarning(dir, fb, why)
}

// PrepareWorkDir makes the work directory usable by the current UID: it
// creates dir if missing (0755, less the umask) and falls back to
// <home>/agent with a warning when dir cannot be created or written.
// remoting would otherwise fail later with a less clear message.
func PrepareWorkDir(dir, home string) (use string, warning string, err error) {
	if dir == "" {
		return "", "", nil
	}
	why := ""
	if err := os.MkdirAll(dir, 0o755); err != nil {
		why = err.Error()
	} else if ok, _, w := usable(dir); !ok {
		why = w
	} else {
		return dir, "", nil
	}
	fb := filepath.Join(home, "agent")
	if err := os.MkdirAll(fb, 0o755); err != nil {
		return "", "", fmt.Errorf("work directory %q: %s; fallback %q: %w", dir, why, fb, err)
	}
	if ok, _, w := usable(fb); !ok {
		return "", "", fmt.Errorf("work directory %q: %s; fallback %q: %s", dir, why, fb, w)
	}
	return fb, fallbackWarning(dir, fb, why), nil
}

func fallbackWarning(dir, fb, why string) string {
	return fmt.Sprintf("work directory %q is not usable by uid %d (%s); using %q instead", dir, os.Getuid(), why, fb)
}

// usable reports whether dir is (or, when missing, can become) a directory
// the current UID can write and enter, with access(2), which also sees
// read-only mounts.
func usable(dir string) (ok, missing bool, why string) {
	st, err := os.Stat(dir)
	switch {
	case err == nil && !st.IsDir():
		return false, false, "not a directory"
	case err == nil:
		if err := unix.Access(dir, unix.W_OK|unix.X_OK); err != nil {
			return false, false, "not writable: " + err.Error()
		}
		return true, false, ""
	case !errors.Is(err, os.ErrNotExist):
		return false, false, err.Error()
	}
	// Missing: the nearest existing ancestor must let us create entries.
	parent := filepath.Dir(filepath.Clean(dir))
	for {
		st, err := os.Stat(parent)
		if err == nil {
			if !st.IsDir() {
				return false, true, fmt.Sprintf("%q is not a directory", parent)
			}
			if err := unix.Access(parent, unix.W_OK|unix.X_OK); err != nil {
				return false, true, fmt.Sprintf("cannot create it in %q: %v", parent, err)
			}
			return true, true, ""
		}
		if !errors.Is(err, os.ErrNotExist) || parent == filepath.Dir(parent) {
			return false, true, err.Error()
		}
		parent = filepath.Dir(parent)
	}
}
