package jnlp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
	"golang.org/x/sys/unix"
)

func TestWorkDir(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setup    func(t *testing.T, root string) string // returns the work dir
		fallback bool
		create   bool
	}{
		{"exists-writable", func(t *testing.T, root string) string { return mkdir(t, root, "agent") }, false, false},
		{"missing-creatable", func(t *testing.T, root string) string { return filepath.Join(root, "a", "b", "agent") }, false, true},
		{"not-a-directory", func(t *testing.T, root string) string { return mkfile(t, root, "agent") }, true, false},
		{"parent-is-a-file", func(t *testing.T, root string) string { return filepath.Join(mkfile(t, root, "f"), "agent") }, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			home := mkdir(t, root, "home")
			dir := tc.setup(t, root)
			checkWorkDir(t, dir, home, tc.fallback, tc.create)
		})
	}
}

// checkWorkDir runs PlanWorkDir, then PrepareWorkDir, and checks they
// agree and that the directory chosen exists and is writable afterwards.
func checkWorkDir(t *testing.T, dir, home string, fallback, create bool) {
	t.Helper()
	use, willCreate, warn := PlanWorkDir(dir, home)
	want := dir
	if fallback {
		want = filepath.Join(home, "agent")
	}
	if use != want || (warn != "") != fallback {
		t.Fatalf("PlanWorkDir = %q, %v, %q; want %q (fallback %v)", use, willCreate, warn, want, fallback)
	}
	if !fallback && willCreate != create {
		t.Errorf("PlanWorkDir create = %v, want %v", willCreate, create)
	}
	if _, err := os.Stat(use); (err == nil) == willCreate {
		t.Errorf("PlanWorkDir changed something or misjudged: stat %q: %v, create %v", use, err, willCreate)
	}
	got, warn2, err := PrepareWorkDir(dir, home)
	if err != nil || got != use || (warn2 != "") != fallback {
		t.Fatalf("PrepareWorkDir = %q, %q, %v; plan said %q", got, warn2, err, use)
	}
	if fallback && !strings.Contains(warn2, dir) {
		t.Errorf("warning %q does not name %q", warn2, dir)
	}
	if err := unix.Access(got, unix.W_OK|unix.X_OK); err != nil {
		t.Errorf("%q not usable after PrepareWorkDir: %v", got, err)
	}
}

func TestWorkDirEmpty(t *testing.T) {
	if use, create, warn := PlanWorkDir("", "/home/x"); use != "" || create || warn != "" {
		t.Errorf("PlanWorkDir(\"\") = %q %v %q", use, create, warn)
	}
	if use, warn, err := PrepareWorkDir("", "/home/x"); use != "" || warn != "" || err != nil {
		t.Errorf("PrepareWorkDir(\"\") = %q %q %v", use, warn, err)
	}
}

func TestWorkDirNotWritable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes anywhere; TestRootWorkDirReadOnlyMount covers this as root")
	}
	root := t.TempDir()
	home := mkdir(t, root, "home")
	ro := mkdir(t, root, "ro")
	if err := os.Chmod(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(ro, 0o755) })
	checkWorkDir(t, filepath.Join(ro, "agent"), home, true, false)
}

// TestRootWorkDirReadOnlyMount: even root cannot write a read-only mount
// (the usual case of a work dir on a read-only root filesystem).
func TestRootWorkDirReadOnlyMount(t *testing.T) {
	testutil.RequireRoot(t)
	root := t.TempDir()
	home := mkdir(t, root, "home")
	ro := mkdir(t, root, "ro")
	if err := unix.Mount("tmpfs", ro, "tmpfs", unix.MS_RDONLY, "size=64k"); err != nil {
		t.Skipf("cannot mount tmpfs: %v", err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(ro, 0); err != nil {
			t.Errorf("unmount %s: %v", ro, err)
		}
	})
	t.Run("existing", func(t *testing.T) { checkWorkDir(t, ro, home, true, false) })
	t.Run("missing-below", func(t *testing.T) { checkWorkDir(t, filepath.Join(ro, "agent"), home, true, false) })
}

func mkdir(t *testing.T, root, name string) string {
	t.Helper()
	p := filepath.Join(root, name)
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func mkfile(t *testing.T, root, name string) string {
	t.Helper()
	p := filepath.Join(root, name)
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
