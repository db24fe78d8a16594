/*
 * libc/msvcrt/setjmp.S - _setjmp, _setjmpex, setjmp and longjmp with the
 * x64 _JUMP_BUFFER layout: Frame 0x00, Rbx 0x08, Rsp 0x10, Rbp 0x18,
 * Rsi 0x20, Rdi 0x28, R12..R15 0x30..0x48, Rip 0x50, MxCsr 0x58,
 * FpCsr 0x5c, Spare 0x5e, Xmm6..Xmm15 0x60..0xf0 (256 bytes).
 *
 * MinGW's <setjmp.h> makes setjmp(b) _setjmp(b, __builtin_frame_address(0)).
 * longjmp restores the registers directly: it does not unwind the frames
 * in between (Microsoft's does, through RtlUnwindEx, when Frame is not 0),
 * so no termination handler or C++ destructor of those frames runs.
 */
	.intel_syntax noprefix
	.text

/* int _setjmp(jmp_buf rcx, void *frame rdx): saves the callee-saved state and the return point; returns 0. */
	.globl _setjmp
	.globl _setjmpex
	.def _setjmp; .scl 2; .type 32; .endef
	.def _setjmpex; .scl 2; .type 32; .endef
_setjmp:
_setjmpex:
	mov [rcx + 0x00], rdx
save_regs:
	mov [rcx + 0x08], rbx
	lea rax, [rsp + 8]		/* rsp as it will be after this call returns */
	mov [rcx + 0x10], rax
	mov [rcx + 0x18], rbp
	mov [rcx + 0x20], rsi
	mov [rcx + 0x28], rdi
	mov [rcx + 0x30], r12
	mov [rcx + 0x38], r13
	mov [rcx + 0x40], r14
	mov [rcx + 0x48], r15
	mov rax, [rsp]
	mov [rcx + 0x50], rax
	stmxcsr [rcx + 0x58]
	fnstcw [rcx + 0x5c]
	mov word ptr [rcx + 0x5e], 0
	movdqu [rcx + 0x60], xmm6
	movdqu [rcx + 0x70], xmm7
	movdqu [rcx + 0x80], xmm8
	movdqu [rcx + 0x90], xmm9
	movdqu [rcx + 0xa0], xmm10
	movdqu [rcx + 0xb0], xmm11
	movdqu [rcx + 0xc0], xmm12
	movdqu [rcx + 0xd0], xmm13
	movdqu [rcx + 0xe0], xmm14
	movdqu [rcx + 0xf0], xmm15
	xor eax, eax
	ret

/* int setjmp(jmp_buf rcx): _setjmp with Frame 0. */
	.globl setjmp
	.def setjmp; .scl 2; .type 32; .endef
setjmp:
	mov qword ptr [rcx + 0x00], 0
	jmp save_regs

/* void longjmp(jmp_buf rcx, int value edx): resumes at the _setjmp that filled rcx, which returns value (1 for 0). */
	.globl longjmp
	.def longjmp; .scl 2; .type 32; .endef
longjmp:
	mov eax, edx
	test eax, eax
	jnz 1f
	mov eax, 1
1:	mov rbx, [rcx + 0x08]
	mov rbp, [rcx + 0x18]
	mov rsi, [rcx + 0x20]
	mov rdi, [rcx + 0x28]
	mov r12, [rcx + 0x30]
	mov r13, [rcx + 0x38]
	mov r14, [rcx + 0x40]
	mov r15, [rcx + 0x48]
	ldmxcsr [rcx + 0x58]
	fnclex
	fldcw [rcx + 0x5c]
	movdqu xmm6, [rcx + 0x60]
	movdqu xmm7, [rcx + 0x70]
	movdqu xmm8, [rcx + 0x80]
	movdqu xmm9, [rcx + 0x90]
	movdqu xmm10, [rcx + 0xa0]
	movdqu xmm11, [rcx + 0xb0]
	movdqu xmm12, [rcx + 0xc0]
	movdqu xmm13, [rcx + 0xd0]
	movdqu xmm14, [rcx + 0xe0]
	movdqu xmm15, [rcx + 0xf0]
	mov rsp, [rcx + 0x10]
	jmp qword ptr [rcx + 0x50]
