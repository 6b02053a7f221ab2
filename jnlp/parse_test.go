package jnlp

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// testSecret is in every fixture's secret: it must never reach an error, a
// warning or a redacted command line.
const testSecret = "s3cr3t"

// readLines reads a fixture file of one value per line; a missing file is
// nil, ok=false.
func readLines(t testing.TB, path string) ([]string, bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, false
	}
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil, true
	}
	return strings.Split(s, "\n"), true
}

func fixtureEnv(t testing.TB, dir string) func(string) (string, bool) {
	lines, _ := readLines(t, filepath.Join(dir, "env"))
	env := map[string]string{}
	for _, l := range lines {
		k, v, ok := strings.Cut(l, "=")
		if !ok {
			t.Fatalf("%s/env: line %q has no '='", dir, l)
		}
		env[k] = v
	}
	return func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
}

// TestParse runs every testdata/parse/<case> fixture: env + args in, the
// agent's argv (or an error) and its warnings out.
func TestParse(t *testing.T) {
	dirs, err := filepath.Glob("testdata/parse/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			args, _ := readLines(t, filepath.Join(dir, "args"))
			a, err := Parse(fixtureEnv(t, dir), args)
			if wantErr, ok := readLines(t, filepath.Join(dir, "error")); ok {
				if err == nil {
					t.Fatalf("Parse succeeded with argv %q, want error containing %q", Redact(a.Argv(SecretRef(3))), wantErr[0])
				}
				if !strings.Contains(err.Error(), wantErr[0]) {
					t.Fatalf("error %q, want it to contain %q", err, wantErr[0])
				}
				if strings.Contains(err.Error(), testSecret) {
					t.Fatalf("error %q shows the secret", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want, _ := readLines(t, filepath.Join(dir, "argv"))
			ref := "" // as the launcher passes it: a reference only to a secret
			if a.Secret != "" {
				ref = SecretRef(3)
			}
			if got := a.Argv(ref); !slices.Equal(got, want) {
				t.Errorf("argv\n got %q\nwant %q", got, want)
			}
			if m, ok := readLines(t, filepath.Join(dir, "mode")); ok && len(m) > 0 && string(a.Mode) != m[0] {
				t.Errorf("mode %q, want %q", a.Mode, m[0])
			}
			if jo, ok := readLines(t, filepath.Join(dir, "javaopts")); ok && !slices.Equal(a.JavaOpts, jo) {
				t.Errorf("java opts %q, want %q", a.JavaOpts, jo)
			}
			if s, ok := readLines(t, filepath.Join(dir, "secret")); ok && a.Secret != s[0] {
				t.Errorf("secret not read from the file")
			}
			checkWarnings(t, dir, a.Warnings)
			for _, w := range append(append([]string{}, a.Warnings...), Redact(a.Argv(a.Secret))...) {
				if a.Secret != "" && strings.Contains(w, a.Secret) || strings.Contains(w, testSecret) {
					t.Errorf("secret shown in %q", w)
				}
			}
			scrub := []string{"JENKINS_SECRET", "SLAVE_NODE_SECRET"}
			if s, ok := readLines(t, filepath.Join(dir, "scrub")); ok {
				scrub = s
			}
			if !a.Info && !slices.Equal(a.ScrubEnv, scrub) {
				t.Errorf("ScrubEnv %q, want %q", a.ScrubEnv, scrub)
			}
		})
	}
}

// checkWarnings wants one warning per line of the fixture's warnings file,
// each containing that line, and none when there is no file.
func checkWarnings(t *testing.T, dir string, got []string) {
	t.Helper()
	want, _ := readLines(t, filepath.Join(dir, "warnings"))
	if len(got) != len(want) {
		t.Fatalf("warnings %q, want %d like %q", got, len(want), want)
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.Contains(g, w) }) {
			t.Errorf("no warning contains %q; got %q", w, got)
		}
	}
}

func TestParseFields(t *testing.T) {
	env := fixtureEnv(t, "testdata/parse/jenkins-java-opts-win")
	a, err := Parse(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.JavaBin != "/opt/java/bin/java" || a.Jar != "/opt/agent.jar" {
		t.Errorf("JavaBin %q Jar %q", a.JavaBin, a.Jar)
	}
	a, err = Parse(fixtureEnv(t, "testdata/parse/kubernetes-default"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Jar != DefaultJar || a.JavaBin != "" {
		t.Errorf("defaults: JavaBin %q Jar %q", a.JavaBin, a.Jar)
	}
	if a.StrictWorkDir {
		t.Error("StrictWorkDir without -failIfWorkDirIsMissing")
	}
	for _, args := range [][]string{{"-failIfWorkDirIsMissing"}} {
		strict, err := Parse(fixtureEnv(t, "testdata/parse/kubernetes-default"), args)
		if err != nil || !strict.StrictWorkDir || !slices.Contains(strict.Argv(""), "-failIfWorkDirIsMissing") {
			t.Errorf("%q: StrictWorkDir %v, argv %q, %v", args, strict.StrictWorkDir, strict.Argv(""), err)
		}
	}
	// The caller may move the work directory; Argv follows the field.
	a.WorkDir = "/tmp/home/agent"
	if got := a.Argv(""); !slices.Contains(got, "/tmp/home/agent") || slices.Contains(got, "-secret") {
		t.Errorf("Argv after changing WorkDir, no secret arg: %q", got)
	}
	const pemFile = "@testdata/parse/cert-and-options-equals/ca.pem"
	certEnv := fixtureEnv(t, "testdata/parse/cert-and-options-equals")
	a, err = Parse(certEnv, []string{"-url", "https://j/", "-cert", pemFile, "-cert", pemFile})
	if err != nil {
		t.Fatal(err)
	}
	if a.NoCertCheck || a.Cert != pemFile || !slices.Equal(a.Certs, []string{pemFile, pemFile}) {
		t.Errorf("NoCertCheck %v Cert %q Certs %q", a.NoCertCheck, a.Cert, a.Certs)
	}
	// Remoting's alias counts as the option.
	a, err = Parse(certEnv, []string{"-url", "https://j/", "-disableHttpsCertValidation"})
	if err != nil || !a.NoCertCheck {
		t.Fatalf("-disableHttpsCertValidation: NoCertCheck %v, %v", a.NoCertCheck, err)
	}
	_, err = Parse(certEnv, []string{"-url", "https://j/", "-disableHttpsCertValidation", "-cert", pemFile})
	if err == nil || !strings.Contains(err.Error(), "-noCertificateCheck cannot be used with -cert") {
		t.Errorf("-cert with -disableHttpsCertValidation: %v, want remoting's conflict", err)
	}
}

func TestIsCommand(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want bool
	}{
		{"bash runs bash", []string{"bash"}, true},
		{"a path runs", []string{"/usr/local/bin/build.sh"}, true},
		{"-help goes to the agent", []string{"-help"}, false},
		{"two words go to the agent", []string{"secret", "name"}, false},
		{"command with an argument goes to the agent", []string{"bash", "-c"}, false},
		{"no arguments go to the agent", nil, false},
		{"reserved plan", []string{"plan"}, false},
		{"reserved version", []string{"version"}, false},
		{"an @file goes to the agent", []string{"@/run/agent.args"}, false},
		{"empty word", []string{""}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsCommand(tc.args); got != tc.want {
				t.Errorf("IsCommand(%q) = %v, want %v", tc.args, got, tc.want)
			}
		})
	}
}
