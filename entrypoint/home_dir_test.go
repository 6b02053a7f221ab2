package entrypoint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
	"golang.org/x/sys/unix"
)

// Both ways of probing leave nothing behind in a writable directory and
// name the directory when it is not writable.
func TestProbeWritable(t *testing.T) {
	for name, probe := range map[string]func(host, name string) error{
		"tmpfile": probeWritable,
		"named":   probeWritableNamed,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := probe(dir, "/home/x"); err != nil {
				t.Fatalf("writable directory: %v", err)
			}
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Fatalf("probe left %v behind", left)
			}
			missing := filepath.Join(dir, "missing")
			err := probe(missing, "/home/missing")
			if err == nil || !strings.Contains(err.Error(), `"/home/missing"`) {
				t.Fatalf("missing directory: error %v does not name it", err)
			}
		})
	}
}

// A read-only mount fails the probe although access(2)-style permission
// bits allow root everything.
func TestRootProbeWritableReadOnlyMount(t *testing.T) {
	testutil.RequireRoot(t)
	dir := t.TempDir()
	if err := unix.Mount(dir, dir, "", unix.MS_BIND, ""); err != nil {
		t.Fatalf("bind mount: %v", err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
	if err := unix.Mount("", dir, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
		t.Fatalf("remount read-only: %v", err)
	}
	for name, probe := range map[string]func(host, name string) error{
		"tmpfile": probeWritable,
		"named":   probeWritableNamed,
	} {
		if err := probe(dir, "/ro"); err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("%s: read-only mount: got %v, want a read-only error", name, err)
		}
	}
}

// A file system without a free block fails the probe: an empty file, which
// needs only an inode, can still be created there.
func TestRootProbeWritableFullFileSystem(t *testing.T) {
	testutil.RequireRoot(t)
	dir := t.TempDir()
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=4k"); err != nil {
		t.Fatalf("mounting a tmpfs: %v", err)
	}
	t.Cleanup(func() { unix.Unmount(dir, unix.MNT_DETACH) })
	fill, err := os.Create(filepath.Join(dir, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	defer fill.Close()
	if _, err := fill.Write(make([]byte, 64<<10)); err == nil {
		t.Fatal("a 4 KiB tmpfs took 64 KiB")
	}
	for name, probe := range map[string]func(host, name string) error{
		"tmpfile": probeWritable,
		"named":   probeWritableNamed,
	} {
		if err := probe(dir, "/full"); err == nil || !strings.Contains(err.Error(), "no space left") {
			t.Errorf("%s: full file system: got %v, want a no-space error", name, err)
		}
	}
	if left, _ := os.ReadDir(dir); len(left) != 1 {
		t.Errorf("probes left %v behind", left)
	}
}

// An existing fallback home on a read-only file system is passed over by
// the plan, as the run, which sets its mode to 0700, cannot use it; the
// same directory on a writable one is reused, whatever its mode.
func TestRootPlanFallbackReadOnly(t *testing.T) {
	testutil.RequireRoot(t)
	const uid = 65534
	for _, readOnly := range []bool{false, true} {
		root := t.TempDir()
		scratch := filepath.Join(root, "scratch")
		if err := os.MkdirAll(filepath.Join(scratch, "home-65534"), 0o500); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(filepath.Join(scratch, "home-65534"), uid, uid); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(filepath.Join(root, "tmp"), 0o1777); err != nil {
			t.Fatal(err)
		}
		if readOnly {
			if err := unix.Mount(scratch, scratch, "", unix.MS_BIND, ""); err != nil {
				t.Fatalf("bind mount: %v", err)
			}
			t.Cleanup(func() { unix.Unmount(scratch, unix.MNT_DETACH) })
			if err := unix.Mount("", scratch, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
				t.Fatalf("remount read-only: %v", err)
			}
		}
		env := map[string]string{"HOME": "/nonexistent", "TMPDIR": "/scratch"}
		p, err := PlanHome(IdentityInput{Root: root, UID: uid, GID: uid,
			Getenv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
		if err != nil {
			t.Fatalf("read-only %t: %v", readOnly, err)
		}
		switch {
		case readOnly && (p.Path != "/tmp/home-65534" || !strings.Contains(p.Reason, `"/scratch/home-65534" is on a read-only file system`)):
			t.Errorf("read-only: plan %+v, want /tmp/home-65534 and the read-only reason", p)
		case !readOnly && (p.Path != "/scratch/home-65534" || p.Action != HomeReuse):
			t.Errorf("writable: plan %+v, want /scratch/home-65534 reused", p)
		}
	}
}
