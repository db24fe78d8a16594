/*
 * libc/ntdll/unwind_virtual.c - RtlVirtualUnwind: one frame of the x64
 * unwinder, from the function's UNWIND_INFO (the format the Microsoft x64
 * ABI documents: unwind codes in reverse prolog order, chained infos, the
 * language handler after the codes), with Windows' epilog detection: when
 * the code at pc is an epilog, it is simulated instead of the prolog undone.
 */
#include "except_internal.h"

enum {
	UWOP_PUSH_NONVOL = 0, UWOP_ALLOC_LARGE = 1, UWOP_ALLOC_SMALL = 2, UWOP_SET_FPREG = 3,
	UWOP_SAVE_NONVOL = 4, UWOP_SAVE_NONVOL_FAR = 5, UWOP_EPILOG = 6, UWOP_SPARE = 7,
	UWOP_SAVE_XMM128 = 8, UWOP_SAVE_XMM128_FAR = 9, UWOP_PUSH_MACHFRAME = 10,
};

struct unwind_info {
	BYTE version_flags;	/* version: 3 bits, flags: 5 bits */
	BYTE prolog_size;
	BYTE count;		/* slots of codes */
	BYTE frame;		/* register: 4 bits, offset (scaled by 16): 4 bits */
	USHORT codes[];		/* low byte: code offset; high byte: op (4 bits), info (4 bits) */
};

#define CODE_OFFSET(c) ((c) & 0xff)
#define CODE_OP(c)     (((c) >> 8) & 0xf)
#define CODE_INFO(c)   ((c) >> 12)

/* The integer registers in unwind-code order are CONTEXT's order: Rax Rcx Rdx Rbx Rsp Rbp Rsi Rdi R8..R15. */
static DWORD64 *reg(CONTEXT *c, int i)
{
	return &c->Rax + i;
}

static void set_int(CONTEXT *c, KNONVOLATILE_CONTEXT_POINTERS *ptrs, int i, DWORD64 *where)
{
	*reg(c, i) = *where;
	if (ptrs)
		ptrs->IntegerContext[i] = where;
}

static void set_xmm(CONTEXT *c, KNONVOLATILE_CONTEXT_POINTERS *ptrs, int i, M128A *where)
{
	(&c->Xmm0)[i] = *where;
	if (ptrs)
		ptrs->FloatingContext[i] = where;
}

/* The 32-bit operand in the two slots after code i. */
static DWORD code_long(const struct unwind_info *u, int i)
{
	return u->codes[i + 1] | (DWORD)u->codes[i + 2] << 16;
}

/* Slots one unwind code takes. */
static int code_slots(const struct unwind_info *u, USHORT c)
{
	switch (CODE_OP(c)) {
	case UWOP_ALLOC_LARGE: return CODE_INFO(c) ? 3 : 2;
	case UWOP_SAVE_NONVOL: case UWOP_SAVE_XMM128: return 2;
	case UWOP_SAVE_NONVOL_FAR: case UWOP_SAVE_XMM128_FAR: return 3;
	case UWOP_EPILOG: return (u->version_flags & 7) >= 2 ? 1 : 2;
	case UWOP_SPARE: return (u->version_flags & 7) >= 2 ? 2 : 3;
	default: return 1;
	}
}

static BOOL is_pop(const BYTE *p, int *len, int *r)
{
	if (p[0] >= 0x58 && p[0] <= 0x5f) {
		*r = p[0] - 0x58;
		*len = 1;
		return TRUE;
	}
	if (p[0] == 0x41 && p[1] >= 0x58 && p[1] <= 0x5f) {
		*r = 8 + p[1] - 0x58;
		*len = 2;
		return TRUE;
	}
	return FALSE;
}

/*
 * Whether pc is in an epilog of the function [begin, end), by the
 * instructions Windows accepts there: an optional `add rsp, imm` or (with a
 * frame register) `lea rsp, [fp + disp]`, pops, then `ret`, `rep ret`,
 * `ret imm16`, or a jmp out of the function (a tail call).  When it is, the
 * remaining epilog is applied to ctx.
 */
