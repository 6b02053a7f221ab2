package jnlp

import (
	"errors"
	"strings"
)

// SplitWords splits a value such as REMOTING_OPTS or JAVA_OPTS into words the
// way a POSIX shell would, and nothing more: whitespace separates words,
// single quotes keep everything literal, double quotes keep everything but
// \" \\ \$ \` and backslash-newline, and a backslash outside quotes escapes
// the next character. Nothing is evaluated: $VAR, $(...), backticks and
// globs stay literal, because these values come from an environment we do
// not control and the old script's eval-style handling was a wart.
// An unbalanced quote or a trailing backslash is an error.
func SplitWords(s string) ([]string, error) {
	var (
		words  []string
		cur    strings.Builder
		inWord bool
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ' ', '\t', '\n', '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return nil, errors.New("unbalanced single quote")
			}
			cur.WriteString(s[i+1 : i+1+end])
			i += end + 1
			inWord = true
		case '"':
			n, err := readDoubleQuoted(s[i+1:], &cur)
			if err != nil {
				return nil, err
			}
			i += n
			inWord = true
		case '\\':
			if i+1 >= len(s) {
				return nil, errors.New("trailing backslash")
			}
			i++
			if s[i] != '\n' { // backslash-newline joins lines
				cur.WriteByte(s[i])
				inWord = true
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// readDoubleQuoted copies the inside of a double-quoted string (s starts
// after the opening quote) to b and returns how many bytes it used,
// including the closing quote.
func readDoubleQuoted(s string, b *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return i + 1, nil
		case '\\':
			if i+1 < len(s) {
				switch s[i+1] {
				case '"', '\\', '$', '`':
					b.WriteByte(s[i+1])
					i++
					continue
				case '\n':
					i++
					continue
				}
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return 0, errors.New("unbalanced double quote")
}

// quoteWord quotes w so that SplitWords reads it back as one word.
func quoteWord(w string) string {
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}
