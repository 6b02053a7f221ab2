package jnlp

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestWaitReadyCancel(t *testing.T) {
	errSignal := errors.New("SIGTERM")
	// cancelAtSecondAttempt cancels ctx with errSignal when the second
	// attempt is logged, and records when.
	cancelAtSecondAttempt := func() (context.Context, *recorder, *atomic.Int64) {
		ctx, cancel := context.WithCancelCause(context.Background())
		var cancelled atomic.Int64
		rec := &recorder{}
		rec.hook = onAttempt(2, func() {
			cancelled.Store(time.Now().UnixNano())
			cancel(errSignal)
		})
		return ctx, rec, &cancelled
	}
	t.Run("while-waiting", func(t *testing.T) {
		ctx, rec, cancelled := cancelAtSecondAttempt()
		_, err := WaitReady(ctx, tcpAgent("http://"+freeAddr(t)+"/"), fastWait(rec, time.Minute))
		checkPrompt(t, err, errSignal, cancelled.Load())
	})
	t.Run("mid-request", func(t *testing.T) {
		ctx, cancel := context.WithCancelCause(context.Background())
		var cancelled atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			cancelled.Store(time.Now().UnixNano())
			cancel(errSignal)
			<-r.Context().Done()
		}))
		defer srv.Close()
		o := fastWait(&recorder{}, time.Minute)
		o.AttemptTimeout = time.Minute
		_, err := WaitReady(ctx, tcpAgent(srv.URL), o)
		checkPrompt(t, err, errSignal, cancelled.Load())
	})
	t.Run("direct", func(t *testing.T) {
		ctx, rec, cancelled := cancelAtSecondAttempt()
		a := Agent{Mode: ModeDirect, Direct: freeAddr(t), InstanceIdentity: "x", Name: "n"}
		_, err := WaitReady(ctx, a, fastWait(rec, time.Minute))
		checkPrompt(t, err, errSignal, cancelled.Load())
	})
}

func checkPrompt(t *testing.T, err, want error, cancelledAt int64) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("err %v, want the cancellation cause %v", err, want)
	}
	if cancelledAt == 0 {
		t.Fatal("never cancelled")
	}
	if d := time.Since(time.Unix(0, cancelledAt)); d > time.Second {
		t.Errorf("returned %v after the cancel, want < 1s", d)
	}
}
