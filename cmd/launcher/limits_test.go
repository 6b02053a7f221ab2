package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
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
	code = run(&h, args)
	return code, out.String(), errOut.String()
}

// planLimits is the "limits" object of `launcher plan --json ARGS...`.
func planLimits(t *testing.T, fixture string, env []string, args ...string) map[string]any {
	t.Helper()
	code, out, errOut := planRun(t, fixture, env, append([]string{"plan", "--json"}, args...)...)
	if code != exitOK {
		t.Fatalf("plan exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	return decodeLimits(t, out)
}

// decodeLimits is the "limits" object of a JSON plan.
func decodeLimits(t *testing.T, out string) map[string]any {
	t.Helper()
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

// ecsServer answers GET /task with the ECS fixture's task document (0.5
// vCPU, 1024 MiB) and counts the requests.
func ecsServer(t *testing.T) (url string, requests *atomic.Int32) {
	t.Helper()
	body, err := os.ReadFile("../../ecs/testdata/fargate-v4.json")
	if err != nil {
		t.Fatal(err)
	}
	requests = new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, requests
}

// The ECS task metadata is asked only for a limit that neither the
// overrides nor the cgroup give, and noted only when a value from it is
// used.
func TestLimitsECSOnlyForMissing(t *testing.T) {
	const ecsNote = "the ECS task limit is shared"
	for _, tc := range []struct {
		name       string
		fixture    string
		env        []string
		requests   int32
		memSource  any
		cpusSource any
		note       bool
	}{
		{"both overrides", "v2-max", []string{"LAUNCHER_MEMORY_LIMIT=512Mi", "LAUNCHER_CPU_LIMIT=1"}, 0, "env LAUNCHER_MEMORY_LIMIT", "env LAUNCHER_CPU_LIMIT", false},
		{"memory override", "v2-max", []string{"LAUNCHER_MEMORY_LIMIT=512Mi"}, 1, "env LAUNCHER_MEMORY_LIMIT", "ecs-task-metadata", true},
		{"cpu override", "v2-max", []string{"LAUNCHER_CPU_LIMIT=1"}, 1, "ecs-task-metadata", "env LAUNCHER_CPU_LIMIT", true},
		{"no override", "v2-max", nil, 1, "ecs-task-metadata", "ecs-task-metadata", true},
		{"cgroup has both", "v1-private-ns", nil, 0, "/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/cpuset/cpuset.cpus", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url, requests := ecsServer(t)
			lim := planLimits(t, tc.fixture, append([]string{"ECS_CONTAINER_METADATA_URI_V4=" + url}, tc.env...), "exec", "--", "true")
			if n := requests.Load(); n != tc.requests {
				t.Errorf("%d requests to the ECS endpoint, want %d", n, tc.requests)
			}
			if lim["memory_source"] != tc.memSource || lim["cpus_source"] != tc.cpusSource {
				t.Errorf("sources: memory %v, cpus %v; want %v, %v", lim["memory_source"], lim["cpus_source"], tc.memSource, tc.cpusSource)
			}
			notes, _ := json.Marshal(lim["notes"])
			if got := strings.Contains(string(notes), ecsNote); got != tc.note {
				t.Errorf("ECS note present = %v, want %v; notes %s", got, tc.note, notes)
			}
		})
	}
}

// An override that cannot bind (at or above MemTotal, or cgroup's
// "unlimited" value) means no limit, as it does in a cgroup file: it is
// ignored with a warning instead of sizing a heap for memory that does not
// exist. The fixtures' MemTotal is 16318440 kB.
func TestMemoryOverrideAboveHost(t *testing.T) {
	const ignored = "LAUNCHER_MEMORY_LIMIT is at or above the host's memory"
	for _, tc := range []struct {
		name, fixture, value string
		mem, src             any
	}{
		{"v1 unlimited value", "v2-max", "9223372036854771712", nil, nil},
		{"2^64-1", "v2-max", "18446744073709551615", nil, nil},
		{"MemTotal", "v2-max", "16318440Ki", nil, nil},
		{"above MemTotal", "v2-max", "64Gi", nil, nil},
		{"cgroup limit applies", "v1-private-ns", "9223372036854771712", float64(300 << 20), "/sys/fs/cgroup/memory/memory.limit_in_bytes"},
		{"just below MemTotal", "v2-max", "16318439Ki", float64(16318439 << 10), "env LAUNCHER_MEMORY_LIMIT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := planRun(t, tc.fixture, []string{"LAUNCHER_MEMORY_LIMIT=" + tc.value}, "plan", "--json", "exec", "--", "true")
			if code != exitOK {
				t.Fatalf("plan exit %d\n%s\n%s", code, out, errOut)
			}
			lim := decodeLimits(t, out)
			if lim["memory_bytes"] != tc.mem || lim["memory_source"] != tc.src {
				t.Errorf("memory %v from %v, want %v from %v", lim["memory_bytes"], lim["memory_source"], tc.mem, tc.src)
			}
			wantIgnored := tc.src != "env LAUNCHER_MEMORY_LIMIT"
			if got := strings.Contains(errOut, ignored); got != wantIgnored {
				t.Errorf("warning on stderr = %v, want %v:\n%s", got, wantIgnored, errOut)
			}
			notes, _ := json.Marshal(lim["notes"])
			if got := strings.Contains(string(notes), ignored); got != wantIgnored {
				t.Errorf("note in the plan = %v, want %v: %s", got, wantIgnored, notes)
			}
		})
	}
}
