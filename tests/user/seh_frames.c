/*
 * tests/user/seh_frames.c - frame-based handlers as GCC attaches them
 * (`.seh_handler NAME, @except, @unwind` in a function's unwind info):
 * a handler that continues execution; one that unwinds to a label of its
 * frame with RtlUnwindEx (rax = the return value, EXCEPTION_UNWINDING for the
 * frames on the way, EXCEPTION_TARGET_UNWIND for the target, rbx r12-r15 and
 * xmm6 restored after a callee clobbered them); __C_specific_handler scope
 * tables written in assembly (__except with a filter, rax = the code; a
 * __finally run with AbnormalTermination on the way); an exception raised
 * inside a handler, caught by an outer frame that unwinds through the
 * dispatcher of the first one.
 */
#include "utest.h"

static void __attribute__((noinline)) raise_code(DWORD code)
{
	RaiseException(code, 0, 0, NULL);
}

/* ---- a C handler on a C function ---- */
static int handler_calls, unwind_calls, target_calls;
EXCEPTION_DISPOSITION frame_handler(EXCEPTION_RECORD *rec, void *frame, CONTEXT *ctx, DISPATCHER_CONTEXT *dc)
{
	(void)ctx;
	if (rec->ExceptionFlags & EXCEPTION_UNWIND) {
		unwind_calls++;
		target_calls += !!(rec->ExceptionFlags & EXCEPTION_TARGET_UNWIND);
		return ExceptionContinueSearch;
	}
	handler_calls++;
	CHECK_EQ(dc->EstablisherFrame, (ULONG64)frame);
	CHECK_EQ(dc->ImageBase, (ULONG64)GetModuleHandleA(NULL));
	if (rec->ExceptionCode == 0xE0000010)
		return ExceptionContinueExecution;
	if (rec->ExceptionCode == 0xE0000011) {
		extern char resume_here[];
		RtlUnwindEx(frame, resume_here, rec, (PVOID)0x1234, dc->ContextRecord, dc->HistoryTable);
	}
	return ExceptionContinueSearch;
}

static ULONG64 __attribute__((noinline)) with_handler(DWORD code)
{
	ULONG64 rax;
	__asm__ volatile(".seh_handler frame_handler, @except, @unwind");
	raise_code(code);
	__asm__ volatile("xor %%eax, %%eax\n.globl resume_here\nresume_here: mov %%rax, %0" : "=r"(rax) : : "rax", "memory");
	return rax;
}

/* ---- nonvolatile registers after RtlUnwindEx ---- */
EXCEPTION_DISPOSITION nv_handler(EXCEPTION_RECORD *rec, void *frame, CONTEXT *ctx, DISPATCHER_CONTEXT *dc)
{
	(void)ctx;
	extern char nv_resume[];
	if (!(rec->ExceptionFlags & EXCEPTION_UNWIND))
		RtlUnwindEx(frame, nv_resume, rec, (PVOID)0, dc->ContextRecord, dc->HistoryTable);
	return ExceptionContinueSearch;
}

/* Clobbers every callee-saved register (its prolog saves them: PUSH_NONVOL, SAVE_XMM128), then raises. */
void __attribute__((noinline)) clobber_and_raise(void)
{
	__asm__ volatile("mov $-1, %%rbx\n mov $-1, %%r12\n mov $-1, %%r13\n mov $-1, %%r14\n mov $-1, %%r15\n"
			 "pcmpeqd %%xmm6, %%xmm6\n pcmpeqd %%xmm7, %%xmm7"
			 :
			 :
			 : "rbx", "r12", "r13", "r14", "r15", "xmm6", "xmm7", "memory");
	raise_code(0xE0000012);
}

/* Returns a bit per register that did not come back: rbx r12 r13 r14 r15 xmm6. */
ULONG64 nv_test(void);
__asm__(".text\n.globl nv_test\n.def nv_test; .scl 2; .type 32; .endef\n.seh_proc nv_test\nnv_test:\n"
	" pushq %rbx\n .seh_pushreg %rbx\n pushq %r12\n .seh_pushreg %r12\n pushq %r13\n .seh_pushreg %r13\n"
	" pushq %r14\n .seh_pushreg %r14\n pushq %r15\n .seh_pushreg %r15\n"
	" subq $0x30, %rsp\n .seh_stackalloc 0x30\n movaps %xmm6, 0x20(%rsp)\n .seh_savexmm %xmm6, 0x20\n .seh_endprologue\n"
	" movq $0x1111, %rbx\n movq $0x1212, %r12\n movq $0x1313, %r13\n movq $0x1414, %r14\n movq $0x1515, %r15\n"
	" movq $0x6666, %rax\n movq %rax, %xmm6\n"
	" call clobber_and_raise\n nop\n"
	".globl nv_resume\nnv_resume:\n xorl %eax, %eax\n"
	" cmpq $0x1111, %rbx\n je 1f\n orq $1, %rax\n1: cmpq $0x1212, %r12\n je 1f\n orq $2, %rax\n"
	"1: cmpq $0x1313, %r13\n je 1f\n orq $4, %rax\n1: cmpq $0x1414, %r14\n je 1f\n orq $8, %rax\n"
	"1: cmpq $0x1515, %r15\n je 1f\n orq $16, %rax\n1: movq %xmm6, %rcx\n cmpq $0x6666, %rcx\n je 1f\n orq $32, %rax\n"
	"1: movaps 0x20(%rsp), %xmm6\n addq $0x30, %rsp\n popq %r15\n popq %r14\n popq %r13\n popq %r12\n popq %rbx\n ret\n"
	".seh_handler nv_handler, @except, @unwind\n.seh_endproc\n");

