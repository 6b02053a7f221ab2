package jvm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReleaseFile(t *testing.T) {
	for _, c := range []struct {
		name            string
		feature, update int
		err             string
	}{
		{name: "jdk8", feature: 8, update: 402},
		{name: "jdk11", feature: 11, update: 24},
		{name: "jdk17", feature: 17, update: 15},
		{name: "jdk21", feature: 21},
		{name: "jdk25-ea", feature: 25},
		{name: "legacy-unquoted", feature: 8, update: 372},
		{name: "missing-version", err: "no JAVA_VERSION line"},
		{name: "bad-version", err: `"seventeen"`},
		{name: "empty", err: "no JAVA_VERSION line"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join("testdata", "release", c.name, "release")
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			v, err := releaseVersion(data, p)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), p) {
					t.Fatalf("err = %v, want one naming %s and containing %q", err, p, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Feature != c.feature || v.Update != c.update {
				t.Errorf("version %+v, want %d/%d", v, c.feature, c.update)
			}
		})
	}
}

func TestVersionOutput(t *testing.T) {
	for _, c := range []struct {
		name, out       string
		feature, update int
		bad             bool
	}{
		{name: "openjdk8", out: "openjdk version \"1.8.0_402\"\nOpenJDK Runtime Environment (Temurin)(build 1.8.0_402-b06)\n", feature: 8, update: 402},
		{name: "oracle8", out: "java version \"1.8.0_202\"\nJava(TM) SE Runtime Environment (build 1.8.0_202-b08)\n", feature: 8, update: 202},
		{name: "debian17", out: "openjdk version \"17.0.15\" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)\n", feature: 17, update: 15},
		{name: "ga21", out: "openjdk version \"21\" 2023-09-19\n", feature: 21},
		{name: "ea25", out: "openjdk version \"25-ea\" 2025-09-16\n", feature: 25},
		{name: "picked-up", out: "Picked up JAVA_TOOL_OPTIONS: -Dfoo=\"bar\"\nopenjdk version \"11.0.24\" 2024-07-16\n", feature: 11, update: 24},
		{name: "garbage", out: "Error: could not create the Java Virtual Machine.\n", bad: true},
		{name: "unterminated", out: "openjdk version \"17.0.1\n", bad: true},
		{name: "empty", out: "", bad: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, err := versionOutput(c.out)
			if c.bad {
				if err == nil {
					t.Fatalf("versionOutput = %+v, want an error", v)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Feature != c.feature || v.Update != c.update {
				t.Errorf("version %+v, want %d/%d", v, c.feature, c.update)
			}
		})
	}
}

func FuzzReleaseFile(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "release"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("testdata", "release", e.Name(), "release"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := releaseVersion([]byte(s), "release")
		if err != nil {
			if !strings.Contains(err.Error(), "release") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if v.Feature < 1 {
			t.Fatalf("accepted %+v from %q", v, s)
		}
		// The same text read as `java -version` output must not panic.
		_, _ = versionOutput(s)
	})
}
