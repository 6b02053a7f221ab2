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
//
// A process forked from the launcher runs it too until its execve, since
// the Go runtime resets only its own handlers in the child: there, the
// signal gets the action the command will have, the default, and is
// raised again (it stays pending until the handler returns), so that it
// neither lands in the launcher's pipe nor is lost.
TEXT sigToPipe<>(SB),NOSPLIT|NOFRAME,$0-0
	MOVD	R0, R9	// the signal
	MOVD	$172, R8	// SYS_getpid
	SVC
	MOVW	·sigPipePID(SB), R10
	CMPW	R10, R0
	BNE	forked
	MOVB	R9, -8(RSP)
	MOVW	·sigPipeFD(SB), R0
	SUB	$8, RSP, R1
	MOVD	$1, R2
	MOVD	$64, R8	// SYS_write
	SVC
	RET
forked:
	MOVD	R0, R11	// the child's pid
	MOVD	R9, R0
	MOVD	$sigDefaultAction<>(SB), R1
	MOVD	$0, R2
	MOVD	$8, R3	// sizeof(sigset_t)
	MOVD	$134, R8	// SYS_rt_sigaction(sig, &SIG_DFL, NULL, 8)
	SVC
	MOVD	R11, R0
	MOVD	R9, R1
	MOVD	$129, R8	// SYS_kill(pid, sig)
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

// sigDefaultAction is a struct sigaction of zeros: SIG_DFL.
GLOBL sigDefaultAction<>(SB), NOPTR, $32

DATA ·sigNopPC+0(SB)/8, $sigNop<>(SB)
GLOBL ·sigNopPC(SB), RODATA, $8
DATA ·sigToPipePC+0(SB)/8, $sigToPipe<>(SB)
GLOBL ·sigToPipePC(SB), RODATA, $8
DATA ·sigToPipeIfSentPC+0(SB)/8, $sigToPipeIfSent<>(SB)
GLOBL ·sigToPipeIfSentPC(SB), RODATA, $8
