package jnlp

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// validate rejects what remoting would reject (it prints usage and exits 0,
// hiding the error). The tunnel, which the plugins set whenever one is
// configured, is dropped instead where remoting forbids it: with websocket
// and with a direct connection.
func (a *Agent) validate() error {
	if a.WebSocket && len(a.URLs) > 1 {
		return fmt.Errorf("-webSocket takes exactly one -url, got %d", len(a.URLs))
	}
	if a.Tunnel != "" && (a.WebSocket || a.Direct != "") {
		with := "-webSocket"
		if !a.WebSocket {
			with = "-direct"
		}
		a.Warnings = append(a.Warnings, fmt.Sprintf("-tunnel %q dropped: remoting forbids it with %s", a.Tunnel, with))
		a.Tunnel = ""
	}
	if err := a.checkRules(); err != nil {
		return err
	}
	switch {
	case a.stdio():
		// The official script ran such an agent; nothing to check.
		a.Mode = ModeStdio
		return nil
	case a.Direct != "":
		a.Mode = ModeDirect
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

// stdio says whether nothing names a controller or this agent: no URL,
// direct address, JNLP file, tunnel, secret or name. Remoting then talks
// over stdin and stdout. Any one of them without a URL is an inbound agent
// missing its URL, an error.
func (a *Agent) stdio() bool {
	return len(a.URLs) == 0 && a.Direct == "" && a.JNLPURL == "" && a.Tunnel == "" && a.Secret == "" && a.Name == ""
}

// NeedsStdin says whether the agent's channel is its stdin and stdout:
// stdio mode without -connectTo or -tcp, which give it a socket instead.
func (a Agent) NeedsStdin() bool {
	if a.Mode != ModeStdio {
		return false
	}
	words, _ := scanWords(a.Options)
	for _, w := range words {
		if w.name == "-connectTo" || w.name == "-tcp" {
			return false
		}
	}
	return true
}

// checkRules applies remoting's depends and forbids (remotingRules) to the
// options the agent would get, in their order on its command line.
func (a *Agent) checkRules() error {
	names := a.optionNames()
	// Conflicts first: a missing option may be a consequence of one.
	for _, n := range names {
		_, forbids := remotingRules(n)
		for _, f := range forbids {
			if slices.Contains(names, f) {
				return fmt.Errorf("%s cannot be used with %s: remoting rejects the two together%s", n, f, varHint(n, f))
			}
		}
	}
	for _, n := range names {
		depends, _ := remotingRules(n)
		for _, d := range depends {
			if !slices.Contains(names, d) {
				return fmt.Errorf("%s needs %s: remoting rejects it alone%s", n, d, varHint(n, d))
			}
		}
	}
	return nil
}

// optionNames lists the options of the agent's command line, canonical.
func (a *Agent) optionNames() []string {
	var names []string
	words, _ := scanWords(a.Argv(""))
	for _, w := range words {
		if !w.positional && w.known {
			names = append(names, w.name)
		}
	}
	if a.Secret != "" {
		names = append(names, "-secret")
	}
	return names
}

// varHint names the variables that set options x and y, if any, since a
// plugin's environment is where such a pair usually comes from.
func varHint(x, y string) string {
	var vars []string
	for _, n := range []string{x, y} {
		if v := optionVar(n); v != "" {
			vars = append(vars, v+" for "+n)
		}
	}
	if len(vars) == 0 {
		return ""
	}
	return " (" + strings.Join(vars, ", ") + ")"
}

// optionVar is the variable of the old jenkins-agent script that sets name.
func optionVar(name string) string {
	switch name {
	case "-url":
		return "JENKINS_URL"
	case "-tunnel":
		return "JENKINS_TUNNEL"
	case "-direct":
		return "JENKINS_DIRECT_CONNECTION"
	case "-instanceIdentity":
		return "JENKINS_INSTANCE_IDENTITY"
	case "-protocols":
		return "JENKINS_PROTOCOLS"
	case "-webSocket":
		return "JENKINS_WEB_SOCKET"
	case "-workDir":
		return "JENKINS_AGENT_WORKDIR"
	case "-name":
		return "JENKINS_AGENT_NAME"
	}
	return ""
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
