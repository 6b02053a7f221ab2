package jnlp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// WaitOptions tunes WaitReady. Zero values take the defaults.
type WaitOptions struct {
	Timeout        time.Duration    // LAUNCHER_CONNECT_TIMEOUT; 0 skips the wait
	Logger         *slog.Logger     // nil = silent
	Now            func() time.Time // clock for the elapsed time in log lines; default time.Now
	Client         *http.Client     // default NewHTTPClient(a, AttemptTimeout)
	AttemptTimeout time.Duration    // per attempt; default DefaultAttemptTimeout
	MinWait        time.Duration    // first backoff step; default DefaultMinWait
	MaxWait        time.Duration    // backoff cap; default DefaultMaxWait
}

// TimeoutError says the controller was not ready within the limit.
type TimeoutError struct {
	URL       string // redacted; several are joined with ", "
	LastCause string
	Timeout   time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("controller %s not ready after %s; last cause: %s", e.URL, e.Timeout, e.LastCause)
}

var errWaitTimeout = errors.New("connect timeout")

// ReadinessCheck describes what WaitReady checks, for the plan.
func ReadinessCheck(a Agent) string {
	switch {
	case a.Info:
		return "none (-help/-version)"
	case a.Mode == ModeDirect:
		return "TCP connect " + a.Direct
	case len(a.URLs) == 0:
		return "none (-jnlpUrl)"
	}
	var s []string
	for _, u := range a.URLs {
		s = append(s, "GET "+RedactURL(probeURL(a.Mode, u)))
	}
	return strings.Join(s, " or ")
}

func probeURL(m Mode, base string) string {
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	if m == ModeWebSocket {
		return base + "login"
	}
	return base + "tcpSlaveAgentListener/"
}

// waiter is the state one WaitReady call shares between its probes.
type waiter struct {
	a      Agent
	o      WaitOptions
	log    *slog.Logger
	start  time.Time
	hint   sync.Once
	mu     sync.Mutex
	last   string // the most recent failure cause
	client *http.Client
}

