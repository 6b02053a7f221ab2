package jvm

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/jenkins-launcher/launcher/internal/smallfile"
)

// Java is the binary that will actually run.
type Java struct {
	Path          string  `json:"java"`                // resolved path (after PATH lookup)
	Home          string  `json:"java_home,omitempty"` // from following symlinks
	Version       Version `json:"-"`
	VersionString string  `json:"version"`
	VersionSource string  `json:"version_source"` // "<home>/release JAVA_VERSION" or "java -version"
}

// maxRelease bounds what is read of a JDK's release file (a few hundred
// bytes in every JDK).
const maxRelease = 1 << 20

// versionTimeout bounds `java -version` when the caller's context has no
// deadline: a JVM that cannot start in this time will not run the agent.
const versionTimeout = 10 * time.Second

// Inspect reads the version of javaPath from the release file of its home,
// found by following symlinks. Only when there is none does it run
// `java -version`, bounded by ctx, since starting a JVM costs tens to
// hundreds of milliseconds.
func Inspect(ctx context.Context, javaPath string) (Java, error) {
	return InspectBefore(ctx, javaPath, nil)
}

// InspectBefore is Inspect calling beforeRun, when not nil, right before it
// starts `java -version` (the release file could not say), the one part that
// can take long: a caller may want its signals caught by then.
func InspectBefore(ctx context.Context, javaPath string, beforeRun func()) (Java, error) {
	j := Java{Path: javaPath}
	if filepath.Base(javaPath) == javaPath {
		p, err := exec.LookPath(javaPath)
		if err != nil {
			return j, fmt.Errorf("java %q: %w", javaPath, err)
		}
		j.Path = p
	}
	home, release, err := javaHome(j.Path)
	if err != nil {
		return j, err
	}
	j.Home = home
	if release != "" {
		b, err := smallfile.Read(release, maxRelease)
		if err != nil {
			return j, fmt.Errorf("release file: %w", err)
		}
		v, err := releaseVersion(b, release)
		if err == nil {
			return j.with(v, release+" JAVA_VERSION"), nil
		}
		// A broken release file is no reason to give up: the binary
		// itself can still say what it is.
	}
	if beforeRun != nil {
		beforeRun()
	}
	v, err := runVersion(ctx, j.Path)
	if err != nil {
		return j, err
	}
	return j.with(v, "java -version"), nil
}

func (j Java) with(v Version, source string) Java {
	j.Version, j.VersionString, j.VersionSource = v, v.String(), source
	return j
}

func runVersion(ctx context.Context, javaPath string) (Version, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, versionTimeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, javaPath, "-version")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	// A wrapper script's children may keep the pipe open after the kill;
	// do not wait for them.
	cmd.WaitDelay = 100 * time.Millisecond
	err := cmd.Run()
	if ctx.Err() != nil {
		return Version{}, fmt.Errorf("%s -version: %w", javaPath, ctx.Err())
	}
	if err != nil {
		return Version{}, fmt.Errorf("%s -version: %w", javaPath, err)
	}
	v, err := versionOutput(out.String())
	if err != nil {
		return Version{}, fmt.Errorf("%s -version: %w", javaPath, err)
	}
	return v, nil
}
