package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// processRoom takes the tighter of the pids cgroup and RLIMIT_NPROC and
// names it, on a container's /proc and /sys: pids.max 100 with 37 used,
// and uid 1000's processes with 10 threads.
func TestProcessRoom(t *testing.T) {
	root := t.TempDir()
	put := func(path, content string) {
		p := filepath.Join(root, path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The cgroup package's Docker fixture: pids.max 100, 37 used.
	pidsFixture := "../../cgroup/testdata/pids/v1-docker-host-paths/"
	for _, f := range []string{"proc/self/mountinfo", "proc/self/cgroup", "sys/fs/cgroup/pids/pids.max", "sys/fs/cgroup/pids/pids.current"} {
		b, err := os.ReadFile(pidsFixture + f)
		if err != nil {
			t.Fatal(err)
		}
		put(f, string(b))
	}
	put("proc/self/uid_map", "         0          0 4294967295\n")
	put("proc/self/status", "Name:\tlauncher\nCapEff:\t0000000000000000\n")
	put("proc/1/status", "Name:\tlauncher\nUid:\t1000\t1000\t1000\t1000\nThreads:\t4\n")
	put("proc/9/status", "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\nThreads:\t6\n")

	const pids = "pids.max (podPidsLimit, --pids-limit)"
	nproc := func(n uint64) func() uint64 { return func() uint64 { return n } }
	for _, tc := range []struct {
		name  string
		uid   int
		nproc func() uint64
		free  int64
		limit string
	}{
		{"nproc-tighter", 1000, nproc(40), 30, "ulimit -u (RLIMIT_NPROC, --ulimit nproc) for uid 1000"},
		{"pids-tighter", 1000, nproc(100), 63, pids},
		{"nproc-unlimited", 1000, nproc(unix.RLIM_INFINITY), 63, pids},
		{"root-exempt", 0, nproc(5), 63, pids},
		{"no-nproc-reader", 1000, nil, 63, pids},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			pl := &planner{h: host{root: root, uid: tc.uid, nprocLimit: tc.nproc}, log: newLogger(&logs, "text", "debug")}
			free, limit := pl.processRoom()
			if free != tc.free || limit != tc.limit {
				t.Errorf("processRoom = %d, %q; want %d, %q", free, limit, tc.free, tc.limit)
			}
			if logs.Len() != 0 {
				t.Errorf("unexpected log: %s", logs.String())
			}
		})
	}

	// Neither limit readable: no limit known, and the debug log says why.
	var logs bytes.Buffer
	pl := &planner{h: host{root: t.TempDir(), uid: 1000, nprocLimit: nproc(40)}, log: newLogger(&logs, "text", "debug")}
	if free, limit := pl.processRoom(); free != 0 || limit != "" {
		t.Errorf("nothing readable: processRoom = %d, %q; want no limit", free, limit)
	}
	for _, want := range []string{"limit=pids.max", "limit=RLIMIT_NPROC", "/proc"} {
		if !bytes.Contains(logs.Bytes(), []byte(want)) {
			t.Errorf("debug log lacks %q:\n%s", want, logs.String())
		}
	}
}
