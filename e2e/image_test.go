//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// agentImage says how to build one agent image variant.
type agentImage struct {
	base           string // jre11, jre17 or jre21 (localhost/<base>:local)
	noJar          bool   // agent.jar absent: the launcher downloads it
	passwdWritable bool   // /etc/passwd group-0 writable, as OpenShift images do
}

func (a agentImage) tag() string {
	t := "localhost/launcher-e2e-agent:" + a.base
	if a.noJar {
		t += "-nojar"
	}
	if a.passwdWritable {
		t += "-passwdw"
	}
	return t
}

const scratchTag = "localhost/launcher-e2e-scratch:test"

// scratchImage builds (once per run) a FROM scratch image holding only the
// launcher, as /launcher.
func (s *suite) scratchImage(t *testing.T) string {
	t.Helper()
	s.buildImage(t, scratchTag, "Dockerfile.scratch", nil, false)
	return scratchTag
}

// agentImage builds (once per run) an agent image variant.
func (s *suite) agentImage(t *testing.T, a agentImage) string {
	t.Helper()
	base := "localhost/" + a.base + ":local"
	if _, err := podman(t, "image", "exists", base); err != nil {
		testutil.Unavailable(t, fmt.Sprintf("base image %s missing (run e2e/setup-host.sh)", base))
	}
	args := []string{"--build-arg", "BASE=" + base, "--build-arg", fmt.Sprintf("PASSWD_WRITABLE=%v", a.passwdWritable)}
	s.buildImage(t, a.tag(), "Dockerfile.agent", args, !a.noJar)
	return a.tag()
}

func (s *suite) buildImage(t *testing.T, tag, dockerfile string, buildArgs []string, withJar bool) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	err, done := s.images[tag]
	if !done {
		err = s.buildContext(t, tag, dockerfile, buildArgs, withJar)
		s.images[tag] = err
	}
	if err != nil {
		t.Fatalf("image %s: %v", tag, err)
	}
}

func (s *suite) buildContext(t *testing.T, tag, dockerfile string, buildArgs []string, withJar bool) error {
	ctx, err := os.MkdirTemp(s.tmp, "context-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(ctx)
	if err := copyFile(s.launcher, filepath.Join(ctx, "launcher"), 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(filepath.Join(ctx, "jenkins"), 0o755); err != nil {
		return err
	}
	if withJar {
		if err := copyFile(s.jar, filepath.Join(ctx, "jenkins", "agent.jar"), 0o644); err != nil {
			return err
		}
	}
	df := filepath.Join(s.repo, "e2e", "image", dockerfile)
	args := append([]string{"build", "-q", "-f", df, "-t", tag}, buildArgs...)
	args = append(args, ctx)
	old := imageID(t, tag)
	if out, err := podman(t, args...); err != nil {
		return fmt.Errorf("podman %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	// The previous build of this tag is now untagged: drop it so that runs
	// do not pile up images (best effort: a container may still use it).
	if old != "" && old != imageID(t, tag) {
		podman(t, "rmi", old)
	}
	return nil
}

func imageID(t *testing.T, tag string) string {
	out, err := podman(t, "image", "inspect", "--format", "{{.Id}}", tag)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

func copyFile(src, dst string, mode os.FileMode) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, mode)
}
