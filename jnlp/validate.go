package jnlp

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
)

// validate rejects what remoting would reject (it prints usage and exits 0,
// hiding the error) and drops the tunnel that websocket forbids.
func (a *Agent) validate() error {
	if a.WebSocket && a.Direct != "" {
		return errors.New("-webSocket cannot be used with -direct (or JENKINS_DIRECT_CONNECTION)")
	}
	if a.WebSocket && len(a.URLs) > 1 {
		return fmt.Errorf("-webSocket takes exactly one -url, got %d", len(a.URLs))
	}
	if a.WebSocket && a.Tunnel != "" {
		a.Warnings = append(a.Warnings, fmt.Sprintf("-tunnel %q dropped: remoting forbids it with -webSocket", a.Tunnel))
		a.Tunnel = ""
	}
	switch {
	case a.Direct != "":
		a.Mode = ModeDirect
		if a.InstanceIdentity == "" {
			return errors.New("-direct needs -instanceIdentity (or JENKINS_INSTANCE_IDENTITY)")
		}
		if err := checkHostPort(a.Direct); err != nil {
			return fmt.Errorf("-direct %q: %w", a.Direct, err)
		}
	case a.WebSocket:
		a.Mode = ModeWebSocket
	default:
		a.Mode = ModeTCP
	}
	for _, u := range a.URLs {
		if err := checkURL(u); err != nil {
			return fmt.Errorf("-url %q: %w", RedactURL(u), err)
		}
	}
	if a.JNLPURL != "" {
		// The agent reads its URL, name and secret from the JNLP file.
		return nil
	}
	if len(a.URLs) == 0 && a.Direct == "" {
		return errors.New("no controller URL: set JENKINS_URL or pass -url (or JENKINS_DIRECT_CONNECTION/-direct)")
	}
	if a.Secret == "" {
		return errors.New("no agent secret: set JENKINS_SECRET or pass -secret (or the positional SECRET NAME)")
	}
	if a.Name == "" {
		return errors.New("no agent name: set JENKINS_AGENT_NAME (or JENKINS_NAME) or pass -name")
	}
	// The -cert values only: the system roots are read when a client is
	// made, and only for https.
	return appendCerts(x509.NewCertPool(), a.Certs)
}

func checkURL(u string) error {
	p, err := url.Parse(u)
	if err != nil {
		return errors.New("not a URL")
	}
	if p.Scheme != "http" && p.Scheme != "https" {
		return errors.New("want an http:// or https:// URL")
	}
	if p.Host == "" {
		return errors.New("no host")
	}
	return nil
}

func checkHostPort(hp string) error {
	host, port, err := net.SplitHostPort(hp)
	if err != nil {
		return errors.New("want HOST:PORT")
	}
	if host == "" {
		return errors.New("no host")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return errors.New("port is not a number from 1 to 65535")
	}
	return nil
}
