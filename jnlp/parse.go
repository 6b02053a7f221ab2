package jnlp

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ownedOptions are the settings Agent keeps in fields; Argv re-emits them.
var ownedOptions = map[string]bool{
	"-url": true, "-secret": true, "-name": true, "-workDir": true,
	"-tunnel": true, "-direct": true, "-instanceIdentity": true,
	"-protocols": true, "-webSocket": true, "-jnlpUrl": true,
}

// layer is the values one source (arguments or REMOTING_OPTS) gives for the
// owned options, in order.
type layer struct {
	source string
	vals   map[string][]string
	flags  map[string]bool
}

// Parse builds the agent invocation from the environment (getenv injected)
// and the arguments, following the old jenkins-agent script but fixing its
// warts: arguments win over REMOTING_OPTS, which wins over the single
// JENKINS_* variables (a warning says when they differ); -url, -secret and
// -name are passed once; positional SECRET NAME become options. Errors are
// configuration errors that say why, and never hold a secret.
func Parse(getenv func(string) (string, bool), args []string) (Agent, error) {
	env := func(k string) string {
		v, _ := getenv(k)
		return v
	}
	a := Agent{Jar: DefaultJar, ScrubEnv: []string{"JENKINS_SECRET", "SLAVE_NODE_SECRET"}}
	a.JavaBin = env("JENKINS_JAVA_BIN")
	if v := env("JENKINS_AGENT_FILE"); v != "" {
		a.Jar = v
	}
	javaVar := "JENKINS_JAVA_OPTS"
	if env(javaVar) == "" {
		javaVar = "JAVA_OPTS"
	}
	jo, err := SplitWords(env(javaVar))
	if err != nil {
		return Agent{}, fmt.Errorf("%s: %w", javaVar, err)
	}
	a.JavaOpts = jo

	argWords, missing := scanWords(args)
	if missing != "" {
		return Agent{}, fmt.Errorf("option %s in the arguments needs a value", missing)
	}
	for _, w := range argWords {
		if w.name == "-help" || w.name == "-version" {
			a.Info = true
			a.Options = append([]string(nil), args...)
			return a, nil
		}
	}
	opts, err := SplitWords(env("REMOTING_OPTS"))
	if err != nil {
		return Agent{}, fmt.Errorf("REMOTING_OPTS: %w", err)
	}
	optWords, missing := scanWords(opts)
	if missing != "" {
		return Agent{}, fmt.Errorf("option %s in REMOTING_OPTS needs a value", missing)
	}

	var positional []string
	for _, w := range argWords {
		if w.positional {
			positional = append(positional, w.value)
		}
	}
	for _, w := range optWords {
		if w.positional {
			return Agent{}, errors.New("REMOTING_OPTS holds a word that is not an option nor an option's value; only options belong there")
		}
	}
	if len(positional) != 0 && len(positional) != 2 {
		// The words are not quoted: one of them may be the secret.
		msg := fmt.Sprintf("the arguments hold %d positional words; the agent accepts only the legacy pair SECRET NAME", len(positional))
		if u := unknownOptions(argWords); len(u) > 0 {
			msg += fmt.Sprintf(" (unknown options %q are taken to have no value: a word after one of them counts as positional)", u)
		}
		return Agent{}, errors.New(msg)
	}

	argL := collect("the arguments", argWords, &a)
	optL := collect("REMOTING_OPTS", optWords, &a)
	// Remoting's own order puts REMOTING_OPTS before the arguments.
	a.Options = append(passThrough(optWords), passThrough(argWords)...)

	if err := a.resolveIdentity(argL, optL, positional, env); err != nil {
		return Agent{}, err
	}
	a.resolveURLs(argL, optL, env("JENKINS_URL"))
	a.WorkDir = a.pick("-workDir", argL, optL, "JENKINS_AGENT_WORKDIR", env("JENKINS_AGENT_WORKDIR"))
	a.Tunnel = a.pick("-tunnel", argL, optL, "JENKINS_TUNNEL", env("JENKINS_TUNNEL"))
	a.Direct = a.pick("-direct", argL, optL, "JENKINS_DIRECT_CONNECTION", env("JENKINS_DIRECT_CONNECTION"))
	a.InstanceIdentity = a.pick("-instanceIdentity", argL, optL, "JENKINS_INSTANCE_IDENTITY", env("JENKINS_INSTANCE_IDENTITY"))
	a.Protocols = a.pick("-protocols", argL, optL, "JENKINS_PROTOCOLS", env("JENKINS_PROTOCOLS"))
	a.JNLPURL = a.pick("-jnlpUrl", argL, optL, "", "")
	a.WebSocket = argL.flags["-webSocket"] || optL.flags["-webSocket"]
	switch ws := env("JENKINS_WEB_SOCKET"); ws {
	case "true":
		a.WebSocket = true
	case "", "false":
	default:
		a.Warnings = append(a.Warnings, fmt.Sprintf("JENKINS_WEB_SOCKET=%q ignored: only \"true\" enables websocket", ws))
	}
	if err := a.validate(); err != nil {
		return Agent{}, err
	}
	return a, nil
}

