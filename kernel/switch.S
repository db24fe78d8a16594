/* kernel/switch.S - kernel context switch and system-call entry. */
#include "kernel/gdt.h"
#include "kernel/frame_asm.h"

	.text
/* void context_switch(uint64_t *save_rsp, uint64_t new_rsp): callee-saved registers only. */
	.global context_switch
context_switch:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	mov	%rsp, (%rdi)
	mov	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret

/*
 * A new thread's first switch returns here with rsp at its trap frame; it
 * gives the kernel lock back (sched_first_entry) and leaves for user mode.
 */
	.global proc_first_entry
proc_first_entry:
	mov	%rsp, %rbx
	and	$-16, %rsp
	call	sched_first_entry
	mov	%rbx, %rsp
	jmp	trap_return

/*
 * syscall: rip in rcx, rflags in r11, interrupts masked by FMASK.  Build a
 * struct trap_frame on the process's kernel stack (as an interrupt would)
 * and call syscall_dispatch(frame).  It returns 0 for the fast way back
 * (sysretq: rcx and r11 are clobbered, as the ABI says) or non-zero when the
 * whole frame must be restored (NtContinue, an exception being delivered),
 * which leaves through trap_return (iretq).
 */
	.global syscall_entry
syscall_entry:
	swapgs
	mov	%rsp, %gs:8
	mov	%gs:0, %rsp
	pushq	$SEL_UDATA
	pushq	%gs:8
	pushq	%r11
	pushq	$SEL_UCODE
	pushq	%rcx
	pushq	$0			/* error */
	pushq	$0x100			/* "vector" 256: a system call */
	PUSH_GPRS
	cld
	mov	%rsp, %rdi
	xor	%ebp, %ebp		/* backtraces stop here */
	call	syscall_dispatch
	test	%eax, %eax
	jnz	trap_return
	POP_GPRS			/* rcx and r11 are overwritten below */
	add	$16, %rsp		/* vector, error */
	popq	%rcx			/* rip: came from the syscall instruction, canonical */
	add	$8, %rsp		/* cs */
	popq	%r11			/* rflags */
	popq	%rsp			/* user rsp; interrupts are off until sysretq */
	swapgs
	sysretq
