//go:build !amd64 && !arm64

package entrypoint

// sigNopPC is 0 where there is no no-op handler: such signals are ignored
// instead, and set to the default for the moment of a fork.
const sigNopPC uintptr = 0
