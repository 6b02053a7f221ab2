//go:build e2e

package e2e

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// plan is the part of `launcher plan --json` the scenarios check.
type plan struct {
	Mode      string `json:"mode"`
	ExitCode  int    `json:"exit_code"`
	Reason    string `json:"reason"`
	Supervise bool   `json:"supervise"`
	Limits    struct {
		Cgroup       string   `json:"cgroup"`
		MemoryBytes  *int64   `json:"memory_bytes"`
		MemorySource string   `json:"memory_source"`
		CPUs         *float64 `json:"cpus"`
		CPUsSource   string   `json:"cpus_source"`
		Notes        []string `json:"notes"`
	} `json:"limits"`
	Home struct {
		Path   string `json:"path"`
		Action string `json:"action"`
		Passwd string `json:"passwd"`
		User   string `json:"user"`
		UID    int    `json:"uid"`
		GID    int    `json:"gid"`
	} `json:"home"`
	JVM struct {
		Java        string   `json:"java"`
		Version     string   `json:"version"`
		BudgetBytes int64    `json:"budget_bytes"`
		HeapBytes   int64    `json:"heap_bytes"`
		Flags       []string `json:"flags"`
	} `json:"jvm"`
	Agent struct {
		URLs      []string `json:"urls"`
		Mode      string   `json:"mode"`
		Readiness string   `json:"readiness"`
		Jar       string   `json:"jar"`
		JarSource string   `json:"jar_source"`
	} `json:"agent"`
	Command []string `json:"command"`
}

// decodePlan parses a plan from a finished `plan --json` run.
func decodePlan(t *testing.T, r result) plan {
	t.Helper()
	var p plan
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("plan --json output is not a plan: %v\n%s", err, r)
	}
	return p
}

func (p plan) memory() int64 {
	if p.Limits.MemoryBytes == nil {
		return -1
	}
	return *p.Limits.MemoryBytes
}

func (p plan) cpus() float64 {
	if p.Limits.CPUs == nil {
		return -1
	}
	return *p.Limits.CPUs
}

// javaMajor returns the feature release of a Java version string:
// "17.0.15" -> 17, "1.8.0_402" -> 8, "21" -> 21.
func javaMajor(v string) int {
	v = strings.TrimPrefix(v, "1.")
	if i := strings.IndexAny(v, ".+-_"); i >= 0 {
		v = v[:i]
	}
	n, _ := strconv.Atoi(v)
	return n
}
