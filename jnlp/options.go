package jnlp

import "strings"

// remotingOptions maps each option of remoting's Launcher and jnlp.Main to
// the number of values it takes. A word that is not an option nor the value
// of one is positional. The table has to be complete enough that an option's
// value is never mistaken for the positional SECRET NAME pair.
var remotingOptions = map[string]int{
	"-url": 1, "-secret": 1, "-name": 1,
	"-workDir": 1, "-internalDir": 1, "-failIfWorkDirIsMissing": 0,
	"-webSocket": 0, "-webSocketHeader": 1,
	"-tunnel": 1, "-direct": 1, "-instanceIdentity": 1, "-protocols": 1,
	"-cert": 1, "-noCertificateCheck": 0, "-disableHttpsCertValidation": 0,
	"-credentials": 1, "-proxyCredentials": 1, "-auth": 1,
	"-noReconnect": 0, "-noreconnect": 0, "-noReconnectAfter": 1, "-noKeepAlive": 0,
	"-agentLog": 1, "-slaveLog": 1, "-loggingConfig": 1, "-jar-cache": 1,
	"-help": 0, "-version": 0, "-headless": 0, "-text": 0, "-ping": 0,
	"-jnlpUrl": 1, "-jnlpCredentials": 1,
	"-cp": 1, "-classpath": 1, "-connectTo": 1, "-tcp": 1,
}

// secretOptions are the options whose value must never be shown.
var secretOptions = map[string]bool{
	"-secret": true, "-credentials": true, "-proxyCredentials": true,
	"-jnlpCredentials": true, "-auth": true, "-webSocketHeader": true,
}

// reservedWords are the launcher's own subcommands: a single such word is
// never run as a command by the agent-mode rule.
var reservedWords = map[string]bool{
	"plan": true, "exec": true, "install": true, "version": true, "help": true,
}

// word is one parsed remoting argument: an option with its value (if it
// takes one), an unknown option, or a positional word.
type word struct {
	name       string   // option name, "" for a positional
	value      string   // the option's value or the positional word
	hasValue   bool     // the option takes a value
	inline     bool     // given as -opt=value
	known      bool     // the option is in remotingOptions
	raw        []string // the words as given, to pass through verbatim
	positional bool
}

// splitOption reads "-opt=value" for a known option that takes a value.
// Unknown "-x=y" stays one unknown option: we cannot tell its arity.
func splitOption(w string) (name, value string, inline bool) {
	if i := strings.IndexByte(w, '='); i > 0 {
		if n, ok := remotingOptions[w[:i]]; ok && n == 1 {
			return w[:i], w[i+1:], true
		}
	}
	return w, "", false
}

// scanWords splits args into options and positionals following the table.
// missing reports an option at the end that lacks its value.
func scanWords(args []string) (words []word, missing string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' {
			words = append(words, word{value: a, positional: true, raw: []string{a}})
			continue
		}
		name, value, inline := splitOption(a)
		n, known := remotingOptions[name]
		w := word{name: name, known: known, inline: inline, raw: []string{a}}
		switch {
		case inline:
			w.value, w.hasValue = value, true
		case known && n == 1:
			if i+1 >= len(args) {
				return words, name
			}
			i++
			w.value, w.hasValue = args[i], true
			w.raw = append(w.raw, args[i])
		}
		words = append(words, w)
	}
	return words, ""
}
