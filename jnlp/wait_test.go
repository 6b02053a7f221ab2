package jnlp

import (
	"context"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/testutil"
)

func TestWaitReadyControllerStartsLate(t *testing.T) {
	addr := freeAddr(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(jenkins))
	defer srv.Close()
	rec := &recorder{}
	rec.hook = onAttempt(2, func() {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("reopening %s: %v", addr, err)
			return
		}
		srv.Listener = ln
		srv.Start()
	})
	if _, err := WaitReady(context.Background(), tcpAgent("http://"+addr+"/"), fastWait(rec, 10*time.Second)); err != nil {
		t.Fatal(err)
	}
	failed := rec.find("controller not ready")
	if len(failed) < 2 || failed[0].attrs["cause"] != "connection refused" {
		t.Fatalf("failed attempts %v, want at least 2 refused", failed)
	}
	ready := rec.find("controller ready")
	if len(ready) != 1 || ready[0].attrs["attempt"] != "3" && len(failed) == 2 {
		t.Fatalf("ready lines %v after %d failures", ready, len(failed))
	}
	for _, l := range failed {
		if l.attrs["limit"] != "10s" || l.attrs["elapsed"] == "" || l.attrs["url"] == "" {
			t.Errorf("attempt line lacks elapsed/limit/url: %v", l.attrs)
		}
	}
}

func TestWaitReadyStatusSequence(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		failures  int32
		wantCause string
		wantHints int
	}{
		{"503-then-200", http.StatusServiceUnavailable, 2, "HTTP 503 Service Unavailable", 0},
		{"404-tcp-port-disabled", http.StatusNotFound, 4, "HTTP 404 Not Found", 1},
		{"403-then-200", http.StatusForbidden, 1, "HTTP 403 Forbidden", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			var nodeName atomic.Value
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				nodeName.Store(r.Header.Get("Node-Name"))
				if r.URL.Path != "/tcpSlaveAgentListener/" {
					http.NotFound(w, r)
					return
				}
				if n.Add(1) <= tc.failures {
					w.WriteHeader(tc.status)
					return
				}
				jenkins(w, r)
			}))
			defer srv.Close()
			rec := &recorder{}
			if _, err := WaitReady(context.Background(), tcpAgent(srv.URL), fastWait(rec, 10*time.Second)); err != nil {
				t.Fatal(err)
			}
			failed := rec.find("controller not ready")
			if int32(len(failed)) != tc.failures || failed[0].attrs["cause"] != tc.wantCause {
				t.Errorf("failed attempts %v, want %d with %q", failed, tc.failures, tc.wantCause)
			}
			var hints int
			for _, l := range rec.recs {
				if strings.Contains(l.msg, "JENKINS_WEB_SOCKET=true") {
					hints++
				}
			}
			if hints != tc.wantHints {
				t.Errorf("%d websocket hints, want %d", hints, tc.wantHints)
			}
			if nodeName.Load() != "agent-1" {
				t.Errorf("Node-Name header %q", nodeName.Load())
			}
		})
	}
}

