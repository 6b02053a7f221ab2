package jnlp

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jenkins-launcher/launcher/internal/backoff"
	"github.com/jenkins-launcher/launcher/internal/testutil"
)

// readyRun is one measurement: how long after the controller turned ready
// WaitReady returned, and the backoff step in force at that moment.
type readyRun struct {
	latency, step time.Duration
}

// measureReady starts a controller that answers 503 until readyAfter has
// passed, waits for it and measures the delay between readiness and return.
func measureReady(tb testing.TB, minW, maxW, readyAfter time.Duration) readyRun {
	tb.Helper()
	var readyAt atomic.Int64
	var failures atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if readyAt.Load() == 0 {
			failures.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		jenkins(w, r)
	}))
	defer srv.Close()
	timer := time.AfterFunc(readyAfter, func() { readyAt.Store(time.Now().UnixNano()) })
	defer timer.Stop()
	o := WaitOptions{Timeout: time.Minute, MinWait: minW, MaxWait: maxW, AttemptTimeout: 5 * time.Second}
	if _, err := WaitReady(context.Background(), tcpAgent(srv.URL), o); err != nil {
		tb.Fatal(err)
	}
	done := time.Now()
	at := readyAt.Load()
	if at == 0 {
		tb.Fatal("WaitReady returned before the controller was ready")
	}
	n := int(failures.Load())
	step := time.Duration(0)
	if n > 0 {
		step = backoff.Step(minW, maxW, n-1)
	}
	return readyRun{latency: done.Sub(time.Unix(0, at)), step: step}
}

func runReady(tb testing.TB, runs int, minW, maxW, spread time.Duration) []readyRun {
	out := make([]readyRun, runs)
	for i := range out {
		out[i] = measureReady(tb, minW, maxW, rand.N(spread))
	}
	return out
}

func percentile(rs []readyRun, p float64) time.Duration {
	ls := make([]time.Duration, len(rs))
	for i, r := range rs {
		ls[i] = r.latency
	}
	return testutil.Quantile(ls, p)
}

// TestReadyLatencyWithinStep: the agent never starts later than the current
// backoff step after the controller is ready, plus a slack for the request's
// round trip and for scheduling on a loaded machine under -race (measured
// overshoot there: up to ~70ms; the benchmark reports it).
func TestReadyLatencyWithinStep(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	const slack = 150 * time.Millisecond
	for _, r := range runReady(t, 20, 2*time.Millisecond, 80*time.Millisecond, 300*time.Millisecond) {
		if r.latency > r.step+slack {
			t.Errorf("returned %v after readiness, backoff step %v", r.latency, r.step)
		}
	}
}

// BenchmarkReadyLatency reports the distribution of the delay between the
// controller turning ready (at a random point) and WaitReady returning.
// "scaled": 50 runs with the production backoff (250ms..10s) divided by 125;
// "production": one run with the real settings, ready 2..12 s in.
func BenchmarkReadyLatency(b *testing.B) {
	report := func(b *testing.B, rs []readyRun) {
		// Overshoot beyond the backoff step: the request round trip and
		// scheduling, which the step itself cannot account for.
		var over time.Duration
		for _, r := range rs {
			over = max(over, r.latency-r.step)
		}
		b.ReportMetric(float64(percentile(rs, 0.5).Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(percentile(rs, 0.9).Microseconds())/1000, "p90-ms")
		b.ReportMetric(float64(percentile(rs, 1).Microseconds())/1000, "max-ms")
		b.ReportMetric(float64(over.Microseconds())/1000, "max-over-step-ms")
	}
	b.Run("scaled-50-runs", func(b *testing.B) {
		var all []readyRun
		for range b.N {
			all = append(all, runReady(b, 50, 2*time.Millisecond, 80*time.Millisecond, 200*time.Millisecond)...)
		}
		report(b, all)
	})
	b.Run("production", func(b *testing.B) {
		var all []readyRun
		for range b.N {
			all = append(all, measureReady(b, DefaultMinWait, DefaultMaxWait, 2*time.Second+rand.N(10*time.Second)))
		}
		report(b, all)
	})
}
