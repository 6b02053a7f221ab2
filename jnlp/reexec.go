package jnlp

import (
	"errors"
	"strings"
)

// secretSpot is an argument that holds the secret in clear.
type secretSpot struct {
	idx    int
	inline bool // the -secret=VALUE form
}

// secretWords finds every argument that holds the secret in clear: each
// value of -secret (or -secret=VALUE), and the first of a positional SECRET
// NAME pair. secret is the one to hand over: the last -secret in clear,
// else the positional one.
func secretWords(args []string) (spots []secretSpot, secret string) {
	var pos []int
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, i)
			continue
		}
		name, value, isInline := splitOption(a)
		n, _ := remotingOption(name)
		switch {
		case name == "-secret" && isInline && inClear(value):
			spots, secret = append(spots, secretSpot{i, true}), value
		case name == "-secret" && !isInline && i+1 < len(args) && inClear(args[i+1]):
			spots, secret = append(spots, secretSpot{i + 1, false}), args[i+1]
		}
		if !isInline && n == 1 {
			i++
		}
	}
	if len(pos) == 2 && inClear(args[pos[0]]) {
		spots = append(spots, secretSpot{idx: pos[0]})
		if secret == "" {
			secret = args[pos[0]]
		}
	}
	return spots, secret
}

// inClear says whether a secret value is given in clear, not as @FILE.
func inClear(v string) bool { return v != "" && !strings.HasPrefix(v, "@") }

// NeedsReexec reports whether the arguments hold a secret in clear: the
// agent secret (the ECS form `-url URL SECRET NAME`, or -secret VALUE), or
// what HideArgs keeps off a command line (-credentials, a URL's password,
// ...). Then the launcher's own /proc/PID/cmdline shows it, and it should
// re-execute itself once with ReexecArgs.
func NeedsReexec(args []string) bool {
	if IsCommand(args) {
		return false
	}
	spots, _ := secretWords(args)
	_, hidden := HideArgs(args)
	return len(spots) > 0 || len(hidden) > 0
}

// ReexecArgs returns args with every secret in clear replaced by
// SecretRef(secretFD), and the secret, and with the words HideArgs keeps
// off a command line replaced by one SecretRef(hiddenFD) at the end, and
// those words: the launcher re-executes itself with SecretFile(secret) at
// secretFD and ArgsFile(hidden) at hiddenFD. Parse reads both back.
func ReexecArgs(args []string, secretFD, hiddenFD int) (newArgs []string, secret string, hidden []string, err error) {
	spots, secret := secretWords(args)
	newArgs = append([]string(nil), args...)
	for _, s := range spots {
		if s.inline {
			newArgs[s.idx] = "-secret=" + SecretRef(secretFD)
		} else {
			newArgs[s.idx] = SecretRef(secretFD)
		}
	}
	newArgs, hidden = HideArgs(newArgs)
	if len(spots) == 0 && len(hidden) == 0 {
		return nil, "", nil, errors.New("re-exec: no secret in clear in the arguments")
	}
	if len(hidden) > 0 {
		newArgs = append(newArgs, SecretRef(hiddenFD))
	}
	return newArgs, secret, hidden, nil
}
