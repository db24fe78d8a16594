/*
 * boot/boot.S - Multiboot2 header and the 32-bit entry that takes us to 64-bit C.
 *
 * GRUB enters _start in 32-bit protected mode with paging off, EAX = the
 * Multiboot2 magic and EBX = the physical address of the boot information.
 * We check for long mode and NX, build early page tables (identity 0..4 GiB,
 * the same 4 GiB at the direct-map base, and the kernel image at
 * 0xffffffff80000000), enable PAE, EFER.LME and EFER.NXE, turn paging on and
 * jump to the higher-half entry with a kernel stack.  mm/ replaces these tables.
 */
#include "kernel/layout.h"

#define MB2_MAGIC     0xe85250d6
#define MB2_ARCH_I386 0

	.section .multiboot, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	/* end tag */
	.balign 8
	.word 0, 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.global _start
_start:
	cli
	cld
	mov	$boot_stack_top, %esp
	mov	%eax, boot_magic
	mov	%ebx, boot_info

	/* CPUID must have extended leaf 0x80000001 with LM (bit 29) and NX (bit 20). */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	test	$(1 << 29), %edx
	jz	no_long_mode
	test	$(1 << 20), %edx
	jz	no_long_mode

	/* Four page directories of 2 MiB pages: identity map of 0..4 GiB. */
	mov	$boot_pd, %edi
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	shl	$21, %eax
	or	$0x83, %eax		/* present, writable, 2 MiB */
	mov	%eax, (%edi, %ecx, 8)
	mov	%ecx, %eax
	shr	$11, %eax		/* high half of the physical address */
	mov	%eax, 4(%edi, %ecx, 8)
	inc	%ecx
	cmp	$2048, %ecx
	jb	1b

	/* PDPT for the low 4 GiB: four directories. */
	mov	$boot_pd + 0x03, %eax
	mov	%eax, boot_pdpt_low + 0
	add	$0x1000, %eax
	mov	%eax, boot_pdpt_low + 8
	add	$0x1000, %eax
	mov	%eax, boot_pdpt_low + 16
	add	$0x1000, %eax
	mov	%eax, boot_pdpt_low + 24

	/* PDPT for the top 2 GiB: -2 GiB -> phys 0, -1 GiB -> phys 1 GiB. */
	mov	$boot_pd + 0x03, %eax
	mov	%eax, boot_pdpt_high + 510 * 8
	add	$0x1000, %eax
	mov	%eax, boot_pdpt_high + 511 * 8

	/* PML4: identity, direct map, kernel image. */
	mov	$boot_pdpt_low + 0x03, %eax
	mov	%eax, boot_pml4 + 0
	mov	%eax, boot_pml4 + PML4_DIRECT_MAP_SLOT * 8
	mov	$boot_pdpt_high + 0x03, %eax
	mov	%eax, boot_pml4 + 511 * 8

	mov	%cr4, %eax
	or	$(1 << 5), %eax		/* PAE */
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3

	mov	$0xc0000080, %ecx	/* EFER */
	rdmsr
	or	$((1 << 8) | (1 << 11)), %eax	/* LME | NXE */
	wrmsr

	mov	%cr0, %eax
	or	$((1 << 31) | (1 << 16) | 1), %eax	/* PG | WP | PE */
	mov	%eax, %cr0

	lgdt	boot_gdt_ptr
	ljmp	$0x08, $long_mode_entry

no_long_mode:
	/* Say why on COM1 and stop. */
	mov	$no_lm_msg, %esi
2:	lodsb
	test	%al, %al
	jz	3f
	mov	$0x3f8, %dx
	out	%al, %dx
	jmp	2b
3:	hlt
	jmp	3b

	.code64
long_mode_entry:
	mov	$0x10, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	xor	%ax, %ax
	mov	%ax, %fs
	mov	%ax, %gs
	movl	boot_magic, %edi	/* kmain(magic, boot information) */
	movl	boot_info, %esi
	movabs	$kernel_entry64, %rax
	jmp	*%rax

	.section .boot.data, "aw"
	.balign 8
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 64-bit code */
	.quad 0x00cf92000000ffff	/* data */
boot_gdt_ptr:
	.word boot_gdt_ptr - boot_gdt - 1
	.long boot_gdt
boot_magic:	.long 0
boot_info:	.long 0
no_lm_msg:
	.asciz "boot: this CPU has no long mode or no NX; cannot start\r\n"

	.section .boot.bss, "aw", @nobits
	.balign 4096
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4 * 4096
boot_stack:	.skip 4096
boot_stack_top:

	/* The higher-half entry: switch to the kernel stack and call kmain. */
	.text
	.global kernel_entry64
kernel_entry64:
	movabs	$boot_kernel_stack_top, %rsp
	xor	%ebp, %ebp
	/* rdi = magic, rsi = physical address of the boot information */
	call	kmain
4:	cli
	hlt
	jmp	4b

	/* Boot kernel stack with a guard page below it (unmapped by mm/). */
	.section .bss.stack, "aw", @nobits
	.balign 4096
	.global boot_kernel_stack_guard, boot_kernel_stack_top
boot_kernel_stack_guard:
	.skip 4096
boot_kernel_stack:
	.skip KERNEL_STACK_SIZE
boot_kernel_stack_top:
