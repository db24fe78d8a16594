/*
 * tests/user/seh_unwind.c - the unwinder without exceptions.
 * RtlVirtualUnwind on hand-made functions (code bytes, UNWIND_INFO and a
 * dynamic function table over a buffer, never executed): every unwind code
 * (PUSH_NONVOL, ALLOC_LARGE, ALLOC_SMALL, SET_FPREG, SAVE_NONVOL(_FAR),
 * SAVE_XMM128(_FAR), PUSH_MACHFRAME), a pc inside the prolog (only the codes
 * already executed undone), inside an epilog (simulated, no handler), a
 * chained info, the language handler and its data; RtlLookupFunctionEntry
 * on this exe, on a dynamic table and through a callback, then removed;
 * RtlPcToFileHeader; RtlCaptureStackBackTrace over a known call chain.
 */
#include <string.h>

#include "utest.h"

/* The fake image: code at 0x100 (function F) and 0x180 (G, H), unwind infos at 0x200.., entries at 0x400. */
static __attribute__((aligned(16))) unsigned char img[0x1000];
static __attribute__((aligned(16))) ULONG64 stk[128];

enum { PUSH_NONVOL, ALLOC_LARGE, ALLOC_SMALL, SET_FPREG, SAVE_NONVOL, SAVE_NONVOL_FAR, OP6, OP7, SAVE_XMM128,
       SAVE_XMM128_FAR, PUSH_MACHFRAME };
#define CODE(off, op, info) ((USHORT)((off) | ((op) << 8) | ((info) << 12)))
#define REG_RBX 3
#define REG_RBP 5
#define REG_R12 12

/*
 * F's prolog (31 bytes):            its codes, reverse order:
 *   0 push rbp                        SAVE_XMM128 xmm6, 0xe0 (at 31)
 *   1 push r12                        SAVE_NONVOL rbx, 0xf8 (at 23)
 *   3 sub rsp, 0x100                  SET_FPREG rbp = rsp + 0x20 (at 15)
 *  10 lea rbp, [rsp + 0x20]           ALLOC_LARGE 0x100 (at 10)
 *  15 mov [rsp + 0xf8], rbx           PUSH_NONVOL r12 (at 3)
 *  23 movaps [rsp + 0xe0], xmm6       PUSH_NONVOL rbp (at 1)
 *  31 nop (body) ... 40: add rsp, 0x100; pop r12; pop rbp; ret
 */
static const unsigned char f_code[] = {
	0x55, 0x41, 0x54, 0x48, 0x81, 0xec, 0x00, 0x01, 0x00, 0x00, 0x48, 0x8d, 0x6c, 0x24, 0x20,
	0x48, 0x89, 0x9c, 0x24, 0xf8, 0x00, 0x00, 0x00, 0x0f, 0x29, 0xb4, 0x24, 0xe0, 0x00, 0x00, 0x00,
	0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90, 0x90,
	0x48, 0x81, 0xc4, 0x00, 0x01, 0x00, 0x00, 0x41, 0x5c, 0x5d, 0xc3,
};
#define F_EPILOG 40

static RUNTIME_FUNCTION *entries = (RUNTIME_FUNCTION *)(img + 0x400);

static void put_info(ULONG rva, BYTE flags, BYTE prolog, BYTE frame, const USHORT *codes, int n, const void *tail,
		     size_t tail_len)
{
	unsigned char *u = img + rva;
	u[0] = 1 | (flags << 3);
	u[1] = prolog;
	u[2] = (BYTE)n;
	u[3] = frame;
	memcpy(u + 4, codes, n * 2);
	if (tail)
		memcpy(u + 4 + ((n + 1) & ~1) * 2, tail, tail_len);
}

