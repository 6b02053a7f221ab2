package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/config"
	"github.com/jenkins-launcher/launcher/entrypoint"
)

// A supervised command without a JVM does not wait for the limits: the OOM
// diagnosis reads them, only to explain a kill. Everything else that reads
// them has them in the plan, and so does debug logging.
func TestLimitsDeferredForSupervisedCommand(t *testing.T) {
	// A writable home: host paths live under root.
	root := v1Root(t)
	if err := os.Mkdir(filepath.Join(root, "home"), 0o700); err != nil {
		t.Fatal(err)
	}
	oom := filepath.Join(root, "sys/fs/cgroup/memory/memory.oom_control")
	if err := os.WriteFile(oom, []byte("oom_kill_disable 0\nunder_oom 0\noom_kill 7\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	newPlanner := func(pid int, planOnly bool, level ...string) (planner, *strings.Builder) {
		var logs strings.Builder
		h := host{root: root, env: []string{"PATH=/usr/bin:/bin", "HOME=/home"}, stderr: &logs,
			pid: pid, uid: os.Getuid(), gid: os.Getgid(), arch: "amd64"}
		lvl := "debug"
		if len(level) > 0 {
			lvl = level[0]
		}
		return planner{h: h, cfg: config.Defaults(), log: newLogger(&logs, "text", lvl), planOnly: planOnly}, &logs
	}
	exec := invocation{mode: "exec", args: []string{"true"}}

	// Debug logging wants the limits at the start: they are read before
	// the command starts (not by the supervisor's first OOM reading, which
	// must not wait: see deferLimits), logged with the plan, and the OOM
	// watch uses them.
	pl, logs := newPlanner(1, false)
	p := pl.build(context.Background(), exec)
	if p.ExitCode != exitOK {
		t.Fatalf("plan failed: %d %s", p.ExitCode, p.Reason)
	}
	if p.limits != nil || p.Limits.Cgroup != "v1" {
		t.Fatalf("limits not read before the start with debug logging: %+v", p.Limits)
	}
	pl.logPlan(p)
	if !strings.Contains(logs.String(), "msg=limits component=launcher cgroup=v1") {
		t.Fatalf("limits not logged with the plan:\n%s", logs)
	}
	w := pl.oomWatch(p)
	if n, err := w.Read(); err != nil || n != 7 {
		t.Fatalf("first oom_kill reading = %d, %v; want the fixture's 7", n, err)
	}
	if !strings.HasPrefix(w.Limit(), "300.0 MiB") {
		t.Fatalf("OOM watch limit %q, want the fixture's 300 MiB", w.Limit())
	}

	// Without debug logging nothing wants the limits until a diagnosis:
	// the first reading finds the counter alone.
	pl, logs = newPlanner(1, false, "info")
	p = pl.build(context.Background(), exec)
	w = pl.oomWatch(p)
	if n, err := w.Read(); err != nil || n != 7 {
		t.Fatalf("first oom_kill reading = %d, %v; want the fixture's 7", n, err)
	}
	if p.limits == nil || p.Limits.Cgroup != "" {
		t.Fatalf("limits read for the first oom_kill reading without debug logging: %+v", p.Limits)
	}
	if !strings.HasPrefix(w.Limit(), "300.0 MiB") || p.Limits.Cgroup != "v1" {
		t.Fatalf("OOM watch limit %q (limits %+v), want the fixture's 300 MiB read for the diagnosis", w.Limit(), p.Limits)
	}
	if strings.Contains(logs.String(), "msg=limits") {
		t.Fatalf("limits logged without debug logging:\n%s", logs)
	}

	for name, pl := range map[string]planner{
		"plan":           func() planner { pl, _ := newPlanner(1, true); return pl }(),
		"not supervised": func() planner { pl, _ := newPlanner(4242, false); return pl }(),
	} {
		if p := pl.build(context.Background(), exec); p.limits != nil {
			t.Errorf("%s: limits left pending", name)
		}
	}
}

// v1Root is a copy of a cgroup v1 fixture tree (a 300 MiB limit), to be
// the host's root.
func v1Root(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("../../cgroup/testdata/detect/v1-private-ns")); err != nil {
		t.Fatal(err)
	}
	return root
}

// A supervised JVM's budget leaves supervisorReserve to the launcher, the
// same in `launcher plan` and in the run: what plan shows is what runs.
func TestSupervisorReserve(t *testing.T) {
	root := v1Root(t) // a 300 MiB limit
	if err := os.Mkdir(filepath.Join(root, "home"), 0o700); err != nil {
		t.Fatal(err)
	}
	java := filepath.Join(fakeJDK(t, []byte("#!/bin/sh\n")), "bin", "java")
	plan := func(pid int, planOnly bool) *Plan {
		t.Helper()
		var logs strings.Builder
		h := host{root: root, env: []string{"PATH=/usr/bin:/bin", "HOME=/home"}, stderr: &logs,
			pid: pid, uid: os.Getuid(), gid: os.Getgid(), arch: "amd64"}
		pl := planner{h: h, cfg: config.Defaults(), log: newLogger(&logs, "text", "debug"), planOnly: planOnly}
		p := pl.build(context.Background(), invocation{mode: "exec", args: []string{java, "-version"}})
		if p.ExitCode != exitOK || p.JVM == nil || p.JVM.Plan.BudgetBytes == nil {
			t.Fatalf("pid %d: no JVM plan: %d %s\n%s", pid, p.ExitCode, p.Reason, logs.String())
		}
		return p
	}
	alone, supervised, planned := plan(4242, false), plan(1, false), plan(1, true)
	if got := *alone.JVM.Plan.BudgetBytes - *supervised.JVM.Plan.BudgetBytes; got != supervisorReserve {
		t.Errorf("budget %d replacing itself, %d supervising: differ by %d, want %d",
			*alone.JVM.Plan.BudgetBytes, *supervised.JVM.Plan.BudgetBytes, got, supervisorReserve)
	}
	if strings.Join(planned.JVM.Plan.Flags, " ") != strings.Join(supervised.JVM.Plan.Flags, " ") {
		t.Errorf("plan %q, run %q", planned.JVM.Plan.Flags, supervised.JVM.Plan.Flags)
	}
}

