/* kernel/uaccess.S - the faulting copy; the exception table resumes at 2 with rax = -1. */
	.text
	.global uaccess_copy
uaccess_copy:			/* (dst rdi, src rsi, len rdx) -> 0 or -1 */
	mov	%rdx, %rcx
	xor	%eax, %eax
1:	rep movsb
2:	ret

	.section .extable, "a"
	.balign 8
	.quad 1b, 2b
