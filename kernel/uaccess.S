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

/*
 * int uaccess_copy_open(dst, src, len): uaccess_copy inside its own SMAP
 * window (stac/clac when the CPU has SMAP), so a one-page copy needs no C
 * frame around it (kernel/uaccess.c copy_user).  A fault returns -1 from
 * uaccess_copy to here, and the window closes all the same.
 */
	.global uaccess_copy_open
uaccess_copy_open:
	cmpb	$0, cpu_has_smap(%rip)
	je	uaccess_copy
	stac
	call	uaccess_copy
	clac
	ret

/*
 * int uaccess_touch_write(void *u): a write access to one user byte that
 * changes nothing (a locked OR of zero): the page becomes writable for this
 * process (a shared copy-on-write page gets its copy, a paged-out page comes
 * in, a guard page fires) or the fixup returns -1.
 */
	.global uaccess_touch_write
uaccess_touch_write:
	xor	%eax, %eax
4:	lock orb $0, (%rdi)
5:	ret

/* int uaccess_touch_write_open(void *u): uaccess_touch_write inside its own SMAP window, as uaccess_copy_open. */
	.global uaccess_touch_write_open
uaccess_touch_write_open:
	cmpb	$0, cpu_has_smap(%rip)
	je	uaccess_touch_write
	stac
	call	uaccess_touch_write
	clac
	ret

	.section .extable, "a"
	.balign 8
	.quad 1b, 3b
	.quad 2b, 3b
	.quad 4b, 5b
