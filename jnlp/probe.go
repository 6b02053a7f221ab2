package jnlp

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"time"

	"github.com/jenkins-launcher/launcher/internal/backoff"
)

// attempt logs one failed or successful attempt and records its cause.
func (w *waiter) attempt(n int, target, cause string) {
	elapsed := w.o.Now().Sub(w.start).Round(time.Millisecond)
	if cause == "" {
		w.log.Info("controller ready", "attempt", n, "elapsed", elapsed.String(),
			"limit", w.o.Timeout.String(), "url", RedactURL(target))
		return
	}
	w.mu.Lock()
	if w.lasts == nil {
		w.lasts = map[string]string{}
	}
	// An attempt the limit cut off says less than the failures before
	// it (it may have been a refused dial in flight): the cause only
	// when there is no other.
	if cause != cutOff || w.lasts[target] == "" {
		w.last = cause
		w.lasts[target] = cause
	}
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
			if err != nil && cutByLimit(ctx) {
				// The last attempt ran into the limit: say so, or
				// a hanging controller leaves no line at all.
				n++
				w.attempt(n, target, cutOff)
			}
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
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("readiness URL %q: %w", RedactURL(u), err)
	}
	if w.a.Name != "" {
		req.Header.Set("Node-Name", w.a.Name)
	}
	req.Header.Set("User-Agent", "jenkins-launcher")
	resp, err := backoff.Do(req, backoff.Retry{
		Client:  w.client,
		Retries: math.MaxInt32, // the context's deadline bounds the wait
		Check:   check,
		Wait:    func(n int) time.Duration { return jitterBackoff(w.o.MinWait, w.o.MaxWait, n) },
		Log:     w.log,
		Name:    RedactURL(u),
	})
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
			} else if cutByLimit(ctx) {
				w.attempt(n, addr, cutOff)
			}
			return ctx.Err()
		}
		if err == nil {
			conn.Close()
			w.attempt(n, addr, "")
			return nil
		}
		w.attempt(n, addr, describe(err))
		t := time.NewTimer(jitterBackoff(w.o.MinWait, w.o.MaxWait, n-1))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// cutOff is the cause of an attempt that LAUNCHER_CONNECT_TIMEOUT ended.
const cutOff = "no answer before the connect timeout"

// cutByLimit says whether ctx ended because the wait's limit passed (not a
// signal, nor another URL that answered first).
func cutByLimit(ctx context.Context) bool {
	return errors.Is(context.Cause(ctx), errWaitTimeout)
}
