package cgroup

import (
	"path/filepath"
	"strings"
	"testing"
)

type oomCase struct {
	file string
	want uint64
	err  string // substring of the error; "" = no error
}

func TestReadOOMKills(t *testing.T) {
	cases := map[string]oomCase{
		"v1":         {file: "/memory.oom_control", want: 3},
		"v2":         {file: "/memory.events", want: 2},
		"old-kernel": {file: "/memory.oom_control", err: `/memory.oom_control: no "oom_kill" line`},
		"garbage":    {file: "/memory.oom_control", err: `line "oom_kill many"`},
	}
	eachFixture(t, "oom", cases, func(t *testing.T, root string, tc oomCase) {
		got, err := ReadOOMKills(root, tc.file)
		switch {
		case tc.err == "" && err != nil:
			t.Fatalf("ReadOOMKills: %v", err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Fatalf("ReadOOMKills error = %v, want one containing %q", err, tc.err)
		case got != tc.want:
			t.Errorf("ReadOOMKills = %d, want %d", got, tc.want)
		}
	})
}

func TestReadOOMKillsMissingFile(t *testing.T) {
	_, err := ReadOOMKills(t.TempDir(), "/sys/fs/cgroup/memory.events")
	if err == nil || !strings.Contains(err.Error(), "/sys/fs/cgroup/memory.events") {
		t.Errorf("error = %v, want one naming the missing file", err)
	}
}

// FindOOMKillFile is Detect's OOMKillFile without the limits: the same
// file for every fixture tree, and an error naming the cause where Detect
// finds none.
func TestFindOOMKillFileMatchesDetect(t *testing.T) {
	eachFixture(t, "detect", detectCases, func(t *testing.T, root string, _ detectCase) {
		lim, _ := Detect(root)
		got, err := FindOOMKillFile(root)
		switch {
		case lim.OOMKillFile == "" && (err == nil || !strings.Contains(err.Error(), "memory controller is not mounted")):
			t.Errorf("FindOOMKillFile = %q, %v; want an error, as Detect found no counter", got, err)
		case lim.OOMKillFile != "" && (err != nil || got != lim.OOMKillFile):
			t.Errorf("FindOOMKillFile = %q, %v; Detect found %q", got, err, lim.OOMKillFile)
		}
	})
}

func TestFindOOMKillFileMissingRoot(t *testing.T) {
	_, err := FindOOMKillFile(filepath.Join(t.TempDir(), "nothing"))
	if err == nil || !strings.Contains(err.Error(), "/proc/self/mountinfo") {
		t.Errorf("error = %v, want one naming the unreadable mountinfo", err)
	}
}
