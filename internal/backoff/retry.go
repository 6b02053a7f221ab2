package backoff

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// Retry says how Do repeats a request.
type Retry struct {
	Client *http.Client
	// Retries is how many times the request is sent again after the first
	// attempt, at most.
	Retries int
	// Check decides after each attempt: again (true), or done. A non-nil
	// error ends Do with that error (the context's end, typically).
	Check func(ctx context.Context, resp *http.Response, err error) (bool, error)
	// Wait is the pause before retry number n (0 for the first).
	Wait func(n int) time.Duration
	// Log gets a debug line for each failed request and each retry; nil
	// logs nothing.
	Log *slog.Logger
	// Name is the URL as logs may show it (without credentials).
	Name string
}

// drainLimit is how much of an answer that will be retried is read, so
// that its connection can carry the next attempt.
const drainLimit = 4096

// Do sends req, and again while r.Check asks for it and retries remain,
// waiting r.Wait in between. req must have no body: it is sent as is each
// time. Do returns the last attempt's response and error as the client
// gave them (a 503 when the retries ran out is a response, not an error),
// or, with a nil response, the error of r.Check or of the context ending
// during a wait.
//
// This is the part of hashicorp/go-retryablehttp the launcher used (a
// check, a backoff, the last answer passed through); that package's init
// compiled four regular expressions and built a default client on every
// start, which cost 0.3-0.4 ms (README, Dependencies).
func Do(req *http.Request, r Retry) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		return nil, errors.New("backoff.Do: a request with a body cannot be sent again")
	}
	ctx := req.Context()
	for n := 0; ; n++ {
		resp, err := r.Client.Do(req)
		if err != nil && r.Log != nil {
			r.Log.Debug("request failed", "url", r.Name, "attempt", n+1, "error", err)
		}
		again, stop := r.Check(ctx, resp, err)
		if stop != nil {
			// Closed unread: the connection is not wanted any more,
			// and reading a body that stalls would hold up the stop.
			if resp != nil {
				resp.Body.Close()
			}
			r.Client.CloseIdleConnections()
			return nil, stop
		}
		if !again || n >= r.Retries {
			if err != nil || again {
				// Failed for good: nothing to keep a connection for.
				r.Client.CloseIdleConnections()
			}
			return resp, err
		}
		wait := r.Wait(n)
		if r.Log != nil {
			args := []any{"url", r.Name, "retry", n + 1, "wait", wait}
			if err != nil {
				args = append(args, "error", err)
			} else {
				args = append(args, "status", resp.StatusCode)
			}
			r.Log.Debug("retrying request", args...)
		}
		discard(resp)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			r.Client.CloseIdleConnections()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// discard reads a little of resp's body, so that a keep-alive connection
// can be used again, and closes it.
func discard(resp *http.Response) {
	if resp == nil {
		return
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
	resp.Body.Close()
}
