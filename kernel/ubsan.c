/*
 * kernel/ubsan.c - the UndefinedBehaviorSanitizer runtime of the kernel.
 *
 * The kernel is built with -fsanitize=undefined (UBSAN=1, the default; the
 * benchmark build uses UBSAN=0).  gcc then calls the __ubsan_handle_* entry
 * points below when a check fails; each one panics with the kind of check,
 * the values involved and the source file:line:column of the faulty
 * expression, and panic() prints the symbolized backtrace.  This file itself
 * is compiled without instrumentation (see the Makefile).  A report that
 * happens while another is being printed (the formatter or the console
 * misbehaving) is ignored, so the first report always comes out whole.
 */
#include "console.h"
#include "panic.h"

#include <stdbool.h>
#include <stdint.h>

struct source_location {
	const char *file;
	uint32_t line, column;
};

struct type_descriptor {
	uint16_t kind;	/* 0 integer, 1 float, 0xffff unknown */
	uint16_t info;	/* integer: bit 0 signed, bits 1..: log2(bit width) */
	char name[];
};

struct type_mismatch_data_v1 {
	struct source_location loc;
	const struct type_descriptor *type;
	uint8_t log_alignment;
	uint8_t type_check_kind;
};

struct type_mismatch_data {	/* the pre-v1 layout (older compilers) */
	struct source_location loc;
	const struct type_descriptor *type;
	uint64_t alignment;
	uint8_t type_check_kind;
};

struct overflow_data {
	struct source_location loc;
	const struct type_descriptor *type;
};

struct shift_out_of_bounds_data {
	struct source_location loc;
	const struct type_descriptor *lhs_type, *rhs_type;
};

struct out_of_bounds_data {
	struct source_location loc;
	const struct type_descriptor *array_type, *index_type;
};

struct invalid_value_data {
	struct source_location loc;
	const struct type_descriptor *type;
};

struct unreachable_data {
	struct source_location loc;
};

struct vla_bound_data {
	struct source_location loc;
	const struct type_descriptor *type;
};

struct nonnull_arg_data {
	struct source_location loc, attr_loc;
	int arg_index;
};

struct nonnull_return_data_v1 {
	struct source_location attr_loc;
};

struct pointer_overflow_data {
	struct source_location loc;
};

struct invalid_builtin_data {
	struct source_location loc;
	uint8_t kind;	/* 0 ctz of zero, 1 clz of zero */
};

static bool reporting;

/* Start a report: false when one is already being printed (then the caller returns). */
static bool begin(void)
{
	if (reporting)
		return false;
	reporting = true;
	return true;
}

__attribute__((noreturn)) static void report(const struct source_location *loc, const char *what)
{
	panic_at(loc->file ? loc->file : "?", (int)loc->line, "ubsan: %s (column %u)", what, loc->column);
}

/* ---- values ------------------------------------------------------------------ */

static bool is_signed(const struct type_descriptor *t)
{
	return t->kind == 0 && (t->info & 1);
}

static unsigned bit_width(const struct type_descriptor *t)
{
	return t->kind == 0 ? 1u << (t->info >> 1) : 0;
}

/* Integers up to 64 bits come inline in the pointer-sized argument, wider ones by address. */
static uint64_t raw_value(const struct type_descriptor *t, uintptr_t v)
{
	unsigned w = bit_width(t);
	if (w > 64)
		return *(const uint64_t *)v;	/* the low half (little endian) */
	if (w == 64)
		return v;
	uint64_t mask = (1ULL << w) - 1;
	uint64_t x = v & mask;
	if (is_signed(t) && (x >> (w - 1)))
		x |= ~mask;	/* sign-extend */
	return x;
}

static void print_value(const char *label, const struct type_descriptor *t, uintptr_t v)
{
	uint64_t x = raw_value(t, v);
	if (t->kind != 0)
		kprintf("ubsan:   %s: (a value of type %s)\n", label, t->name);
	else if (is_signed(t))
		kprintf("ubsan:   %s: %ld (%s)\n", label, (int64_t)x, t->name);
	else
		kprintf("ubsan:   %s: %lu (0x%lx, %s)\n", label, x, x, t->name);
}

/* ---- entry points -------------------------------------------------------------- */

#define ENTRY __attribute__((used))

static const char *const type_check_kinds[] = {
	"load of", "store to", "reference binding to", "member access within", "member call on",
	"constructor call on", "downcast of", "downcast of", "upcast of", "cast to virtual base of",
	"_Nonnull binding to", "dynamic operation on",
};

static void type_mismatch(const struct source_location *loc, const struct type_descriptor *type, uint64_t align,
			  uint8_t kind, uintptr_t ptr)
{
	if (!begin())
		return;
	const char *k = kind < sizeof(type_check_kinds) / sizeof(type_check_kinds[0]) ? type_check_kinds[kind] : "access to";
	if (!ptr)
		kprintf("ubsan: %s null pointer of type %s\n", k, type->name);
	else if (align && (ptr & (align - 1)))
		kprintf("ubsan: %s misaligned address 0x%lx for type %s, which needs %lu-byte alignment\n", k, ptr,
			type->name, align);
	else
		kprintf("ubsan: %s address 0x%lx with too little space for an object of type %s\n", k, ptr,
			type->name);
	report(loc, !ptr ? "null pointer" : align && (ptr & (align - 1)) ? "misaligned access" : "object size");
}

ENTRY void __ubsan_handle_type_mismatch_v1(struct type_mismatch_data_v1 *d, uintptr_t ptr)
{
	type_mismatch(&d->loc, d->type, 1ULL << d->log_alignment, d->type_check_kind, ptr);
}

