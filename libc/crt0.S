/*
 * libc/crt0.S - process entry.  The kernel starts the program here with rsp
 * 16-byte aligned and nothing on the stack (no argc/argv yet).
 */
	.text
	.globl _start
	.type _start, @function
_start:
	xor %ebp, %ebp		/* end of the frame-pointer chain */
	call libc_start		/* rsp was 16-aligned before the call, as the ABI wants */
	ud2
	.size _start, . - _start

	.section .note.GNU-stack, "", @progbits
