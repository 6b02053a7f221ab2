package jnlp

import (
	"bytes"
	"context"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// jarServer serves body at /jnlpJars/agent.jar after `failures` 503s.
func jarServer(t *testing.T, body []byte, failures int32) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/jnlpJars/agent.jar" {
			http.NotFound(w, r)
			return
		}
		if hits.Add(1) <= failures {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/java-archive")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// onlyJar fails unless dir holds exactly agent.jar (no temporary files).
func onlyFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("%s holds %q, want %q", dir, got, want)
	}
}

func TestEnsureJar(t *testing.T) {
	good := testutil.Jar(t, testutil.AgentManifest)
	present := filepath.Join(t.TempDir(), "agent.jar")
	if err := os.WriteFile(present, good, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name       string
		body       []byte
		failures   int32
		path       string
		download   string
		direct     bool
		wantSource string
		wantHits   int32
		wantErr    string
	}{
		{"auto-image", good, 0, present, "auto", false, "image", 0, ""},
		{"auto-missing-downloads", good, 0, "/nonexistent/agent.jar", "", false, "download", 1, ""},
		{"always-downloads", good, 0, present, "always", false, "download", 1, ""},
		// The controller cannot serve it now: the image's, with a warning.
		{"always-falls-back", []byte("<html>Not found</html>"), 0, present, "always", false, "image", 1, ""},
		{"retries-503", good, 2, "/nonexistent/agent.jar", "auto", false, "download", 3, ""},
		{"never-present", good, 0, present, "never", false, "image", 0, ""},
		{"never-missing", good, 0, "/nonexistent/agent.jar", "never", false, "", 0, "LAUNCHER_AGENT_DOWNLOAD=never"},
		{"garbage", []byte("<html>Please sign in</html>"), 0, "/nonexistent/agent.jar", "auto", false, "", 1, "not a jar"},
		{"no-main-class", testutil.Jar(t, "Manifest-Version: 1.0\r\n"), 0, "/nonexistent/agent.jar", "auto", false, "", 1, "no Main-Class"},
		{"direct-missing", good, 0, "/nonexistent/agent.jar", "auto", true, "", 0, "no controller URL to download it from"},
		// always, with nothing to download from: the image's, with a warning.
		{"direct-always-image", good, 0, present, "always", true, "image", 0, ""},
		{"bad-mode", good, 0, present, "sometimes", false, "", 0, `LAUNCHER_AGENT_DOWNLOAD="sometimes"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, hits := jarServer(t, tc.body, tc.failures)
			cache := filepath.Join(t.TempDir(), "cache")
			a := tcpAgent(srv.URL + "/")
			if tc.direct {
				a = Agent{Mode: ModeDirect, Direct: "127.0.0.1:1"}
			}
			rec := &recorder{}
			path, source, err := EnsureJar(context.Background(), a, JarOptions{
				Path: tc.path, Download: tc.download, CacheDir: cache, Logger: rec.logger(), MinWait: time.Millisecond,
			})
			if hits.Load() != tc.wantHits {
				t.Errorf("%d requests, want %d", hits.Load(), tc.wantHits)
			}
			if tc.wantErr != "" {
				var je *JarError
				if !errors.As(err, &je) || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want *JarError with %q", err, tc.wantErr)
				}
				onlyFiles(t, cache)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if source != tc.wantSource {
				t.Errorf("source %q, want %q", source, tc.wantSource)
			}
			if source == "image" {
				if path != tc.path {
					t.Errorf("path %q, want %q", path, tc.path)
				}
				warning := "agent.jar download failed; running the image's, whose version may differ from the controller's"
				if tc.direct {
					warning = NoDownloadURL
				}
				warned := len(rec.find(warning)) == 1
				if warned != (tc.download == "always") {
					t.Errorf("fallback warning logged: %v", warned)
				}
				onlyFiles(t, cache)
				return
			}
			if path != filepath.Join(cache, "agent.jar") {
				t.Errorf("path %q", path)
			}
			got, err := os.ReadFile(path)
			if err != nil || !bytes.Equal(got, good) {
				t.Errorf("downloaded jar differs (%d bytes, %v)", len(got), err)
			}
			onlyFiles(t, cache, "agent.jar")
			logs := rec.find("agent.jar downloaded")
			if len(logs) != 1 || logs[0].attrs["bytes"] == "" || logs[0].attrs["url"] != srv.URL+"/jnlpJars/agent.jar" || logs[0].attrs["duration"] == "" {
				t.Errorf("download log %v", logs)
			}
		})
	}
}

// After a download no connection stays open (see
// TestWaitReadyClosesConnections).
func TestEnsureJarClosesConnections(t *testing.T) {
	conns := testutil.NewConnTracker()
	good := testutil.Jar(t, testutil.AgentManifest)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(good)
	}))
	srv.Config.ConnState = conns.State
	srv.Start()
	defer srv.Close()
	_, source, err := EnsureJar(context.Background(), tcpAgent(srv.URL+"/"), JarOptions{
		Path: "/nonexistent/agent.jar", CacheDir: filepath.Join(t.TempDir(), "cache"), MinWait: time.Millisecond,
	})
	if err != nil || source != "download" {
		t.Fatalf("EnsureJar: %q, %v", source, err)
	}
	conns.WaitAllClosed(t, 5*time.Second)
}

// TestEnsureJarCancelled: a signal mid-download returns the cause promptly
// and leaves no temporary file.
func TestEnsureJarCancelled(t *testing.T) {
	errSignal := errors.New("SIGTERM")
	ctx, cancel := context.WithCancelCause(context.Background())
	var cancelledAt atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1048576")
		w.Write(make([]byte, 64<<10))
		w.(http.Flusher).Flush()
		cancelledAt.Store(time.Now().UnixNano())
		cancel(errSignal)
		<-r.Context().Done()
	}))
	defer srv.Close()
	cache := t.TempDir()
	_, _, err := EnsureJar(ctx, tcpAgent(srv.URL), JarOptions{Path: "/nonexistent/agent.jar", CacheDir: cache})
	checkPrompt(t, err, errSignal, cancelledAt.Load())
	var je *JarError
	if errors.As(err, &je) {
		t.Errorf("a cancellation is not a missing jar: %v", err)
	}
	onlyFiles(t, cache)
}

// With several URLs the download asks first the one that answered the
// wait; without one, the URLs in order.
func TestEnsureJarReadyFirst(t *testing.T) {
	good := testutil.Jar(t, testutil.AgentManifest)
	down, downHits := jarServer(t, good, 1<<20)
	up, upHits := jarServer(t, good, 0)
	a := tcpAgent(down.URL+"/", up.URL+"/")
	for _, tc := range []struct {
		ready    string
		wantDown bool
	}{
		{up.URL + "/", false},
		{"", true},
	} {
		downHits.Store(0)
		upHits.Store(0)
		dst, source, err := EnsureJar(context.Background(), a, JarOptions{
			Path: "/nonexistent/agent.jar", CacheDir: filepath.Join(t.TempDir(), "cache"),
			MinWait: time.Millisecond, MaxWait: time.Millisecond, Retries: 1, Ready: tc.ready,
		})
		if err != nil || source != "download" || dst == "" {
			t.Fatalf("ready %q: %q %q %v", tc.ready, dst, source, err)
		}
		if got := downHits.Load() > 0; got != tc.wantDown {
			t.Errorf("ready %q: the failing URL was asked %d times", tc.ready, downHits.Load())
		}
		if upHits.Load() != 1 {
			t.Errorf("ready %q: the good URL was asked %d times, want 1", tc.ready, upHits.Load())
		}
	}
}

// The wait and the download share one client: one TLS connection for both
// (so the roots were read once), closed with Close.
func TestSharedClientServesWaitAndDownload(t *testing.T) {
	conns := testutil.NewConnTracker()
	good := testutil.Jar(t, testutil.AgentManifest)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/jnlpJars/agent.jar" {
			w.Write(good)
			return
		}
		jenkins(w, r)
	}))
	srv.Config.ConnState = conns.State
	srv.StartTLS()
	defer srv.Close()
	a := tcpAgent(srv.URL + "/")
	a.Certs = []string{string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))}

	shared := NewSharedClient(a)
	wo := fastWait(&recorder{}, 5*time.Second)
	wo.Client = shared
	if _, err := WaitReady(context.Background(), a, wo); err != nil {
		t.Fatal(err)
	}
	_, source, err := EnsureJar(context.Background(), a, JarOptions{
		Path: "/nonexistent/agent.jar", CacheDir: filepath.Join(t.TempDir(), "cache"), MinWait: time.Millisecond, Client: shared,
	})
	if err != nil || source != "download" {
		t.Fatalf("EnsureJar: %q, %v", source, err)
	}
	if n := conns.Seen(); n != 1 {
		t.Errorf("the wait and the download opened %d connections, want 1 (one client)", n)
	}
	shared.Close()
	conns.WaitAllClosed(t, 5*time.Second)
}

// A SharedClient is made only when asked for: with agent.jar in the image
// and no wait, nothing reads the roots (an unreadable -cert would fail it).
func TestSharedClientMadeOnlyWhenNeeded(t *testing.T) {
	present := filepath.Join(t.TempDir(), "agent.jar")
	if err := os.WriteFile(present, testutil.Jar(t, testutil.AgentManifest), 0o644); err != nil {
		t.Fatal(err)
	}
	a := tcpAgent("https://127.0.0.1:1/")
	a.Certs = []string{"@/nonexistent/ca.pem"}
	shared := NewSharedClient(a)
	if _, err := WaitReady(context.Background(), a, WaitOptions{Timeout: 0, Client: shared}); err != nil {
		t.Fatal(err)
	}
	if _, source, err := EnsureJar(context.Background(), a, JarOptions{Path: present, Client: shared}); err != nil || source != "image" {
		t.Fatalf("EnsureJar: %q, %v", source, err)
	}
	if shared.c != nil || shared.err != nil {
		t.Fatalf("client made without a request: %v, %v", shared.c, shared.err)
	}
	shared.Close() // nothing to close: must not fail
	if _, err := shared.get(); err == nil || !strings.Contains(err.Error(), "/nonexistent/ca.pem") {
		t.Fatalf("get() = %v, want the -cert error", err)
	}
}

// A body that breaks off or stalls gets a new attempt; one that goes on
// past the size limit, or a controller that keeps answering 503, ends the
// download with a cause that says so. No temporary file is left.
func TestEnsureJarBrokenBodies(t *testing.T) {
	good := testutil.Jar(t, testutil.AgentManifest)
	for _, tc := range []struct {
		name     string
		first    func(w http.ResponseWriter, r *http.Request) // the first answer; later ones serve good
		wantHits int32
		wantErr  string
	}{
		{"cut-short", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(good)))
			w.Write(good[:len(good)/2])
			conn, _, _ := http.NewResponseController(w).Hijack()
			conn.Close()
		}, 2, ""},
		{"stalls", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(len(good)))
			w.Write(good[:len(good)/2])
			http.NewResponseController(w).Flush()
			<-r.Context().Done()
		}, 2, ""},
		{"endless", func(w http.ResponseWriter, r *http.Request) {
			chunk := make([]byte, 4096)
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, 1, "goes on past 65536 bytes"},
		{"always-503", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusServiceUnavailable)
		}, 0, "503"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hits atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if hits.Add(1) == 1 || tc.name == "always-503" {
					tc.first(w, r)
					return
				}
				w.Write(good)
			}))
			defer srv.Close()
			cache := filepath.Join(t.TempDir(), "cache")
			_, source, err := EnsureJar(context.Background(), tcpAgent(srv.URL+"/"), JarOptions{
				Path: "/nonexistent/agent.jar", CacheDir: cache, MinWait: time.Millisecond, MaxWait: time.Millisecond,
				AttemptTimeout: 300 * time.Millisecond, MaxSize: 64 << 10, Retries: 2,
			})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want one containing %q", err, tc.wantErr)
				}
				onlyFiles(t, cache)
				return
			}
			if err != nil || source != "download" {
				t.Fatalf("source %q, err %v", source, err)
			}
			if hits.Load() != tc.wantHits {
				t.Errorf("%d requests, want %d", hits.Load(), tc.wantHits)
			}
			onlyFiles(t, cache, "agent.jar")
		})
	}
}

// A directory where agent.jar should be is not the image's jar: EnsureJar
// and the plan (JarPresent) both download instead.
func TestJarPresent(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "agent.jar")
	if err := os.WriteFile(file, []byte("PK"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := JarPresent(file); err != nil {
		t.Errorf("JarPresent(file) = %v", err)
	}
	if err := JarPresent(dir); err == nil || !strings.Contains(err.Error(), "directory") {
		t.Errorf("JarPresent(dir) = %v, want a directory error", err)
	}
	if err := JarPresent(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("JarPresent(missing) = %v", err)
	}
}

// ChooseJar is the one decision the plan and EnsureJar share.
func TestChooseJar(t *testing.T) {
	missing := errors.New("no such file")
	for _, tc := range []struct {
		download     string
		present      error
		haveURL      bool
		source, warn string
		err          string
	}{
		{"auto", nil, true, "image", "", ""},
		{"", missing, true, "download", "", ""},
		{"auto", missing, false, "download", "", "no controller URL to download it from"},
		{"always", nil, true, "download", "", ""},
		{"always", nil, false, "image", NoDownloadURL, ""},
		{"always", missing, false, "download", "", "no controller URL to download it from"},
		{"never", nil, true, "image", "", ""},
		{"never", missing, true, "image", "", "LAUNCHER_AGENT_DOWNLOAD=never"},
		{"sometimes", nil, true, "image", "", "want auto, always or never"},
	} {
		source, warn, err := ChooseJar(tc.download, "/j/agent.jar", tc.present, tc.haveURL)
		var je *JarError
		switch {
		case tc.err == "" && err != nil, tc.err != "" && (!errors.As(err, &je) || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q present=%v url=%t: error %v, want %q", tc.download, tc.present, tc.haveURL, err, tc.err)
		case source != tc.source || warn != tc.warn:
			t.Errorf("%q present=%v url=%t: %q, %q; want %q, %q", tc.download, tc.present, tc.haveURL, source, warn, tc.source, tc.warn)
		}
	}
}
