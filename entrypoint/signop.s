//go:build amd64 || arm64

#include "textflag.h"

// sigNop is a signal handler that does nothing: a bare return, to the
// restorer that the kernel put on the stack (amd64) or in the link
// register (arm64). It touches neither the Go runtime nor the stack, so it
// is safe on any thread at any moment.
TEXT sigNop<>(SB),NOSPLIT|NOFRAME,$0-0
	RET

// sigNopPC is sigNop's address, for rt_sigaction.
DATA ·sigNopPC+0(SB)/8, $sigNop<>(SB)
GLOBL ·sigNopPC(SB), RODATA, $8
