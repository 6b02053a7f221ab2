package jnlp

import (
	"strings"
)

// SplitWords splits a value such as REMOTING_OPTS or JAVA_OPTS into words
// much as a POSIX shell would, and nothing more: blanks separate words,
// single quotes keep everything literal, double quotes keep everything but
// \" \\ \$ \` and backslash-newline, and outside quotes a backslash escapes
// a blank, a quote, a backslash or a newline. Nothing is evaluated: $VAR,
// $(...), backticks and globs stay literal, because these values come from
// an environment we do not control and the old script's eval-style handling
// was a wart.
//
// Where a shell would fail or drop a character, the official script, which
// split these values without any quote processing, passed the text on as
// it was, and so does SplitWords: a backslash before any other character
// stays (-Dpattern=\d+, C:\temp), and so do an unbalanced quote
// (-Dgreeting=it's) and a trailing backslash, each as a literal character;
// literal then says which, for a warning.
func SplitWords(s string) (words []string, literal Literal) {
	var (
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
			continue
		case '\'':
			if end := strings.IndexByte(s[i+1:], '\''); end >= 0 {
				cur.WriteString(s[i+1 : i+1+end])
				i += end + 1
			} else {
				cur.WriteByte(c)
				literal = UnbalancedSingle
			}
		case '"':
			if n, ok := readDoubleQuoted(s[i+1:], &cur); ok {
				i += n
			} else {
				cur.WriteByte(c)
				literal = UnbalancedDouble
			}
		case '\\':
			switch {
			case i+1 >= len(s):
				cur.WriteByte(c)
				literal = TrailingBackslash
			case s[i+1] == '\n': // backslash-newline joins lines
				i++
				continue
			case strings.IndexByte(" \t\r'\"\\", s[i+1]) >= 0:
				i++
				cur.WriteByte(s[i])
			default:
				cur.WriteByte(c)
			}
		default:
			cur.WriteByte(c)
		}
		inWord = true
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, literal
}

// Literal names what SplitWords took as a literal character where a shell
// would have failed; "" for nothing.
type Literal string

// What SplitWords may take literally.
const (
	UnbalancedSingle  Literal = "an unbalanced single quote"
	UnbalancedDouble  Literal = "an unbalanced double quote"
	TrailingBackslash Literal = "a trailing backslash"
)

// Quote says whether l is an unbalanced quote, which the JVM refuses in
// the options it reads itself.
func (l Literal) Quote() bool { return l == UnbalancedSingle || l == UnbalancedDouble }

// readDoubleQuoted copies the inside of a double-quoted string (s starts
// after the opening quote) to b and returns how many bytes it used,
// including the closing quote; ok is false, and b unchanged, when there is
// no closing quote.
func readDoubleQuoted(s string, b *strings.Builder) (n int, ok bool) {
	var in strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			b.WriteString(in.String())
			return i + 1, true
		case '\\':
			if i+1 < len(s) {
				switch s[i+1] {
				case '"', '\\', '$', '`':
					in.WriteByte(s[i+1])
					i++
					continue
				case '\n':
					i++
					continue
				}
			}
			in.WriteByte(c)
		default:
			in.WriteByte(c)
		}
	}
	return 0, false
}

// quoteWord quotes w so that SplitWords reads it back as one word.
func quoteWord(w string) string {
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}
