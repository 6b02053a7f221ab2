package jnlp

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"
)

// certPool returns the system roots plus each -cert value (PEM text, or
// "@path" to a PEM file, as remoting reads it), or nil when there is none.
func certPool(certs []string) (*x509.CertPool, error) {
	if len(certs) == 0 {
		return nil, nil
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	for _, c := range certs {
		pem, what := []byte(c), "-cert (PEM text)"
		if strings.HasPrefix(c, "@") {
			what = fmt.Sprintf("-cert %q", c)
			pem, err = os.ReadFile(c[1:])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no PEM certificate found", what)
		}
	}
	return pool, nil
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
		pool, err := certPool(a.Certs)
		if err != nil {
			return nil, err
		}
		tlsConf.RootCAs = pool
	}
	tr.TLSClientConfig = tlsConf
	return &http.Client{Transport: tr, Timeout: timeout}, nil
}
