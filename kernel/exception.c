/*
 * kernel/exception.c - user-mode faults become Windows exceptions.
 *
 * The trap code asks the VM first (kernel/trap.c); what it cannot resolve
 * arrives here with an exception code.  We push an EXCEPTION_RECORD and a
 * CONTEXT onto the user stack and resume in ntdll's dispatcher
 * (KiUserExceptionDispatcher), which runs the vectored and frame-based
 * handlers; if the process has no dispatcher, or its stack cannot take the
 * frame, the process ends with the exception code and one console line
 * naming the code, the address and the image+offset holding it.
 */
#include "proc.h"
#include "console.h"
#include "fpu.h"
#include "gdt.h"
#include "layout.h"
#include "syscall_abi.h"
#include "libc/fmt.h"
#include "uaccess.h"
#include "mm/frame.h"
#include "mm/image.h"
#include "mm/section.h"
#include "mm/vad.h"
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

#define STATUS_IN_PAGE_ERROR_CODE 0xC0000006u

static const char *access_name(uint64_t access)
{
	return access == 1 ? "write" : access == 8 ? "execute" : "read";
}

/* Exception codes whose record carries (access, address) as Windows fills them. */
static bool has_address(uint32_t code)
{
	return code == (uint32_t)STATUS_ACCESS_VIOLATION || code == (uint32_t)STATUS_GUARD_PAGE_VIOLATION ||
	       code == (uint32_t)STATUS_STACK_OVERFLOW || code == STATUS_IN_PAGE_ERROR_CODE;
}

/* " (name+0xoff)" for the image holding addr in p, or nothing. */
static void image_at(struct process *p, uint64_t addr, char *out, size_t n)
{
	out[0] = 0;
	const struct vad *v = addr < USER_TOP ? vad_find(&p->vm.tree, addr) : NULL;
	if (v && v->section && v->section->image)
		fmt_snprintf(out, n, " (%s+0x%lx)", v->section->image->name, addr - v->start + v->section_offset);
}

/*
 * The one line an unhandled exception prints, then the process ends with
 * the code.  note, when not NULL, says why no handler could run.
 */
__attribute__((noreturn)) static void die(uint32_t code, uint64_t rip, uint64_t access, uint64_t addr, bool has_addr,
					  const char *note)
{
	struct process *p = current_process();
	char where[IMAGE_NAME_MAX + 32], what[64] = "";
	image_at(p, rip, where, sizeof(where));
	if (has_addr)
		fmt_snprintf(what, sizeof(what), ": %s of 0x%lx", access_name(access), addr);
	kprintf("process %d (%s): unhandled exception 0x%08x at 0x%lx%s%s%s%s\n", p->pid, p->name, code, rip, where,
		what, note ? ", " : "", note ? note : "");
	p->ended_by_exception = true;
	proc_exit((int32_t)code);
}

/*
 * TEB GuaranteedStackBytes (+0x1748) of the current thread, rounded up to
 * pages, at least one page.  Read from user memory: the caller expects
 * a nested fault.
 */
uint64_t vm_stack_guarantee(const struct vm_space *vm)
{
	struct process *p = current_process();
	struct thread *t = current_thread();
	uint32_t bytes = 0;
	if (!p || vm != &p->vm || !t->teb || copy_from_user(&bytes, t->teb + 0x1748, 4))
		bytes = 0;
	uint64_t g = ((uint64_t)bytes + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
	return g < PAGE_SIZE ? PAGE_SIZE : g;
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
	bool has_addr = has_address(code);
	if (!p->exception_dispatcher)
		die(code, tf->rip, access, addr, has_addr, NULL);

	/*
	 * The whole frame, as it will lie on the user stack from the new rsp up:
	 * a zero return address, 32 bytes of home space for the dispatcher's
	 * arguments (Microsoft x64), the record (padded to 16 bytes), the
	 * CONTEXT.  Built in one static image and pushed with one copy.  Every
	 * call writes the same fields, so the rest of the image stays zero from
	 * boot on and needs no clearing (one process runs in the kernel at a time).
	 */
	static struct {
		uint64_t align;		/* puts ctx on a 16-byte boundary for the stores below */
		uint64_t ret;		/* the frame starts here */
		uint64_t home[4];
		struct exception_record rec;
		uint8_t rec_pad[((ABI_EXCEPTION_RECORD_SIZE + 15) & ~15) - ABI_EXCEPTION_RECORD_SIZE];
		uint8_t ctx[ABI_CONTEXT_SIZE];
	} img __attribute__((aligned(16)));
	_Static_assert(offsetof(__typeof__(img), ctx) % 16 == 0, "CONTEXT image alignment");
	img.rec.code = code;
	img.rec.address = tf->rip;
	/* Windows: access violations and the like give (access, address); a breakpoint one zero (BREAKPOINT_BREAK). */
	img.rec.nparams = has_addr ? 2 : code == (uint32_t)STATUS_BREAKPOINT ? 1 : 0;
	img.rec.info[0] = has_addr ? access : 0;
	img.rec.info[1] = has_addr ? addr : 0;
	/* An in-page error also gives the I/O's NTSTATUS (mm/section.h). */
	img.rec.info[2] = code == STATUS_IN_PAGE_ERROR_CODE ? (uint32_t)section_in_page_status() : 0;
	if (code == STATUS_IN_PAGE_ERROR_CODE)
		img.rec.nparams = 3;
	context_fields(img.ctx, tf);
	/* CONTEXT.FltSave is the FXSAVE image: the process's x87/SSE registers, live in the CPU now. */
	fpu_save(img.ctx + ABI_CONTEXT_FLTSAVE);
	*(uint32_t *)(img.ctx + ABI_CONTEXT_MXCSR) = *(uint32_t *)(img.ctx + ABI_CONTEXT_FLTSAVE + FPU_MXCSR_OFF);
	uint64_t sp = (tf->rsp - 128) & ~15ULL;
	uint64_t uctx = sp - ABI_CONTEXT_SIZE;
	uint64_t urec = uctx - sizeof(img.rec) - sizeof(img.rec_pad);
	uint64_t new_rsp = urec - sizeof(img.home) - 8;
	size_t len = sizeof(img) - offsetof(__typeof__(img), ret);
	if (uctx >= USER_TOP || tf->rsp >= USER_TOP || copy_to_user(new_rsp, &img.ret, len))
		die(code, tf->rip, access, addr, has_addr, "no stack for the handler");
	tf->rip = p->exception_dispatcher;
	tf->rcx = tf->rdi = urec;
	tf->rdx = tf->rsi = uctx;
	tf->rsp = new_rsp;
	tf->rflags = 0x202;
}

__attribute__((noreturn)) void proc_unhandled_exception(uint32_t code, uint64_t rip, uint32_t nparams, uint64_t access, uint64_t addr)
{
	die(code, rip, access, addr, nparams >= 2 && has_address(code), NULL);
}
