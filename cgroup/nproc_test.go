package cgroup

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// NprocFree on /proc trees (testdata/nproc): the threads of the user's
// processes against RLIMIT_NPROC, and the users the kernel exempts.
type nprocCase struct {
	uid     int
	limit   uint64
	free    int64
	limited bool
	err     string
}

func TestNprocFree(t *testing.T) {
	cases := map[string]nprocCase{
		// 5 + 21 + 1 threads of the uid; root's 3 do not count, nor
		// process 42, which ended.
		"arbitrary-uid":    {uid: 1000100000, limit: 64, free: 64 - 27, limited: true},
		"host-root":        {uid: 0, limit: 64},
		"cap-sys-resource": {uid: 1000, limit: 64},
		"userns-root":      {uid: 0, limit: 10, free: 10 - 7, limited: true},
		"userns-host-root": {uid: 0, limit: 10},
	}
	eachFixture(t, "nproc", cases, func(t *testing.T, root string, tc nprocCase) {
		free, limited, err := NprocFree(root, tc.uid, tc.limit)
		switch {
		case tc.err == "" && err != nil:
			t.Fatalf("NprocFree: %v", err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Fatalf("NprocFree error = %v, want one containing %q", err, tc.err)
		case free != tc.free || limited != tc.limited:
			t.Errorf("NprocFree = %d, %t; want %d, %t", free, limited, tc.free, tc.limited)
		}
	})
}

// No limit, and a full one: the count can pass the limit (threads started
// before it was lowered), which leaves no room, not a wrapped-round one.
func TestNprocFreeLimits(t *testing.T) {
	root := "testdata/nproc/arbitrary-uid"
	if free, limited, err := NprocFree(root, 1000100000, unix.RLIM_INFINITY); err != nil || limited || free != 0 {
		t.Errorf("unlimited: NprocFree = %d, %t, %v; want not limited", free, limited, err)
	}
	if free, limited, err := NprocFree(root, 1000100000, 20); err != nil || !limited || free != -7 {
		t.Errorf("over the limit: NprocFree = %d, %t, %v; want -7, limited", free, limited, err)
	}
	// A user with no process at all has the whole limit.
	if free, limited, err := NprocFree(root, 4242, 20); err != nil || !limited || free != 20 {
		t.Errorf("no process: NprocFree = %d, %t, %v; want 20, limited", free, limited, err)
	}
	if _, _, err := NprocFree(t.TempDir(), 1000, 20); err == nil || !strings.Contains(err.Error(), "/proc") {
		t.Errorf("no /proc: err = %v, want one naming /proc", err)
	}
}

// The real /proc: the count includes this process's own threads, and
// the host's root is exempt.
func TestNprocFreeReal(t *testing.T) {
	uid := unix.Getuid()
	used, err := userThreads(newFiles("/"), uid)
	if err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(status), "Threads:")
	own, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(rest, "\n", 2)[0]))
	if err != nil {
		t.Fatal(err)
	}
	if used < int64(own) {
		t.Errorf("uid %d has %d threads in /proc, fewer than this process's own %d", uid, used, own)
	}
	if _, limited, err := NprocFree("/", uid, 1<<20); err != nil || limited != (uid != 0) {
		t.Errorf("NprocFree for uid %d: limited %t, %v; want limited only for a user other than root", uid, limited, err)
	}
}

// BenchmarkNprocFreeHost is what a supervisor that RLIMIT_NPROC applies to
// pays once, when it settles, on the real /proc (every visible process's
// status is read).
func BenchmarkNprocFreeHost(b *testing.B) {
	entries, _ := os.ReadDir("/proc")
	procs := 0
	for _, e := range entries {
		if allDigits(e.Name()) {
			procs++
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		// The count itself: a root benchmark would be exempt (its
		// capabilities) before it counted.
		if _, err := userThreads(newFiles("/"), 65534); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(procs), "processes")
}
