package jnlp

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/jenkins-launcher/launcher/internal/smallfile"
	"golang.org/x/sys/unix"
)

// SecretRef is the argument that makes remoting (args4j) read the secret
// from descriptor fd of its own process.
func SecretRef(fd int) string { return "@/proc/self/fd/" + strconv.Itoa(fd) }

// resolveSecret returns the secret itself: an "@path" value names a file
// whose first line is the secret (args4j's @file convention), which is how
// the re-executed launcher receives it.
func resolveSecret(from, v string) (string, error) {
	if !strings.HasPrefix(v, "@") {
		return v, nil
	}
	path := v[1:]
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("reading the agent secret (%s) from %q: %w", from, path, err)
	}
	defer f.Close()
	consumeInherited(path)
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return "", fmt.Errorf("reading the agent secret (%s) from %q: %w", from, path, err)
		}
		return "", fmt.Errorf("the agent secret file %q (%s) is empty", path, from)
	}
	s := strings.TrimRight(sc.Text(), "\r")
	if s == "" {
		return "", fmt.Errorf("the agent secret file %q (%s) starts with an empty line", path, from)
	}
	return s, nil
}

// consumeInherited marks an inherited descriptor that held the secret
// (/proc/self/fd/N, as a re-executed launcher gets it) close-on-exec once
// it is read, so that Java and its builds do not inherit it; the agent gets
// a fresh one.
func consumeInherited(path string) {
	for _, dir := range []string{"/proc/self/fd/", "/dev/fd/"} {
		if n, ok := strings.CutPrefix(path, dir); ok {
			if fd, err := strconv.Atoi(n); err == nil && fd > 2 {
				unix.CloseOnExec(fd)
			}
			return
		}
	}
}

// SecretFile puts the secret, followed by a newline (args4j reads one
// argument per line), in a file that exists on no disk: a memfd, or when
// memfd_create is unavailable a 0400 file in a private temporary directory
// that is unlinked before SecretFile returns. Pass it in
// exec.Cmd.ExtraFiles (it becomes fd 3, so the argument is SecretRef(3)),
// or use InheritAt before replacing the process with exec.
// The file is close-on-exec in this process; ExtraFiles clears that in the
// child. The caller closes it once the child has started.
func SecretFile(secret string) (*os.File, error) {
	if secret == "" {
		return nil, errors.New("secret file: the secret is empty")
	}
	fd, err := unix.MemfdCreate("jenkins-agent-secret", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return secretFileIn(os.TempDir(), secret)
	}
	f := os.NewFile(uintptr(fd), "memfd:jenkins-agent-secret")
	// Mode 0400: same-UID processes can open /proc/PID/fd/N anyway, but
	// nothing should be able to rewrite the secret.
	_ = unix.Fchmod(fd, 0o400)
	if err := writeSecret(f, secret); err != nil {
		f.Close()
		return nil, err
	}
	// Seal it: the agent and its builds can read the secret, never change it.
	_, _ = unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS,
		unix.F_SEAL_WRITE|unix.F_SEAL_GROW|unix.F_SEAL_SHRINK|unix.F_SEAL_SEAL)
	return f, nil
}

// secretFileIn is SecretFile's fallback: an unnamed O_TMPFILE in a private
// directory under dir, or a created-then-unlinked file where the filesystem
// has no O_TMPFILE. The directory is removed before returning.
func secretFileIn(dir, secret string) (*os.File, error) {
	priv, err := os.MkdirTemp(dir, ".launcher-secret-")
	if err != nil {
		return nil, fmt.Errorf("secret file: %w", err)
	}
	defer os.RemoveAll(priv)
	f, err := os.OpenFile(priv, unix.O_TMPFILE|os.O_RDWR|unix.O_CLOEXEC, 0o400)
	if err != nil {
		name := priv + "/secret"
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL|unix.O_CLOEXEC, 0o400)
		if err != nil {
			return nil, fmt.Errorf("secret file in %q: %w", priv, err)
		}
		if err := os.Remove(name); err != nil {
			f.Close()
			return nil, fmt.Errorf("secret file: unlinking %q: %w", name, err)
		}
	}
	if err := writeSecret(f, secret); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func writeSecret(f *os.File, secret string) error {
	if _, err := f.WriteString(secret + "\n"); err != nil {
		return fmt.Errorf("secret file: writing: %w", err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		return fmt.Errorf("secret file: rewinding: %w", err)
	}
	return nil
}

// InheritAt makes f available as descriptor fd across exec(2) in this very
// process, for a launcher that replaces itself with Java instead of
// supervising it (ExtraFiles only applies to children).
func InheritAt(f *os.File, fd int) error {
	src := int(f.Fd())
	if src != fd {
		if err := unix.Dup3(src, fd, 0); err != nil {
			return fmt.Errorf("secret file: dup to fd %d: %w", fd, err)
		}
		return nil
	}
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0); err != nil {
		return fmt.Errorf("secret file: clearing close-on-exec on fd %d: %w", fd, err)
	}
	return nil
}

