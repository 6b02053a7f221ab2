package testutil

import (
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// ConnTracker follows a test server's connections (set State as its
// http.Server.ConnState), so a test can wait until the client has closed
// them all.
type ConnTracker struct {
	mu      sync.Mutex
	open    map[net.Conn]bool
	seen    int
	changed chan struct{} // a wake-up after a close (coalesced)
}

func NewConnTracker() *ConnTracker {
	return &ConnTracker{open: map[net.Conn]bool{}, changed: make(chan struct{}, 1)}
}

// State is the server's ConnState hook.
func (c *ConnTracker) State(conn net.Conn, s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch s {
	case http.StateNew:
		c.open[conn] = true
		c.seen++
	case http.StateClosed, http.StateHijacked:
		delete(c.open, conn)
		select {
		case c.changed <- struct{}{}:
		default:
		}
	}
}

// Seen is how many connections the server has accepted.
func (c *ConnTracker) Seen() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.seen
}

// WaitAllClosed fails the test unless the server saw a connection and every
// one is closed within limit. A client that keeps one alive holds it for
// its transport's idle timeout (90 s for Go's default).
func (c *ConnTracker) WaitAllClosed(t *testing.T, limit time.Duration) {
	t.Helper()
	deadline := time.After(limit)
	for {
		c.mu.Lock()
		open, seen := len(c.open), c.seen
		c.mu.Unlock()
		if seen == 0 {
			t.Fatal("the server saw no connection")
		}
		if open == 0 {
			return
		}
		select {
		case <-c.changed:
		case <-deadline:
			t.Fatalf("%d of %d connections still open %v after the call returned", open, seen, limit)
		}
	}
}