static BOOL unwind_epilog(CONTEXT *ctx, ULONG64 pc, ULONG64 begin, ULONG64 end, int frame_reg,
			  KNONVOLATILE_CONTEXT_POINTERS *ptrs)
{
	const BYTE *p = (const BYTE *)pc;
	DWORD64 rsp = ctx->Rsp;
	int len, r;
	/* the stack adjustment, only as the first instruction */
	if (p[0] == 0x48 && p[1] == 0x83 && p[2] == 0xc4) {
		rsp += (signed char)p[3];
		p += 4;
	} else if (p[0] == 0x48 && p[1] == 0x81 && p[2] == 0xc4) {
		rsp += *(const int *)(p + 3);
		p += 7;
	} else if (frame_reg && (p[0] & 0xf8) == 0x48 && p[1] == 0x8d && (p[2] & 0x38) == 0x20 &&
		   ((p[0] & 1) << 3 | (p[2] & 7)) == frame_reg && (p[2] & 7) != 4) {
		/* lea rsp, [fp + disp8/disp32] (REX.W, REX.B picks r8-r15) */
		DWORD64 base = *reg(ctx, frame_reg);
		if ((p[2] >> 6) == 1) {
			rsp = base + (signed char)p[3];
			p += 4;
		} else if ((p[2] >> 6) == 2) {
			rsp = base + *(const int *)(p + 3);
			p += 7;
		} else {
			return FALSE;
		}
	}
	/* the pops, then the return or tail jump */
	const BYTE *q = p;
	while (is_pop(q, &len, &r))
		q += len;
	if (q[0] == 0xc3 || (q[0] == 0xf3 && q[1] == 0xc3) || q[0] == 0xc2) {
		/* ok */
	} else if (q[0] == 0xe9 || q[0] == 0xeb) {
		ULONG64 next = (ULONG64)q + (q[0] == 0xe9 ? 5 : 2);
		ULONG64 target = next + (q[0] == 0xe9 ? (long long)*(const int *)(q + 1) : (long long)(signed char)q[1]);
		if (target >= begin && target < end)
			return FALSE;	/* a jump inside the function: not an epilog */
	} else if ((q[0] == 0xff && q[1] == 0x25) || (q[0] == 0x48 && q[1] == 0xff && q[2] == 0x25)) {
		/* jmp [rip + disp32]: a tail call through a pointer */
	} else {
		return FALSE;
	}
	/* it is an epilog: undo it */
	ctx->Rsp = rsp;
	while (is_pop(p, &len, &r)) {
		set_int(ctx, ptrs, r, (DWORD64 *)ctx->Rsp);
		ctx->Rsp += 8;
		p += len;
	}
	ctx->Rip = *(DWORD64 *)ctx->Rsp;
	ctx->Rsp += 8;
	return TRUE;
}

/*
 * Unwinds ctx from ControlPc in the function FunctionEntry of the image at
 * ImageBase to its caller; returns the language handler of HandlerType
 * (UNW_FLAG_EHANDLER or UNW_FLAG_UHANDLER) when the function has one and pc
 * is past the prolog and not in an epilog, with its data in *HandlerData.
 */
