/*
 * boot/ap_trampoline.S - the first instructions of an application processor.
 *
 * kernel/smp.c copies [ap_trampoline_start, ap_trampoline_end) to
 * AP_TRAMPOLINE (below 1 MiB, page aligned) and sends STARTUP with vector
 * AP_TRAMPOLINE >> 12: the AP starts there in real mode, CS:IP = 0x0800:0.
 * It loads a GDT of its own, enters 32-bit protected mode, turns on PAE,
 * EFER.LME and NXE with the trampoline's page table (identity map of the
 * first 2 MiB plus the kernel half of the kernel's PML4, built by smp.c),
 * turns on paging and enters 64-bit mode, still at the low address, and
 * jumps to ap_entry64 in the kernel's text.  There it switches to the
 * kernel's own page table and the idle stack smp.c gave it, and calls
 * smp_ap_entry(cpu).  Interrupts stay off all along.
 */
#include "kernel/smp.h"

#define T(x) (AP_TRAMPOLINE + ((x) - ap_trampoline_start))

	.section .rodata
	.balign 16
	.global ap_trampoline_start, ap_trampoline_end
	.code16
ap_trampoline_start:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	T(tramp_gdt_ptr)
	mov	%cr0, %eax
	or	$1, %eax		/* PE */
	mov	%eax, %cr0
	ljmpl	$0x08, $T(tramp_pm32)

	.code32
tramp_pm32:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr4, %eax
	or	$(1 << 5), %eax		/* PAE */
	mov	%eax, %cr4
	mov	$AP_TRAMPOLINE_PML4, %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx	/* EFER */
	rdmsr
	or	$((1 << 8) | (1 << 11)), %eax	/* LME | NXE: the kernel's tables use NX */
	wrmsr
	mov	%cr0, %eax
	or	$((1 << 31) | (1 << 16)), %eax	/* PG | WP */
	mov	%eax, %cr0
	ljmp	$0x18, $T(tramp_lm64)

	.code64
tramp_lm64:
	movabs	$ap_entry64, %rax
	jmp	*%rax

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
tramp_gdt_ptr:
	.word tramp_gdt_ptr - tramp_gdt - 1
	.long T(tramp_gdt)
ap_trampoline_end:

	/* In the kernel's text: the kernel page table, the idle stack, then C. */
	.text
	.code64
ap_entry64:
	mov	smp_boot_cr3(%rip), %rax
	mov	%rax, %cr3
	mov	smp_boot_stack(%rip), %rsp
	mov	smp_boot_cpu(%rip), %rdi
	xor	%eax, %eax
	mov	%ax, %fs
	mov	%ax, %gs
	xor	%ebp, %ebp
	call	smp_ap_entry
1:	cli
	hlt
	jmp	1b
