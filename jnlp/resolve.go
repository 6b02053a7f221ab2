package jnlp

import (
	"errors"
	"fmt"
	"strings"
)

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
