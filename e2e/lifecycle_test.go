//go:build e2e

package e2e

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// podman stop: SIGTERM reaches the agent, the container exits 143 within
// 2 s, and no process of it is left.
func TestAgentStop(t *testing.T) {
	s := need(t)
	_, c, _, _ := runAgent(t, s, agentRun{image: jre17, form: kubernetesForm})
	pids := c.hostPIDs()
	if len(pids) < 2 {
		t.Fatalf("want the launcher and the agent JVM in the container, podman top shows %v", pids)
	}
	start := time.Now()
	if out, err := podman(t, "stop", "-t", "10", c.name); err != nil {
		t.Fatalf("podman stop: %v\n%s", err, out)
	}
	took := time.Since(start)
	code := c.wait(10 * time.Second)
	if code != 143 {
		t.Errorf("exit code %d after podman stop, want 143", code)
	}
	if took > 2*time.Second {
		t.Errorf("podman stop took %v, want under 2 s (SIGTERM did not end the agent)", took)
	}
	if log := c.stderr(); !strings.Contains(log, "stand-in agent: shutdown hook ran") {
		t.Errorf("the agent JVM did not run its shutdown hooks, so it never got SIGTERM:\n%s", log)
	}
	for _, pid := range pids {
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("host pid %d of the stopped container is still running", pid)
		}
	}
}

// A build that leaves orphans behind: they are re-parented to the launcher
// (PID 1), which must reap them.
func TestAgentOrphansReaped(t *testing.T) {
	s := need(t)
	_, c, rep, _ := runAgent(t, s, agentRun{image: jre17, form: kubernetesForm, env: map[string]string{"LEAK_ORPHANS": "100"}})
	if rep.OrphansLeaked != 100 {
		t.Fatalf("agent leaked %d orphans, want 100", rep.OrphansLeaked)
	}
	// The orphans sleep 0.2 s; no event tells us when they are gone, so
	// poll the process table until no live sleep remains.
	var ps string
	deadline := time.Now().Add(15 * time.Second)
	for {
		ps = c.exec("ps", "-eo", "pid,ppid,stat,comm")
		if !regexp.MustCompile(`(?m)^\s*\d+\s+\d+\s+[^Z\s]\S*\s+sleep$`).MatchString(ps) || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if m := regexp.MustCompile(`(?m)^\s*\d+\s+\d+\s+Z.*$`).FindAllString(ps, -1); len(m) > 0 {
		t.Errorf("%d zombies left in the container:\n%s", len(m), ps)
	}
	if regexp.MustCompile(`(?m)\ssleep$`).MatchString(ps) {
		t.Errorf("orphans still there after 15 s:\n%s", ps)
	}
}

// podman stop while the launcher still waits for the controller: it ends at
// once with 143 instead of sitting out the grace period.
func TestAgentStopWhileWaiting(t *testing.T) {
	s := need(t)
	a := newAgentCtx()
	a.url = "http://127.0.0.1:" + strconv.Itoa(freePort(t)) + "/"
	c := startAgent(t, s, agentRun{image: jre17, form: kubernetesForm}, a)
	// No event says the launcher is waiting; its log line about the refused
	// connection does, so poll for it.
	waiting := regexp.MustCompile(regexp.QuoteMeta(a.url) + `.*refused`)
	deadline := time.Now().Add(30 * time.Second)
	for !waiting.MatchString(c.stderr()) {
		if !c.running() || time.Now().After(deadline) {
			t.Fatalf("launcher not seen waiting for %s (running %v)\n%s", a.url, c.running(), c.logs())
		}
		time.Sleep(200 * time.Millisecond)
	}
	start := time.Now()
	if out, err := podman(t, "stop", "-t", "10", c.name); err != nil {
		t.Fatalf("podman stop: %v\n%s", err, out)
	}
	took := time.Since(start)
	if code := c.wait(10 * time.Second); code != 143 {
		t.Errorf("exit code %d after podman stop while waiting, want 143", code)
	}
	if took > 2*time.Second {
		t.Errorf("podman stop took %v, want under 2 s", took)
	}
}

// A command that leaves its user almost no room under `--ulimit nproc`
// (RLIMIT_NPROC: threads count, per uid, and no cgroup shows it): the
// supervising launcher warns naming that limit, goes on with the threads
// it has, forwards podman stop's SIGTERM and passes the command's code
// on. A uid of its own: the kernel counts every thread of it on the host.
func TestExecFullNprocLimit(t *testing.T) {
	s := need(t)
	image := s.agentImage(t, jre17)
	uid := strconv.Itoa(1_700_000_000 + os.Getpid()%100_000)
	c := startContainer(t, runOpts{
		image: image,
		// The launcher's threads, the shell and its two sleeps: about
		// 9 of 12, less room than the 7 the launcher wants.
		// nofile as e2e/setup-host.sh sets it: a --ulimit of its own makes
		// podman ask for more than this sandbox allows.
		podman: []string{"-u", uid + ":0", "--ulimit", "nproc=12:12", "--ulimit", "nofile=1024:1024"},
		args:   []string{"exec", "--", "sh", "-c", `sleep 60 & sleep 60 & trap "exit 7" TERM; wait`},
	})
	want := "ulimit -u (RLIMIT_NPROC, --ulimit nproc) for uid " + uid
	// The warning comes 50 ms after the start; podman's log has no
	// event to wait on, so poll it.
	var log string
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		log = c.stderr()
		if strings.Contains(log, want) || !c.running() || time.Now().After(deadline) {
			break
		}
	}
	if !strings.Contains(log, "the process limit is nearly reached") || !strings.Contains(log, want) {
		t.Fatalf("no warning naming %q:\n%s", want, log)
	}
	if out, err := podman(t, "stop", "-t", "10", c.name); err != nil {
		t.Fatalf("podman stop: %v\n%s", err, out)
	}
	if code := c.wait(20 * time.Second); code != 7 {
		t.Errorf("exit %d after podman stop, want 7 (the command's trap)\n%s", code, c.stderr())
	}
	if log := c.stderr(); strings.Contains(log, "fatal error") {
		t.Errorf("the launcher's runtime died:\n%s", log)
	}
}
