package jnlp

import (
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
)

// proxySeen records the hosts the test proxy was asked for. Go's
// ProxyFromEnvironment reads the environment once per process and never
// proxies loopback addresses, so TestMain sets HTTP_PROXY for the whole
// package: only the proxy test uses non-loopback host names.
var proxySeen sync.Map

func TestMain(m *testing.M) {
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxySeen.Store(r.URL.Host, true)
		if r.URL.Host == "controller.test" && r.URL.Path == "/tcpSlaveAgentListener/" {
			jenkins(w, r)
			return
		}
		w.WriteHeader(http.StatusBadGateway)
	}))
	os.Setenv("HTTP_PROXY", proxy.URL)
	os.Setenv("NO_PROXY", "skip.test")
	os.Unsetenv("http_proxy")
	os.Unsetenv("no_proxy")
	code := m.Run()
	proxy.Close()
	os.Exit(code)
}
