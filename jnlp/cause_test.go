package jnlp

import (
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
)

func TestDescribe(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}}
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"refused", &url.Error{Op: "Get", URL: "http://j/", Err: refused}, "connection refused"},
		{"proxy refused", &url.Error{Op: "Get", URL: "https://j/", Err: &net.OpError{Op: "proxyconnect", Net: "tcp", Err: refused}}, "proxy: connection refused"},
		{"closed", &url.Error{Op: "Get", URL: "https://j/", Err: io.EOF}, "closed the connection without an answer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := describe(c.err); !strings.Contains(got, c.want) {
				t.Errorf("describe = %q, want it to contain %q", got, c.want)
			}
		})
	}
}

// An https URL on a port that closes on the TLS hello (a plain service that
// drops what it does not understand) is named as such, not as a bare "EOF".
func TestDescribeRealClosedTLS(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			// Read the ClientHello first: closing with it unread
			// would send a reset instead of an orderly close.
			buf := make([]byte, 16<<10)
			c.Read(buf)
			c.Close()
		}
	}()
	_, err = http.Get("https://" + ln.Addr().String() + "/login")
	if err == nil {
		t.Fatal("no error from a port that closes at once")
	}
	if got := describe(err); !strings.Contains(got, "closed the connection without an answer") {
		t.Errorf("describe = %q", got)
	}
}
