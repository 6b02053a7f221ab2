package jnlp

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

// certPool returns the system roots plus each -cert value (PEM text, or
// "@path" to a PEM file, as remoting reads it) in a pool of the client's
// own (see rootSources.load), or nil when no URL is https and there is no
// -cert: nothing is read then, and should a redirect lead to https after
// all, x509's own system pool serves.
func certPool(urls, certs []string) (*x509.CertPool, error) {
	if len(certs) == 0 && !anyHTTPS(urls) {
		return nil, nil
	}
	pool, err := linuxRoots.load()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if err := appendCerts(pool, certs); err != nil {
		return nil, err
	}
	return pool, nil
}

// appendCerts adds each -cert value to pool.
func appendCerts(pool *x509.CertPool, certs []string) error {
	for _, c := range certs {
		pem, what := []byte(c), "-cert (PEM text)"
		if strings.HasPrefix(c, "@") {
			what = fmt.Sprintf("-cert %q", c)
			var err error
			if pem, err = os.ReadFile(c[1:]); err != nil {
				return fmt.Errorf("%s: %w", what, err)
			}
		}
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("%s: no PEM certificate found", what)
		}
	}
	return nil
}

func anyHTTPS(urls []string) bool {
	for _, u := range urls {
		if len(u) >= len("https:") && strings.EqualFold(u[:len("https:")], "https:") {
			return true
		}
	}
	return false
}

// SharedClient is the HTTP client of one agent's set-up, made when first
// asked for and then kept: the readiness wait and the agent.jar download
// share it, so the trusted roots are read once (about 13 ms and 2 MB here)
// and the download can reuse the wait's connection. Close drops its idle
// connections, so that nothing of it stays with a supervisor; it may be
// called when no client was made.
type SharedClient struct {
	a    Agent
	once sync.Once
	c    *http.Client
	err  error
}

// NewSharedClient returns a SharedClient for a; nothing is made yet.
func NewSharedClient(a Agent) *SharedClient { return &SharedClient{a: a} }

// get returns the client, making it on the first call.
func (s *SharedClient) get() (*http.Client, error) {
	s.once.Do(func() { s.c, s.err = NewHTTPClient(s.a, 0) })
	return s.c, s.err
}

// Close closes the client's idle connections.
func (s *SharedClient) Close() {
	if s.c != nil {
		s.c.CloseIdleConnections()
	}
}

// NewHTTPClient builds the client that talks to the controller the way the
// agent will: proxies from HTTP_PROXY/HTTPS_PROXY/NO_PROXY, the system roots
// plus the -cert certificates, certificate checks off only with
// -noCertificateCheck. timeout bounds each request (0 = none).
func NewHTTPClient(a Agent, timeout time.Duration) (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
	if a.NoCertCheck {
		tlsConf.InsecureSkipVerify = true //nolint:gosec // the user asked, as remoting's -noCertificateCheck
	} else {
		pool, err := certPool(a.URLs, a.Certs)
		if err != nil {
			return nil, err
		}
		tlsConf.RootCAs = pool
	}
	tr.TLSClientConfig = tlsConf
	return &http.Client{Transport: tr, Timeout: timeout}, nil
}
