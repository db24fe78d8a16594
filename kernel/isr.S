/*
 * kernel/isr.S - interrupt entry stubs and the common path to trap_dispatch.
 *
 * Every vector has a 16-byte stub that pushes a dummy error code (where the
 * CPU pushes none) and the vector number.  The common path swaps GS when it
 * came from user mode, saves the general registers as struct trap_frame and
 * calls trap_dispatch(frame).
 */
#include "kernel/frame_asm.h"

	.text
	.balign 16
	.global isr_stubs
isr_stubs:
	.set vec, 0
	.rept 256
	.balign 16
	.if (vec == 8) || ((vec >= 10) && (vec <= 14)) || (vec == 17) || (vec == 21) || (vec == 29) || (vec == 30)
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	isr_common
	.set vec, vec + 1
	.endr

isr_common:
	testb	$3, 24(%rsp)		/* CS of the interrupted code */
	jz	1f
	swapgs
1:	PUSH_GPRS
	cld
	mov	%rsp, %rdi
	/* A frame record so backtraces continue into the interrupted code. */
	pushq	17*8(%rsp)		/* rip */
	pushq	%rbp
	mov	%rsp, %rbp
	call	trap_dispatch
	add	$16, %rsp
	.global trap_return
trap_return:
	POP_GPRS
	testb	$3, 24(%rsp)
	jz	2f
	swapgs
2:	add	$16, %rsp		/* vector, error */
	iretq

/* int probe_write8(volatile void *addr, uint8_t value) */
	.global probe_write8
probe_write8:
	xor	%eax, %eax
.Lprobe_w:
	movb	%sil, (%rdi)
.Lprobe_w_done:
	ret

/* int probe_read8(const volatile void *addr, uint8_t *value) */
	.global probe_read8
probe_read8:
	xor	%eax, %eax
.Lprobe_r:
	movb	(%rdi), %cl
	movb	%cl, (%rsi)
.Lprobe_r_done:
	ret

	.section .extable, "a"
	.balign 8
	.quad .Lprobe_w, .Lprobe_w_done
	.quad .Lprobe_r, .Lprobe_r_done