// collect gathers one source's owned options into a layer and copies the
// read-only certificate settings into a.
func collect(source string, words []word, a *Agent) layer {
	l := layer{source: source, vals: map[string][]string{}, flags: map[string]bool{}}
	for _, w := range words {
		switch {
		case w.positional:
		case ownedOptions[w.name] && w.hasValue:
			l.vals[w.name] = append(l.vals[w.name], w.value)
		case ownedOptions[w.name]:
			l.flags[w.name] = true
		case w.name == "-cert" && w.hasValue:
			a.Certs = append(a.Certs, w.value)
			if a.Cert == "" {
				a.Cert = w.value
			}
		case w.name == "-noCertificateCheck" || w.name == "-disableHttpsCertValidation":
			a.NoCertCheck = true
		case !w.known:
			name, _, _ := strings.Cut(w.name, "=")
			a.Warnings = append(a.Warnings, fmt.Sprintf("unknown option %q in %s passed to the agent as is (taken to have no value)", name, source))
		}
	}
	return l
}

// unknownOptions lists the names of the options not in remotingOptions.
func unknownOptions(words []word) []string {
	var out []string
	for _, w := range words {
		if !w.positional && !w.known {
			name, _, _ := strings.Cut(w.name, "=")
			out = append(out, name)
		}
	}
	return out
}

// passThrough returns the words of the options that Agent has no field for.
func passThrough(words []word) []string {
	var out []string
	for _, w := range words {
		if !w.positional && !ownedOptions[w.name] {
			out = append(out, w.raw...)
		}
	}
	return out
}

// pick resolves a single-valued setting: the last value in the arguments,
// else in REMOTING_OPTS, else the variable. Lower sources that disagree are
// named in a warning. These settings are not secret.
func (a *Agent) pick(opt string, argL, optL layer, envName, envVal string) string {
	type cand struct{ from, v string }
	var cands []cand
	for _, l := range []layer{argL, optL} {
		vs := l.vals[opt]
		if len(vs) == 0 {
			continue
		}
		last := vs[len(vs)-1]
		for _, v := range vs[:len(vs)-1] {
			if v != last {
				a.Warnings = append(a.Warnings, fmt.Sprintf("%s given several times in %s; using the last, %q", opt, l.source, RedactURL(last)))
				break
			}
		}
		cands = append(cands, cand{opt + " in " + l.source, last})
	}
	if envVal != "" {
		cands = append(cands, cand{envName, envVal})
	}
	if len(cands) == 0 {
		return ""
	}
	for _, c := range cands[1:] {
		if c.v != cands[0].v {
			a.Warnings = append(a.Warnings, fmt.Sprintf("%s defined twice: %s=%q wins over %s=%q",
				opt, cands[0].from, RedactURL(cands[0].v), c.from, RedactURL(c.v)))
		}
	}
	return cands[0].v
}

