package entrypoint

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
)

// idCopyFixture copies testdata/identity/<name> into dir, keeping modes and
// symlinks and dropping the .keep files that let git hold empty dirs.
func idCopyFixture(t testing.TB, name, dir string) {
	t.Helper()
	src := filepath.Join("testdata", "identity", name)
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		dst := filepath.Join(dir, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Name() == ".keep":
			return nil
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(target, dst)
		case d.IsDir():
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatalf("copying fixture %s: %v", name, err)
	}
}

// idSnapshot describes every entry of a tree (type, mode, owner, content) so a
// test can prove that planning changed nothing.
func idSnapshot(t testing.TB, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := os.Lstat(path)
		if err != nil {
			return err
		}
		st := info.Sys().(*syscall.Stat_t)
		// Not the whole Stat_t: reading a file may move its atime.
		desc := fmt.Sprintf("%v %d:%d %d %v", info.Mode(), st.Uid, st.Gid, info.Size(), info.ModTime())
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			desc += fmt.Sprintf(" %x", sha256.Sum256(data))
		}
		out[path] = desc
		return nil
	})
	if err != nil {
		t.Fatalf("idSnapshot of %s: %v", root, err)
	}
	return out
}

// idWritable is the injected access check of the table tests: a path is
// writable when it exists and the case does not list it as read-only.
func idWritable(root string, readOnly []string) func(string) bool {
	return func(path string) bool {
		if _, err := os.Stat(path); err != nil {
			return false
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			return false
		}
		for _, ro := range readOnly {
			if rel == ro {
				return false
			}
		}
		return true
	}
}

func idGetenv(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
}

// idMultiarchLib is where this architecture's nss_wrapper fixture lives.
func idMultiarchLib() string {
	triplet := map[string]string{"amd64": "x86_64-linux-gnu", "arm64": "aarch64-linux-gnu"}[runtime.GOARCH]
	return "/usr/lib/" + triplet + "/libnss_wrapper.so"
}
