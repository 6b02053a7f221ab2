package cgroup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadOOMKills(t *testing.T) {
	cases := map[string]struct {
		file string
		want uint64
		err  string // substring of the error; "" = no error
	}{
		"v1":         {file: "/memory.oom_control", want: 3},
		"v2":         {file: "/memory.events", want: 2},
		"old-kernel": {file: "/memory.oom_control", err: `/memory.oom_control: no "oom_kill" line`},
		"garbage":    {file: "/memory.oom_control", err: `line "oom_kill many"`},
	}
	dirs, err := os.ReadDir(filepath.Join("testdata", "oom"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != len(cases) {
		t.Errorf("%d fixtures under testdata/oom, %d cases", len(dirs), len(cases))
	}
	for _, e := range dirs {
		tc, ok := cases[e.Name()]
		if !ok {
			t.Errorf("fixture testdata/oom/%s has no case", e.Name())
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			got, err := ReadOOMKills(filepath.Join("testdata", "oom", e.Name()), tc.file)
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
	dirs, err := os.ReadDir(filepath.Join("testdata", "detect"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range dirs {
		t.Run(e.Name(), func(t *testing.T) {
			root := filepath.Join("testdata", "detect", e.Name())
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
}

func TestFindOOMKillFileMissingRoot(t *testing.T) {
	_, err := FindOOMKillFile(filepath.Join(t.TempDir(), "nothing"))
	if err == nil || !strings.Contains(err.Error(), "/proc/self/mountinfo") {
		t.Errorf("error = %v, want one naming the unreadable mountinfo", err)
	}
}
