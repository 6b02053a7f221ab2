package jnlp

import "strings"

const redacted = "****"

// Redact returns a copy of argv for logs and plans with the secrets replaced
// by "****": the value of -secret (an @file reference is shown: it is a path,
// not the secret), -credentials, -proxyCredentials, -jnlpCredentials, -auth
// and -webSocketHeader (the header name stays), in both "-opt value" and
// "-opt=value" forms; password-like -D properties; user:password in URLs.
// When argv runs a jar ("-jar JAR ..."), a positional SECRET NAME pair after
// the jar is redacted too.
func Redact(argv []string) []string {
	out := make([]string, len(argv))
	for i := 0; i < len(argv); i++ {
		w := argv[i]
		out[i] = redactWord(w)
		name, value, inline := splitOption(w)
		if inline && secretOption(name) {
			out[i] = name + "=" + redactValue(name, value)
			continue
		}
		if inline && urlOption(name) {
			out[i] = name + "=" + RedactURL(value)
			continue
		}
		if secretOption(w) && i+1 < len(argv) {
			i++
			out[i] = redactValue(w, argv[i])
		} else if urlOption(w) && i+1 < len(argv) {
			// By the option, not by "://": a URL without its scheme
			// ("user:pw@host") is redacted too.
			i++
			out[i] = RedactURL(argv[i])
		}
	}
	for i, w := range argv {
		if w == "-jar" && i+2 <= len(argv) {
			redactPositionalSecret(argv[i+2:], out[i+2:])
			break
		}
	}
	return out
}

// RedactArgs is Redact for the agent's own arguments (no java, no -jar): a
// positional SECRET NAME pair is redacted as well.
func RedactArgs(args []string) []string {
	out := Redact(args)
	redactPositionalSecret(args, out)
	return out
}

// redactPositionalSecret hides the first of exactly two positional words.
func redactPositionalSecret(args, out []string) {
	words, _ := scanWords(args)
	var pos []int
	at := 0
	for _, w := range words {
		if w.positional {
			pos = append(pos, at)
		}
		at += len(w.raw)
	}
	if len(pos) == 2 && !strings.HasPrefix(args[pos[0]], "@") {
		out[pos[0]] = redacted
	}
}

// hasPassword says whether URL u holds a password, which RedactURL hides.
func hasPassword(u string) bool { return RedactURL(u) != u }

// urlOption says whether an option's value is a URL.
func urlOption(name string) bool { return name == "-url" || name == "-jnlpUrl" }

func redactValue(opt, v string) string {
	switch {
	case opt == "-secret" && strings.HasPrefix(v, "@"):
		return v
	case opt == "-webSocketHeader":
		if k, _, ok := strings.Cut(v, "="); ok {
			return k + "=" + redacted
		}
	}
	return redacted
}

// redactWord hides password-like system properties and URL passwords.
func redactWord(w string) string {
	if strings.HasPrefix(w, "-D") {
		if k, _, ok := strings.Cut(w, "="); ok && secretKey(k) {
			return k + "=" + redacted
		}
	}
	if strings.Contains(w, "://") {
		return redactURLsIn(w)
	}
	return w
}

func secretKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range []string{"password", "passwd", "secret", "token", "credential"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// redactURLsIn applies RedactURL to the URL that starts inside w (for
// example "-url=https://u:p@h/" or "--proxy=http://u:p@h:3128").
func redactURLsIn(w string) string {
	i := strings.Index(w, "://")
	start := strings.LastIndexAny(w[:i], "= ,;") + 1
	return w[:start] + RedactURL(w[start:])
}

// RedactURL hides the password of a URL's user:password part
// ("https://user:****@host/"). A user name alone is kept. It works on the
// text, so strings that net/url rejects are redacted too: a password with
// an unescaped '/', '?' or '#' in it (then the user information ends at the
// last '@' of the whole string, which may hide more than the password,
// never less), and a URL without its scheme ("user:pw@host").
func RedactURL(u string) string {
	start := 0
	if i := strings.Index(u, "://"); i >= 0 {
		start = i + 3
	}
	rest := u[start:]
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	// Like net/url, the authority's last '@' ends the user information.
	at := strings.LastIndex(rest[:end], "@")
	if at < 0 {
		at = strings.LastIndex(rest, "@")
	}
	if at < 0 {
		return u
	}
	user, _, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass || strings.ContainsAny(user, "/?#") {
		return u
	}
	return u[:start] + user + ":" + redacted + rest[at:]
}
