package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// planRun runs `launcher ARGS...` on a copy of a cgroup fixture tree (see
// cgroup/testdata/detect) with a writable home, and returns the exit code,
// stdout and stderr.
func planRun(t *testing.T, fixture string, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS(filepath.Join("../../cgroup/testdata/detect", fixture))); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "home"), 0o700); err != nil {
		t.Fatal(err)
	}
	var out, errOut strings.Builder
	h := host{root: root, env: append([]string{"PATH=/usr/bin:/bin", "HOME=/home"}, env...),
		stdout: &out, stderr: &errOut, pid: 4242, uid: os.Getuid(), gid: os.Getgid(), arch: "amd64"}
	code = run(h, args)
	return code, out.String(), errOut.String()
}

// planLimits is the "limits" object of `launcher plan --json ARGS...`.
func planLimits(t *testing.T, fixture string, env []string, args ...string) map[string]any {
	t.Helper()
	code, out, errOut := planRun(t, fixture, env, append([]string{"plan", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("plan exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	var p struct {
		Limits map[string]any `json:"limits"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("plan output is not JSON: %v\n%s", err, out)
	}
	return p.Limits
}

// Issue 2: the limits object always has these keys; an absent limit and
// its source are both null.
func TestPlanJSONLimitKeys(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		want    map[string]any
	}{
		{"v2-max", map[string]any{"cgroup": "v2", "memory_bytes": nil, "memory_source": nil, "cpus": nil, "cpus_source": nil}},
		{"v1-private-ns", map[string]any{"cgroup": "v1", "memory_bytes": float64(300 << 20), "memory_source": "/sys/fs/cgroup/memory/memory.limit_in_bytes",
			"cpus": float64(1), "cpus_source": "/sys/fs/cgroup/cpuset/cpuset.cpus"}},
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			lim := planLimits(t, tc.fixture, nil, "exec", "--", "true")
			for k, want := range tc.want {
				got, ok := lim[k]
				if !ok {
					t.Errorf("limits has no key %q: %v", k, lim)
				} else if got != want {
					t.Errorf("limits.%s = %#v, want %#v", k, got, want)
				}
			}
		})
	}
}
