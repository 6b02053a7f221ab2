#include "textflag.h"

// Signal handlers that never touch the Go runtime, so they are safe on any
// thread at any moment. The kernel calls them as void h(int sig,
// siginfo_t *info, void *ctx) (R0, R1, R2) with every signal blocked (the
// runtime's sa_mask), and the restorer's address in the link register.

// sigNop does nothing.
TEXT sigNop<>(SB),NOSPLIT|NOFRAME,$0-0
	RET

// sigToPipe writes the signal's number, one byte, to the pipe in
// sigPipeFD: a raw write(2). The byte goes below the stack pointer: with
// every signal blocked nothing else uses that stack meanwhile.
TEXT sigToPipe<>(SB),NOSPLIT|NOFRAME,$0-0
	MOVB	R0, -8(RSP)
	MOVW	·sigPipeFD(SB), R0
	SUB	$8, RSP, R1
	MOVD	$1, R2
	MOVD	$64, R8	// SYS_write
	SVC
	RET

// sigToPipeIfSent is sigToPipe for a signal that the CPU also raises on a
// fault (SIGSEGV, SIGBUS, ...): one that a process sent (si_code <= 0:
// SI_USER, SI_QUEUE, SI_TKILL) goes to the pipe; a fault goes on to the
// runtime's handler in sigGoHandler, with the registers, stack and link
// register as the kernel gave them, so that a nil dereference still panics.
TEXT sigToPipeIfSent<>(SB),NOSPLIT|NOFRAME,$0-0
	MOVW	8(R1), R9	// info->si_code, sign-extended
	CMP	$0, R9
	BGT	fault
	B	sigToPipe<>(SB)
fault:
	MOVD	·sigGoHandler(SB), R9
	B	(R9)

DATA ·sigNopPC+0(SB)/8, $sigNop<>(SB)
GLOBL ·sigNopPC(SB), RODATA, $8
DATA ·sigToPipePC+0(SB)/8, $sigToPipe<>(SB)
GLOBL ·sigToPipePC(SB), RODATA, $8
DATA ·sigToPipeIfSentPC+0(SB)/8, $sigToPipeIfSent<>(SB)
GLOBL ·sigToPipeIfSentPC(SB), RODATA, $8
