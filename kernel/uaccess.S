/*
 * kernel/uaccess.S - the faulting copy; the exception table resumes at 3 with rax = -1.
 * Eight bytes per rep iteration, then the tail: under icount a rep iteration is one
 * instruction whatever its width, so a CONTEXT costs 154 iterations, not 1,232.
 */
	.text
	.global uaccess_copy
uaccess_copy:			/* (dst rdi, src rsi, len rdx) -> 0 or -1 */
	mov	%rdx, %rcx
	shr	$3, %rcx
	xor	%eax, %eax
1:	rep movsq
	mov	%edx, %ecx
	and	$7, %ecx
2:	rep movsb
3:	ret

	.section .extable, "a"
	.balign 8
	.quad 1b, 3b
	.quad 2b, 3b
