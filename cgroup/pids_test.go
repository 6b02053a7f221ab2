package cgroup

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// PidsFree on fixture trees (testdata/pids): each a container's view.
func TestPidsFree(t *testing.T) {
	cases := map[string]struct {
		free    int64
		limited bool
		err     string // substring of the error; "" = none
	}{
		// Docker on v1, host paths, the mount root its own group.
		"v1-docker-host-paths": {free: 63, limited: true},
		"v1-unlimited":         {},
		// The pod's slice has the limit; the container's own is "max",
		// the burstable slice has no pids.max.
		"v2-k8s-pod-level":      {free: 50, limited: true},
		"v1-no-pids-controller": {err: "pids controller is not mounted"},
		"v1-garbage":            {err: "pids.max"},
	}
	dirs, err := os.ReadDir(filepath.Join("testdata", "pids"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != len(cases) {
		t.Errorf("%d fixtures under testdata/pids, %d cases", len(dirs), len(cases))
	}
	for _, e := range dirs {
		tc, ok := cases[e.Name()]
		if !ok {
			t.Errorf("fixture testdata/pids/%s has no case", e.Name())
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			free, limited, err := PidsFree(filepath.Join("testdata", "pids", e.Name()))
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("PidsFree: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("PidsFree error = %v, want one containing %q", err, tc.err)
			case free != tc.free || limited != tc.limited:
				t.Errorf("PidsFree = %d, %t; want %d, %t", free, limited, tc.free, tc.limited)
			}
		})
	}
}
