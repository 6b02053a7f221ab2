package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/testutil"
	"golang.org/x/sys/unix"
)

// buildLauncher builds the binary under test as `make build` does.
func buildLauncher(t *testing.T) string {
	t.Helper()
	return testutil.BuildStatic(t, t.TempDir(), ".")[0]
}

// fakeJDK makes a Java home whose bin/java is java (a script, or a copy of
// a binary) and whose release file names a version, so that a run plans
// and starts everything but a real JVM. It returns the home.
func fakeJDK(tb testing.TB, java []byte) string {
	tb.Helper()
	home := filepath.Join(tb.TempDir(), "jdk")
	if err := os.MkdirAll(filepath.Join(home, "bin"), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "bin", "java"), java, 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "release"), []byte("JAVA_VERSION=\"17.0.15\"\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
	return home
}

// controller is a stand-in controller in TCP mode: ready at once, and jar
// answers /jnlpJars/agent.jar.
func controller(t *testing.T, jar http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/tcpSlaveAgentListener/"):
			w.Header().Set("X-Jenkins-JNLP-Port", "50000")
			io.WriteString(w, "Jenkins")
		case strings.HasSuffix(r.URL.Path, "/jnlpJars/agent.jar"):
			jar(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// agentEnv is a Kubernetes-style environment for url, with a fake Java
// home whose release file names a version and an empty cache directory.
func agentEnv(t *testing.T, url string) (env []string, home, cache string) {
	t.Helper()
	dir := t.TempDir()
	jdk := fakeJDK(t, []byte("#!/bin/sh\nexit 0\n"))
	home = filepath.Join(dir, "home")
	cache = filepath.Join(dir, "cache")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	env = append(os.Environ(),
		"HOME="+home,
		"JAVA_HOME="+jdk,
		"JENKINS_URL="+url,
		"JENKINS_SECRET=0123456789abcdef",
		"JENKINS_AGENT_NAME=agent-1",
		"JENKINS_AGENT_FILE="+filepath.Join(dir, "missing.jar"),
		"LAUNCHER_CACHE_DIR="+cache,
		"JENKINS_AGENT_WORKDIR="+filepath.Join(dir, "work", "agent"),
		"LAUNCHER_CONNECT_TIMEOUT=1m",
		"LAUNCHER_MEMORY_LIMIT=1Gi",
	)
	return env, home, cache
}

// startUntil starts argv (the launcher, or what runs it) and returns once
// a stderr line contains marker; the whole of stderr comes on the returned
// channel once it ends. env nil is the test's own.
func startUntil(t *testing.T, argv []string, env []string, marker string) (*exec.Cmd, <-chan string) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	seen := make(chan struct{})
	rest := make(chan string, 1)
	go func() {
		var all strings.Builder
		sc := bufio.NewScanner(stderr)
		found := false
		for sc.Scan() {
			all.WriteString(sc.Text() + "\n")
			if !found && strings.Contains(sc.Text(), marker) {
				found = true
				close(seen)
			}
		}
		if !found {
			close(seen)
		}
		rest <- all.String()
	}()
	select {
	case <-seen:
	case <-time.After(30 * time.Second):
		t.Fatalf("no %q line within 30 s", marker)
	}
	return cmd, rest
}

// stopWithTERM sends SIGTERM and checks that the launcher exits 143 within
// a second; it returns the launcher's log.
func stopWithTERM(t *testing.T, cmd *exec.Cmd, rest <-chan string) string {
	t.Helper()
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("launcher still running 10 s after SIGTERM")
	}
	took := time.Since(start)
	logs := <-rest
	if code := cmd.ProcessState.ExitCode(); code != 143 {
		t.Fatalf("exit %d, want 143; log:\n%s", code, logs)
	}
	if took > time.Second {
		t.Errorf("took %v to exit after SIGTERM", took)
	}
	return logs
}

// TestRealSIGTERMWhileWaitingForController: a controller that refuses
// connections keeps the launcher waiting; SIGTERM ends it with 143 at once.
func TestRealSIGTERMWhileWaitingForController(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: every attempt is refused
	env, _, cache := agentEnv(t, "http://"+addr+"/")
	cmd, rest := startUntil(t, []string{buildLauncher(t)}, env, "attempt")
	logs := stopWithTERM(t, cmd, rest)
	if strings.Contains(logs, "0123456789abcdef") {
		t.Errorf("secret in the log:\n%s", logs)
	}
	if _, err := os.Stat(cache); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cache dir %s left behind (%v)", cache, err)
	}
	// The agent's work directory is made only once the controller is up.
	if work := filepath.Join(filepath.Dir(cache), "work"); !noFile(work) {
		t.Errorf("work directory %s left behind", work)
	}
}

func noFile(path string) bool {
	_, err := os.Stat(path)
	return errors.Is(err, os.ErrNotExist)
}

// TestRealSIGTERMWhileDownloading: the controller is ready but sends
// agent.jar slowly; SIGTERM mid-download ends the launcher with 143 and no
// partial jar is left in the cache.
func TestRealSIGTERMWhileDownloading(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := controller(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1048576")
		w.Write(make([]byte, 4096))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	env, _, cache := agentEnv(t, srv.URL+"/")
	cmd, rest := startUntil(t, []string{buildLauncher(t)}, env, "controller ready")
	// The download starts right after readiness; wait until a temporary
	// file shows it is under way.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ents, _ := os.ReadDir(cache)
		if len(ents) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no download under way in the cache after 10 s")
		}
		time.Sleep(5 * time.Millisecond) // polling a directory: no event to await
	}
	stopWithTERM(t, cmd, rest)
	ents, _ := os.ReadDir(cache)
	for _, e := range ents {
		t.Errorf("left behind in the cache: %s", e.Name())
	}
}

// TestRealSignalDuringJavaVersionProbe: `launcher exec -- java ...` with a
// Java home that has no release file runs `java -version` first, which may
// take long; a signal then ends the launcher with 128+n (not Go's exit 2
// with a goroutine dump for SIGQUIT, nor ignored for SIGUSR1) and java
// never starts.
func TestRealSignalDuringJavaVersionProbe(t *testing.T) {
	launcher := buildLauncher(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGQUIT, syscall.SIGUSR1} {
		t.Run(unix.SignalName(sig), func(t *testing.T) {
			dir := t.TempDir()
			fifo := filepath.Join(dir, "probe")
			if err := unix.Mkfifo(fifo, 0o600); err != nil {
				t.Fatal(err)
			}
			ran := filepath.Join(dir, "ran")
			script := fmt.Sprintf("#!/bin/sh\nif [ \"$1\" = -version ]; then echo probing > %s; exec sleep 30; fi\ntouch %s\n", fifo, ran)
			jdk := fakeJDK(t, []byte(script))
			if err := os.Remove(filepath.Join(jdk, "release")); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(launcher, "exec", "--", filepath.Join(jdk, "bin", "java"), "-cp", "x", "Main")
			cmd.Env = append(os.Environ(), "HOME="+dir)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// Opening the FIFO waits for the probe to write to it.
			b, err := os.ReadFile(fifo)
			if err != nil || strings.TrimSpace(string(b)) != "probing" {
				t.Fatalf("probe said %q, %v", b, err)
			}
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Fatalf("launcher still running 10 s after %v", sig)
			}
			if code, want := cmd.ProcessState.ExitCode(), 128+int(sig); code != want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, want, stderr.String())
			}
			if strings.Contains(stderr.String(), "goroutine") {
				t.Errorf("goroutine dump on stderr:\n%s", stderr.String())
			}
			if !noFile(ran) {
				t.Error("java ran after the signal")
			}
		})
	}
}
