package jnlp

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// owned says whether option name is a setting Agent keeps in a field;
// Argv re-emits those.
func owned(name string) bool {
	switch name {
	case "-url", "-secret", "-name", "-workDir", "-tunnel", "-direct",
		"-instanceIdentity", "-protocols", "-webSocket", "-jnlpUrl":
		return true
	}
	return false
}

// layer is the values one source (arguments or REMOTING_OPTS) gives for the
// owned options, in order.
type layer struct {
	source string
	vals   map[string][]string
	flags  map[string]bool
}

// Parse builds the agent invocation from the environment (getenv injected)
// and the arguments, following the old jenkins-agent script but fixing its
// warts: arguments win over REMOTING_OPTS, which wins over the single
// JENKINS_* variables (a warning says when they differ); -url, -secret and
// -name are passed once; positional SECRET NAME become options. Errors are
// configuration errors that say why, and never hold a secret.
func Parse(getenv func(string) (string, bool), args []string) (Agent, error) {
	a := Agent{Jar: DefaultJar, ScrubEnv: []string{"JENKINS_SECRET", "SLAVE_NODE_SECRET"}}
	env := a.trimmedEnv(getenv)
	a.JavaBin = env("JENKINS_JAVA_BIN")
	if v := env("JENKINS_AGENT_FILE"); v != "" {
		a.Jar = v
	}
	// As the script chose: on the value as it is, so that a blank
	// JENKINS_JAVA_OPTS still keeps the builds' JAVA_OPTS from the agent.
	javaVar := "JENKINS_JAVA_OPTS"
	if v, _ := getenv(javaVar); v == "" {
		javaVar = "JAVA_OPTS"
	}
	jo, lit := SplitWords(env(javaVar))
	a.noteLiteral(javaVar, lit)
	a.JavaOpts = jo

	args, fromFile, err := expandArgFiles(args)
	if err != nil {
		return Agent{}, err
	}
	argWords, missing := scanWords(args)
	if missing != "" {
		return Agent{}, fmt.Errorf("option %s in the arguments needs a value", missing)
	}
	for _, w := range argWords {
		if w.name == "-help" || w.name == "-version" {
			// Only the request itself: remoting prints its usage or
			// version whatever else is there, and the rest may hold a
			// secret that would then be on java's command line.
			a.Info = true
			a.Options = infoWords(argWords)
			return a, nil
		}
	}
	opts, lit := SplitWords(env("REMOTING_OPTS"))
	a.noteLiteral("REMOTING_OPTS", lit)
	optWords, missing := scanWords(opts)
	if missing != "" {
		return Agent{}, fmt.Errorf("option %s in REMOTING_OPTS needs a value", missing)
	}

	// An unknown option may take a value (a remoting newer than the
	// table): see takeUnknownValues.
	optWords = takeUnknownValues(optWords, nil, false)
	argWords = takeUnknownValues(argWords, fromFile, true)
	var positional []string
	for _, w := range argWords {
		if w.positional {
			positional = append(positional, w.value)
		}
	}
	for _, w := range optWords {
		if w.positional {
			return Agent{}, errors.New("REMOTING_OPTS holds a word that is not an option nor an option's value; only options belong there")
		}
	}
	if len(positional) != 0 && len(positional) != 2 {
		// The words are not quoted: one of them may be the secret.
		msg := fmt.Sprintf("the arguments hold %d positional words; the agent accepts only the legacy pair SECRET NAME", len(positional))
		if u := unknownOptions(argWords); len(u) > 0 {
			msg += fmt.Sprintf(" (for a value of the unknown options %q, write -option=value)", u)
		}
		return Agent{}, errors.New(msg)
	}

	optWords = a.dropConflicting(optWords, argWords)
	argL := collect("the arguments", argWords, &a)
	optL := collect("REMOTING_OPTS", optWords, &a)
	if len(optL.vals["-secret"]) > 0 || hidesAny(optWords) {
		// The agent reads the secret and credentials from a
		// descriptor; the variable would show them to every build
		// (`sh 'env'`).
		a.ScrubEnv = append(a.ScrubEnv, "REMOTING_OPTS")
	}
	if u, ok := getenv("JENKINS_URL"); ok && hasPassword(u) {
		a.ScrubEnv = append(a.ScrubEnv, "JENKINS_URL") // its password, likewise
	}
	if len(argL.vals["-jnlpUrl"])+len(optL.vals["-jnlpUrl"]) > 0 {
		env = a.withoutConnectionVars(env)
	}
	// Remoting's own order puts REMOTING_OPTS before the arguments.
	a.Options = append(passThrough(optWords), passThrough(argWords)...)

	if err := a.resolveIdentity(argL, optL, positional, env); err != nil {
		return Agent{}, err
	}
	a.resolveURLs(argL, optL, env("JENKINS_URL"))
	a.WorkDir = a.pick("-workDir", argL, optL, "JENKINS_AGENT_WORKDIR", env("JENKINS_AGENT_WORKDIR"))
	a.Tunnel = a.pick("-tunnel", argL, optL, "JENKINS_TUNNEL", env("JENKINS_TUNNEL"))
	a.Direct = a.pick("-direct", argL, optL, "JENKINS_DIRECT_CONNECTION", env("JENKINS_DIRECT_CONNECTION"))
	a.InstanceIdentity = a.pick("-instanceIdentity", argL, optL, "JENKINS_INSTANCE_IDENTITY", env("JENKINS_INSTANCE_IDENTITY"))
	a.Protocols = a.pick("-protocols", argL, optL, "JENKINS_PROTOCOLS", env("JENKINS_PROTOCOLS"))
	a.JNLPURL = a.pick("-jnlpUrl", argL, optL, "", "")
	a.WebSocket = argL.flags["-webSocket"] || optL.flags["-webSocket"]
	switch ws := env("JENKINS_WEB_SOCKET"); ws {
	case "true":
		a.WebSocket = true
	case "", "false":
	default:
		a.Warnings = append(a.Warnings, fmt.Sprintf("JENKINS_WEB_SOCKET=%q ignored: only \"true\" enables websocket", ws))
	}
	if err := a.validate(); err != nil {
		return Agent{}, err
	}
	return a, nil
}