static void build(void)
{
	memcpy(img + 0x100, f_code, sizeof(f_code));
	USHORT f[] = { CODE(31, SAVE_XMM128, 6), 0xe0 / 16, CODE(23, SAVE_NONVOL, REG_RBX), 0xf8 / 8, CODE(15, SET_FPREG, 0),
		       CODE(10, ALLOC_LARGE, 0), 0x100 / 8, CODE(3, PUSH_NONVOL, REG_R12), CODE(1, PUSH_NONVOL, REG_RBP) };
	/* F has a handler (never called: an address in the buffer), then 4 bytes of data */
	ULONG handler[2] = { 0x500, 0xdada };
	put_info(0x200, UNW_FLAG_EHANDLER, 31, REG_RBP | (2 << 4), f, 9, handler, sizeof(handler));
	entries[0] = (RUNTIME_FUNCTION){ 0x100, 0x100 + sizeof(f_code), 0x200 };

	/* G at 0x180: PUSH_MACHFRAME with an error code, then ALLOC_SMALL 0x28 and SAVE_NONVOL_FAR / SAVE_XMM128_FAR */
	memset(img + 0x180, 0x90, 0x20);
	USHORT g[] = { CODE(4, SAVE_XMM128_FAR, 7), 0x10, 0x0000, CODE(3, SAVE_NONVOL_FAR, REG_R12), 0x8, 0x0000,
		       CODE(2, ALLOC_SMALL, 4), CODE(1, PUSH_MACHFRAME, 1) };
	put_info(0x280, 0, 4, 0, g, 8, NULL, 0);
	entries[1] = (RUNTIME_FUNCTION){ 0x180, 0x1a0, 0x280 };

	/* H at 0x1a0: a chained part of F (one ALLOC_SMALL 16 of its own), same frame register */
	memset(img + 0x1a0, 0x90, 0x20);
	USHORT h[] = { CODE(0, ALLOC_SMALL, 1) };
	put_info(0x300, UNW_FLAG_CHAININFO, 0, REG_RBP | (2 << 4), h, 1, &entries[0], sizeof(RUNTIME_FUNCTION));
	entries[2] = (RUNTIME_FUNCTION){ 0x1a0, 0x1c0, 0x300 };
}

/* F's frame on stk: E = the rsp after the prolog; returns E. */
static ULONG64 frame_f(CONTEXT *c)
{
	memset(stk, 0, sizeof(stk));
	memset(c, 0, sizeof(*c));
	ULONG64 e = (ULONG64)&stk[8];
	*(M128A *)(e + 0xe0) = (M128A){ 0x6666, 0x6767 };
	*(ULONG64 *)(e + 0xf8) = 0xb0b0;	/* rbx */
	*(ULONG64 *)(e + 0x100) = 0x1212;	/* r12 */
	*(ULONG64 *)(e + 0x108) = 0xbbbb;	/* rbp */
	*(ULONG64 *)(e + 0x110) = 0x401000;	/* return address */
	c->Rbx = 1, c->R12 = 2, c->Rbp = e + 0x20, c->Rsp = e;
	c->Xmm6 = (M128A){ 1, 1 };
	return e;
}

static PEXCEPTION_ROUTINE unwind_at(ULONG64 pc_rva, int entry, CONTEXT *c, PVOID *data, ULONG64 *frame)
{
	KNONVOLATILE_CONTEXT_POINTERS ptrs;
	memset(&ptrs, 0, sizeof(ptrs));
	return RtlVirtualUnwind(UNW_FLAG_EHANDLER, (ULONG64)img, (ULONG64)img + pc_rva, &entries[entry], c, data, frame,
				&ptrs);
}

