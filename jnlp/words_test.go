package jnlp

import (
	"slices"
	"strings"
	"testing"
)

func TestSplitWords(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want []string
		err  string
	}{
		{"empty", "", nil, ""},
		{"blanks", " \t\n ", nil, ""},
		{"plain", "-noReconnectAfter 1d", []string{"-noReconnectAfter", "1d"}, ""},
		{"double-quoted header", `-webSocketHeader "Cookie=x=1; y=2"`, []string{"-webSocketHeader", "Cookie=x=1; y=2"}, ""},
		{"single quotes keep backslashes", `'a\b "c"'`, []string{`a\b "c"`}, ""},
		{"double quote escapes", `"a\"b\\c\$d\` + "`" + `e\n"`, []string{`a"b\c$d` + "`" + `e\n`}, ""},
		{"backslash outside quotes", `a\ b\'c`, []string{"a b'c"}, ""},
		{"backslash-newline joins", "a\\\nb", []string{"ab"}, ""},
		{"quotes join a word", `-D"x y"'z'w`, []string{"-Dx yzw"}, ""},
		{"empty quotes are a word", `a "" ''`, []string{"a", "", ""}, ""},
		{"no command substitution", `$(touch /tmp/x) ` + "`id`", []string{"$(touch", "/tmp/x)", "`id`"}, ""},
		{"no variable expansion", `$HOME "${USER}"`, []string{"$HOME", "${USER}"}, ""},
		{"no globbing", `/etc/*.conf ?`, []string{"/etc/*.conf", "?"}, ""},
		{"unbalanced double", `-x "abc`, nil, "unbalanced double quote"},
		{"unbalanced single", `-x 'abc`, nil, "unbalanced single quote"},
		{"trailing backslash", `abc\`, nil, "trailing backslash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := SplitWords(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("SplitWords(%q) = %q, %v; want error %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Fatalf("SplitWords(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

// FuzzSplitWords: SplitWords never panics, and the words it returns, each
// quoted and joined with blanks, split back into the same words.
func FuzzSplitWords(f *testing.F) {
	for _, s := range []string{
		`-webSocketHeader "Cookie=x=1; y=2"`, `'a'\''b'`, `a\ b`, `"\$x\"" '$(id)'`,
		"a\\\nb", `""`, `x"y'z"`, "\t-Xmx1g  -Dp='q r'\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		words, err := SplitWords(s)
		if err != nil {
			return
		}
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = quoteWord(w)
		}
		back, err := SplitWords(strings.Join(quoted, " "))
		if err != nil {
			t.Fatalf("re-splitting %q: %v", quoted, err)
		}
		if !slices.Equal(back, words) {
			t.Fatalf("round trip of %q: %q became %q", s, words, back)
		}
	})
}
