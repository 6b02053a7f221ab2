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
//
// A process forked from the launcher runs it too until its execve, since
// the Go runtime resets only its own handlers in the child: there, the
// signal gets the action the command will have, the default, and is
// raised again (it stays pending until the handler returns), so that it
// neither lands in the launcher's pipe nor is lost.
TEXT sigToPipe<>(SB),NOSPLIT|NOFRAME,$0-0
	MOVL	$39, AX	// SYS_getpid; DI (the signal) survives the call
	SYSCALL
	CMPL	AX, ·sigPipePID(SB)
	JNE	forked
	MOVB	DI, -8(SP)
	MOVL	·sigPipeFD(SB), DI
	LEAQ	-8(SP), SI
	MOVL	$1, DX
	MOVL	$1, AX	// SYS_write
	SYSCALL
	RET
forked:
	MOVQ	AX, R12	// the child's pid
	MOVQ	DI, R13	// the signal
	LEAQ	sigDefaultAction<>(SB), SI
	XORL	DX, DX
	MOVL	$8, R10	// sizeof(sigset_t)
	MOVL	$13, AX	// SYS_rt_sigaction(sig, &SIG_DFL, NULL, 8)
	SYSCALL
	MOVQ	R12, DI
	MOVQ	R13, SI
	MOVL	$62, AX	// SYS_kill(pid, sig)
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

// sigDefaultAction is a struct sigaction of zeros: SIG_DFL.
GLOBL sigDefaultAction<>(SB), NOPTR, $32

DATA ·sigNopPC+0(SB)/8, $sigNop<>(SB)
GLOBL ·sigNopPC(SB), RODATA, $8
DATA ·sigToPipePC+0(SB)/8, $sigToPipe<>(SB)
GLOBL ·sigToPipePC(SB), RODATA, $8
DATA ·sigToPipeIfSentPC+0(SB)/8, $sigToPipeIfSent<>(SB)
GLOBL ·sigToPipeIfSentPC(SB), RODATA, $8
