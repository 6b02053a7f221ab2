package ecs

import (
	"bufio"
	"context"
	"net"
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

// response is one line of a testdata/fetch/*.script file.
type response struct {
	hang   bool
	status int
	body   []byte
}

func loadScript(t *testing.T, name string) []response {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "fetch", name+".script"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var script []response
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == "hang" {
			script = append(script, response{hang: true})
			continue
		}
		fields := strings.Fields(line)
		status, err := strconv.Atoi(fields[0])
		if err != nil {
			t.Fatalf("script %s: bad line %q", name, line)
		}
		r := response{status: status}
		if len(fields) > 1 {
			if r.body, err = os.ReadFile(filepath.Join("testdata", fields[1])); err != nil {
				t.Fatal(err)
			}
		}
		script = append(script, r)
	}
	if err := sc.Err(); err != nil || len(script) == 0 {
		t.Fatalf("script %s: empty or unreadable: %v", name, err)
	}
	return script
}

// metadataServer stands in for the ECS agent's endpoint on 127.0.0.1. It
// plays the script in order, repeating the last line, and returns the base
// URI (as in ECS_CONTAINER_METADATA_URI_V4) and a hit counter.
func metadataServer(t *testing.T, script []response) (string, *atomic.Int32) {
	t.Helper()
	const base = "/v4/5f2c0a7d9b1e4c3a8d6f0e1b2a3c4d5e-1843376150"
	hits := new(atomic.Int32)
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != base+"/task" {
			t.Errorf("request for %q, want %q", r.URL.Path, base+"/task")
			http.NotFound(w, r)
			return
		}
		n := int(hits.Add(1))
		resp := script[min(n, len(script))-1]
		if resp.hang {
			select {
			case <-r.Context().Done():
			case <-stop:
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(resp.status)
		w.Write(resp.body)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) }) // runs first: releases hanging handlers
	return srv.URL + base, hits
}

func TestFetch(t *testing.T) {
	tests := []struct {
		script   string
		memory   *uint64
		cpus     *float64
		wantErr  string
		hits     int32 // exact; 0 means "at least one"
		maxTaken time.Duration
	}{
		{script: "fargate-v4", memory: u64(1024 << 20), cpus: f64(0.5), hits: 1},
		{script: "503-then-200", memory: u64(1024 << 20), cpus: f64(0.5), hits: 3},
		{script: "429-then-200", memory: u64(2048 << 20), hits: 2},
		{script: "memory-only", memory: u64(2048 << 20), hits: 1},
		{script: "limits-missing", hits: 1},
		{script: "garbage", wantErr: "not a JSON object", hits: 1},
		{script: "not-found", wantErr: "404", hits: 1},
		{script: "permanent-500", wantErr: "500", hits: retryMax + 1, maxTaken: Budget},
		// The context deadline ends it; allow for scheduling on a busy host.
		{script: "hanging", wantErr: "deadline exceeded", maxTaken: Budget + 300*time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.script, func(t *testing.T) {
			uri, hits := metadataServer(t, loadScript(t, tt.script))
			start := time.Now()
			got, err := Fetch(context.Background(), nil, uri, nil)
			taken := time.Since(start)
			if got.URL != uri+"/task" || got.Source != Source {
				t.Errorf("URL, Source = %q, %q; want %q, %q", got.URL, got.Source, uri+"/task", Source)
			}
			if tt.hits != 0 && hits.Load() != tt.hits {
				t.Errorf("server saw %d requests, want %d", hits.Load(), tt.hits)
			}
			if hits.Load() == 0 {
				t.Error("server saw no request")
			}
			if tt.maxTaken != 0 && taken > tt.maxTaken {
				t.Errorf("took %s, want at most %s", taken, tt.maxTaken)
			}
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), uri+"/task") {
					t.Fatalf("error %v: want one naming %q and containing %q", err, uri+"/task", tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			checkLimits(t, got, tt.memory, tt.cpus)
		})
	}
}

func TestFetchHonoursCallerContext(t *testing.T) {
	uri, _ := metadataServer(t, loadScript(t, "hanging"))
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := Fetch(ctx, nil, uri, nil); err == nil {
		t.Fatal("want an error from a hanging endpoint")
	}
	if taken := time.Since(start); taken > time.Second {
		t.Errorf("took %s with a 150ms caller deadline", taken)
	}
}

// No connection to the endpoint stays open once Fetch returns: it would
// hold a transport, its buffers and two goroutines for 90 s.
func TestFetchClosesConnections(t *testing.T) {
	conns := testutil.NewConnTracker()
	body := loadScript(t, "fargate-v4")[0].body
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	srv.Config.ConnState = conns.State
	srv.Start()
	defer srv.Close()
	if _, err := Fetch(context.Background(), nil, srv.URL+"/v4/x", nil); err != nil {
		t.Fatal(err)
	}
	conns.WaitAllClosed(t, 5*time.Second)
}

type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestFetchUsesGivenClient(t *testing.T) {
	uri, _ := metadataServer(t, loadScript(t, "503-then-200"))
	tr := &countingTransport{}
	if _, err := Fetch(context.Background(), &http.Client{Transport: tr}, uri, nil); err != nil {
		t.Fatal(err)
	}
	if got := tr.n.Load(); got != 3 {
		t.Errorf("given client made %d requests, want 3", got)
	}
}

func TestFetchBadURI(t *testing.T) {
	for _, uri := range []string{"", "169.254.170.2/v4/x", "ftp://169.254.170.2/v4", "http://"} {
		if _, err := Fetch(context.Background(), nil, uri, nil); err == nil || !strings.Contains(err.Error(), strconv.Quote(uri)) {
			t.Errorf("Fetch(%q): error %v, want one quoting the URI", uri, err)
		}
	}
}

func TestNoteMentionsSidecars(t *testing.T) {
	if !strings.Contains(Note(), "sidecar") {
		t.Errorf("Note() = %q: the plan must say the task limit is shared", Note())
	}
}

// The endpoint is asked directly even when HTTP_PROXY is set (for the
// controller): it is link-local to the task. Loopback addresses are never
// proxied by Go, so the endpoint listens on a non-loopback address here.
func TestFetchBypassesProxy(t *testing.T) {
	ip := nonLoopbackIPv4(t)
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Fatal(err)
	}
	body, err := os.ReadFile(filepath.Join("testdata", "fargate-v4.json"))
	if err != nil {
		t.Fatal(err)
	}
	meta := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	meta.Listener.Close()
	meta.Listener = ln
	meta.Start()
	defer meta.Close()
	var proxied atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1)
		http.Error(w, "proxy says no", http.StatusBadGateway)
	}))
	defer proxy.Close()
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("http_proxy", proxy.URL)
	t.Setenv("NO_PROXY", "")
	t.Setenv("no_proxy", "")

	lim, err := Fetch(context.Background(), nil, meta.URL+"/v4/abc", nil)
	if err != nil || lim.MemoryBytes == nil {
		t.Fatalf("Fetch: %+v, %v", lim, err)
	}
	if n := proxied.Load(); n != 0 {
		t.Errorf("the proxy got %d requests for the task metadata endpoint", n)
	}
}

func nonLoopbackIPv4(t *testing.T) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	testutil.Unavailable(t, "no non-loopback IPv4 address to serve the endpoint on")
	return ""
}
