package backoff

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// server answers each request with the next status of statuses (the last
// one again once they run out) and records the client address of each.
type server struct {
	*httptest.Server
	mu       sync.Mutex
	statuses []int
	remotes  []string
	hit      chan struct{} // one value per request, if not nil
}

func newServer(t *testing.T, statuses ...int) *server {
	s := &server{statuses: statuses}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		i := min(len(s.remotes), len(s.statuses)-1)
		s.remotes = append(s.remotes, r.RemoteAddr)
		s.mu.Unlock()
		w.WriteHeader(s.statuses[i])
		// A body the retry has to read before the connection can be
		// used again.
		w.Write(bytes.Repeat([]byte("x"), 1000))
		if s.hit != nil {
			s.hit <- struct{}{}
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.remotes...)
}

func retry5xx(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	return err != nil || resp.StatusCode >= 500, nil
}

func get(t *testing.T, ctx context.Context, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestDoRetriesUntilSuccess(t *testing.T) {
	s := newServer(t, 503, 502, 200)
	var waits []int
	var logged bytes.Buffer
	resp, err := Do(get(t, context.Background(), s.URL), Retry{
		Client:  &http.Client{},
		Retries: 5,
		Check:   retry5xx,
		Wait:    func(n int) time.Duration { waits = append(waits, n); return time.Millisecond },
		Log:     slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Name:    "http://controller/",
	})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d, want 200", resp.StatusCode)
	}
	reqs := s.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3", len(reqs))
	}
	if len(waits) != 2 || waits[0] != 0 || waits[1] != 1 {
		t.Errorf("waits asked for retries %v, want [0 1]", waits)
	}
	// The answers that were retried were read and closed: one
	// connection carried every attempt.
	if reqs[0] != reqs[1] || reqs[1] != reqs[2] {
		t.Errorf("attempts came from %v: a connection was not reused", reqs)
	}
	for _, want := range []string{`msg="retrying request" url=http://controller/ retry=1 wait=1ms status=503`, "retry=2 wait=1ms status=502"} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logged.String())
		}
	}
}

func TestDoReturnsLastAnswerWhenRetriesRunOut(t *testing.T) {
	s := newServer(t, 503)
	resp, err := Do(get(t, context.Background(), s.URL), Retry{
		Client:  &http.Client{},
		Retries: 2,
		Check:   retry5xx,
		Wait:    func(int) time.Duration { return 0 },
	})
	if err != nil {
		t.Fatalf("err %v, want the last response", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 503 {
		t.Errorf("status %d, want 503", resp.StatusCode)
	}
	if n := len(s.requests()); n != 3 {
		t.Errorf("%d requests, want 3 (1 + 2 retries)", n)
	}
}

func TestDoStopsOnCheckError(t *testing.T) {
	s := newServer(t, 503)
	stop := errors.New("stop here")
	resp, err := Do(get(t, context.Background(), s.URL), Retry{
		Client:  &http.Client{},
		Retries: 5,
		Check:   func(context.Context, *http.Response, error) (bool, error) { return false, stop },
		Wait:    func(int) time.Duration { return 0 },
	})
	if resp != nil || err != stop {
		t.Errorf("Do = %v, %v; want nil, %v", resp, err, stop)
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestDoEndsWithContextDuringWait(t *testing.T) {
	s := newServer(t, 503)
	s.hit = make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.hit
		cancel()
	}()
	done := make(chan struct{})
	var resp *http.Response
	var err error
	go func() {
		defer close(done)
		resp, err = Do(get(t, ctx, s.URL), Retry{
			Client:  &http.Client{},
			Retries: 5,
			// Only the context can end this wait.
			Check: func(context.Context, *http.Response, error) (bool, error) { return true, nil },
			Wait:  func(int) time.Duration { return time.Hour },
		})
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Do did not return when its context ended during a wait")
	}
	if resp != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("Do = %v, %v; want nil, context.Canceled", resp, err)
	}
	if n := len(s.requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestDoRetriesConnectionErrors(t *testing.T) {
	// A port with nothing listening: every attempt is refused.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	attempts := 0
	var logged bytes.Buffer
	resp, err := Do(get(t, context.Background(), "http://"+addr+"/"), Retry{
		Client:  &http.Client{},
		Retries: 3,
		Check: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			attempts++
			return retry5xx(ctx, resp, err)
		},
		Wait: func(int) time.Duration { return 0 },
		Log:  slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Name: "http://" + addr + "/",
	})
	if resp != nil || err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("Do = %v, %v; want nil and the last dial error", resp, err)
	}
	if attempts != 4 {
		t.Errorf("%d attempts, want 4", attempts)
	}
	// Each failed request leaves a debug line, the last one included.
	if n := strings.Count(logged.String(), `msg="request failed"`); n != 4 {
		t.Errorf("%d \"request failed\" lines, want 4:\n%s", n, logged.String())
	}
}

func TestDoRefusesABody(t *testing.T) {
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:9/", strings.NewReader("data"))
	if err != nil {
		t.Fatal(err)
	}
	called := false
	_, err = Do(req, Retry{
		Client: &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			called = true
			return nil, errors.New("sent")
		})},
		Check: retry5xx,
		Wait:  func(int) time.Duration { return 0 },
	})
	if err == nil || called {
		t.Errorf("a request with a body: err %v, sent %v; want an error and nothing sent", err, called)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestDoStopsWithoutReadingAStalledBody(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100000")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte("partial"))
		w.(http.Flusher).Flush()
		<-release // the rest of the body never comes
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	stop := errors.New("forbidden: give up")
	done := make(chan error, 1)
	go func() {
		_, err := Do(get(t, context.Background(), srv.URL), Retry{
			// No timeout: only Do itself can end the wait.
			Client:  &http.Client{},
			Retries: 3,
			Check:   func(context.Context, *http.Response, error) (bool, error) { return false, stop },
			Wait:    func(int) time.Duration { return 0 },
		})
		done <- err
	}()
	select {
	case err := <-done:
		if err != stop {
			t.Errorf("Do = %v, want %v", err, stop)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Do read the stalled body of an answer its check stopped at")
	}
}
