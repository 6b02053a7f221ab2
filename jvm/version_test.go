package jvm

import (
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	for _, c := range []struct {
		in              string
		feature, update int
		bad             bool
	}{
		{in: "1.8.0_402", feature: 8, update: 402},
		{in: "1.8.0_402-b06", feature: 8, update: 402},
		{in: "1.8.0", feature: 8},
		{in: "1.7.0_80", feature: 7, update: 80},
		{in: "9", feature: 9},
		{in: "9.0.4", feature: 9, update: 4},
		{in: "11.0.24", feature: 11, update: 24},
		{in: "11.0.16.1", feature: 11, update: 16},
		{in: "17.0.15", feature: 17, update: 15},
		{in: "17.0.15+6", feature: 17, update: 15},
		{in: " 21 ", feature: 21},
		{in: "21.0.5", feature: 21, update: 5},
		{in: "25-ea", feature: 25},
		{in: "25", feature: 25},
		{in: "", bad: true},
		{in: "-ea", bad: true},
		{in: "1", bad: true},
		{in: "0.1", bad: true},
		{in: "17.x", bad: true},
		{in: "17_3", bad: true},
		{in: "1.8.0_", bad: true},
		{in: "seventeen", bad: true},
		{in: "17..1", bad: true},
	} {
		t.Run(c.in, func(t *testing.T) {
			v, err := ParseVersion(c.in)
			if c.bad {
				if err == nil {
					t.Fatalf("ParseVersion(%q) = %+v, want an error", c.in, v)
				}
				if !strings.Contains(err.Error(), "java version") {
					t.Errorf("error %q does not say what was parsed", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseVersion(%q): %v", c.in, err)
			}
			if v.Feature != c.feature || v.Update != c.update {
				t.Errorf("ParseVersion(%q) = %d/%d, want %d/%d", c.in, v.Feature, v.Update, c.feature, c.update)
			}
			if v.String() != strings.TrimSpace(c.in) {
				t.Errorf("String() = %q, want the raw %q", v.String(), c.in)
			}
		})
	}
}

func TestVersionStringWithoutRaw(t *testing.T) {
	for _, c := range []struct {
		v    Version
		want string
	}{
		{Version{Feature: 8, Update: 402}, "1.8.0_402"},
		{Version{Feature: 17, Update: 15}, "17.0.15"},
		{Version{Feature: 21}, "21"},
		{Version{}, "unknown"},
	} {
		if got := c.v.String(); got != c.want {
			t.Errorf("%+v.String() = %q, want %q", c.v, got, c.want)
		}
		// What String prints must read back as the same version.
		if c.v.Known() {
			back, err := ParseVersion(c.v.String())
			if err != nil || back.Feature != c.v.Feature || back.Update != c.v.Update {
				t.Errorf("ParseVersion(%q) = %+v, %v; want %+v", c.v.String(), back, err, c.v)
			}
		}
	}
}

func TestVersionSupport(t *testing.T) {
	v := func(s string) Version {
		t.Helper()
		x, err := ParseVersion(s)
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	for _, c := range []struct {
		version                    string
		exitOnOOM, apc, v1, v2Seen bool
	}{
		{"1.8.0_91", false, false, false, false},
		{"1.8.0_92", true, false, false, false},
		{"1.8.0_190", true, false, false, false},
		{"1.8.0_191", true, true, true, false},
		{"1.8.0_371", true, true, true, false},
		{"1.8.0_372", true, true, true, true},
		{"9.0.4", true, false, false, false},
		{"10.0.2", true, true, true, false},
		{"11.0.15", true, true, true, false},
		{"11.0.16", true, true, true, true},
		{"14.0.2", true, true, true, false},
		{"15", true, true, true, true},
		{"17.0.15", true, true, true, true},
		{"25-ea", true, true, true, true},
	} {
		x := v(c.version)
		got := [4]bool{x.supportsExitOnOOM(), x.supportsActiveProcessorCount(), x.seesCgroupV1(), x.seesCgroupV2()}
		want := [4]bool{c.exitOnOOM, c.apc, c.v1, c.v2Seen}
		if got != want {
			t.Errorf("%s: ExitOnOOM/APC/v1/v2 = %v, want %v", c.version, got, want)
		}
	}
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"1.8.0_402", "17.0.15", "21", "25-ea", "11.0.16.1", "17.0.15+6", "1.8.0_402-b06", "", "1.", "_"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		if v.Feature < 1 || v.Update < 0 {
			t.Fatalf("ParseVersion(%q) = %+v: accepted an impossible version", s, v)
		}
		if v.Raw != strings.TrimSpace(s) {
			t.Fatalf("ParseVersion(%q).Raw = %q", s, v.Raw)
		}
		// The canonical spelling must read back as the same version.
		c := Version{Feature: v.Feature, Update: v.Update}
		back, err := ParseVersion(c.String())
		if err != nil || back.Feature != v.Feature || back.Update != v.Update {
			t.Fatalf("%q -> %+v -> %q -> %+v, %v", s, v, c.String(), back, err)
		}
	})
}
