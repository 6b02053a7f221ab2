package jnlp

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

func TestSecretFileMemfd(t *testing.T) {
	f, err := SecretFile("s3cr3t-memfd")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	link, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, "/memfd:") {
		t.Errorf("secret file is %q, want a memfd", link)
	}
	checkSecretFile(t, f, "s3cr3t-memfd")
	if _, err := f.WriteString("x"); err == nil {
		t.Error("the sealed secret file accepted a write")
	}
}

func TestSecretFileFallback(t *testing.T) {
	dir := t.TempDir()
	f, err := secretFileIn(dir, "s3cr3t-tmp")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	checkSecretFile(t, f, "s3cr3t-tmp")
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	if st.Nlink != 0 || st.Mode&0o777 != 0o400 {
		t.Errorf("links %d mode %o, want an unlinked 0400 file", st.Nlink, st.Mode&0o777)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("left behind in %s: %v", dir, left)
	}
}

// checkSecretFile reads the file the way remoting will, through a fresh
// open of /proc/self/fd/N, and in a child that inherits it as fd 3.
func checkSecretFile(t *testing.T, f *os.File, secret string) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/fd/%d", f.Fd()))
	if err != nil || string(b) != secret+"\n" {
		t.Fatalf("content %q, %v; want the secret and a newline", b, err)
	}
	cmd := exec.Command("/bin/cat", "/proc/self/fd/3")
	cmd.ExtraFiles = []*os.File{f}
	out, err := cmd.Output()
	if err != nil || string(out) != secret+"\n" {
		t.Fatalf("child read %q, %v", out, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
}

func TestSecretFileEmpty(t *testing.T) {
	if _, err := SecretFile(""); err == nil {
		t.Error("an empty secret was accepted")
	}
}

func TestReexec(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		needs  bool
		want   []string // with the secret at fd 7, the hidden words at fd 8
		secret string
		hidden []string
	}{
		{"credentials and a URL password too", []string{"-url", "http://u:pw@j/", "-credentials", "a:b", "s3cr3t", "agent"}, true,
			[]string{"@/proc/self/fd/7", "agent", "@/proc/self/fd/8"}, "s3cr3t", []string{"-url", "http://u:pw@j/", "-credentials", "a:b"}},
		{"credentials alone", []string{"-noReconnect", "-proxyCredentials=p:q"}, true,
			[]string{"-noReconnect", "@/proc/self/fd/8"}, "", []string{"-proxyCredentials=p:q"}},
		{"an @FILE value stays", []string{"-credentials", "@/run/creds", "-name", "n"}, false, nil, "", nil},
		{"urls keep their order", []string{"-url", "http://backup/", "-url", "http://u:pw@primary/", "-secret", "s3cr3t", "-name", "n"}, true,
			[]string{"-secret", "@/proc/self/fd/7", "-name", "n", "@/proc/self/fd/8"}, "s3cr3t", []string{"-url", "http://backup/", "-url", "http://u:pw@primary/"}},
		{"ecs form", []string{"-url", "http://j/", "-tunnel", "j:50000", "s3cr3t", "agent"}, true,
			[]string{"-url", "http://j/", "-tunnel", "j:50000", "@/proc/self/fd/7", "agent"}, "s3cr3t", nil},
		{"legacy positional", []string{"s3cr3t", "agent"}, true, []string{"@/proc/self/fd/7", "agent"}, "s3cr3t", nil},
		{"secret option", []string{"-secret", "s3cr3t", "-name", "agent"}, true,
			[]string{"-secret", "@/proc/self/fd/7", "-name", "agent"}, "s3cr3t", nil},
		{"inline secret option", []string{"-name", "agent", "-secret=s3cr3t"}, true,
			[]string{"-name", "agent", "-secret=@/proc/self/fd/7"}, "s3cr3t", nil},
		// Every copy goes: one left would show in ps for the agent's life.
		{"secret option twice", []string{"-url", "http://j/", "-secret", "s3cr3t", "-secret=s3cr3t", "-name", "x"}, true,
			[]string{"-url", "http://j/", "-secret", "@/proc/self/fd/7", "-secret=@/proc/self/fd/7", "-name", "x"}, "s3cr3t", nil},
		{"the last in clear is handed over", []string{"-secret", "old", "-secret", "s3cr3t", "-name", "x"}, true,
			[]string{"-secret", "@/proc/self/fd/7", "-secret", "@/proc/self/fd/7", "-name", "x"}, "s3cr3t", nil},
		{"a clear copy beside a file", []string{"-secret", "s3cr3t", "-secret", "@/run/secret", "-name", "x"}, true,
			[]string{"-secret", "@/proc/self/fd/7", "-secret", "@/run/secret", "-name", "x"}, "s3cr3t", nil},
		{"option and positional", []string{"-secret", "s3cr3t", "s3cr3t", "agent"}, true,
			[]string{"-secret", "@/proc/self/fd/7", "@/proc/self/fd/7", "agent"}, "s3cr3t", nil},
		{"already a file", []string{"-secret", "@/run/secret", "-name", "agent"}, false, nil, "", nil},
		{"positional file", []string{"@/proc/self/fd/3", "agent"}, false, nil, "", nil},
		{"env only", []string{"-noReconnect"}, false, nil, "", nil},
		{"a command", []string{"bash"}, false, nil, "", nil},
		{"option values are not positionals", []string{"-workDir", "/w", "-name", "n"}, false, nil, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := NeedsReexec(tc.args); got != tc.needs {
				t.Fatalf("NeedsReexec = %v, want %v", got, tc.needs)
			}
			got, secret, hidden, err := ReexecArgs(tc.args, 7, 8)
			if !tc.needs {
				if err == nil {
					t.Fatalf("ReexecArgs found a secret in %q", tc.args)
				}
				return
			}
			if err != nil || secret != tc.secret || !slices.Equal(got, tc.want) || !slices.Equal(hidden, tc.hidden) {
				t.Fatalf("ReexecArgs = %q, secret ok %v, hidden %q, %v; want %q and %q", got, secret == tc.secret, hidden, err, tc.want, tc.hidden)
			}
		})
	}
}

