package jnlp

import (
	"errors"
	"strings"
)

// secretWord finds the argument that holds the secret in clear: the value
// of -secret (or -secret=VALUE), or the first of the positional SECRET NAME
// pair. It returns its index and whether it is the inline -secret= form.
func secretWord(args []string) (idx int, inline bool, ok bool) {
	var pos []int
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, i)
			continue
		}
		name, _, isInline := splitOption(a)
		n, _ := remotingOption(name)
		switch {
		case name == "-secret" && isInline:
			idx, inline, ok = i, true, true
		case name == "-secret" && i+1 < len(args):
			idx, inline, ok = i+1, false, true
		}
		if !isInline && n == 1 {
			i++
		}
	}
	if !ok && len(pos) == 2 {
		idx, ok = pos[0], true
	}
	if !ok {
		return 0, false, false
	}
	v := args[idx]
	if inline {
		_, v, _ = splitOption(v)
	}
	if v == "" || strings.HasPrefix(v, "@") {
		return 0, false, false
	}
	return idx, inline, true
}

// NeedsReexec reports whether the arguments hold the secret in clear (the
// ECS form `-url URL SECRET NAME`, or -secret VALUE): then the launcher's own
// /proc/PID/cmdline shows it, and it should re-execute itself once with
// ReexecArgs.
func NeedsReexec(args []string) bool {
	if IsCommand(args) {
		return false
	}
	_, _, ok := secretWord(args)
	return ok
}

// ReexecArgs returns args with the secret replaced by SecretRef(fd), and the
// secret, for the launcher to re-execute itself with SecretFile(secret)
// inherited at fd. Parse reads the secret back from that descriptor.
func ReexecArgs(args []string, fd int) (newArgs []string, secret string, err error) {
	idx, inline, ok := secretWord(args)
	if !ok {
		return nil, "", errors.New("re-exec: no secret in clear in the arguments")
	}
	newArgs = append([]string(nil), args...)
	if inline {
		_, secret, _ = splitOption(args[idx])
		newArgs[idx] = "-secret=" + SecretRef(fd)
	} else {
		secret = args[idx]
		newArgs[idx] = SecretRef(fd)
	}
	return newArgs, secret, nil
}
