/*
 * libc/ntdll/except_call.S - the calls into language handlers, each with its
 * own handler so an exception or unwind started inside a language handler
 * is recognised (nested exception, collided unwind), and RtlCaptureContext.
 * Microsoft x64 calling convention.
 */

/*
 * EXCEPTION_DISPOSITION except_call_handler(rec, frame, ctx, dc, handler)
 * EXCEPTION_DISPOSITION except_call_unwind_handler(rec, frame, ctx, dc, handler)
 * Call handler(rec, frame, ctx, dc); dc is kept at establisher frame + 0x20,
 * where except_nested_handler / except_collided_handler find it.
 */
	.text
	.globl	except_call_handler
	.def	except_call_handler; .scl 2; .type 32; .endef
	.seh_proc except_call_handler
except_call_handler:
	.seh_handler except_nested_handler, @except
	subq	$0x38, %rsp
	.seh_stackalloc 0x38
	.seh_endprologue
	movq	%r9, 0x20(%rsp)
	callq	*0x60(%rsp)		/* the fifth argument: 0x28 above the entry rsp */
	nop
	addq	$0x38, %rsp
	ret
	.seh_endproc

	.globl	except_call_unwind_handler
	.def	except_call_unwind_handler; .scl 2; .type 32; .endef
	.seh_proc except_call_unwind_handler
except_call_unwind_handler:
	.seh_handler except_collided_handler, @unwind
	subq	$0x38, %rsp
	.seh_stackalloc 0x38
	.seh_endprologue
	movq	%r9, 0x20(%rsp)
	callq	*0x60(%rsp)
	nop
	addq	$0x38, %rsp
	ret
	.seh_endproc

/*
 * void RtlCaptureContext(CONTEXT *ctx): the caller's registers as they will
 * be after this call returns (Rip the return address, Rsp above it), with
 * the x87/SSE state (FXSAVE) and the segment registers.
 */
	.globl	RtlCaptureContext
	.def	RtlCaptureContext; .scl 2; .type 32; .endef
	.seh_proc RtlCaptureContext
RtlCaptureContext:
	pushfq
	.seh_stackalloc 8
	.seh_endprologue
	movq	%rax, 0x78(%rcx)
	movq	%rcx, 0x80(%rcx)
	movq	%rdx, 0x88(%rcx)
	movq	%rbx, 0x90(%rcx)
	movq	%rbp, 0xa0(%rcx)
	movq	%rsi, 0xa8(%rcx)
	movq	%rdi, 0xb0(%rcx)
	movq	%r8, 0xb8(%rcx)
	movq	%r9, 0xc0(%rcx)
	movq	%r10, 0xc8(%rcx)
	movq	%r11, 0xd0(%rcx)
	movq	%r12, 0xd8(%rcx)
	movq	%r13, 0xe0(%rcx)
	movq	%r14, 0xe8(%rcx)
	movq	%r15, 0xf0(%rcx)
	movw	%cs, 0x38(%rcx)
	movw	%ds, 0x3a(%rcx)
	movw	%es, 0x3c(%rcx)
	movw	%fs, 0x3e(%rcx)
	movw	%gs, 0x40(%rcx)
	movw	%ss, 0x42(%rcx)
	fxsave	0x100(%rcx)
	stmxcsr	0x34(%rcx)
	movl	(%rsp), %eax
	movl	%eax, 0x44(%rcx)	/* EFlags */
	leaq	0x10(%rsp), %rax
	movq	%rax, 0x98(%rcx)	/* Rsp after the return */
	movq	8(%rsp), %rax
	movq	%rax, 0xf8(%rcx)	/* Rip: the return address */
	movl	$0x10001f, 0x30(%rcx)	/* CONTEXT_FULL | CONTEXT_SEGMENTS */
	movq	0x78(%rcx), %rax
	popfq
	ret
	.seh_endproc