// blanks are what the jenkins-agent script's unquoted expansion drops
// around a variable's value (the shell's IFS: a Secret or ConfigMap made
// from a file ends in a newline), and the carriage return of a file
// written on Windows.
const blanks = " \t\n\r"

// trimmedEnv reads the variables with the blanks around their values
// removed, as the script's word splitting removed them: a secret or name
// that kept its newline would fail the agent's handshake. A warning names
// each variable that had some (never its value: it may be the secret).
// The word lists (JAVA_OPTS, REMOTING_OPTS) lose them in the splitting.
func (a *Agent) trimmedEnv(getenv func(string) (string, bool)) func(string) string {
	var noted []string
	return func(k string) string {
		v, _ := getenv(k)
		if k == "JENKINS_WEB_SOCKET" {
			// Compared as it is, blanks and all, as the script
			// compared it ("true\n" is not true there either).
			return v
		}
		t := strings.Trim(v, blanks)
		if t == v || wordList(k) || slices.Contains(noted, k) {
			return t
		}
		noted = append(noted, k)
		if t == "" {
			a.Warnings = append(a.Warnings, fmt.Sprintf("%s holds only blanks (spaces, tabs or line breaks); treated as unset", k))
		} else {
			a.Warnings = append(a.Warnings, fmt.Sprintf("%s starts or ends with blanks (spaces, tabs or line breaks); removed", k))
		}
		return t
	}
}

// noteLiteral warns about what SplitWords of variable k took literally.
func (a *Agent) noteLiteral(k string, lit Literal) {
	if lit != "" {
		a.Warnings = append(a.Warnings, fmt.Sprintf("%s: %s is taken literally, as the jenkins-agent script took it", k, lit))
	}
}

// wordList says whether variable k holds words to split, not one value.
func wordList(k string) bool {
	return k == "JAVA_OPTS" || k == "JENKINS_JAVA_OPTS" || k == "REMOTING_OPTS"
}

// dropConflicting removes the REMOTING_OPTS options that remoting rejects
// beside an option given in the arguments: the arguments win, as they do
// over the same option (the Kubernetes plugin's default REMOTING_OPTS
// holds -noReconnectAfter, which forbids a -noReconnect added to the
// container's arguments). Settings Agent keeps in fields follow their own
// rules (see validate).
func (a *Agent) dropConflicting(opts, args []word) []word {
	var out []word
	for _, o := range opts {
		drop := ""
		for _, w := range args {
			if !o.positional && !w.positional && !owned(o.name) && !owned(w.name) && conflict(o.name, w.name) {
				drop = w.name
				break
			}
		}
		if drop != "" {
			a.Warnings = append(a.Warnings, fmt.Sprintf("%s in REMOTING_OPTS dropped: %s in the arguments wins, and remoting rejects the two together", o.name, drop))
			continue
		}
		out = append(out, o)
	}
	return out
}

