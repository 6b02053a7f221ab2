//go:build amd64 || arm64

package entrypoint

// Addresses of the signal handlers in signop_*.s, for rt_sigaction; set
// by the assembler, never written.
var (
	sigNopPC          uintptr // returns at once
	sigToPipePC       uintptr // writes the signal's number to sigPipeFD
	sigToPipeIfSentPC uintptr // the same for a sent signal; a fault goes to sigGoHandler
)

// What the handlers read, written once before any of them is installed
// (see openSignalPipe): the one package-level state the package writes.
// A signal handler gets no argument of ours, so it can look nowhere else.
var (
	sigPipeFD    int32   = -1 // write end of the signal pipe
	sigPipePID   int32        // the process that reads it, not a forked child
	sigGoHandler uintptr      // the Go runtime's own signal handler
)
