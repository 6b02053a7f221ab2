package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jenkins-launcher/launcher/internal/testutil"
	"github.com/jenkins-launcher/launcher/jnlp"
)

// TestRealAgentJarDownloadedOverStaleCache: with the image's agent.jar
// missing, a run downloads the controller's, even when an earlier run left
// a file where the download goes (here junk): that file proves nothing.
func TestRealAgentJarDownloadedOverStaleCache(t *testing.T) {
	good := testutil.Jar(t, testutil.AgentManifest)
	var jarHits atomic.Int32
	srv := controller(t, func(w http.ResponseWriter, r *http.Request) {
		jarHits.Add(1)
		w.Write(good)
	})
	env, _, cache := agentEnv(t, srv.URL+"/")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(cache, "agent.jar")
	if err := os.WriteFile(stale, []byte("junk from an earlier run"), 0o644); err != nil {
		t.Fatal(err)
	}
	jdk := fakeJDK(t, []byte("#!/bin/sh\necho \"$@\"\n"))
	var out, stderr bytes.Buffer
	cmd := exec.Command(buildLauncher(t))
	cmd.Env = append(env, "JAVA_HOME="+jdk)
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("launcher: %v\n%s", err, stderr.String())
	}
	if n := jarHits.Load(); n != 1 {
		t.Errorf("%d agent.jar requests, want 1", n)
	}
	if !strings.Contains(out.String(), "-jar "+stale) {
		t.Errorf("java ran %q, want -jar %s", out.String(), stale)
	}
	if got, err := os.ReadFile(stale); err != nil || !bytes.Equal(got, good) {
		t.Errorf("cache holds %d bytes (%v), want the controller's jar", len(got), err)
	}
}

// The plan says what the run does: no readiness check when
// LAUNCHER_CONNECT_TIMEOUT=0, and a download when JENKINS_AGENT_FILE is a
// directory (the run downloads then; the plan said "image").
func TestPlanAgentJarAndReadiness(t *testing.T) {
	env, home, _ := agentEnv(t, "http://127.0.0.1:9/")
	dirJar := filepath.Join(home, "jar-dir")
	if err := os.Mkdir(dirJar, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(buildLauncher(t), "plan", "--json")
	cmd.Env = append(env, "LAUNCHER_CONNECT_TIMEOUT=0", "JENKINS_AGENT_FILE="+dirJar)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	var p struct {
		Agent struct {
			Readiness string `json:"readiness"`
			JarSource string `json:"jar_source"`
		} `json:"agent"`
	}
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if p.Agent.Readiness != "none (LAUNCHER_CONNECT_TIMEOUT=0)" {
		t.Errorf("readiness %q, want none", p.Agent.Readiness)
	}
	if p.Agent.JarSource != "download" {
		t.Errorf("jar_source %q for a directory, want download", p.Agent.JarSource)
	}
}

// LAUNCHER_AGENT_DOWNLOAD=always in direct mode has no controller URL to
// download from: the image's jar runs, with a warning, in the plan and in
// the run alike (it exited 66, saying the jar that was there was missing).
func TestAgentDirectAlwaysRunsImageJar(t *testing.T) {
	env, home, _ := agentEnv(t, "")
	jar := filepath.Join(home, "agent.jar")
	if err := os.WriteFile(jar, testutil.Jar(t, testutil.AgentManifest), 0o644); err != nil {
		t.Fatal(err)
	}
	env = append(env, "JENKINS_URL=", "JENKINS_DIRECT_CONNECTION=127.0.0.1:1", "JENKINS_INSTANCE_IDENTITY=abc",
		"JENKINS_AGENT_FILE="+jar, "LAUNCHER_AGENT_DOWNLOAD=always", "LAUNCHER_CONNECT_TIMEOUT=0")
	bin := buildLauncher(t)
	plan := exec.Command(bin, "plan", "--json")
	plan.Env = env
	out, err := plan.Output()
	if err != nil {
		t.Fatalf("plan: %v\n%s", err, out)
	}
	var p struct {
		Agent struct {
			Jar       string `json:"jar"`
			JarSource string `json:"jar_source"`
		} `json:"agent"`
		Warnings []string `json:"warnings"`
	}
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("%v in %s", err, out)
	}
	if p.Agent.Jar != jar || p.Agent.JarSource != "image" || !slices.Contains(p.Warnings, jnlp.NoDownloadURL) {
		t.Errorf("plan: jar %q from %q, warnings %q; want the image's %s with the warning", p.Agent.Jar, p.Agent.JarSource, p.Warnings, jar)
	}
	run := exec.Command(bin)
	run.Env = env
	stderr, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("run: %v\n%s", err, stderr)
	}
	if !strings.Contains(string(stderr), "no controller URL to download agent.jar from") {
		t.Errorf("run: no warning in\n%s", stderr)
	}
}