func TestWaitReadyRedirect(t *testing.T) {
	var nodeName atomic.Value
	mux := http.NewServeMux()
	mux.HandleFunc("/tcpSlaveAgentListener/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/jenkins/tcpSlaveAgentListener/", http.StatusFound)
	})
	mux.HandleFunc("/jenkins/tcpSlaveAgentListener/", func(w http.ResponseWriter, r *http.Request) {
		nodeName.Store(r.Header.Get("Node-Name"))
		jenkins(w, r)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	rec := &recorder{}
	if _, err := WaitReady(context.Background(), tcpAgent(srv.URL), fastWait(rec, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if nodeName.Load() != "agent-1" {
		t.Errorf("redirected request lost Node-Name: %v", nodeName.Load())
	}
}

func TestWaitReadyNotJenkins(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	_, err := WaitReady(context.Background(), tcpAgent(srv.URL), fastWait(&recorder{}, 200*time.Millisecond))
	var te *TimeoutError
	if !errors.As(err, &te) || !strings.Contains(te.LastCause, "X-Jenkins-JNLP-Port") {
		t.Fatalf("err %v, want a timeout because the answer is not Jenkins", err)
	}
}

func TestWaitReadyTLS(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(jenkins))
	defer srv.Close()
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	pemFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(pemFile, []byte(pemText), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		extra []string
		cause string // "" = ready
	}{
		{"cert-pem-text", []string{"-cert", pemText}, ""},
		{"cert-at-file", []string{"-cert", "@" + pemFile}, ""},
		{"no-cert", nil, "TLS: certificate signed by an unknown authority"},
		{"no-certificate-check", []string{"-noCertificateCheck"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := func(k string) (string, bool) {
				v, ok := map[string]string{"JENKINS_SECRET": "s3cr3t", "JENKINS_AGENT_NAME": "agent-1"}[k]
				return v, ok
			}
			a, err := Parse(env, append([]string{"-url", srv.URL}, tc.extra...))
			if err != nil {
				t.Fatal(err)
			}
			_, err = WaitReady(context.Background(), a, fastWait(&recorder{}, 300*time.Millisecond))
			if tc.cause == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var te *TimeoutError
			if !errors.As(err, &te) || !strings.HasPrefix(te.LastCause, tc.cause) {
				t.Fatalf("err %v, want a timeout with cause %q", err, tc.cause)
			}
		})
	}
}

// Once ready, no connection to the controller stays open: a kept-alive one
// would hold the HTTP client, its TLS state and the roots it verified with
// in the supervisor for the transport's idle timeout.
func TestWaitReadyClosesConnections(t *testing.T) {
	conns := testutil.NewConnTracker()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(jenkins))
	srv.Config.ConnState = conns.State
	srv.StartTLS()
	defer srv.Close()
	pemText := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	a := tcpAgent(srv.URL)
	a.Certs = []string{pemText}
	if _, err := WaitReady(context.Background(), a, fastWait(&recorder{}, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	conns.WaitAllClosed(t, 5*time.Second)
}

func TestWaitReadyAttemptTimeout(t *testing.T) {
	var started atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		started.Add(1)
		<-r.Context().Done() // hang until the client gives up
	}))
	defer srv.Close()
	o := fastWait(&recorder{}, 800*time.Millisecond)
	o.AttemptTimeout = 100 * time.Millisecond
	_, err := WaitReady(context.Background(), tcpAgent(srv.URL), o)
	var te *TimeoutError
	// "timeout" from an attempt's own limit, or cutOff when the wait's
	// limit ended the last one.
	if !errors.As(err, &te) || !strings.Contains(te.LastCause, "timeout") {
		t.Fatalf("err %v, want *TimeoutError with a timeout cause", err)
	}
	if started.Load() < 3 {
		t.Errorf("%d attempts in 800ms with a 100ms attempt timeout: the attempt timeout did not cut them", started.Load())
	}
}

func TestWaitReadyTimeoutNamesURLAndCause(t *testing.T) {
	addr := freeAddr(t)
	start := time.Now()
	_, err := WaitReady(context.Background(), tcpAgent("http://bob:pw@"+addr+"/"), fastWait(&recorder{}, 300*time.Millisecond))
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err %v, want *TimeoutError", err)
	}
	if te.URL != "http://bob:****@"+addr+"/" || te.LastCause != "connection refused" {
		t.Errorf("TimeoutError %+v", te)
	}
	if msg := err.Error(); !strings.Contains(msg, addr) || !strings.Contains(msg, "connection refused") || strings.Contains(msg, "pw") {
		t.Errorf("message %q", msg)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v for a 300ms limit", d)
	}
}

