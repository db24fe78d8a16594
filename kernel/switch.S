/* kernel/switch.S - kernel context switch and system-call entry. */
#include "kernel/gdt.h"

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

/* A new process's first switch returns here with rsp at its trap frame. */
	.global proc_first_entry
proc_first_entry:
	jmp	trap_return

/*
 * syscall: rip in rcx, rflags in r11, interrupts masked by FMASK.  Build a
 * struct trap_frame on the process's kernel stack (as an interrupt would),
 * call syscall_dispatch(frame), and leave through trap_return (iretq).
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
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	mov	%rsp, %rdi
	xor	%ebp, %ebp		/* backtraces stop here */
	call	syscall_dispatch
	jmp	trap_return