ENTRY void __ubsan_handle_type_mismatch(struct type_mismatch_data *d, uintptr_t ptr)
{
	type_mismatch(&d->loc, d->type, d->alignment, d->type_check_kind, ptr);
}

static void overflow(struct overflow_data *d, uintptr_t lhs, uintptr_t rhs, char op)
{
	if (!begin())
		return;
	kprintf("ubsan: %s integer overflow: operator '%c' on %s\n", is_signed(d->type) ? "signed" : "unsigned", op,
		d->type->name);
	print_value("lhs", d->type, lhs);
	print_value("rhs", d->type, rhs);
	report(&d->loc, op == '+' ? "add overflow" : op == '-' ? "sub overflow" : "mul overflow");
}

ENTRY void __ubsan_handle_add_overflow(struct overflow_data *d, uintptr_t lhs, uintptr_t rhs)
{
	overflow(d, lhs, rhs, '+');
}

ENTRY void __ubsan_handle_sub_overflow(struct overflow_data *d, uintptr_t lhs, uintptr_t rhs)
{
	overflow(d, lhs, rhs, '-');
}

ENTRY void __ubsan_handle_mul_overflow(struct overflow_data *d, uintptr_t lhs, uintptr_t rhs)
{
	overflow(d, lhs, rhs, '*');
}

ENTRY void __ubsan_handle_negate_overflow(struct overflow_data *d, uintptr_t old)
{
	if (!begin())
		return;
	kprintf("ubsan: negation of the minimum value of %s\n", d->type->name);
	print_value("operand", d->type, old);
	report(&d->loc, "negate overflow");
}

ENTRY void __ubsan_handle_divrem_overflow(struct overflow_data *d, uintptr_t lhs, uintptr_t rhs)
{
	if (!begin())
		return;
	bool by_zero = raw_value(d->type, rhs) == 0;
	kprintf("ubsan: %s\n", by_zero ? "division by zero" : "division of the minimum value by -1");
	print_value("lhs", d->type, lhs);
	print_value("rhs", d->type, rhs);
	report(&d->loc, by_zero ? "division by zero" : "divrem overflow");
}

ENTRY void __ubsan_handle_shift_out_of_bounds(struct shift_out_of_bounds_data *d, uintptr_t lhs, uintptr_t rhs)
{
	if (!begin())
		return;
	uint64_t r = raw_value(d->rhs_type, rhs);
	if (is_signed(d->rhs_type) && (int64_t)r < 0)
		kprintf("ubsan: shift exponent %ld is negative\n", (int64_t)r);
	else if (r >= bit_width(d->lhs_type))
		kprintf("ubsan: shift exponent %lu is too large for %u-bit type %s\n", r, bit_width(d->lhs_type),
			d->lhs_type->name);
	else
		kprintf("ubsan: left shift of %ld by %lu places cannot be represented in type %s\n",
			(int64_t)raw_value(d->lhs_type, lhs), r, d->lhs_type->name);
	print_value("lhs", d->lhs_type, lhs);
	print_value("rhs", d->rhs_type, rhs);
	report(&d->loc, "shift out of bounds");
}

ENTRY void __ubsan_handle_out_of_bounds(struct out_of_bounds_data *d, uintptr_t index)
{
	if (!begin())
		return;
	kprintf("ubsan: index out of bounds for type %s\n", d->array_type->name);
	print_value("index", d->index_type, index);
	report(&d->loc, "array index out of bounds");
}

ENTRY void __ubsan_handle_load_invalid_value(struct invalid_value_data *d, uintptr_t val)
{
	if (!begin())
		return;
	kprintf("ubsan: load of a value that is not valid for type %s\n", d->type->name);
	print_value("value", d->type, val);
	report(&d->loc, "load of an invalid value");
}

ENTRY __attribute__((noreturn)) void __ubsan_handle_builtin_unreachable(struct unreachable_data *d)
{
	reporting = true;
	report(&d->loc, "__builtin_unreachable() reached");
}

ENTRY __attribute__((noreturn)) void __ubsan_handle_missing_return(struct unreachable_data *d)
{
	reporting = true;
	report(&d->loc, "end of a value-returning function reached without return");
}

ENTRY void __ubsan_handle_vla_bound_not_positive(struct vla_bound_data *d, uintptr_t bound)
{
	if (!begin())
		return;
	print_value("bound", d->type, bound);
	report(&d->loc, "variable-length array bound not positive");
}

ENTRY void __ubsan_handle_nonnull_arg(struct nonnull_arg_data *d)
{
	if (!begin())
		return;
	kprintf("ubsan: null passed as argument %d, declared never null at %s:%u\n", d->arg_index,
		d->attr_loc.file ? d->attr_loc.file : "?", d->attr_loc.line);
	report(&d->loc, "null argument to a nonnull parameter");
}

ENTRY void __ubsan_handle_nonnull_return_v1(struct nonnull_return_data_v1 *d, struct source_location *loc)
{
	if (!begin())
		return;
	kprintf("ubsan: null returned from a function declared never to return null (%s:%u)\n",
		d->attr_loc.file ? d->attr_loc.file : "?", d->attr_loc.line);
	report(loc, "null return from a returns_nonnull function");
}

ENTRY void __ubsan_handle_pointer_overflow(struct pointer_overflow_data *d, uintptr_t base, uintptr_t result)
{
	if (!begin())
		return;
	kprintf("ubsan: pointer arithmetic on 0x%lx overflowed to 0x%lx\n", base, result);
	report(&d->loc, "pointer overflow");
}

ENTRY void __ubsan_handle_invalid_builtin(struct invalid_builtin_data *d)
{
	if (!begin())
		return;
	report(&d->loc, d->kind == 0 ? "__builtin_ctz() of zero" : "__builtin_clz() of zero");
}
