package cgroup

import (
	"strings"
	"testing"
)

// PidsFree on fixture trees (testdata/pids): each a container's view.
type pidsCase struct {
	free    int64
	limited bool
	err     string // substring of the error; "" = none
}

func TestPidsFree(t *testing.T) {
	cases := map[string]pidsCase{
		// Docker on v1, host paths, the mount root its own group.
		"v1-docker-host-paths": {free: 63, limited: true},
		"v1-unlimited":         {},
		// The pod's slice has the limit; the container's own is "max",
		// the burstable slice has no pids.max.
		"v2-k8s-pod-level":      {free: 50, limited: true},
		"v1-no-pids-controller": {err: "pids controller is not mounted"},
		"v1-garbage":            {err: "pids.max"},
	}
	eachFixture(t, "pids", cases, func(t *testing.T, root string, tc pidsCase) {
		free, limited, err := PidsFree(root)
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
