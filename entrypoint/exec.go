package entrypoint

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// Command is one finished command to run.
type Command struct {
	Path       string     // absolute path of the executable, already resolved
	Args       []string   // argv, Args[0] as the program sees it
	Env        []string   // the complete environment
	Dir        string     // working directory; "" = the launcher's
	ExtraFiles []*os.File // become fds 3, 4, ... in the command (the agent secret as /proc/self/fd/N)
}

// DefaultPath is where commands are looked for when PATH is not set, as
// dash and bash look (a container started with `env -i`).
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// SearchPath is the list LookPath searches for PATH's value v: DefaultPath
// when PATH is not set, and the current directory when it is set but empty
// (one zero-length entry, which POSIX reads as the current directory).
func SearchPath(v string, set bool) string {
	switch {
	case !set:
		return DefaultPath
	case v == "":
		return "."
	}
	return v
}

// LookPath resolves name as a shell does: a name containing '/' is used as
// is, any other is searched in the directories of pathEnv (an empty entry
// means the current directory). On failure it returns the code a shell
// would exit with, ExitNotFound or ExitNotExecutable (a directory, or a file
// without execute permission), and an error naming the command.
func LookPath(name, pathEnv string) (path string, code int, err error) {
	if name == "" {
		return "", ExitNotFound, errors.New("command: empty name")
	}
	if strings.Contains(name, "/") {
		if code, err := checkExecutable(name); err != nil {
			return "", code, fmt.Errorf("command %q: %w", name, err)
		}
		return name, 0, nil
	}
	// Like bash, remember a file that exists but cannot run: if nothing
	// better turns up, the failure is "permission denied" (126), not
	// "not found" (127).
	var denied error
	for _, dir := range filepath.SplitList(pathEnv) {
		if dir == "" {
			dir = "."
		}
		candidate := filepath.Join(dir, name)
		code, err := checkExecutable(candidate)
		if err == nil {
			return candidate, 0, nil
		}
		if code == ExitNotExecutable && denied == nil {
			denied = fmt.Errorf("command %q: %w", candidate, err)
		}
	}
	if denied != nil {
		return "", ExitNotExecutable, denied
	}
	return "", ExitNotFound, fmt.Errorf("command %q: not found in PATH %q", name, pathEnv)
}

// checkExecutable says whether path can be executed, and if not, the shell's
// exit code for it.
func checkExecutable(path string) (int, error) {
	info, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return ExitNotFound, errors.New("not found")
		}
		return ExitNotExecutable, err
	}
	if info.IsDir() {
		return ExitNotExecutable, errors.New("is a directory")
	}
	if err := unix.Faccessat(unix.AT_FDCWD, path, unix.X_OK, unix.AT_EACCESS); err != nil {
		return ExitNotExecutable, errors.New("permission denied: not executable")
	}
	return 0, nil
}

// startErrorCode maps the error of execve (via StartProcess or Exec) to the
// code a shell exits with.
func startErrorCode(err error) int {
	switch {
	case errors.Is(err, syscall.ENOENT), errors.Is(err, syscall.ENOTDIR):
		return ExitNotFound
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.ENOEXEC),
		errors.Is(err, syscall.EPERM), errors.Is(err, syscall.EISDIR),
		errors.Is(err, syscall.ETXTBSY), errors.Is(err, syscall.E2BIG),
		errors.Is(err, syscall.ELOOP):
		return ExitNotExecutable
	}
	return ExitInternal
}

// ShouldSupervise reports whether the launcher must stay as the command's
// parent: as PID 1 (nobody else reaps or signals properly), or when asked
// to be a subreaper.
func ShouldSupervise(pid int, subreaper bool) bool {
	return pid == 1 || subreaper
}

// Run runs cmd: supervised (see Supervise) when ShouldSupervise, else by
// replacing the launcher with it (no extra process stays; the command
// starts with default dispositions for every signal and an empty signal
// mask). It returns the code to exit with; after a replacement it returns
// only when the exec failed (126, 127 or 70), or 128+n if a terminating
// signal arrived first.
//
// One exception to the replacement: when cmd.ExtraFiles cannot be moved to
// fds 3, 4, ... because a descriptor there may be the Go runtime's epoll or
// eventfd (see extraFilesPlaceable), overwriting it could crash the runtime
// before execve; the command is then supervised instead, and the log says so.
//
// cmd and opts are pointers: by value they took a copy in every frame on
// the way to the exec (see cmd/launcher's run).
func Run(cmd *Command, sigs *Signals, opts *Options) int {
	if ShouldSupervise(os.Getpid(), opts.Subreaper) {
		return Supervise(*cmd, sigs, *opts)
	}
	if busy, ok := extraFilesPlaceable(cmd.ExtraFiles); !ok {
		orDiscard(opts.Logger).Info("supervising the command instead of replacing the launcher: the descriptor for its extra file is in use",
			"fd", busy)
		return Supervise(*cmd, sigs, *opts)
	}
	code := execCommand(cmd, sigs, opts.Logger)
	// Back here: the command did not start.
	opts.notStarted()
	return code
}

