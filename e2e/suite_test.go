//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// suite holds what every scenario shares: the launcher binary, the stand-in
// agent jar and the images built from them during this run.
type suite struct {
	tmp      string
	repo     string
	once     sync.Once
	err      error
	launcher string // static binary
	jar      string // stand-in agent.jar
	mu       sync.Mutex
	images   map[string]error // tag -> build result

	productOnce sync.Once
	productErr  error
}

func newSuite(tmp string) *suite {
	return &suite{tmp: tmp, images: map[string]error{}}
}

// need returns the suite with its binaries built, after checking that this
// machine can run the scenarios at all.
func need(t *testing.T) *suite {
	t.Helper()
	testutil.RequireRoot(t)
	if _, err := exec.LookPath("podman"); err != nil {
		testutil.Unavailable(t, "podman not installed (run e2e/setup-host.sh)")
	}
	s := artefacts
	s.once.Do(func() { s.err = s.build() })
	if s.err != nil {
		t.Fatalf("build e2e artefacts: %v", s.err)
	}
	return s
}

func (s *suite) build() error {
	repo, err := filepath.Abs("..")
	if err != nil {
		return err
	}
	s.repo = repo
	s.launcher = os.Getenv("LAUNCHER_BIN")
	if s.launcher == "" {
		bins, err := testutil.GoBuild(s.tmp, "", "../cmd/launcher")
		if err != nil {
			return err
		}
		s.launcher = bins[0]
	}
	jar, err := buildAgentJar(filepath.Join(repo, "e2e", "agent", "Agent.java"), s.tmp)
	if err != nil {
		return err
	}
	s.jar = jar
	return nil
}

// buildAgentJar compiles the stand-in agent for Java 11, the oldest base
// image, and packs it with its main class.
func buildAgentJar(src, dir string) (string, error) {
	classes := filepath.Join(dir, "agent-classes")
	jar := filepath.Join(dir, "agent.jar")
	steps := [][]string{
		{"javac", "--release", "11", "-d", classes, src},
		{"jar", "--create", "--file", jar, "--main-class", "Agent", "-C", classes, "."},
	}
	for _, st := range steps {
		if out, err := exec.Command(st[0], st[1:]...).CombinedOutput(); err != nil {
			return "", fmt.Errorf("%s: %w\n%s", strings.Join(st, " "), err, out)
		}
	}
	return jar, nil
}
