/*
 * kernel/exception.c - user-mode faults become Windows exceptions.
 *
 * The trap code asks the VM first (kernel/trap.c); what it cannot resolve
 * arrives here with an exception code.  We push an EXCEPTION_RECORD and a
 * CONTEXT onto the user stack and resume in libc's dispatcher, which runs
 * the vectored handlers; if the process has no dispatcher, or its stack
 * cannot take the frame, the process ends with the exception code.
 */
#include "proc.h"
#include "console.h"
#include "fpu.h"
#include "gdt.h"
#include "layout.h"
#include "syscall_abi.h"
#include "uaccess.h"
#include "mm/winvm.h"

#include <stddef.h>
#include <string.h>

struct exception_record {
	uint32_t code, flags;
	uint64_t record, address;
	uint32_t nparams, pad;
	uint64_t info[15];
};
_Static_assert(sizeof(struct exception_record) == ABI_EXCEPTION_RECORD_SIZE, "EXCEPTION_RECORD is 0x98 bytes");

static const char *access_name(uint64_t access)
{
	return access == 1 ? "write" : access == 8 ? "execute" : "read";
}

__attribute__((noreturn)) static void die(uint32_t code, uint64_t rip, uint64_t access, uint64_t addr, bool has_addr)
{
	struct process *p = current_process();
	if (has_addr)
		kprintf("process %d (%s): unhandled exception 0x%08x at rip 0x%lx: %s of 0x%lx\n", p->pid, p->name, code,
			rip, access_name(access), addr);
	else
		kprintf("process %d (%s): unhandled exception 0x%08x at rip 0x%lx\n", p->pid, p->name, code, rip);
	p->ended_by_exception = true;
	proc_exit((int32_t)code);
}

/*
 * Registers of a trap frame into a CONTEXT image, and back.  The integer
 * registers in CONTEXT order: Rax Rcx Rdx Rbx Rsp Rbp Rsi Rdi R8..R15.
 * Written out one by one (no index table): this is on every exception's path.
 */
#define CONTEXT_GPRS(X) X(0, rax) X(1, rcx) X(2, rdx) X(3, rbx) X(4, rsp) X(5, rbp) X(6, rsi) X(7, rdi) \
	X(8, r8) X(9, r9) X(10, r10) X(11, r11) X(12, r12) X(13, r13) X(14, r14) X(15, r15)

/* Every field of a CONTEXT that is not zero; the rest of ctx is left as it is. */
static void context_fields(uint8_t *ctx, const struct trap_frame *tf)
{
	*(uint32_t *)(ctx + ABI_CONTEXT_FLAGS) = ABI_CONTEXT_FULL;
	*(uint32_t *)(ctx + ABI_CONTEXT_MXCSR) = 0x1f80;
	uint16_t *seg = (uint16_t *)(ctx + ABI_CONTEXT_SEGCS);
	seg[0] = SEL_UCODE;
	seg[1] = seg[2] = seg[5] = SEL_UDATA;
	*(uint32_t *)(ctx + ABI_CONTEXT_EFLAGS) = (uint32_t)tf->rflags;
	uint64_t *out = (uint64_t *)(ctx + ABI_CONTEXT_RAX);
#define OUT(i, reg) out[i] = tf->reg;
	CONTEXT_GPRS(OUT)
#undef OUT
	*(uint64_t *)(ctx + ABI_CONTEXT_RIP) = tf->rip;
}

void context_from_frame(uint8_t *ctx, const struct trap_frame *tf)
{
	memset(ctx, 0, ABI_CONTEXT_SIZE);
	context_fields(ctx, tf);
}

