package ecs

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/jenkins-launcher/launcher/internal/backoff"
)

// Bounds of one Fetch. The endpoint is local to the task, so anything
// slower than this is broken, and the agent must not wait on it.
const (
	// Budget bounds a whole Fetch, retries included.
	Budget = 2 * time.Second
	// attemptTimeout lets a stuck first attempt be retried within Budget.
	attemptTimeout = 700 * time.Millisecond
	retryMax       = 5
	retryWaitMin   = 50 * time.Millisecond
	retryWaitMax   = 400 * time.Millisecond
	maxBody        = 4 << 20
)

// Fetch GETs {uri}/task and reads "Limits": {"CPU": 0.25, "Memory": 512}
// (CPU in vCPUs, Memory in MiB). Early in a container's life the endpoint
// can answer 5xx, so 5xx, 429 and connection errors are retried briefly;
// Fetch gives up within Budget in total. A nil client gets one with a
// per-attempt timeout. Garbage or a non-task document is an error naming
// the URL; absent Limits fields are nil.
func Fetch(ctx context.Context, client *http.Client, uri string, logger *slog.Logger) (TaskLimits, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	taskURL, err := taskURL(uri)
	if err != nil {
		return TaskLimits{Source: Source}, err
	}
	limits := TaskLimits{Source: Source, URL: taskURL}
	if client == nil {
		client = directClient()
		// Nothing else is asked of the endpoint: a kept-alive connection
		// would hold a transport, its buffers and two goroutines for 90 s.
		defer client.CloseIdleConnections()
	}
	ctx, cancel := context.WithTimeout(ctx, Budget)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, taskURL, nil)
	if err != nil {
		return limits, fmt.Errorf("ecs task metadata %s: %w", taskURL, err)
	}
	req.Header.Set("Accept", "application/json")
	start := time.Now()
	// The last response when the retries run out, so the error can name
	// its status. Retry-After is not read: it could ask for longer than
	// the whole Budget.
	resp, err := backoff.Do(req, backoff.Retry{
		Client:  client,
		Retries: retryMax,
		Check:   retryPolicy(logger, taskURL),
		Wait:    func(n int) time.Duration { return backoff.Step(retryWaitMin, retryWaitMax, n) },
	})
	if err != nil {
		return limits, fmt.Errorf("ecs task metadata %s: gave up after %s: %w",
			taskURL, time.Since(start).Round(time.Millisecond), err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return limits, fmt.Errorf("ecs task metadata %s: status %q", taskURL, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return limits, fmt.Errorf("ecs task metadata %s: reading body: %w", taskURL, err)
	}
	if len(body) > maxBody {
		return limits, fmt.Errorf("ecs task metadata %s: body larger than %d bytes", taskURL, maxBody)
	}
	limits, err = decodeTask(body, taskURL)
	if err != nil {
		return limits, err
	}
	logger.Debug("ecs task metadata read", "url", taskURL,
		"memory_bytes", derefOr(limits.MemoryBytes), "cpus", derefOr(limits.CPUs))
	return limits, nil
}

// taskURL validates the base URI from the environment and appends /task.
func taskURL(uri string) (string, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", fmt.Errorf("ecs task metadata URI %q: %w", uri, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("ecs task metadata URI %q: want http://host[:port]/path", uri)
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/task"
	return u.String(), nil
}

// retryPolicy retries what an endpoint that is still starting answers:
// connection errors, 5xx and 429. It stops as soon as ctx is done, so the
// Budget holds.
func retryPolicy(logger *slog.Logger, taskURL string) func(context.Context, *http.Response, error) (bool, error) {
	return func(ctx context.Context, resp *http.Response, err error) (bool, error) {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return false, ctxErr
		}
		switch {
		case err != nil:
			logger.Debug("ecs task metadata: retrying", "url", taskURL, "error", err)
			return true, nil
		case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
			logger.Debug("ecs task metadata: retrying", "url", taskURL, "status", resp.StatusCode)
			return true, nil
		}
		return false, nil
	}
}

func derefOr[T any](p *T) any {
	if p == nil {
		return "none"
	}
	return *p
}

// directClient asks the endpoint without a proxy: it is link-local to the
// task (169.254.170.2), and a proxy from HTTP_PROXY, set for the controller,
// could only fail to reach it or see what the task asks.
func directClient() *http.Client {
	return &http.Client{Timeout: attemptTimeout, Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
}