// The JVM's options are read in the JVM's order: JAVA_TOOL_OPTIONS, then
// JDK_JAVA_OPTIONS (JDK 9 on), then the command line; the last wins.
func TestJVMOptionOrder(t *testing.T) {
	root := v1Root(t) // a 300 MiB limit
	if err := os.Mkdir(filepath.Join(root, "home"), 0o700); err != nil {
		t.Fatal(err)
	}
	jdk17 := fakeJDK(t, []byte("#!/bin/sh\n"))
	jdk8 := fakeJDK(t, []byte("#!/bin/sh\n"))
	if err := os.WriteFile(filepath.Join(jdk8, "release"), []byte("JAVA_VERSION=\"1.8.0_402\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := []string{"PATH=/usr/bin:/bin", "HOME=/home", "JAVA_TOOL_OPTIONS=-Xmx100m", "JDK_JAVA_OPTIONS=-Xmx120m"}
	for _, c := range []struct {
		name, jdk string
		args      []string
		want      string // the heap source
	}{
		{"command-line-last", jdk17, []string{"-Xmx140m", "-version"}, "user (-Xmx140m)"},
		{"jdk-java-options-over-tool-options", jdk17, []string{"-version"}, "user (-Xmx120m)"},
		{"jdk8-ignores-jdk-java-options", jdk8, []string{"-version"}, "user (-Xmx100m)"},
	} {
		var logs strings.Builder
		h := host{root: root, env: env, stderr: &logs, pid: 4242, uid: os.Getuid(), gid: os.Getgid(), arch: "amd64"}
		pl := planner{h: h, cfg: config.Defaults(), log: newLogger(&logs, "text", "debug"), planOnly: true}
		java := filepath.Join(c.jdk, "bin", "java")
		p := pl.build(context.Background(), invocation{mode: "exec", args: append([]string{java}, c.args...)})
		if p.JVM == nil {
			t.Fatalf("%s: no JVM plan: %d %s\n%s", c.name, p.ExitCode, p.Reason, logs.String())
		}
		if p.JVM.Plan.HeapSource != c.want {
			t.Errorf("%s: heap source %q, want %q", c.name, p.JVM.Plan.HeapSource, c.want)
		}
		if noted := slices.ContainsFunc(p.JVM.Plan.Notes, func(n string) bool { return strings.Contains(n, "JDK_JAVA_OPTIONS ignored") }); noted != (c.jdk == jdk8) {
			t.Errorf("%s: notes %q", c.name, p.JVM.Plan.Notes)
		}
	}
}

// LAUNCHER_STOP_GRACE=0 means no grace, which entrypoint spells
// NoStopGrace (its zero value is the default).
func TestStopGrace(t *testing.T) {
	for in, want := range map[time.Duration]time.Duration{0: entrypoint.NoStopGrace, 5 * time.Second: 5 * time.Second, time.Millisecond: time.Millisecond} {
		if got := stopGrace(in); got != want {
			t.Errorf("stopGrace(%v) = %v, want %v", in, got, want)
		}
	}
}

// The JVM parses JAVA_TOOL_OPTIONS and JDK_JAVA_OPTIONS itself and refuses
// an unmatched quote: the launcher says so with exit 64, naming the
// variable, rather than planning a JVM that will not start.
func TestJVMOptionsUnbalancedQuote(t *testing.T) {
	root := v1Root(t)
	if err := os.Mkdir(filepath.Join(root, "home"), 0o700); err != nil {
		t.Fatal(err)
	}
	java := filepath.Join(fakeJDK(t, []byte("#!/bin/sh\n")), "bin", "java")
	for _, name := range []string{"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"} {
		var logs strings.Builder
		env := []string{"PATH=/usr/bin:/bin", "HOME=/home", name + "=-Dgreeting=it's"}
		h := host{root: root, env: env, stderr: &logs, pid: 4242, uid: os.Getuid(), gid: os.Getgid(), arch: "amd64"}
		pl := planner{h: h, cfg: config.Defaults(), log: newLogger(&logs, "text", "debug"), planOnly: true}
		p := pl.build(context.Background(), invocation{mode: "exec", args: []string{java, "-version"}})
		if p.ExitCode != exitUsage || !strings.Contains(p.Reason, name+": an unbalanced single quote; the JVM refuses it") {
			t.Errorf("%s: exit %d, reason %v", name, p.ExitCode, p.Reason)
		}
	}
}
