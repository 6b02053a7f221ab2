package jnlp

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

// logRec is one captured log line.
type logRec struct {
	msg   string
	attrs map[string]string
}

// recorder is a slog.Handler that keeps every record and lets a test react
// to a log line (e.g. start the controller on attempt 2) instead of sleeping.
type recorder struct {
	mu   sync.Mutex
	recs []logRec
	hook func(logRec)
}

func (r *recorder) Enabled(context.Context, slog.Level) bool { return true }
func (r *recorder) WithAttrs([]slog.Attr) slog.Handler       { return r }
func (r *recorder) WithGroup(string) slog.Handler            { return r }
func (r *recorder) Handle(_ context.Context, rec slog.Record) error {
	lr := logRec{msg: rec.Message, attrs: map[string]string{}}
	rec.Attrs(func(a slog.Attr) bool {
		lr.attrs[a.Key] = a.Value.String()
		return true
	})
	r.mu.Lock()
	r.recs = append(r.recs, lr)
	hook := r.hook
	r.mu.Unlock()
	if hook != nil {
		hook(lr)
	}
	return nil
}

func (r *recorder) logger() *slog.Logger { return slog.New(r) }

// find returns the records with message msg.
func (r *recorder) find(msg string) []logRec {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []logRec
	for _, l := range r.recs {
		if l.msg == msg {
			out = append(out, l)
		}
	}
	return out
}

// onAttempt returns a hook that runs fn once, on the given failed attempt.
func onAttempt(n int, fn func()) func(logRec) {
	var once sync.Once
	return func(l logRec) {
		if l.msg == "controller not ready" && l.attrs["attempt"] == strconv.Itoa(n) {
			once.Do(fn)
		}
	}
}

// freeAddr returns a 127.0.0.1 address nobody listens on (yet).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// jenkins answers like a controller with the TCP agent port enabled.
func jenkins(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Jenkins-JNLP-Port", "50000")
	w.Header().Set("X-Jenkins-Agent-Protocols", "JNLP4-connect, Ping")
	w.WriteHeader(http.StatusOK)
}

// fastWait is a WaitOptions with the backoff scaled down for tests.
func fastWait(rec *recorder, timeout time.Duration) WaitOptions {
	return WaitOptions{
		Timeout:        timeout,
		Logger:         rec.logger(),
		AttemptTimeout: time.Second,
		MinWait:        5 * time.Millisecond,
		MaxWait:        50 * time.Millisecond,
	}
}

func tcpAgent(urls ...string) Agent {
	return Agent{URLs: urls, Mode: ModeTCP, Name: "agent-1"}
}
