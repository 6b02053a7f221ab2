package testutil

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
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
	}
	return bins, nil
}
