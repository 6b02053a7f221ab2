//go:build !amd64 && !arm64

package entrypoint

// No handlers of our own here: signals are caught with os/signal, and
// those it cannot catch are ignored, and set to the default for the
// moment of a fork.
const (
	sigNopPC          uintptr = 0
	sigToPipePC       uintptr = 0
	sigToPipeIfSentPC uintptr = 0
)

var (
	sigPipeFD    int32 = -1
	sigPipePID   int32
	sigGoHandler uintptr
)