// HideArgs splits remoting arguments into those that may show on a command
// line and those that must not, which go to the descriptor file after the
// secret (args4j replaces an "@FILE" argument with the file's lines, so
// they reach remoting unchanged): the values of -credentials,
// -proxyCredentials, -jnlpCredentials, -auth and -webSocketHeader, and
// -url or -jnlpUrl values that hold a password, each with its option (and
// then every -url, to keep their order). A value that cannot be a line of
// that file stays (see hideable), and so does -secret, whose value is
// already a reference.
func HideArgs(args []string) (shown, hidden []string) {
	words, _ := scanWords(args)
	// remoting tries its URLs in the order given: when one must be hidden
	// they all go, so that the order stays.
	urls := false
	for _, w := range words {
		urls = urls || (w.name == "-url" && hides(w))
	}
	for _, w := range words {
		if hides(w) || (urls && w.name == "-url" && hideable(w)) {
			hidden = append(hidden, w.raw...)
			continue
		}
		shown = append(shown, w.raw...)
	}
	return shown, hidden
}

// hides says whether an option's value must stay off command lines.
func hides(w word) bool {
	if !hideable(w) {
		return false
	}
	switch {
	case w.name == "-secret":
		return false
	case secretOption(w.name):
		return true
	case urlOption(w.name):
		return hasPassword(w.value)
	}
	return false
}

// hideable says whether an option's value can be a line of the descriptor
// file: it has one, without a line break, and it is not itself an @FILE
// reference, which args4j expands only on the command line (lines read
// from a file are not expanded again), and which shows a path, not a
// secret.
func hideable(w word) bool {
	return w.hasValue && !strings.ContainsAny(w.value, "\r\n") && !strings.HasPrefix(w.value, "@")
}

// hidesAny says whether HideArgs would keep any of words off a command line.
func hidesAny(words []word) bool {
	for _, w := range words {
		if hides(w) {
			return true
		}
	}
	return false
}

// infoWords are the -help and -version words, as given.
func infoWords(words []word) []string {
	var out []string
	for _, w := range words {
		if w.name == "-help" || w.name == "-version" {
			out = append(out, w.raw...)
		}
	}
	return out
}

// ArgsFile is SecretFile for several lines: the secret first, if any, then
// the arguments HideArgs kept off the command line.
func ArgsFile(lines []string) (*os.File, error) {
	if len(lines) == 0 {
		return nil, errors.New("argument file: nothing to write")
	}
	return SecretFile(strings.Join(lines, "\n"))
}

// expandArgFiles replaces each "@FILE" word that is not an option's value
// with the lines of FILE, as args4j does for remoting, so that the launcher
// reads the arguments remoting will: this is how a re-executed launcher
// gets back what it moved off its command line (see ReexecArgs). An
// option's value is left alone, as a reference: "-secret @FILE" is
// resolveSecret's, and remoting reads the others itself.
// fromFile[i] says that out[i] is a line of a file.
func expandArgFiles(args []string) (out []string, fromFile []bool, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if len(a) > 1 && a[0] == '@' {
			lines, err := readArgFile(a[1:])
			if err != nil {
				return nil, nil, err
			}
			out = append(out, lines...)
			for range lines {
				fromFile = append(fromFile, true)
			}
			continue
		}
		out, fromFile = append(out, a), append(fromFile, false)
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		name, _, inline := splitOption(a)
		if n, _ := remotingOption(name); n == 1 && !inline && i+1 < len(args) {
			i++
			out, fromFile = append(out, args[i]), append(fromFile, false)
		}
	}
	return out, fromFile, nil
}

// maxArgFile bounds an @FILE: arguments are lines, not megabytes, and
// "@/dev/zero" must not fill memory.
const maxArgFile = 1 << 20

func readArgFile(path string) ([]string, error) {
	b, err := smallfile.Read(path, maxArgFile)
	if err != nil {
		return nil, fmt.Errorf("reading arguments from %q: %w", path, err)
	}
	consumeInherited(path)
	// As args4j's readLine: "\n" or "\r\n" ends a line, empty lines are
	// arguments too (an empty value), and a final line break ends the
	// last line rather than starting an empty one.
	if len(b) == 0 {
		return nil, nil
	}
	text := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return lines, nil
}