// WaitReady blocks until the controller is ready, ctx is done, or
// o.Timeout passes. TCP mode: GET {url}/tcpSlaveAgentListener/ answers 200
// with X-Jenkins-JNLP-Port (or X-Hudson-JNLP-Port); websocket: GET
// {url}/login answers 200; direct: a TCP connection opens. With several URLs
// it probes them concurrently and is ready when any is. Each attempt logs
// one line. On timeout it returns *TimeoutError; when ctx ends first it
// returns context.Cause(ctx) promptly, even mid-request.
func WaitReady(ctx context.Context, a Agent, o WaitOptions) error {
	if o.Timeout <= 0 || a.Info {
		return nil
	}
	targets := a.URLs
	if a.Mode == ModeDirect {
		targets = []string{a.Direct}
	}
	if len(targets) == 0 {
		return nil
	}
	w := &waiter{a: a, o: withDefaults(o), log: o.Logger}
	if w.log == nil {
		w.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	w.start = w.o.Now()
	if a.Mode != ModeDirect {
		c, err := w.httpClient()
		if err != nil {
			return err
		}
		w.client = c
	}

	wctx, cancel := context.WithTimeoutCause(ctx, w.o.Timeout, errWaitTimeout)
	defer cancel()
	results := make(chan error, len(targets))
	for _, t := range targets {
		go func() {
			if a.Mode == ModeDirect {
				results <- w.probeTCP(wctx, t)
			} else {
				results <- w.probeHTTP(wctx, t)
			}
		}()
	}
	var ready bool
	for range targets {
		if err := <-results; err == nil && !ready {
			ready = true
			cancel() // stop the other probes; wait for them to return
		}
	}
	switch {
	case ready:
		return nil
	case ctx.Err() != nil:
		return context.Cause(ctx)
	}
	var shown []string
	for _, t := range targets {
		shown = append(shown, RedactURL(t))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	last := w.last
	if last == "" {
		last = "timeout"
	}
	return &TimeoutError{URL: strings.Join(shown, ", "), LastCause: last, Timeout: w.o.Timeout}
}

func withDefaults(o WaitOptions) WaitOptions {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.AttemptTimeout <= 0 {
		o.AttemptTimeout = DefaultAttemptTimeout
	}
	if o.MinWait <= 0 {
		o.MinWait = DefaultMinWait
	}
	if o.MaxWait <= 0 {
		o.MaxWait = DefaultMaxWait
	}
	if o.MaxWait < o.MinWait {
		o.MaxWait = o.MinWait
	}
	return o
}

// httpClient is o.Client with the per-attempt timeout, or a new one.
func (w *waiter) httpClient() (*http.Client, error) {
	if w.o.Client == nil {
		return NewHTTPClient(w.a, w.o.AttemptTimeout)
	}
	c := *w.o.Client
	if c.Timeout == 0 {
		c.Timeout = w.o.AttemptTimeout
	}
	return &c, nil
}

// attempt logs one failed or successful attempt and records its cause.
func (w *waiter) attempt(n int, target, cause string) {
	elapsed := w.o.Now().Sub(w.start).Round(time.Millisecond)
	if cause == "" {
		w.log.Info("controller ready", "attempt", n, "elapsed", elapsed.String(),
			"limit", w.o.Timeout.String(), "url", RedactURL(target))
		return
	}
	w.mu.Lock()
	w.last = cause
	w.mu.Unlock()
	w.log.Info("controller not ready", "attempt", n, "elapsed", elapsed.String(),
		"limit", w.o.Timeout.String(), "url", RedactURL(target), "cause", cause)
}

// readyCause is "" when resp says the controller is ready, else why not.
func (w *waiter) readyCause(resp *http.Response) string {
	if resp.StatusCode != http.StatusOK {
		return httpStatus(resp)
	}
	if w.a.Mode == ModeTCP && resp.Header.Get("X-Jenkins-JNLP-Port") == "" && resp.Header.Get("X-Hudson-JNLP-Port") == "" {
		return "HTTP 200 without X-Jenkins-JNLP-Port: not a Jenkins controller?"
	}
	return ""
}

func (w *waiter) probeHTTP(ctx context.Context, target string) error {
	n := 0
	u := probeURL(w.a.Mode, target)
	check := func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		n++
		cause := ""
		if err != nil {
			cause = describe(err)
		} else {
			cause = w.readyCause(resp)
		}
		w.attempt(n, target, cause)
		if resp != nil && resp.StatusCode == http.StatusNotFound && w.a.Mode == ModeTCP {
			w.hint.Do(func() {
				w.log.Warn("the controller answers 404 at /tcpSlaveAgentListener/: its TCP agent port may be disabled; set JENKINS_WEB_SOCKET=true to connect by websocket",
					"url", RedactURL(target))
			})
		}
		return cause != "", nil
	}
	rc := &retryablehttp.Client{
		HTTPClient:   w.client,
		Logger:       debugLogger{w.log},
		RetryWaitMin: w.o.MinWait,
		RetryWaitMax: w.o.MaxWait,
		RetryMax:     math.MaxInt32, // the context's deadline bounds the wait
		CheckRetry:   check,
		Backoff:      jitterBackoff,
		ErrorHandler: retryablehttp.PassthroughErrorHandler,
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("readiness URL %q: %w", RedactURL(u), err)
	}
	if w.a.Name != "" {
		req.Header.Set("Node-Name", w.a.Name)
	}
	req.Header.Set("User-Agent", "jenkins-launcher")
	resp, err := rc.Do(req)
	if resp != nil {
		resp.Body.Close()
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		return err
	}
	if c := w.readyCause(resp); c != "" {
		return errors.New(c)
	}
	return nil
}

func (w *waiter) probeTCP(ctx context.Context, addr string) error {
	d := net.Dialer{Timeout: w.o.AttemptTimeout}
	for n := 1; ; n++ {
		conn, err := d.DialContext(ctx, "tcp", addr)
		if ctx.Err() != nil {
			if conn != nil {
				conn.Close()
			}
			return ctx.Err()
		}
		if err == nil {
			conn.Close()
			w.attempt(n, addr, "")
			return nil
		}
		w.attempt(n, addr, describe(err))
		t := time.NewTimer(jitterBackoff(w.o.MinWait, w.o.MaxWait, n-1, nil))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// debugLogger is retryablehttp's LeveledLogger on our logger at debug level:
// WaitReady logs each attempt itself, once.
type debugLogger struct{ l *slog.Logger }

func (d debugLogger) Error(msg string, kv ...interface{}) { d.l.Debug(msg, kv...) }
func (d debugLogger) Info(msg string, kv ...interface{})  { d.l.Debug(msg, kv...) }
func (d debugLogger) Debug(msg string, kv ...interface{}) { d.l.Debug(msg, kv...) }
func (d debugLogger) Warn(msg string, kv ...interface{})  { d.l.Debug(msg, kv...) }