/* ---- __C_specific_handler: an __except with a filter around a function holding a __finally ---- */
static int filter_calls, finally_calls, finally_abnormal;
LONG filter_fn(EXCEPTION_POINTERS *ep, ULONG64 frame)
{
	(void)frame;
	filter_calls++;
	return ep->ExceptionRecord->ExceptionCode == 0xE0000020 ? EXCEPTION_EXECUTE_HANDLER : EXCEPTION_CONTINUE_SEARCH;
}
void finally_fn(BOOLEAN abnormal, ULONG64 frame)
{
	(void)frame;
	finally_calls++;
	finally_abnormal += abnormal;
}
void __attribute__((noinline)) raise_c(DWORD code)
{
	raise_code(code);
}
ULONG64 try_except(DWORD code);	/* __try { try_finally(code); } __except (filter_fn) { return code (rax); } */
ULONG64 try_finally(DWORD code);	/* __try { raise_c(code); } __finally { finally_fn(); } */
__asm__(".text\n.globl try_except\n.def try_except; .scl 2; .type 32; .endef\n.seh_proc try_except\ntry_except:\n"
	" pushq %rbx\n .seh_pushreg %rbx\n subq $32, %rsp\n .seh_stackalloc 32\n .seh_endprologue\n"
	" movq $0x77, %rbx\n"
	"te_begin: call try_finally\n nop\n"
	"te_end: xorl %eax, %eax\n jmp te_done\n"
	"te_target: cmpq $0x77, %rbx\n je te_done\n movq $-1, %rax\n"
	"te_done: addq $32, %rsp\n popq %rbx\n ret\n"
	".seh_handler __C_specific_handler, @except, @unwind\n.seh_handlerdata\n .long 1\n"
	" .rva te_begin, te_end, filter_fn, te_target\n.text\n.seh_endproc\n"
	".globl try_finally\n.def try_finally; .scl 2; .type 32; .endef\n.seh_proc try_finally\ntry_finally:\n"
	" subq $40, %rsp\n .seh_stackalloc 40\n .seh_endprologue\n"
	"tf_begin: call raise_c\n nop\n"
	"tf_end: xorl %eax, %eax\n addq $40, %rsp\n ret\n"
	".seh_handler __C_specific_handler, @except, @unwind\n.seh_handlerdata\n .long 1\n"
	" .rva tf_begin, tf_end, finally_fn\n .long 0\n.text\n.seh_endproc\n");

/* ---- an exception inside a handler ---- */
static int inner_calls, inner_unwinds, outer_calls;
static DWORD outer_code;
EXCEPTION_DISPOSITION inner_handler(EXCEPTION_RECORD *rec, void *frame, CONTEXT *ctx, DISPATCHER_CONTEXT *dc)
{
	(void)frame, (void)ctx, (void)dc;
	if (rec->ExceptionFlags & EXCEPTION_UNWIND) {
		inner_unwinds++;
		return ExceptionContinueSearch;
	}
	if (rec->ExceptionCode == 0xE0000030) {
		inner_calls++;
		raise_code(0xE0000031);	/* nested: the outer frame takes it */
	}
	return ExceptionContinueSearch;
}
EXCEPTION_DISPOSITION outer_handler(EXCEPTION_RECORD *rec, void *frame, CONTEXT *ctx, DISPATCHER_CONTEXT *dc)
{
	(void)ctx;
	extern char outer_resume[];
	if (rec->ExceptionFlags & EXCEPTION_UNWIND)
		return ExceptionContinueSearch;
	outer_calls++;
	outer_code = rec->ExceptionCode;
	if (rec->ExceptionCode == 0xE0000031)
		RtlUnwindEx(frame, outer_resume, rec, (PVOID)0x31, dc->ContextRecord, dc->HistoryTable);
	return ExceptionContinueSearch;
}
static void __attribute__((noinline)) inner_frame(void)
{
	__asm__ volatile(".seh_handler inner_handler, @except, @unwind");
	raise_code(0xE0000030);
	/* as MSVC does: a call right before an epilog would return into it, where no handler applies */
	__asm__ volatile("nop" ::: "memory");
}
static ULONG64 __attribute__((noinline)) outer_frame(void)
{
	ULONG64 rax;
	__asm__ volatile(".seh_handler outer_handler, @except, @unwind");
	inner_frame();
	__asm__ volatile("xor %%eax, %%eax\n.globl outer_resume\nouter_resume: mov %%rax, %0" : "=r"(rax) : : "rax", "memory");
	return rax;
}

int main(void)
{
	/* continue execution from a frame handler */
	CHECK_EQ(with_handler(0xE0000010), 0);
	CHECK_EQ(handler_calls, 1);
	CHECK_EQ(unwind_calls, 0);
	/* unwind to a label of the handler's frame: rax = the return value; the target is told */
	CHECK_EQ(with_handler(0xE0000011), 0x1234);
	CHECK_EQ(handler_calls, 2);
	CHECK_EQ(unwind_calls, 1);
	CHECK_EQ(target_calls, 1);

	/* nonvolatile registers come back from the callee's saves */
	CHECK_EQ(nv_test(), 0);

	/* __except and __finally */
	CHECK_EQ(try_except(0xE0000020), 0xE0000020);
	CHECK_EQ(filter_calls, 1);
	CHECK_EQ(finally_calls, 1);
	CHECK_EQ(finally_abnormal, 1);

	/* an exception raised in a handler */
	CHECK_EQ(outer_frame(), 0x31);
	CHECK_EQ(inner_calls, 1);
	CHECK_EQ(outer_calls, 1);	/* only 0xE0000031: the inner frame stopped 0xE0000030 by raising */
	CHECK_EQ(outer_code, 0xE0000031);
	CHECK_EQ(inner_unwinds, 1);	/* the unwind to the outer frame passes the inner one */

	return utest_done("seh_frames");
}