// resolveURLs keeps the distinct -url values of the highest source that has
// any: the arguments, else REMOTING_OPTS, else JENKINS_URL.
func (a *Agent) resolveURLs(argL, optL layer, envURL string) {
	var sources []struct {
		from string
		urls []string
	}
	for _, l := range []layer{argL, optL} {
		if len(l.vals["-url"]) > 0 {
			sources = append(sources, struct {
				from string
				urls []string
			}{"-url in " + l.source, l.vals["-url"]})
		}
	}
	if envURL != "" {
		sources = append(sources, struct {
			from string
			urls []string
		}{"JENKINS_URL", []string{envURL}})
	}
	if len(sources) == 0 {
		return
	}
	seen := map[string]bool{}
	for _, u := range sources[0].urls {
		k := strings.TrimSuffix(u, "/")
		if !seen[k] {
			seen[k] = true
			a.URLs = append(a.URLs, u)
		}
	}
	for _, s := range sources[1:] {
		for _, u := range s.urls {
			if !seen[strings.TrimSuffix(u, "/")] {
				a.Warnings = append(a.Warnings, fmt.Sprintf("%s=%q ignored: %s wins", s.from, RedactURL(u), sources[0].from))
			}
		}
	}
}

// resolveIdentity sets the secret and the name. A secret or name given both
// by option and positionally is an error, as in remoting.
func (a *Agent) resolveIdentity(argL, optL layer, positional []string, env func(string) string) error {
	var posSecret, posName string
	if len(positional) == 2 {
		posSecret, posName = positional[0], positional[1]
		if len(argL.vals["-secret"]) > 0 {
			return errors.New("the agent secret is given both by -secret and positionally; give it once")
		}
		if len(argL.vals["-name"]) > 0 {
			return errors.New("the agent name is given both by -name and positionally; give it once")
		}
	}
	// Secrets: arguments, REMOTING_OPTS, JENKINS_SECRET, SLAVE_NODE_SECRET.
	secrets := []struct{ from, v string }{
		{"-secret in the arguments", last(argL.vals["-secret"])},
		{"the positional SECRET", posSecret},
		{"-secret in REMOTING_OPTS", last(optL.vals["-secret"])},
		{"JENKINS_SECRET", env("JENKINS_SECRET")},
		{"SLAVE_NODE_SECRET", env("SLAVE_NODE_SECRET")},
	}
	chosen := ""
	for _, s := range secrets {
		if s.v == "" {
			continue
		}
		v, err := resolveSecret(s.from, s.v)
		if err != nil {
			return err
		}
		if a.Secret == "" {
			a.Secret, chosen = v, s.from
		} else if v != a.Secret {
			a.Warnings = append(a.Warnings, fmt.Sprintf("%s differs from %s; using %s", s.from, chosen, chosen))
		}
	}
	names := []struct{ from, v string }{
		{"-name in the arguments", last(argL.vals["-name"])},
		{"the positional NAME", posName},
		{"-name in REMOTING_OPTS", last(optL.vals["-name"])},
		{"JENKINS_NAME", env("JENKINS_NAME")},
		{"JENKINS_AGENT_NAME", env("JENKINS_AGENT_NAME")},
		{"SLAVE_NODE_NAME", env("SLAVE_NODE_NAME")},
	}
	chosen = ""
	for _, n := range names {
		if n.v == "" {
			continue
		}
		if a.Name == "" {
			a.Name, chosen = n.v, n.from
		} else if n.v != a.Name {
			a.Warnings = append(a.Warnings, fmt.Sprintf("%s=%q differs from %s=%q; using %s", n.from, n.v, chosen, a.Name, chosen))
		}
	}
	return nil
}

func last(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[len(vs)-1]
}

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
	if _, err := certPool(a.Certs); err != nil {
		return err
	}
	return nil
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