int frame_from_context(struct trap_frame *tf, const uint8_t *ctx)
{
	const uint64_t *in = (const uint64_t *)(ctx + ABI_CONTEXT_RAX);
	uint64_t rip = *(const uint64_t *)(ctx + ABI_CONTEXT_RIP);
	if (rip >= USER_TOP || in[4] >= USER_TOP)
		return -1;	/* would fault in iretq: refuse */
#define IN(i, reg) tf->reg = in[i];
	CONTEXT_GPRS(IN)
#undef IN
	tf->rip = rip;
	/* User-changeable flags only (CF PF AF ZF SF TF DF OF, AC); IF always on. */
	uint32_t fl = *(const uint32_t *)(ctx + ABI_CONTEXT_EFLAGS);
	tf->rflags = (fl & 0x40dd5) | 0x202;
	tf->cs = SEL_UCODE;
	tf->ss = SEL_UDATA;
	return 0;
}

void proc_user_exception(struct trap_frame *tf, uint32_t code, uint64_t access, uint64_t addr)
{
	struct process *p = current_process();
	bool has_addr = code == (uint32_t)STATUS_ACCESS_VIOLATION || code == (uint32_t)STATUS_GUARD_PAGE_VIOLATION;
	if (code == (uint32_t)STATUS_STACK_OVERFLOW || !p->exception_dispatcher)
		die(code, tf->rip, access, addr, has_addr);

	/*
	 * The whole frame, as it will lie on the user stack from the new rsp up:
	 * a zero return address, the record (padded to 16 bytes), the CONTEXT.
	 * Built in one static image and pushed with one copy.  Every call writes
	 * the same fields, so the rest of the image stays zero from boot on and
	 * needs no clearing (one process runs in the kernel at a time).
	 */
	static struct {
		uint64_t align;		/* puts ctx on a 16-byte boundary for the stores below */
		uint64_t ret;		/* the frame starts here */
		struct exception_record rec;
		uint8_t rec_pad[((ABI_EXCEPTION_RECORD_SIZE + 15) & ~15) - ABI_EXCEPTION_RECORD_SIZE];
		uint8_t ctx[ABI_CONTEXT_SIZE];
	} img __attribute__((aligned(16)));
	_Static_assert(offsetof(__typeof__(img), ctx) % 16 == 0, "CONTEXT image alignment");
	img.rec.code = code;
	img.rec.address = tf->rip;
	img.rec.nparams = has_addr ? 2 : 0;
	img.rec.info[0] = has_addr ? access : 0;
	img.rec.info[1] = has_addr ? addr : 0;
	context_fields(img.ctx, tf);
	/* CONTEXT.FltSave is the FXSAVE image: the process's x87/SSE registers, live in the CPU now. */
	fpu_save(img.ctx + ABI_CONTEXT_FLTSAVE);
	*(uint32_t *)(img.ctx + ABI_CONTEXT_MXCSR) = *(uint32_t *)(img.ctx + ABI_CONTEXT_FLTSAVE + FPU_MXCSR_OFF);
	uint64_t sp = (tf->rsp - 128) & ~15ULL;
	uint64_t uctx = sp - ABI_CONTEXT_SIZE;
	uint64_t urec = uctx - sizeof(img.rec) - sizeof(img.rec_pad);
	uint64_t new_rsp = urec - 8;
	size_t len = sizeof(img) - offsetof(__typeof__(img), ret);
	if (uctx >= USER_TOP || copy_to_user(new_rsp, &img.ret, len)) {
		kprintf("process %d (%s): cannot push the exception frame (stack at 0x%lx)\n", p->pid, p->name, tf->rsp);
		die(code, tf->rip, access, addr, has_addr);
	}
	tf->rip = p->exception_dispatcher;
	tf->rdi = urec;
	tf->rsi = uctx;
	tf->rsp = new_rsp;
	tf->rflags = 0x202;
}

__attribute__((noreturn)) void proc_unhandled_exception(uint32_t code, uint64_t rip, uint32_t nparams, uint64_t access, uint64_t addr)
{
	die(code, rip, access, addr, nparams >= 2 && (code == (uint32_t)STATUS_ACCESS_VIOLATION ||
						   code == (uint32_t)STATUS_GUARD_PAGE_VIOLATION));
}
