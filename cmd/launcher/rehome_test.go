package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
	"github.com/jenkins-launcher/launcher/jvm"
)

func TestRehome(t *testing.T) {
	flags := func() []string { return []string{"-Xmx100m", "-Duser.home=/home/a"} }
	for _, tc := range []struct {
		name      string
		argv      []string
		wantArgv  []string
		wantFlags []string
	}{
		{
			name:      "exec of java",
			argv:      []string{"java", "-Xmx100m", "-Duser.home=/home/a", "-jar", "x.jar", "-Duser.home=/home/a"},
			wantArgv:  []string{"java", "-Xmx100m", "-Duser.home=/tmp/home-0", "-jar", "x.jar", "-Duser.home=/home/a"},
			wantFlags: []string{"-Xmx100m", "-Duser.home=/tmp/home-0"},
		},
		{
			name:      "no command line yet",
			wantFlags: []string{"-Xmx100m", "-Duser.home=/tmp/home-0"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := &Plan{JVM: &JVMPlan{Plan: jvm.Plan{Flags: flags()}}, argv: slices.Clone(tc.argv)}
			p.Home.Path = "/tmp/home-0"
			p.rehome("/home/a")
			if !slices.Equal(p.JVM.Flags, tc.wantFlags) {
				t.Errorf("flags %q, want %q", p.JVM.Flags, tc.wantFlags)
			}
			// The program's own argument after the jar stays.
			if !slices.Equal(p.argv, tc.wantArgv) {
				t.Errorf("argv %q, want %q", p.argv, tc.wantArgv)
			}
		})
	}
	(&Plan{argv: []string{"sh"}}).rehome("/home/a") // no JVM: nothing to do, no panic
}

// TestRealLateHomeFallback: a HOME that passes planning (access(2) says
// writable) but fails the write test when applied (a tmpfs out of inodes)
// falls back to $TMPDIR/home-<uid>, and the JVM gets that as user.home,
// not the home it could not write to.
func TestRealLateHomeFallback(t *testing.T) {
	testutil.RequireRoot(t)
	launcher := testutil.BuildStatic(t, t.TempDir(), ".")[0]
	jdk := fakeJDK(t, []byte("#!/bin/sh\necho \"HOME=$HOME\" \"$@\"\n"))
	full, tmp := t.TempDir(), t.TempDir()
	script := `mount -t tmpfs -o nr_inodes=2,size=64k none "$1" && touch "$1/used" && shift && exec "$@"`
	cmd := exec.Command("unshare", "-m", "sh", "-c", script, "sh", full,
		launcher, "exec", "--", filepath.Join(jdk, "bin", "java"), "-version")
	cmd.Env = append(os.Environ(), "HOME="+full, "TMPDIR="+tmp, "LAUNCHER_LOG_LEVEL=info")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	fallback := filepath.Join(tmp, "home-0")
	if !strings.Contains(string(out), "HOME="+fallback+" ") || !strings.Contains(string(out), "-Duser.home="+fallback+" ") {
		t.Errorf("java did not get HOME and user.home %s:\n%s", fallback, out)
	}
	if strings.Contains(string(out), "-Duser.home="+full+" ") {
		t.Errorf("java got the home that failed its write test as user.home:\n%s", out)
	}
	if !strings.Contains(string(out), `msg=home component=launcher path=`+fallback+" action=create") {
		t.Errorf("the home log line does not show the fallback:\n%s", out)
	}
}
