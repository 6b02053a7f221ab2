package jnlp

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// An unknown option takes the next word as its value only when every
// positional word follows one: none of them can then be the SECRET NAME
// pair, whose secret would otherwise reach java's command line as the
// value of an option nobody hides. A word read from an @FILE is never
// taken either (the file kept it off command lines), and -opt=value
// already carries its value.
func TestParseUnknownOptionValues(t *testing.T) {
	dir := t.TempDir()
	tok := filepath.Join(dir, "tok")
	if err := os.WriteFile(tok, []byte("TOKENFROMFILE\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := mapEnv(map[string]string{"JENKINS_URL": "http://j/", "JENKINS_SECRET": testSecret, "JENKINS_AGENT_NAME": "a"})
	bare := mapEnv(map[string]string{"JENKINS_URL": "http://j/"})
	for _, tc := range []struct {
		name string
		env  func(string) (string, bool)
		args []string
		want []string // the options passed through; nil: an error
	}{
		{"a value alone", env, []string{"-newOpt", "5"}, []string{"-newOpt", "5"}},
		{"two values", env, []string{"-a", "1", "-b", "2", "-c", "3"}, []string{"-a", "1", "-b", "2", "-c", "3"}},
		{"flags before the pair stay flags", bare, []string{"-newFlag", testSecret, "agent-1"}, []string{"-newFlag"}},
		// Which of two unknown options takes a word is a guess, and a
		// wrong one would put the secret on the command line.
		{"a pair among values", bare, []string{"-newFlag", testSecret, "agent-1", "-newOpt", "val"}, nil},
		{"a value before the pair", bare, []string{"-newOpt", "5", testSecret, "agent-1"}, nil},
		{"a word from a file", env, []string{"-newToken", "@" + tok}, nil},
		{"inline value", env, []string{"-newToken=" + testSecret, "extra"}, nil},
		{"inline value alone", env, []string{"-newToken=v"}, []string{"-newToken=v"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := Parse(tc.env, tc.args)
			if tc.want == nil {
				if err == nil {
					t.Fatalf("Parse succeeded with argv %q; want an error", Redact(a.Argv(SecretRef(3))))
				}
				if strings.Contains(err.Error(), testSecret) || strings.Contains(err.Error(), "TOKENFROMFILE") {
					t.Errorf("error %q shows a value", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !slices.Equal(a.Options, tc.want) {
				t.Errorf("options %q, want %q", a.Options, tc.want)
			}
			for _, w := range append(a.Warnings, a.Argv(SecretRef(3))...) {
				if strings.Contains(w, testSecret) {
					t.Errorf("%q shows the secret", w)
				}
			}
		})
	}
}