static void test_virtual_unwind(void)
{
	CONTEXT c;
	PVOID data;
	ULONG64 frame, e;

	/* body: everything undone; the frame from rbp even with rsp lower (alloca); the handler and data */
	e = frame_f(&c);
	c.Rsp = e - 0x40;
	PEXCEPTION_ROUTINE h = unwind_at(0x100 + 33, 0, &c, &data, &frame);
	CHECK(h == (PEXCEPTION_ROUTINE)(img + 0x500));
	CHECK(data && *(ULONG *)data == 0xdada);
	CHECK_EQ(frame, e);
	CHECK_EQ(c.Rip, 0x401000);
	CHECK_EQ(c.Rsp, e + 0x118);
	CHECK_EQ(c.Rbp, 0xbbbb);
	CHECK_EQ(c.R12, 0x1212);
	CHECK_EQ(c.Rbx, 0xb0b0);
	CHECK_EQ(c.Xmm6.Low, 0x6666);
	CHECK_EQ(c.Xmm6.High, 0x6767);

	/* in the prolog after the two pushes: only they are undone, no handler */
	e = frame_f(&c);
	c.Rsp = e + 0x100;
	c.Rbp = 0x5555;
	h = unwind_at(0x100 + 3, 0, &c, &data, &frame);
	CHECK(h == NULL);
	CHECK_EQ(c.Rip, 0x401000);
	CHECK_EQ(c.Rsp, e + 0x118);
	CHECK_EQ(c.R12, 0x1212);
	CHECK_EQ(c.Rbp, 0xbbbb);
	CHECK_EQ(c.Rbx, 1);	/* not saved yet */

	/* in the prolog after the allocation, before the frame register: the frame is rsp */
	e = frame_f(&c);
	c.Rbp = 0x5555;
	unwind_at(0x100 + 10, 0, &c, &data, &frame);
	CHECK_EQ(frame, e);
	CHECK_EQ(c.Rsp, e + 0x118);
	CHECK_EQ(c.Rbx, 1);
	CHECK_EQ(c.Xmm6.Low, 1);

	/* at the epilog's add: simulated (no handler; rbx, xmm6 untouched) */
	e = frame_f(&c);
	h = unwind_at(0x100 + F_EPILOG, 0, &c, &data, &frame);
	CHECK(h == NULL);
	CHECK_EQ(c.Rip, 0x401000);
	CHECK_EQ(c.Rsp, e + 0x118);
	CHECK_EQ(c.R12, 0x1212);
	CHECK_EQ(c.Rbp, 0xbbbb);
	CHECK_EQ(c.Rbx, 1);
	/* at its `pop rbp` */
	e = frame_f(&c);
	c.Rsp = e + 0x108;
	unwind_at(0x100 + F_EPILOG + 9, 0, &c, &data, &frame);
	CHECK_EQ(c.Rsp, e + 0x118);
	CHECK_EQ(c.Rbp, 0xbbbb);
	CHECK_EQ(c.R12, 2);
	/* at its `ret` */
	e = frame_f(&c);
	c.Rsp = e + 0x110;
	unwind_at(0x100 + F_EPILOG + 10, 0, &c, &data, &frame);
	CHECK_EQ(c.Rip, 0x401000);
	CHECK_EQ(c.Rsp, e + 0x118);

	/* G: saves relative to the frame (rsp after ALLOC_SMALL 0x28), then the machine frame with an error code */
	memset(stk, 0, sizeof(stk));
	memset(&c, 0, sizeof(c));
	ULONG64 g = (ULONG64)&stk[16];
	*(ULONG64 *)(g + 0x8) = 0xc12;	/* r12 */
	*(M128A *)(g + 0x10) = (M128A){ 0x77, 0x78 };	/* xmm7 */
	*(ULONG64 *)(g + 0x28) = 0xe;	/* error code */
	*(ULONG64 *)(g + 0x30) = 0x402000;	/* rip */
	*(ULONG64 *)(g + 0x48) = 0x7000;	/* rsp */
	c.Rsp = g;
	h = unwind_at(0x180 + 8, 1, &c, &data, &frame);
	CHECK(h == NULL);
	CHECK_EQ(frame, g);
	CHECK_EQ(c.R12, 0xc12);
	CHECK_EQ(c.Xmm7.Low, 0x77);
	CHECK_EQ(c.Rip, 0x402000);
	CHECK_EQ(c.Rsp, 0x7000);

	/* H, chained to F: its own allocation, then all of F's codes; the handler is not F's */
	e = frame_f(&c);
	c.Rsp = e - 16;
	h = unwind_at(0x1a0 + 4, 2, &c, &data, &frame);
	CHECK_EQ(c.Rip, 0x401000);
	CHECK_EQ(c.Rsp, e + 0x118);
	CHECK_EQ(c.Rbx, 0xb0b0);
	CHECK_EQ(c.Rbp, 0xbbbb);
	CHECK_EQ(frame, e);
}

