package jnlp

import (
	"strings"
	"testing"
)

// FuzzParse: any arguments and REMOTING_OPTS either parse or fail with an
// error; neither the error, the warnings nor the redacted argv ever show
// JENKINS_SECRET (unless the fuzzer also put it in a non-secret place).
func FuzzParse(f *testing.F) {
	for _, s := range []struct{ args, opts string }{
		{"", "-noReconnectAfter 1d"},
		{"-url\x00http://j/\x00s3cr3t\x00name", ""},
		{"-secret=@/nonexistent\x00-name\x00n", `-webSocketHeader "C=x; y"`},
		{"-webSocket\x00-tunnel\x00t:1", "-url http://a/ -url http://b/"},
		{"-direct\x00h:1", "-instanceIdentity X"},
		{"-help", ""},
	} {
		f.Add(s.args, s.opts)
	}
	const secret = "fuzz-s3cr3t-value"
	f.Fuzz(func(t *testing.T, args, opts string) {
		if strings.Contains(args, "@") || strings.Contains(opts, "@") {
			return // @file reads the file system
		}
		env := map[string]string{
			"JENKINS_URL": "http://jenkins:8080/", "JENKINS_SECRET": secret,
			"JENKINS_AGENT_NAME": "agent", "REMOTING_OPTS": opts,
		}
		var argv []string
		if args != "" {
			argv = strings.Split(args, "\x00")
		}
		a, err := Parse(func(k string) (string, bool) { v, ok := env[k]; return v, ok }, argv)
		if strings.Contains(args, secret) || strings.Contains(opts, secret) {
			return
		}
		if err != nil {
			if strings.Contains(err.Error(), secret) {
				t.Fatalf("error shows the secret: %v", err)
			}
			return
		}
		for _, s := range append(a.Warnings, Redact(a.Argv(a.Secret))...) {
			if strings.Contains(s, secret) {
				t.Fatalf("secret shown in %q", s)
			}
		}
	})
}
