package jvm

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestInspect(t *testing.T) {
	for _, c := range []struct {
		name            string
		java            string // inside testdata/inspect/<name>
		home            string // inside the fixture
		feature, update int
		source          string // suffix of VersionSource
		err             string
	}{
		{name: "symlinked", java: "usr/bin/java", home: "usr/lib/jvm/jdk-17", feature: 17, update: 15, source: "usr/lib/jvm/jdk-17/release JAVA_VERSION"},
		{name: "jre8", java: "usr/lib/jvm/jdk8/jre/bin/java", home: "usr/lib/jvm/jdk8/jre", feature: 8, update: 402, source: "usr/lib/jvm/jdk8/release JAVA_VERSION"},
		{name: "no-release", java: "opt/java/bin/java", home: "opt/java", feature: 8, update: 402, source: "java -version"},
		{name: "broken-release", java: "opt/java/bin/java", home: "opt/java", feature: 21, update: 5, source: "java -version"},
		{name: "garbage-output", java: "opt/java/bin/java", err: "no version in java -version output"},
		{name: "failing", java: "opt/java/bin/java", err: "exit status 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root, err := filepath.Abs(filepath.Join("testdata", "inspect", c.name))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			ran := false
			j, err := InspectBefore(ctx, filepath.Join(root, c.java), func() { ran = true })
			// The hook runs exactly when java -version does.
			if wantRun := c.source == "java -version" || c.err != ""; ran != wantRun {
				t.Errorf("beforeRun called %v, want %v", ran, wantRun)
			}
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("Inspect = %+v, %v; want an error containing %q", j, err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if j.Version.Feature != c.feature || j.Version.Update != c.update {
				t.Errorf("version %+v, want %d/%d", j.Version, c.feature, c.update)
			}
			if j.Home != filepath.Join(root, c.home) {
				t.Errorf("home %q, want %q", j.Home, filepath.Join(root, c.home))
			}
			if !strings.HasSuffix(j.VersionSource, c.source) {
				t.Errorf("version source %q, want ...%q", j.VersionSource, c.source)
			}
			if j.Path != filepath.Join(root, c.java) {
				t.Errorf("path %q: Inspect must keep the path that will run", j.Path)
			}
			if j.VersionString != j.Version.String() {
				t.Errorf("version string %q, version %q", j.VersionString, j.Version)
			}
		})
	}
}

// TestInspectTimeout: a java that hangs must not hang the launcher.
func TestInspectTimeout(t *testing.T) {
	java, err := filepath.Abs("testdata/inspect/slow/opt/java/bin/java")
	if err != nil {
		t.Fatal(err)
	}
	const timeout = 300 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	_, err = Inspect(ctx, java)
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "deadline exceeded") {
		t.Fatalf("Inspect of a hanging java: err = %v, want a deadline error", err)
	}
	// The script's sleep would take 30 s; the kill plus WaitDelay must
	// return within a small multiple of the timeout.
	if took > 5*time.Second {
		t.Errorf("Inspect returned after %v, want about %v", took, timeout)
	}
}

// TestAgentJava: the official image's order; resolving the name (PATH,
// exec bits, exit codes) is cmd/launcher's, tested there.
func TestAgentJava(t *testing.T) {
	for _, c := range []struct {
		name       string
		env        map[string]string
		want, from string
	}{
		{name: "jenkins-java-bin-wins", env: map[string]string{"JENKINS_JAVA_BIN": "/opt/other/bin/java", "JAVA_HOME": "/opt/jdk-17", "PATH": "/usr/bin"}, want: "/opt/other/bin/java", from: `JENKINS_JAVA_BIN="/opt/other/bin/java"`},
		{name: "jenkins-java-bin-bare-name", env: map[string]string{"JENKINS_JAVA_BIN": "java17", "JAVA_HOME": "/opt/jdk-17"}, want: "java17", from: `JENKINS_JAVA_BIN="java17"`},
		// The blanks around it go, as the official script's unquoted
		// expansion drops them; blanks alone are no value.
		{name: "jenkins-java-bin-blanks", env: map[string]string{"JENKINS_JAVA_BIN": " /opt/other/bin/java\n", "JAVA_HOME": "/opt/jdk-17"}, want: "/opt/other/bin/java", from: `JENKINS_JAVA_BIN="/opt/other/bin/java"`},
		{name: "jenkins-java-bin-only-blanks", env: map[string]string{"JENKINS_JAVA_BIN": " \n", "JAVA_HOME": "/opt/jdk-17"}, want: "/opt/jdk-17/bin/java", from: `JAVA_HOME="/opt/jdk-17"`},
		{name: "java-home", env: map[string]string{"JAVA_HOME": "/opt/jdk-17", "PATH": "/usr/bin"}, want: "/opt/jdk-17/bin/java", from: `JAVA_HOME="/opt/jdk-17"`},
		{name: "path", env: map[string]string{"PATH": "/usr/bin"}, want: "java", from: "java from PATH"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, from := AgentJava(func(k string) string { return c.env[k] })
			if got != c.want || !strings.Contains(from, c.from) {
				t.Errorf("AgentJava = %q (%s), want %q (%s)", got, from, c.want, c.from)
			}
		})
	}
}
