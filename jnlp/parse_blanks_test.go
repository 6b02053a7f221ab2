package jnlp

import (
	"slices"
	"strings"
	"testing"
)

// A value with blanks around it (a Secret or ConfigMap made from a file
// ends in a newline) works as it did with the jenkins-agent script, whose
// unquoted expansion dropped them: the agent gets the value without them,
// and a warning names the variable, never the value.
func TestParseTrimsBlanks(t *testing.T) {
	base := map[string]string{
		"JENKINS_URL":        "http://jenkins:8080/",
		"JENKINS_SECRET":     testSecret,
		"JENKINS_AGENT_NAME": "agent-1",
	}
	direct := map[string]string{
		"JENKINS_SECRET":            testSecret,
		"JENKINS_AGENT_NAME":        "agent-1",
		"JENKINS_DIRECT_CONNECTION": "jenkins:50000",
		"JENKINS_INSTANCE_IDENTITY": "MIIBIjAN",
		"JENKINS_PROTOCOLS":         "JNLP4-connect",
	}
	for _, tc := range []struct {
		env   map[string]string
		name  string
		field func(Agent) string
	}{
		{base, "JENKINS_SECRET", func(a Agent) string { return a.Secret }},
		{base, "JENKINS_AGENT_NAME", func(a Agent) string { return a.Name }},
		{base, "JENKINS_URL", func(a Agent) string { return strings.Join(a.URLs, " ") }},
		{direct, "JENKINS_DIRECT_CONNECTION", func(a Agent) string { return a.Direct }},
		{direct, "JENKINS_INSTANCE_IDENTITY", func(a Agent) string { return a.InstanceIdentity }},
		{direct, "JENKINS_PROTOCOLS", func(a Agent) string { return a.Protocols }},
		{base, "JENKINS_TUNNEL", func(a Agent) string { return a.Tunnel }},
		{base, "JENKINS_AGENT_WORKDIR", func(a Agent) string { return a.WorkDir }},
		{base, "JENKINS_AGENT_FILE", func(a Agent) string { return a.Jar }},
		{base, "JENKINS_NAME", func(a Agent) string { return a.Name }},
	} {
		for _, blank := range []string{"\n", " ", "\r\n", "\t \n"} {
			t.Run(tc.name+"/"+strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`).Replace(blank), func(t *testing.T) {
				env := map[string]string{}
				for k, v := range tc.env {
					env[k] = v
				}
				want, ok := env[tc.name]
				if !ok {
					want = map[string]string{
						"JENKINS_TUNNEL":        "jenkins:50000",
						"JENKINS_AGENT_WORKDIR": "/home/jenkins/agent",
						"JENKINS_AGENT_FILE":    "/opt/agent.jar",
						"JENKINS_NAME":          "agent-1",
					}[tc.name]
				}
				env[tc.name] = blank + want + blank
				a, err := Parse(mapEnv(env), nil)
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if got := tc.field(a); got != want {
					t.Errorf("%s = %q, want %q", tc.name, got, want)
				}
				for _, w := range a.Argv(SecretRef(3)) {
					if strings.Trim(w, blanks) != w {
						t.Errorf("argv word %q has blanks", w)
					}
				}
				n := 0
				for _, w := range a.Warnings {
					if strings.Contains(w, tc.name+" starts or ends with blanks") {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%d warnings name %s, want 1: %q", n, tc.name, a.Warnings)
				}
				for _, w := range a.Warnings {
					if strings.Contains(w, testSecret) {
						t.Errorf("warning %q shows the secret", w)
					}
				}
			})
		}
	}
}

// Blanks alone are no value: the variable is unset, and the warning says so.
func TestParseBlankOnlyIsUnset(t *testing.T) {
	a, err := Parse(mapEnv(map[string]string{
		"JENKINS_URL": "http://jenkins:8080/", "JENKINS_SECRET": testSecret, "JENKINS_AGENT_NAME": "agent-1",
		"JENKINS_TUNNEL": " \n",
	}), nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Tunnel != "" || slices.Contains(a.Argv(""), "-tunnel") {
		t.Errorf("tunnel %q, argv %q", a.Tunnel, a.Argv(""))
	}
	if !slices.ContainsFunc(a.Warnings, func(w string) bool { return strings.Contains(w, "JENKINS_TUNNEL holds only blanks") }) {
		t.Errorf("warnings %q", a.Warnings)
	}
}

func mapEnv(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

// What the script compared or tested as it was keeps its blanks:
// JENKINS_WEB_SOCKET must be exactly "true", and a blank JENKINS_JAVA_OPTS
// still wins over JAVA_OPTS, which may hold the builds' options.
func TestParseKeepsBlanksWhereTheScriptDid(t *testing.T) {
	base := map[string]string{"JENKINS_URL": "http://j/", "JENKINS_SECRET": testSecret, "JENKINS_AGENT_NAME": "a"}
	with := func(k, v string) func(string) (string, bool) {
		m := map[string]string{k: v}
		for k, v := range base {
			m[k] = v
		}
		return mapEnv(m)
	}
	a, err := Parse(with("JENKINS_WEB_SOCKET", "true\n"), nil)
	if err != nil || a.WebSocket || a.Mode != ModeTCP {
		t.Errorf(`JENKINS_WEB_SOCKET="true\n": websocket %v, mode %q, %v; want tcp, as the script`, a.WebSocket, a.Mode, err)
	}
	m := map[string]string{"JENKINS_JAVA_OPTS": " ", "JAVA_OPTS": "-Dbuild.only=1"}
	for k, v := range base {
		m[k] = v
	}
	a, err = Parse(mapEnv(m), nil)
	if err != nil || len(a.JavaOpts) != 0 {
		t.Errorf("blank JENKINS_JAVA_OPTS: JVM options %q, %v; want none, not JAVA_OPTS", a.JavaOpts, err)
	}
}
