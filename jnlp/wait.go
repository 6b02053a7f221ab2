package jnlp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// WaitOptions tunes WaitReady. Zero values take the defaults.
type WaitOptions struct {
	Timeout        time.Duration    // LAUNCHER_CONNECT_TIMEOUT; 0 skips the wait
	Logger         *slog.Logger     // nil = silent
	Now            func() time.Time // clock for the elapsed time in log lines; default time.Now
	Client         *SharedClient    // nil: a client of the call's own, closed when it returns
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
	case a.Mode == ModeStdio:
		return "none (no controller address: the agent talks over stdin and stdout, or -connectTo/-tcp)"
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
	last   string            // the most recent failure cause
	lasts  map[string]string // the most recent failure cause of each target
	client *http.Client
}

// WaitReady blocks until the controller is ready, ctx is done, or
// o.Timeout passes. TCP mode: GET {url}/tcpSlaveAgentListener/ answers 200
// with X-Jenkins-JNLP-Port (or X-Hudson-JNLP-Port); websocket: GET
// {url}/login answers 200; direct: a TCP connection opens. With several URLs
// it probes them concurrently and is ready when any is. Each attempt logs
// one line. It returns the URL (or direct address) that answered first,
// "" when there was nothing to wait for. On timeout it returns
// *TimeoutError; when ctx ends first it returns context.Cause(ctx)
// promptly, even mid-request.
func WaitReady(ctx context.Context, a Agent, o WaitOptions) (string, error) {
	if o.Timeout <= 0 || a.Info {
		return "", nil
	}
	targets := a.URLs
	if a.Mode == ModeDirect {
		targets = []string{a.Direct}
	}
	if len(targets) == 0 {
		return "", nil
	}
	w := &waiter{a: a, o: withDefaults(o), log: o.Logger}
	if w.log == nil {
		w.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	w.start = w.o.Now()
	if a.Mode != ModeDirect {
		shared := o.Client
		if shared == nil {
			// A kept-alive connection would hold the client, its TLS
			// state and roots for the transport's idle timeout (90 s),
			// in a supervisor meant to be small by then.
			shared = NewSharedClient(a)
			defer shared.Close()
		}
		c, err := shared.get()
		if err != nil {
			return "", err
		}
		// The same transport, with a timeout per attempt.
		perAttempt := *c
		perAttempt.Timeout = w.o.AttemptTimeout
		w.client = &perAttempt
	}

	wctx, cancel := context.WithTimeoutCause(ctx, w.o.Timeout, errWaitTimeout)
	defer cancel()
	type result struct {
		target string
		err    error
	}
	results := make(chan result, len(targets))
	for _, t := range targets {
		go func() {
			if a.Mode == ModeDirect {
				results <- result{t, w.probeTCP(wctx, t)}
			} else {
				results <- result{t, w.probeHTTP(wctx, t)}
			}
		}()
	}
	var ready string
	for range targets {
		if r := <-results; r.err == nil && ready == "" {
			ready = r.target
			cancel() // stop the other probes; wait for them to return
		}
	}
	switch {
	case ready != "":
		return ready, nil
	case ctx.Err() != nil:
		return "", context.Cause(ctx)
	}
	var shown []string
	for _, t := range targets {
		shown = append(shown, RedactURL(t))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	last := w.last
	if len(targets) > 1 {
		// Each URL's own: the last of all hides why the others failed.
		var each []string
		for i, t := range targets {
			if c := w.lasts[t]; c != "" {
				each = append(each, shown[i]+": "+c)
			}
		}
		last = strings.Join(each, "; ")
	}
	if last == "" {
		last = "timeout"
	}
	return "", &TimeoutError{URL: strings.Join(shown, ", "), LastCause: last, Timeout: w.o.Timeout}
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
