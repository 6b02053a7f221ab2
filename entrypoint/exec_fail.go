package entrypoint

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/jenkins-launcher/launcher/internal/smallfile"
	"golang.org/x/sys/unix"
)

// shell runs a script that has no "#!" line.
const shell = "/bin/sh"

// headSize is how much of a file that would not run is read to say why:
// bash reads 80 bytes to tell a script from a binary.
const headSize = 256

// startAsShells starts cmd with start (an exec, or a fork and exec) and,
// when the kernel refuses a script without "#!", starts that script with
// /bin/sh instead (see asScript). Without a /bin/sh the first error stands.
//
// The command is passed by pointer, here and to start: by value it took a
// copy in every frame on the way to the exec (see cmd/launcher's run).
func startAsShells(cmd *Command, logger *slog.Logger, start func(*Command) error) error {
	err := start(cmd)
	if !errors.Is(err, syscall.ENOEXEC) {
		return err
	}
	return startScript(cmd, logger, start, err)
}

// startScript is startAsShells after an ENOEXEC, in a function of its own
// so that the common path keeps a small frame (see cmd/launcher's run).
func startScript(cmd *Command, logger *slog.Logger, start func(*Command) error, err error) error {
	script, ok := asScript(*cmd, err)
	if !ok {
		return err
	}
	logger.Debug("no #! line: running the command with the shell, as shells do", "path", cmd.Path, "shell", script.Path)
	if serr := start(&script); !errors.Is(serr, syscall.ENOENT) {
		return serr
	}
	return err
}

// asScript returns cmd run by /bin/sh when err, from execve, says the
// kernel does not know the format of a file that is text: a script without
// a "#!" line. POSIX shells and execvp(3) run such a file with the shell, and
// so did the stack the launcher replaces (bash's exec in jenkins-agent, tini's
// execvp), so `launcher exec -- ./build.sh` must work for it too. A binary
// for another machine gets the same error and stays one (see execError).
func asScript(cmd Command, err error) (Command, bool) {
	if !errors.Is(err, syscall.ENOEXEC) {
		return cmd, false
	}
	head, rerr := readHead(cmd.Path)
	if rerr != nil || isBinary(head) || namesInterpreter(head) {
		return cmd, false
	}
	script := cmd
	script.Path = shell
	script.Args = append([]string{shell, cmd.Path}, cmd.Args[1:]...)
	return script, true
}

// namesInterpreter says whether head starts with a #! line that names an
// interpreter. A bare "#!" (blanks at most) names none: the kernel refuses
// it, and shells run the file with sh as a script without #!.
func namesInterpreter(head []byte) bool {
	rest, ok := bytes.CutPrefix(head, []byte("#!"))
	if !ok {
		return false
	}
	line, _, _ := bytes.Cut(rest, []byte{'\n'})
	return len(bytes.Trim(line, " \t\r")) > 0
}

// execError returns the exit code for a command that execve refused and an
// error that says why in terms a user can act on, where the kernel's errno
// misleads: "no such file or directory" for a file that is there (its #!
// interpreter is missing, often a Windows line ending after it, or a binary's
// dynamic loader is: built for another C library), "exec format error" for
// a binary of another architecture. A missing interpreter or loader is
// 127, as Debian 12's bash 5.2, dash and tini exit (older bash said 126,
// "bad interpreter").
func execError(path string, err error) (int, error) {
	code := startErrorCode(err)
	switch {
	case errors.Is(err, syscall.ENOENT):
		if unix.Access(path, unix.F_OK) != nil {
			return code, err
		}
		head, rerr := readHead(path)
		if rerr != nil {
			return code, err
		}
		if interp, ok := interpreter(head); ok {
			why := fmt.Sprintf("its interpreter %q (the #! line) does not exist", interp)
			if strings.HasSuffix(interp, "\r") {
				why = fmt.Sprintf("its #! line names %q, with a carriage return: the script has Windows line endings (CRLF); convert it to LF", interp)
			}
			return ExitNotFound, fmt.Errorf("%w: %s", err, why)
		}
		if bytes.HasPrefix(head, []byte("\x7fELF")) {
			return code, fmt.Errorf("%w: the file is there, but the dynamic loader it needs is not (a binary built for another C library, such as glibc on Alpine's musl?)", err)
		}
	case errors.Is(err, syscall.EAGAIN):
		// fork (clone) refused: the kernel's message names no limit.
		return code, fmt.Errorf("%w: no process can be started: the process limit is reached (the container's pids limit, pids.max, or ulimit -u for this uid; threads count)", err)
	case errors.Is(err, syscall.ENOEXEC):
		head, rerr := readHead(path)
		if rerr == nil && bytes.HasPrefix(head, []byte("\x7fELF")) {
			if m := elfMachine(head); m != runtime.GOARCH {
				return code, fmt.Errorf("%w: a binary for another machine (%s), this one is %s", err, m, runtime.GOARCH)
			}
			return code, fmt.Errorf("%w: a binary this kernel cannot load (damaged, or for another system)", err)
		}
		if rerr == nil && !isBinary(head) && !bytes.HasPrefix(head, []byte("#!")) {
			return code, fmt.Errorf("%w: a script without a #! line, and %s cannot run it", err, shell)
		}
	}
	return code, err
}

// readHead returns the first bytes of path.
func readHead(path string) ([]byte, error) {
	fd, err := smallfile.Open(path)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd)
	buf := make([]byte, headSize)
	n, err := smallfile.ReadFD(fd, buf)
	if err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// isBinary applies bash's test: a NUL byte in the first line (of at most
// 80 bytes) makes a file binary, not a script.
func isBinary(head []byte) bool {
	line := head[:min(len(head), 80)]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	return bytes.IndexByte(line, 0) >= 0
}

// interpreter returns the program named on a "#!" line.
func interpreter(head []byte) (string, bool) {
	rest, ok := bytes.CutPrefix(head, []byte("#!"))
	if !ok {
		return "", false
	}
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	fields := bytes.FieldsFunc(rest, func(r rune) bool { return r == ' ' || r == '\t' })
	if len(fields) == 0 {
		return "", false
	}
	return string(fields[0]), true
}

// elfMachine names the architecture in an ELF header (e_machine, in the
// byte order the header's EI_DATA gives).
func elfMachine(head []byte) string {
	if len(head) < 20 {
		return "unknown"
	}
	m := uint16(head[18]) | uint16(head[19])<<8
	if head[5] == 2 { // big-endian ELF
		m = uint16(head[19]) | uint16(head[18])<<8
	}
	switch m {
	case 3:
		return "386"
	case 8:
		return "mips"
	case 20:
		return "ppc"
	case 21:
		return "ppc64"
	case 22:
		return "s390x"
	case 40:
		return "arm"
	case 62:
		return "amd64"
	case 183:
		return "arm64"
	case 243:
		return "riscv64"
	case 258:
		return "loong64"
	}
	return "ELF machine " + strconv.Itoa(int(m))
}