// withoutConnectionVars hides the variables that would add what remoting
// forbids beside -jnlpUrl (-url, -name, -tunnel, -direct, -webSocket): the
// agent reads those settings from the JNLP file.
func (a *Agent) withoutConnectionVars(env func(string) string) func(string) string {
	hidden := []string{"JENKINS_URL", "JENKINS_TUNNEL", "JENKINS_DIRECT_CONNECTION", "JENKINS_INSTANCE_IDENTITY",
		"JENKINS_PROTOCOLS", "JENKINS_WEB_SOCKET", "JENKINS_NAME", "JENKINS_AGENT_NAME", "SLAVE_NODE_NAME"}
	var set []string
	for _, k := range hidden {
		if env(k) != "" {
			set = append(set, k)
		}
	}
	if len(set) > 0 {
		a.Warnings = append(a.Warnings, fmt.Sprintf("-jnlpUrl given: %s ignored, the agent reads its connection settings from the JNLP file", strings.Join(set, ", ")))
	}
	return func(k string) string {
		if slices.Contains(hidden, k) {
			return ""
		}
		return env(k)
	}
}

// collect gathers one source's owned options into a layer and copies the
// read-only certificate settings into a.
func collect(source string, words []word, a *Agent) layer {
	l := layer{source: source, vals: map[string][]string{}, flags: map[string]bool{}}
	for _, w := range words {
		switch {
		case w.positional:
		case owned(w.name) && w.hasValue:
			l.vals[w.name] = append(l.vals[w.name], w.value)
		case owned(w.name):
			l.flags[w.name] = true
		case w.name == "-cert" && w.hasValue:
			a.Certs = append(a.Certs, w.value)
			if a.Cert == "" {
				a.Cert = w.value
			}
		case w.name == "-noCertificateCheck":
			a.NoCertCheck = true
		case w.name == "-failIfWorkDirIsMissing":
			a.StrictWorkDir = true
		case !w.known && w.hasValue:
			a.Warnings = append(a.Warnings, fmt.Sprintf("unknown option %q in %s passed to the agent as is, with the word after it as its value", w.name, source))
		case !w.known:
			name, _, _ := strings.Cut(w.name, "=")
			a.Warnings = append(a.Warnings, fmt.Sprintf("unknown option %q in %s passed to the agent as is (taken to have no value)", name, source))
		}
	}
	return l
}

// unknownOptions lists the names of the options remotingOption does not know.
func unknownOptions(words []word) []string {
	var out []string
	for _, w := range words {
		if !w.positional && !w.known {
			name, _, _ := strings.Cut(w.name, "=")
			out = append(out, name)
		}
	}
	return out
}

// takeUnknownValues makes each positional word that follows an unknown
// option that option's value, only when every positional word does so:
// then none of them can be part of the SECRET NAME pair, and the words
// would otherwise be refused (REMOTING_OPTS holds options only; in the
// arguments, pair says that exactly two positional words are that pair and
// stay). Never a word read from an @FILE (fromFile, parallel to the words'
// raw arguments): a file keeps a value off command lines, and an unknown
// option's value is passed on one. -opt=value is never ambiguous.
func takeUnknownValues(words []word, fromFile []bool, pair bool) []word {
	positional, takeable, at := 0, 0, 0
	for k, w := range words {
		if w.positional {
			positional++
			if k > 0 && unknownFlag(words[k-1]) && (at >= len(fromFile) || !fromFile[at]) {
				takeable++
			}
		}
		at += len(w.raw)
	}
	if positional == 0 || takeable != positional || pair && positional == 2 {
		return words
	}
	var out []word
	for _, w := range words {
		if last := len(out) - 1; w.positional && last >= 0 {
			o := out[last]
			o.value, o.hasValue = w.value, true
			o.raw = append(slices.Clip(o.raw), w.raw...)
			out[last] = o
			continue
		}
		out = append(out, w)
	}
	return out
}

// unknownFlag says whether w is an unknown option given alone, whose
// value, if it takes one, would be the next word.
func unknownFlag(w word) bool {
	return !w.positional && !w.known && !w.hasValue && !w.inline
}

// passThrough returns the words of the options that Agent has no field for.
func passThrough(words []word) []string {
	var out []string
	for _, w := range words {
		if !w.positional && !owned(w.name) {
			out = append(out, w.raw...)
		}
	}
	return out
}
