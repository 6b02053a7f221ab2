#include "textflag.h"

// Signal handlers that never touch the Go runtime, so they are safe on any
// thread at any moment. The kernel calls them as void h(int sig,
// siginfo_t *info, void *ctx) (DI, SI, DX) with every signal blocked (the
// runtime's sa_mask), and the restorer's address on the stack.

// sigNop does nothing.
TEXT sigNop<>(SB),NOSPLIT|NOFRAME,$0-0
	RET

// sigToPipe writes the signal's number, one byte, to the pipe in
// sigPipeFD: a raw write(2). The byte goes into the ABI's red zone below
// the stack pointer, which nothing else uses while the handler runs.
TEXT sigToPipe<>(SB),NOSPLIT|NOFRAME,$0-0
	MOVB	DI, -8(SP)
	MOVL	·sigPipeFD(SB), DI
	LEAQ	-8(SP), SI
	MOVL	$1, DX
	MOVL	$1, AX	// SYS_write
	SYSCALL
	RET

// sigToPipeIfSent is sigToPipe for a signal that the CPU also raises on a
// fault (SIGSEGV, SIGBUS, ...): one that a process sent (si_code <= 0:
// SI_USER, SI_QUEUE, SI_TKILL) goes to the pipe; a fault goes on to the
// runtime's handler in sigGoHandler, with the registers and stack as the
// kernel gave them, so that a nil dereference still panics.
TEXT sigToPipeIfSent<>(SB),NOSPLIT|NOFRAME,$0-0
	MOVL	8(SI), AX	// info->si_code
	CMPL	AX, $0
	JGT	fault
	JMP	sigToPipe<>(SB)
fault:
	MOVQ	·sigGoHandler(SB), AX
	JMP	AX

DATA ·sigNopPC+0(SB)/8, $sigNop<>(SB)
GLOBL ·sigNopPC(SB), RODATA, $8
DATA ·sigToPipePC+0(SB)/8, $sigToPipe<>(SB)
GLOBL ·sigToPipePC(SB), RODATA, $8
DATA ·sigToPipeIfSentPC+0(SB)/8, $sigToPipeIfSent<>(SB)
GLOBL ·sigToPipeIfSentPC(SB), RODATA, $8
