package jnlp

import (
	"slices"
	"strings"
)

// remotingOption says whether name is an option of remoting's Launcher or
// jnlp.Main and how many values it takes. A word that is not an option nor
// the value of one is positional. The list has to be complete enough that
// an option's value is never mistaken for the positional SECRET NAME pair.
// A switch, not a map: nothing to build in the package's init.
func remotingOption(name string) (values int, known bool) {
	switch name {
	case "-url", "-secret", "-name",
		"-workDir", "-internalDir",
		"-webSocketHeader",
		"-tunnel", "-direct", "-directConnection", "-instanceIdentity", "-protocols",
		"-cert",
		"-credentials", "-proxyCredentials", "-auth",
		"-noReconnectAfter",
		"-agentLog", "-slaveLog", "-loggingConfig", "-jar-cache",
		"-jnlpUrl", "-jnlpCredentials",
		"-cp", "-classpath", "-connectTo", "-tcp":
		return 1, true
	case "-failIfWorkDirIsMissing", "-webSocket",
		"-noCertificateCheck", "-disableHttpsCertValidation",
		"-noReconnect", "-noreconnect", "-noKeepAlive",
		"-help", "-version", "-headless", "-text", "-ping":
		return 0, true
	}
	return 0, false
}

// canonical maps remoting's option aliases to the names it declares them
// under, so that settings and rules see one name.
func canonical(name string) string {
	switch name {
	case "-directConnection":
		return "-direct"
	case "-jnlpCredentials":
		return "-credentials"
	case "-disableHttpsCertValidation":
		return "-noCertificateCheck"
	case "-noreconnect":
		return "-noReconnect"
	case "-classpath":
		return "-cp"
	}
	return name
}

// remotingRules are the depends and forbids that remoting's Launcher
// declares for option name (args4j @Option, canonical names). Remoting
// rejects a violation by printing its usage and exiting 0, so the launcher
// checks them before Java starts.
func remotingRules(name string) (depends, forbids []string) {
	switch name {
	case "-webSocket":
		return []string{"-url"}, []string{"-direct", "-tunnel", "-credentials", "-noKeepAlive"}
	case "-webSocketHeader":
		return []string{"-webSocket"}, nil
	case "-direct":
		return []string{"-instanceIdentity"}, []string{"-jnlpUrl", "-url", "-tunnel"}
	case "-instanceIdentity", "-protocols":
		return []string{"-direct"}, nil
	case "-jnlpUrl":
		return nil, []string{"-direct", "-name", "-tunnel", "-url", "-webSocket"}
	case "-cert":
		return nil, []string{"-noCertificateCheck"}
	case "-noCertificateCheck":
		return nil, []string{"-cert"}
	case "-noReconnectAfter":
		return nil, []string{"-noReconnect"}
	case "-internalDir", "-failIfWorkDirIsMissing":
		return []string{"-workDir"}, nil
	}
	return nil, nil
}

// conflict says whether remoting rejects options x and y together.
func conflict(x, y string) bool {
	_, fx := remotingRules(x)
	_, fy := remotingRules(y)
	return slices.Contains(fx, y) || slices.Contains(fy, x)
}

// secretOption says whether the value of option name must never be shown.
func secretOption(name string) bool {
	switch name {
	case "-secret", "-credentials", "-proxyCredentials", "-jnlpCredentials", "-auth", "-webSocketHeader":
		return true
	}
	return false
}

// Reserved says whether word is one of the launcher's own subcommands: a
// single such word is never run as a command by the agent-mode rule.
func Reserved(word string) bool {
	switch word {
	case "plan", "exec", "install", "version", "help":
		return true
	}
	return false
}

// word is one parsed remoting argument: an option with its value (if it
// takes one), an unknown option, or a positional word.
type word struct {
	name       string   // option name (canonical), "" for a positional
	value      string   // the option's value or the positional word
	hasValue   bool     // the option takes a value
	inline     bool     // given as -opt=value
	known      bool     // remotingOption knows it
	raw        []string // the words as given, to pass through verbatim
	positional bool
}

// splitOption reads "-opt=value" for a known option that takes a value.
// Unknown "-x=y" stays one unknown option: we cannot tell its arity.
func splitOption(w string) (name, value string, inline bool) {
	if i := strings.IndexByte(w, '='); i > 0 {
		if n, ok := remotingOption(w[:i]); ok && n == 1 {
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
		n, known := remotingOption(name)
		// An unknown -x=y carries its value, if it takes one.
		inline = inline || !known && strings.IndexByte(name, '=') > 0
		w := word{name: canonical(name), known: known, inline: inline, raw: []string{a}}
		switch {
		case inline && known:
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
