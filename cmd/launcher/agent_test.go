package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestAgentJava: the agent's java is resolved once, with the shell's exit
// codes, and an error names the setting it came from.
func TestAgentJava(t *testing.T) {
	dir := t.TempDir()
	mkjava := func(sub string, mode os.FileMode) string {
		p := filepath.Join(dir, sub, "java")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	jdk17 := filepath.Dir(filepath.Dir(mkjava("jdk-17/bin", 0o755)))
	other := mkjava("other/bin", 0o755)
	bin := filepath.Dir(mkjava("usr/bin", 0o755))
	noexec := filepath.Dir(mkjava("noexec", 0o644))
	empty := t.TempDir()
	spaced := mkjava("with blank/bin", 0o755)
	for _, c := range []struct {
		name string
		env  map[string]string
		want string
		code int
		err  string
		opts []string
	}{
		{name: "jenkins-java-bin-wins", env: map[string]string{"JENKINS_JAVA_BIN": other, "JAVA_HOME": jdk17, "PATH": bin}, want: other},
		{name: "jenkins-java-bin-bare-name", env: map[string]string{"JENKINS_JAVA_BIN": "java", "PATH": empty + ":" + bin}, want: filepath.Join(bin, "java")},
		{name: "jenkins-java-bin-bare-missing", env: map[string]string{"JENKINS_JAVA_BIN": "java17", "PATH": bin}, code: exitNotFound, err: `JENKINS_JAVA_BIN="java17"`},
		// The script split the value into words: java, then options.
		{name: "jenkins-java-bin-with-options", env: map[string]string{"JENKINS_JAVA_BIN": other + " -Xshare:off -Dx=1", "PATH": empty}, want: other, opts: []string{"-Xshare:off", "-Dx=1"}},
		// A path with blanks that exists is the java, whole.
		{name: "jenkins-java-bin-path-with-blank", env: map[string]string{"JENKINS_JAVA_BIN": spaced, "PATH": empty}, want: spaced},
		{name: "jenkins-java-bin-words-missing", env: map[string]string{"JENKINS_JAVA_BIN": "/nonexistent/java -Xshare:off", "PATH": empty}, code: exitNotFound, err: "JENKINS_JAVA_BIN="},
		{name: "java-home", env: map[string]string{"JAVA_HOME": jdk17, "PATH": empty}, want: filepath.Join(jdk17, "bin", "java")},
		{name: "java-home-without-java", env: map[string]string{"JAVA_HOME": empty, "PATH": bin}, code: exitNotFound, err: "JAVA_HOME="},
		{name: "path", env: map[string]string{"PATH": empty + "::" + bin}, want: filepath.Join(bin, "java")},
		{name: "nothing", env: map[string]string{"PATH": empty}, code: exitNotFound, err: "not found in PATH"},
		// A java without exec bits is not java, even first in PATH; as
		// root too: exec bits still decide.
		{name: "not-executable-first", env: map[string]string{"PATH": noexec + ":" + bin}, want: filepath.Join(bin, "java")},
		{name: "not-executable-only", env: map[string]string{"PATH": noexec}, code: exitNotExec, err: "java from PATH"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, opts, code, err := agentJava(func(k string) (string, bool) { v, ok := c.env[k]; return v, ok })
			if !slices.Equal(opts, c.opts) {
				t.Errorf("options %q, want %q", opts, c.opts)
			}
			if c.err != "" {
				if err == nil || code != c.code || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("agentJava = %q, %d, %v; want exit %d and an error containing %q", got, code, err, c.code, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("agentJava = %q, %d, %v; want %q", got, code, err, c.want)
			}
		})
	}
}