// TestReexecRoundTrip: the re-executed launcher reads the secret back from
// the inherited descriptor, and the agent gets -secret, never a positional.
func TestReexecRoundTrip(t *testing.T) {
	args := []string{"-url", "http://j/", "-credentials", "u:credpw", "s3cr3t-ecs", "ecs-agent"}
	_, _, hiddenWords, err := ReexecArgs(args, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	f, err := SecretFile("s3cr3t-ecs")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := ArgsFile(hiddenWords)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	// As after the re-exec: the descriptors are inherited, not close-on-exec.
	for _, x := range []*os.File{f, h} {
		if err := InheritAt(x, int(x.Fd())); err != nil {
			t.Fatal(err)
		}
	}
	newArgs, secret, _, err := ReexecArgs(args, int(f.Fd()), int(h.Fd()))
	if err != nil || secret != "s3cr3t-ecs" {
		t.Fatalf("ReexecArgs: %v", err)
	}
	if slices.Contains(newArgs, "s3cr3t-ecs") || slices.Contains(newArgs, "u:credpw") {
		t.Fatalf("secret or credentials still in %q", newArgs)
	}
	a, err := Parse(func(string) (string, bool) { return "", false }, newArgs)
	if err != nil {
		t.Fatal(err)
	}
	if a.Secret != "s3cr3t-ecs" || a.Name != "ecs-agent" {
		t.Fatalf("secret read back %v, name %q", a.Secret == "s3cr3t-ecs", a.Name)
	}
	// Read once, the inherited descriptors must not reach Java and builds.
	for _, x := range []*os.File{f, h} {
		if flags, err := unix.FcntlInt(x.Fd(), unix.F_GETFD, 0); err != nil || flags&unix.FD_CLOEXEC == 0 {
			t.Errorf("descriptor %d not close-on-exec after Parse (flags %#x, %v)", x.Fd(), flags, err)
		}
	}
	want := []string{"-secret", "@/proc/self/fd/3", "-name", "ecs-agent", "-url", "http://j/", "-credentials", "u:credpw"}
	if got := a.Argv(SecretRef(3)); !slices.Equal(got, want) {
		t.Errorf("Argv %q, want %q", got, want)
	}
}

func TestInheritAt(t *testing.T) {
	f, err := SecretFile("s3cr3t-inherit")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A free descriptor number well above the ones in use.
	const fd = 97
	if err := InheritAt(f, fd); err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	flags, err := unix.FcntlInt(fd, unix.F_GETFD, 0)
	if err != nil || flags&unix.FD_CLOEXEC != 0 {
		t.Fatalf("fd %d flags %#x, %v: want inheritable", fd, flags, err)
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/self/fd/%d", fd))
	if err != nil || string(b) != "s3cr3t-inherit\n" {
		t.Fatalf("fd %d holds %q, %v", fd, b, err)
	}
}

// readArgFile reads lines as args4j does: empty lines are arguments, a
// final line break is not.
func TestReadArgFile(t *testing.T) {
	dir := t.TempDir()
	for content, want := range map[string][]string{
		"a\n\nb\r\n": {"a", "", "b"},
		"x":          {"x"},
		"x\n":        {"x"},
		"\n":         {""},
		"":           nil,
	} {
		p := filepath.Join(dir, "f")
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := readArgFile(p)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("%q: %q, %v; want %q", content, got, err, want)
		}
	}
}

// An @FILE that is a named FIFO without a writer reads as empty at once,
// not a wait for a writer that may never come; one that is a pipe already
// open (a here-string: `@/dev/fd/3 3<<<"..."`) is read to its end.
func TestParseArgFilePipes(t *testing.T) {
	env := func(string) (string, bool) { return "", false }
	fifo := filepath.Join(t.TempDir(), "args")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := Parse(env, []string{"-url", "http://c/", "-name", "agent", "@" + fifo, "-secret", "s3cr3t"})
	if err != nil || a.Name != "agent" || a.Secret != "s3cr3t" {
		t.Fatalf("Parse with an empty FIFO: name %q, %v", a.Name, err)
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := w.WriteString("-name\nfrom-pipe\n"); err != nil {
		t.Fatal(err)
	}
	w.Close()
	a, err = Parse(env, []string{"-url", "http://c/", "@/proc/self/fd/" + strconv.Itoa(int(r.Fd())), "-secret", "s3cr3t"})
	if err != nil || a.Name != "from-pipe" {
		t.Fatalf("Parse with a pipe: name %q, %v; want from-pipe", a.Name, err)
	}
}

// -help and -version pass on alone: whatever else is there (a positional
// secret) would be on java's command line.
func TestParseInfoOnlyRequest(t *testing.T) {
	a, err := Parse(func(string) (string, bool) { return "", false }, []string{"-help", "s3cr3t", "agent", "-credentials", "u:pw"})
	if err != nil || !a.Info || !slices.Equal(a.Options, []string{"-help"}) {
		t.Errorf("Parse: info %v, options %q, %v; want -help alone", a.Info, a.Options, err)
	}
}