static RUNTIME_FUNCTION *WINAPI table_callback(DWORD64 pc, PVOID ctx)
{
	CHECK(ctx == (PVOID)0x5150);
	return pc >= (DWORD64)img + 0x180 && pc < (DWORD64)img + 0x1a0 ? &entries[1] : NULL;
}

static WORD bt_n;
static PVOID bt[8];
static DWORD bt_hash;
static void __attribute__((noinline)) bt_c(void)
{
	bt_n = RtlCaptureStackBackTrace(0, 8, bt, &bt_hash);
	__asm__ volatile("");
}
static void __attribute__((noinline)) bt_b(void)
{
	bt_c();
	__asm__ volatile("");
}
static void __attribute__((noinline)) bt_a(void)
{
	bt_b();
	__asm__ volatile("");
}

int main(void)
{
	build();
	/* a dynamic table makes F, G, H known to lookup */
	ULONG64 base = 0;
	CHECK(RtlLookupFunctionEntry((ULONG64)img + 0x104, &base, NULL) == NULL);
	CHECK(RtlAddFunctionTable(entries, 3, (ULONG64)img));
	CHECK(RtlLookupFunctionEntry((ULONG64)img + 0x104, &base, NULL) == &entries[0]);
	CHECK_EQ(base, (ULONG64)img);
	CHECK(RtlLookupFunctionEntry((ULONG64)img + 0x1a8, &base, NULL) == &entries[2]);
	CHECK(RtlLookupFunctionEntry((ULONG64)img + 0x1c0, &base, NULL) == NULL);
	test_virtual_unwind();
	CHECK(RtlDeleteFunctionTable(entries));
	CHECK(!RtlDeleteFunctionTable(entries));
	CHECK(RtlLookupFunctionEntry((ULONG64)img + 0x104, &base, NULL) == NULL);

	/* a callback table: identifier with the two low bits set */
	ULONG64 id = (ULONG64)img | 3;
	CHECK(!RtlInstallFunctionTableCallback((ULONG64)img, (ULONG64)img, 0x1000, table_callback, (PVOID)0x5150, NULL));
	CHECK(RtlInstallFunctionTableCallback(id, (ULONG64)img, 0x1000, table_callback, (PVOID)0x5150, NULL));
	CHECK(RtlLookupFunctionEntry((ULONG64)img + 0x190, &base, NULL) == &entries[1]);
	CHECK(RtlLookupFunctionEntry((ULONG64)img + 0x104, &base, NULL) == NULL);
	CHECK(RtlDeleteFunctionTable((PRUNTIME_FUNCTION)id));
	CHECK(RtlLookupFunctionEntry((ULONG64)img + 0x190, &base, NULL) == NULL);

	/* this exe's own .pdata: main's entry starts at main */
	HMODULE self = GetModuleHandleA(NULL);
	RUNTIME_FUNCTION *m = RtlLookupFunctionEntry((ULONG64)main + 1, &base, NULL);
	CHECK(m != NULL);
	CHECK_EQ(base, (ULONG64)self);
	CHECK(m && base + m->BeginAddress == (ULONG64)main);
	PVOID pbase = NULL;
	CHECK(RtlPcToFileHeader((PVOID)main, &pbase) == (PVOID)self);
	CHECK(pbase == (PVOID)self);
	CHECK(RtlPcToFileHeader((PVOID)img, &pbase) == (PVOID)self);	/* data counts too */
	CHECK(RtlPcToFileHeader((PVOID)&pbase, &pbase) == NULL);	/* the stack is in no image */
	CHECK(pbase == NULL);

	/* the return addresses of a known chain */
	bt_a();
	CHECK(bt_n >= 4);
	CHECK((ULONG64)bt[0] > (ULONG64)bt_c && (ULONG64)bt[0] < (ULONG64)bt_c + 64);
	CHECK((ULONG64)bt[1] > (ULONG64)bt_b && (ULONG64)bt[1] < (ULONG64)bt_b + 64);
	CHECK((ULONG64)bt[2] > (ULONG64)bt_a && (ULONG64)bt[2] < (ULONG64)bt_a + 64);
	CHECK((ULONG64)bt[3] > (ULONG64)main && (ULONG64)bt[3] < (ULONG64)main + 4096);
	return utest_done("seh_unwind");
}
