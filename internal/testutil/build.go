package testutil

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// BuildStatic builds the packages (paths relative to the test's package,
// e.g. "." or "./internal/testprog") into dir the way `make build` builds
// the product: static, stripped, without HTTP/2. Each binary is named after
// its package directory; the paths are returned in order.
func BuildStatic(tb testing.TB, dir string, pkgs ...string) []string {
	tb.Helper()
	return BuildStaticLinked(tb, dir, "", pkgs...)
}

// BuildStaticLinked is BuildStatic with more linker flags, such as
// "-X main.name=value".
func BuildStaticLinked(tb testing.TB, dir, ldflags string, pkgs ...string) []string {
	tb.Helper()
	bins, err := GoBuild(dir, ldflags, pkgs...)
	if err != nil {
		tb.Fatal(err)
	}
	return bins
}

// GoBuild is BuildStaticLinked returning its error, for a build shared by
// several tests (e2e builds the product once per run).
func GoBuild(dir, ldflags string, pkgs ...string) ([]string, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		// Root tests run under setpriv or sudo with a short PATH. A test
		// binary runs where it was built, so its GOROOT is meaningful.
		//lint:ignore SA1019 see above
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	args := []string{"build", "-trimpath", "-tags", "nethttpomithttp2", "-ldflags", strings.TrimSpace("-s -w " + ldflags), "-o", dir + string(filepath.Separator)}
	cmd := exec.Command(goBin, append(args, pkgs...)...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build %v: %w\n%s", pkgs, err, out)
	}
	bins := make([]string, len(pkgs))
	for i, p := range pkgs {
		name := filepath.Base(p)
		if p == "." {
			wd, err := os.Getwd()
			if err != nil {
				return nil, err
			}
			name = filepath.Base(wd)
		}
		bins[i] = filepath.Join(dir, name)
		if err := rewrite(bins[i]); err != nil {
			return nil, err
		}
	}
	return bins, nil
}

// rewrite writes the file anew in 32 KiB writes, as unpacking an image
// layer does (containerd and containers/storage copy each file with
// io.Copy's 32 KiB buffer). How a file came into the page cache changes
// how fast it starts on this kernel, which caches written files in folios
// as large as the writes: the linker writes through a shared mapping and
// leaves scattered 4 KiB pages, as an exec reading the file back from disk
// does (see ReadBack); one 7 MB write leaves 2 MiB folios, whose text the
// kernel maps 2 MiB at a time. The same bytes started in 5.41, 4.66 and
// 4.24 ms for 4 KiB pages, 32 KiB writes and one write on the machine we
// measure on. Benchmarks time binaries as a container would hold them.
func rewrite(path string) error {
	tmp := path + ".new"
	if err := copyUnpacked(path, tmp, false); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// copyUnpacked copies src to dst, with src's mode, in 32 KiB writes (see
// rewrite); evict then drops dst's pages from the page cache (see ReadBack).
func copyUnpacked(src, dst string, evict bool) error {
	data, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	fi, err := os.Stat(src)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		return err
	}
	defer f.Close()
	for len(data) > 0 {
		n := min(len(data), 32<<10)
		if _, err := f.Write(data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	if evict {
		// Only clean pages can be dropped.
		if err := f.Sync(); err != nil {
			return err
		}
		if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
			return err
		}
	}
	return f.Close()
}

// ReadBack copies the binary at path to path+"-readback" and evicts the
// copy from the page cache, so that its first exec reads it back from disk
// as a node does once an image's pages were dropped: the kernel then
// caches it in scattered 4 KiB pages (see rewrite), and it stays so while
// it is cached. Start-up benchmarks time both states.
func ReadBack(tb testing.TB, path string) string {
	tb.Helper()
	cp := path + "-readback"
	if err := copyUnpacked(path, cp, true); err != nil {
		tb.Fatal(err)
	}
	return cp
}