func TestWaitReadyWebSocket(t *testing.T) {
	var loginHits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		if loginHits.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
	})
	mux.HandleFunc("/tcpSlaveAgentListener/", http.NotFound)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	a := Agent{URLs: []string{srv.URL + "/"}, Mode: ModeWebSocket, WebSocket: true, Name: "n"}
	if _, err := WaitReady(context.Background(), a, fastWait(&recorder{}, 5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if loginHits.Load() != 2 {
		t.Errorf("%d GET /login, want 2", loginHits.Load())
	}
}

func TestWaitReadyDirectStartsLate(t *testing.T) {
	addr := freeAddr(t)
	rec := &recorder{}
	var ln net.Listener
	rec.hook = onAttempt(2, func() {
		var err error
		if ln, err = net.Listen("tcp", addr); err != nil {
			t.Errorf("reopening %s: %v", addr, err)
		}
	})
	a := Agent{Mode: ModeDirect, Direct: addr, InstanceIdentity: "x", Name: "n"}
	_, err := WaitReady(context.Background(), a, fastWait(rec, 10*time.Second))
	if ln != nil {
		ln.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	if r := rec.find("controller ready"); len(r) != 1 || r[0].attrs["url"] != addr {
		t.Errorf("ready lines %v", r)
	}
}

func TestWaitReadySeveralURLs(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(jenkins))
	defer srv.Close()
	dead := "http://" + freeAddr(t) + "/"
	rec := &recorder{}
	ready, err := WaitReady(context.Background(), tcpAgent(dead, srv.URL), fastWait(rec, 5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	if ready != srv.URL {
		t.Errorf("WaitReady returned %q, want the URL that answered, %q", ready, srv.URL)
	}
	if r := rec.find("controller ready"); len(r) != 1 || r[0].attrs["url"] != srv.URL {
		t.Errorf("ready lines %v", r)
	}
	_, err = WaitReady(context.Background(), tcpAgent(dead, "http://"+freeAddr(t)+"/"), fastWait(rec, 200*time.Millisecond))
	var te *TimeoutError
	if !errors.As(err, &te) || !strings.Contains(te.URL, ", ") {
		t.Errorf("err %v, want a timeout naming both URLs", err)
	}
}

func TestWaitReadySkipped(t *testing.T) {
	rec := &recorder{}
	o := fastWait(rec, 0)
	if _, err := WaitReady(context.Background(), tcpAgent("http://"+freeAddr(t)+"/"), o); err != nil {
		t.Fatal(err)
	}
	if len(rec.recs) != 0 {
		t.Errorf("a skipped wait logged %v", rec.recs)
	}
	o.Timeout = time.Second
	if _, err := WaitReady(context.Background(), Agent{Info: true}, o); err != nil {
		t.Fatal(err)
	}
}

func TestReadinessCheck(t *testing.T) {
	for _, tc := range []struct {
		a    Agent
		want string
	}{
		{tcpAgent("http://u:p@j:8080"), "GET http://u:****@j:8080/tcpSlaveAgentListener/"},
		{Agent{URLs: []string{"https://j/"}, Mode: ModeWebSocket}, "GET https://j/login"},
		{Agent{Mode: ModeDirect, Direct: "j:50000"}, "TCP connect j:50000"},
		{tcpAgent("http://a/", "http://b/"), "GET http://a/tcpSlaveAgentListener/ or GET http://b/tcpSlaveAgentListener/"},
	} {
		if got := ReadinessCheck(tc.a); got != tc.want {
			t.Errorf("ReadinessCheck = %q, want %q", got, tc.want)
		}
	}
}

func TestWaitReadyHonoursProxyEnv(t *testing.T) {
	if _, err := WaitReady(context.Background(), tcpAgent("http://controller.test/"), fastWait(&recorder{}, 5*time.Second)); err != nil {
		t.Fatalf("through HTTP_PROXY: %v", err)
	}
	if _, ok := proxySeen.Load("controller.test"); !ok {
		t.Error("the request did not go through HTTP_PROXY")
	}
	_, err := WaitReady(context.Background(), tcpAgent("http://skip.test/"), fastWait(&recorder{}, 300*time.Millisecond))
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("NO_PROXY host: %v, want a timeout (no such host here)", err)
	}
	if _, ok := proxySeen.Load("skip.test"); ok {
		t.Error("a NO_PROXY host went through the proxy")
	}
}

// An attempt that the wait's limit cuts off is logged and named as the
// cause: a controller that never answers otherwise left no line at all.
func TestWaitReadyAttemptCutByLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer srv.Close()
	rec := &recorder{}
	o := fastWait(rec, 300*time.Millisecond)
	o.AttemptTimeout = 10 * time.Second
	_, err := WaitReady(context.Background(), tcpAgent(srv.URL), o)
	var te *TimeoutError
	if !errors.As(err, &te) || te.LastCause != cutOff {
		t.Fatalf("err %v, want *TimeoutError with cause %q", err, cutOff)
	}
	if lines := rec.find("controller not ready"); len(lines) != 1 || lines[0].attrs["cause"] != cutOff {
		t.Errorf("attempt lines %v, want one with cause %q", lines, cutOff)
	}
}

// With several URLs the timeout names each one's last cause.
func TestWaitReadyTimeoutCausePerURL(t *testing.T) {
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer busy.Close()
	refused := "http://" + freeAddr(t)
	a := tcpAgent(busy.URL)
	a.URLs = append(a.URLs, refused)
	_, err := WaitReady(context.Background(), a, fastWait(&recorder{}, 300*time.Millisecond))
	var te *TimeoutError
	if !errors.As(err, &te) {
		t.Fatalf("err %v, want *TimeoutError", err)
	}
	for _, want := range []string{busy.URL + ": HTTP 503", refused + ": "} {
		if !strings.Contains(te.LastCause, want) {
			t.Errorf("cause %q does not contain %q", te.LastCause, want)
		}
	}
}
