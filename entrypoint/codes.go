package entrypoint

// Exit codes the launcher uses for its own failures; everything else is the
// command's code, or 128+n when signal n ended it.
const (
	// ExitConfig: the configuration is unusable (EX_USAGE).
	ExitConfig = 64
	// ExitInternal: the launcher itself failed (EX_SOFTWARE).
	ExitInternal = 70
	// ExitNotExecutable: the command exists but cannot be executed, as a shell reports it.
	ExitNotExecutable = 126
	// ExitNotFound: the command does not exist, as a shell reports it.
	ExitNotFound = 127
)

// signalExitBase is added to a signal number for the exit code of a
// process that a signal ended, the shell convention.
const signalExitBase = 128
