//go:build amd64 || arm64

package entrypoint

// sigNopPC is the address of a signal handler that only returns (see
// signop.s); set by the assembler, never written.
var sigNopPC uintptr
