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
		note string
	}{
		{"empty", "", nil, ""},
		{"blanks", " \t\n ", nil, ""},
		{"plain", "-noReconnectAfter 1d", []string{"-noReconnectAfter", "1d"}, ""},
		{"double-quoted header", `-webSocketHeader "Cookie=x=1; y=2"`, []string{"-webSocketHeader", "Cookie=x=1; y=2"}, ""},
		{"single quotes keep backslashes", `'a\b "c"'`, []string{`a\b "c"`}, ""},
		{"double quote escapes", `"a\"b\\c\$d\` + "`" + `e\n"`, []string{`a"b\c$d` + "`" + `e\n`}, ""},
		{"backslash outside quotes", `a\ b\'c\"d\\e`, []string{`a b'c"d\e`}, ""},
		{"backslash-newline joins", "a\\\nb", []string{"ab"}, ""},
		{"quotes join a word", `-D"x y"'z'w`, []string{"-Dx yzw"}, ""},
		{"empty quotes are a word", `a "" ''`, []string{"a", "", ""}, ""},
		{"no command substitution", `$(touch /tmp/x) ` + "`id`", []string{"$(touch", "/tmp/x)", "`id`"}, ""},
		{"no variable expansion", `$HOME "${USER}"`, []string{"$HOME", "${USER}"}, ""},
		{"no globbing", `/etc/*.conf ?`, []string{"/etc/*.conf", "?"}, ""},
		// What a shell would refuse or drop, the script passed on as
		// it was, and so does SplitWords.
		{"backslash before another character stays", `-Dpattern=\d+ -Dpath=C:\temp`, []string{`-Dpattern=\d+`, `-Dpath=C:\temp`}, ""},
		{"unbalanced single", `-Dgreeting=it's -Xmx1g`, []string{"-Dgreeting=it's", "-Xmx1g"}, "unbalanced single quote"},
		{"unbalanced double", `-x "abc d`, []string{"-x", `"abc`, "d"}, "unbalanced double quote"},
		{"a quote pairs with the next one, as in a shell", `it's 'a b'`, []string{"its a", "b'"}, "unbalanced single quote"},
		{"trailing backslash", `abc\`, []string{`abc\`}, "trailing backslash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, note := SplitWords(tc.in)
			if !slices.Equal(got, tc.want) {
				t.Errorf("SplitWords(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if (tc.note == "") != (note == "") || !strings.Contains(string(note), tc.note) {
				t.Errorf("SplitWords(%q) note %q, want one containing %q", tc.in, note, tc.note)
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
		words, _ := SplitWords(s)
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = quoteWord(w)
		}
		back, note := SplitWords(strings.Join(quoted, " "))
		if note != "" {
			t.Fatalf("re-splitting %q: %s", quoted, note)
		}
		if !slices.Equal(back, words) {
			t.Fatalf("round trip of %q: %q became %q", s, words, back)
		}
	})
}