PEXCEPTION_ROUTINE NTAPI RtlVirtualUnwind(DWORD HandlerType, DWORD64 ImageBase, DWORD64 ControlPc,
					  PRUNTIME_FUNCTION FunctionEntry, PCONTEXT ContextRecord, PVOID *HandlerData,
					  PDWORD64 EstablisherFrame, PKNONVOLATILE_CONTEXT_POINTERS ContextPointers)
{
	CONTEXT *ctx = ContextRecord;
	const struct unwind_info *u = (const struct unwind_info *)(ImageBase + FunctionEntry->UnwindData);
	ULONG64 begin = ImageBase + FunctionEntry->BeginAddress, end = ImageBase + FunctionEntry->EndAddress;
	ULONG64 offset = ControlPc - begin;
	int frame_reg = u->frame & 0xf;
	ULONG64 first_prolog = u->prolog_size;

	*EstablisherFrame = ctx->Rsp;
	if (HandlerData)
		*HandlerData = NULL;
	/* Past the prolog: an epilog to simulate?  (Only the primary info; chained parts are bodies.) */
	if (offset >= u->prolog_size && unwind_epilog(ctx, ControlPc, begin, end, frame_reg, ContextPointers)) {
		if (frame_reg) {
			/* The frame is where the frame register points, as in the body */
			*EstablisherFrame = ctx->Rsp;
		}
		return NULL;
	}

	/* The establisher frame: with a frame register in use, the register less its offset. */
	if (frame_reg) {
		BOOL set = offset >= u->prolog_size;
		for (int i = 0; !set && i < u->count; i += code_slots(u, u->codes[i]))
			if (CODE_OP(u->codes[i]) == UWOP_SET_FPREG && CODE_OFFSET(u->codes[i]) <= offset)
				set = TRUE;
		if (set)
			*EstablisherFrame = *reg(ctx, frame_reg) - (u->frame >> 4) * 16;
	}

	BOOL machframe = FALSE;
	const struct unwind_info *last = u;
	for (BOOL primary = TRUE;; primary = FALSE) {
		for (int i = 0; i < u->count; i += code_slots(u, u->codes[i])) {
			USHORT c = u->codes[i];
			if (primary && offset < u->prolog_size && CODE_OFFSET(c) > offset)
				continue;	/* not executed yet */
			switch (CODE_OP(c)) {
			case UWOP_PUSH_NONVOL:
				set_int(ctx, ContextPointers, CODE_INFO(c), (DWORD64 *)ctx->Rsp);
				ctx->Rsp += 8;
				break;
			case UWOP_ALLOC_LARGE:
				ctx->Rsp += CODE_INFO(c) ? code_long(u, i) : u->codes[i + 1] * 8U;
				break;
			case UWOP_ALLOC_SMALL:
				ctx->Rsp += CODE_INFO(c) * 8 + 8;
				break;
			case UWOP_SET_FPREG:
				ctx->Rsp = *reg(ctx, u->frame & 0xf) - (u->frame >> 4) * 16;
				break;
			case UWOP_SAVE_NONVOL:
				set_int(ctx, ContextPointers, CODE_INFO(c),
					(DWORD64 *)(*EstablisherFrame + u->codes[i + 1] * 8U));
				break;
			case UWOP_SAVE_NONVOL_FAR:
				set_int(ctx, ContextPointers, CODE_INFO(c),
					(DWORD64 *)(*EstablisherFrame + code_long(u, i)));
				break;
			case UWOP_SAVE_XMM128:
				set_xmm(ctx, ContextPointers, CODE_INFO(c),
					(M128A *)(*EstablisherFrame + u->codes[i + 1] * 16U));
				break;
			case UWOP_SAVE_XMM128_FAR:
				set_xmm(ctx, ContextPointers, CODE_INFO(c),
					(M128A *)(*EstablisherFrame + code_long(u, i)));
				break;
			case UWOP_PUSH_MACHFRAME:
				if (CODE_INFO(c))
					ctx->Rsp += 8;	/* the error code */
				ctx->Rip = *(DWORD64 *)ctx->Rsp;
				ctx->Rsp = *(DWORD64 *)(ctx->Rsp + 24);
				machframe = TRUE;
				break;
			default:	/* UWOP_EPILOG (version 2) and spare codes: descriptions only */
				break;
			}
		}
		last = u;
		if (!(u->version_flags & (UNW_FLAG_CHAININFO << 3)))
			break;
		PRUNTIME_FUNCTION chained = (PRUNTIME_FUNCTION)&u->codes[(u->count + 1) & ~1];
		u = (const struct unwind_info *)(ImageBase + chained->UnwindData);
	}
	if (!machframe) {
		ctx->Rip = *(DWORD64 *)ctx->Rsp;
		ctx->Rsp += 8;
	}
	DWORD flags = last->version_flags >> 3;
	if (!(flags & HandlerType & (UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER)) || offset < first_prolog)
		return NULL;	/* no handler of that kind, or its frame is not set up yet */
	const DWORD *h = (const DWORD *)&last->codes[(last->count + 1) & ~1];
	if (HandlerData)
		*HandlerData = (PVOID)(h + 1);
	return (PEXCEPTION_ROUTINE)(ImageBase + h[0]);
}

/* See except_internal.h. */
PEXCEPTION_ROUTINE unwind_one(DWORD type, CONTEXT *ctx, PVOID *data, ULONG64 *frame, PRUNTIME_FUNCTION *entry,
			      ULONG64 *base, PUNWIND_HISTORY_TABLE history)
{
	*base = 0;
	*entry = RtlLookupFunctionEntry(ctx->Rip, base, history);
	if (*entry)
		return RtlVirtualUnwind(type, *base, ctx->Rip, *entry, ctx, data, frame, NULL);
	/* A leaf: no prolog, the return address is at rsp. */
	*data = NULL;
	*frame = ctx->Rsp;
	ctx->Rip = *(DWORD64 *)ctx->Rsp;
	ctx->Rsp += 8;
	return NULL;
}

/* See except_internal.h. */
BOOL unwind_frame_ok(ULONG64 frame)
{
	NT_TIB *tib = except_teb();
	ULONG64 low = (ULONG64)*(void **)((char *)tib + 0x1478);	/* DeallocationStack: the whole reservation */
	if (!low)
		low = (ULONG64)tib->StackLimit;
	return !(frame & 7) && frame >= low && frame + 8 <= (ULONG64)tib->StackBase;
}
