package jnlp

import (
	"slices"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []string
		want []string
	}{
		{"secret value", []string{"java", "-jar", "a.jar", "-secret", "s3cr3t", "-name", "n"},
			[]string{"java", "-jar", "a.jar", "-secret", "****", "-name", "n"}},
		{"secret file reference shown", []string{"-secret", "@/proc/self/fd/3"}, []string{"-secret", "@/proc/self/fd/3"}},
		{"inline forms", []string{"-secret=s3cr3t", "-credentials=u:p", "-proxyCredentials=u:p", "-secret=@/f"},
			[]string{"-secret=****", "-credentials=****", "-proxyCredentials=****", "-secret=@/f"}},
		{"credentials", []string{"-credentials", "bob:pw", "-proxyCredentials", "p:q", "-jnlpCredentials", "a:b", "-auth", "c:d"},
			[]string{"-credentials", "****", "-proxyCredentials", "****", "-jnlpCredentials", "****", "-auth", "****"}},
		{"header keeps its name", []string{"-webSocketHeader", "Cookie=x=1; y=2", "-webSocketHeader", "opaque"},
			[]string{"-webSocketHeader", "Cookie=****", "-webSocketHeader", "****"}},
		{"url password", []string{"-url", "https://bob:s3cr3t@ci.example.com/jenkins/", "-url=http://u:p@h:8080"},
			[]string{"-url", "https://bob:****@ci.example.com/jenkins/", "-url=http://u:****@h:8080"}},
		{"url user only kept", []string{"-url", "https://bob@ci/"}, []string{"-url", "https://bob@ci/"}},
		{"password properties", []string{"-Dhttp.proxyPassword=s3cr3t", "-Dapi.token=x", "-Dfoo=bar"},
			[]string{"-Dhttp.proxyPassword=****", "-Dapi.token=****", "-Dfoo=bar"}},
		{"positional secret after the jar", []string{"java", "-Xmx1g", "-jar", "a.jar", "-url", "http://j/", "s3cr3t", "name"},
			[]string{"java", "-Xmx1g", "-jar", "a.jar", "-url", "http://j/", "****", "name"}},
		{"not a positional pair", []string{"sh", "-c", "echo hi"}, []string{"sh", "-c", "echo hi"}},
		{"secret at the end without value", []string{"-secret"}, []string{"-secret"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := slices.Clone(tc.in)
			got := Redact(in)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Redact(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			if !slices.Equal(in, tc.in) {
				t.Errorf("Redact changed its input: %q", in)
			}
		})
	}
}

func TestRedactArgs(t *testing.T) {
	got := RedactArgs([]string{"-url", "http://j/", "-tunnel", "t:1", "s3cr3t", "name"})
	want := []string{"-url", "http://j/", "-tunnel", "t:1", "****", "name"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
	if got := RedactArgs([]string{"@/proc/self/fd/3", "name"}); got[0] != "@/proc/self/fd/3" {
		t.Errorf("file reference hidden: %q", got)
	}
}

// URL options are redacted by name, so a URL without its scheme is too.
func TestRedactURLOptions(t *testing.T) {
	argv := []string{"java", "-jar", "a.jar", "-jnlpUrl", "admin:pwLEAK@host:8080/x.jnlp", "-url=u:pwLEAK@h/", "-url", "http://ok/"}
	got := Redact(argv)
	for _, w := range got {
		if strings.Contains(w, "LEAK") {
			t.Errorf("Redact(%q) = %q", argv, got)
		}
	}
	if got[len(got)-1] != "http://ok/" {
		t.Errorf("a URL without a password changed: %q", got)
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://ci.example.com/":           "https://ci.example.com/",
		"http://bob:pw@proxy:3128":          "http://bob:****@proxy:3128",
		"http://bob:p@ss@proxy:3128/x?y=@z": "http://bob:****@proxy:3128/x?y=@z",
		"http://:pw@h/":                     "http://:****@h/",
		"http://bob:%zz@h/":                 "http://bob:****@h/",
		"not a url":                         "not a url",
		"jenkins:8080":                      "jenkins:8080",
		// Passwords that net/url rejects, and a URL without its scheme.
		"http://admin:pw/LEAK@127.0.0.1:9/":  "http://admin:****@127.0.0.1:9/",
		"http://admin:pw?LEAK@h/":            "http://admin:****@h/",
		"http://admin:pw#LEAK@h/":            "http://admin:****@h/",
		"admin:pwLEAK@127.0.0.1:9":           "admin:****@127.0.0.1:9",
		"https://ci.example.com/job/@scope/": "https://ci.example.com/job/@scope/",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
		if strings.Contains(RedactURL(in), "pw") || strings.Contains(RedactURL(in), "LEAK") {
			t.Errorf("RedactURL(%q) shows the password", in)
		}
	}
}