// execCommand replaces the launcher with cmd; it returns only on failure.
func execCommand(cmd *Command, sigs *Signals, logger *slog.Logger) int {
	logger = orDiscard(logger)
	// Without Signals the caller left every signal at its default action:
	// one that arrives now ends the launcher as it would end the command.
	pending := func() *SignalError { return nil }
	if sigs != nil {
		if se := sigs.takeOver(); se != nil {
			return signalBeforeStart(logger, se, "not starting the command: signal received during set-up")
		}
		pending = sigs.pendingTermination
	}
	err := chdir(cmd.Dir)
	if err == nil {
		err = passExtraFiles(cmd.ExtraFiles)
	}
	if err != nil {
		return cannotStart(logger, cmd.Path, err)
	}
	err = startAsShells(cmd, logger, func(c *Command) error { return execClean(c.Path, c.Args, c.Env, pending) })
	if sigs != nil {
		sigs.recatch()
	}
	return execFailed(cmd.Path, err, logger)
}

// execFailed reports an exec that did not happen and returns the exit
// code. This, signalBeforeStart and cannotStart are functions of their
// own: their logging would make execCommand's frame larger, on the
// launcher's start-up stack (see cmd/launcher's run).
func execFailed(path string, err error, logger *slog.Logger) int {
	var se *SignalError
	if errors.As(err, &se) {
		return signalBeforeStart(logger, se, "not starting the command: signal received")
	}
	code, err := execError(path, err)
	logger.Error("cannot execute the command", "path", path, "err", err, "exit_code", code)
	return code
}

// signalBeforeStart logs msg for a terminating signal that came before
// the command started, and returns its exit code.
func signalBeforeStart(logger *slog.Logger, se *SignalError, msg string) int {
	logger.Info(msg, "signal", se.Signal.String())
	return se.ExitCode()
}

// cannotStart reports a command that could not be prepared for its exec.
func cannotStart(logger *slog.Logger, path string, err error) int {
	logger.Error("cannot start the command", "path", path, "err", err)
	return ExitInternal
}

func chdir(dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.Chdir(dir); err != nil {
		return fmt.Errorf("working directory %q: %w", dir, err)
	}
	return nil
}

// extraFilesPlaceable reports whether every target fd 3, 4, ... may be
// overwritten right before execve: free, held by one of files themselves,
// or a regular file. The Go runtime keeps its cgroup CPU limit files open
// there (since Go 1.25; it ignores read errors on them), but a pipe, socket
// or anonymous inode may be its epoll or eventfd, whose loss would crash it
// in the moment before execve. It returns the first fd that is none of these.
func extraFilesPlaceable(files []*os.File) (busy int, ok bool) {
	ours := map[int]bool{}
	for _, f := range files {
		ours[int(f.Fd())] = true
	}
	for i := range files {
		target := 3 + i
		if ours[target] {
			continue
		}
		var st unix.Stat_t
		err := unix.Fstat(target, &st)
		if err == unix.EBADF || (err == nil && st.Mode&unix.S_IFMT == unix.S_IFREG) {
			continue
		}
		return target, false
	}
	return 0, true
}

// passExtraFiles puts files at fds 3, 4, ... without close-on-exec, as
// StartProcess does for a child. extraFilesPlaceable must hold.
func passExtraFiles(files []*os.File) error {
	fds := make([]int, len(files))
	for i, f := range files {
		// Move every source out of the way first so that placing one
		// cannot overwrite another that still has to be placed.
		fd, err := unix.FcntlInt(f.Fd(), unix.F_DUPFD_CLOEXEC, 3+len(files))
		if err != nil {
			return fmt.Errorf("extra file %q: %w", f.Name(), err)
		}
		fds[i] = fd
	}
	for i, fd := range fds {
		if err := unix.Dup3(fd, 3+i, 0); err != nil {
			return fmt.Errorf("extra file %q to fd %d: %w", files[i].Name(), 3+i, err)
		}
		unix.Close(fd)
	}
	return nil
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
