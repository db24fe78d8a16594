/*
 * kernel/syscall_sync.c - the system calls on synchronization objects and
 * waits (kernel/syscall_abi.h 57-70): events, mutants, semaphores, named
 * objects, waits on handles and on addresses, yielding.  The objects
 * themselves are kernel/wait.c's; the handle helpers are syscall_thread.c's.
 */
#include "cpu.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "syscall_abi.h"
#include "time.h"
#include "uaccess.h"
#include "wait.h"
#include "fs/fat.h"

#include <stddef.h>

#define STATUS_OBJECT_NAME_EXISTS_ ((ntstatus_t)0x40000000)
#define STATUS_OBJECT_NAME_NOT_FOUND_ ((ntstatus_t)0xC0000034)
#define STATUS_INVALID_SYSTEM_SERVICE_ ((ntstatus_t)0xC000001C)
#define EVENT_ALL_ACCESS 0x1f0003
#define MUTANT_ALL_ACCESS 0x1f0001
#define SEMAPHORE_ALL_ACCESS 0x1f0003

#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

/*
 * A timeout argument (NULL: infinite; < 0: relative, 100 ns units; >= 0:
 * absolute FILETIME) as a TSC deadline (0: do not wait).
 */
static ntstatus_t get_deadline(uint64_t u, uint64_t *deadline)
{
	int64_t v;
	if (!u) {
		*deadline = WAIT_INFINITE;
		return STATUS_SUCCESS;
	}
	if (MISALIGNED(u, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&v, u, 8))
		return STATUS_ACCESS_VIOLATION;
	uint64_t rel;	/* 100 ns units from now */
	if (v < 0)
		rel = v == INT64_MIN ? (uint64_t)INT64_MAX : (uint64_t)-v;
	else {
		int64_t now = clock_now();
		rel = v > now ? (uint64_t)(v - now) : 0;
	}
	if (rel == 0) {
		*deadline = 0;
		return STATUS_SUCCESS;
	}
	uint64_t ms = rel / 10000, per_ms = time_tsc_per_ms();
	if (ms > (1ULL << 40) / (per_ms ? per_ms : 1)) {	/* beyond a few hundred years of guest time: never */
		*deadline = WAIT_INFINITE;
		return STATUS_SUCCESS;
	}
	*deadline = rdtsc() + ms * per_ms + (rel % 10000) * per_ms / 10000 + 1;
	return STATUS_SUCCESS;
}

/*
 * A new object of type for a create call: the existing one of that name
 * (STATUS_OBJECT_NAME_EXISTS, referenced) or *fresh after make() and naming.
 */
static ntstatus_t named_create(enum kobject_type type, uint64_t uname, uint64_t len, struct kobject **o,
			       ntstatus_t (*make)(struct trap_frame *, struct kobject **), struct trap_frame *tf)
{
	char name[OBJ_NAME_MAX];
	ntstatus_t st = get_name(name, uname, len);
	if (st)
		return st;
	if (name[0]) {
		struct kobject *old = obj_lookup(name);
		if (old) {
			if (old->type != type)
				return STATUS_OBJECT_TYPE_MISMATCH;
			obj_ref(old);
			*o = old;
			return STATUS_OBJECT_NAME_EXISTS_;
		}
	}
	if ((st = make(tf, o)))
		return st;
	if (name[0])
		obj_set_name(*o, name);
	return STATUS_SUCCESS;
}

static ntstatus_t make_event(struct trap_frame *tf, struct kobject **o)
{
	struct event *e;
	ntstatus_t st = event_create(tf->rsi == ABI_SYNCHRONIZATION_EVENT, tf->rdx != 0, &e);
	*o = st ? NULL : &e->obj;
	return st;
}

static ntstatus_t make_mutant(struct trap_frame *tf, struct kobject **o)
{
	struct mutant *m;
	ntstatus_t st = mutant_create(tf->rsi != 0, &m);
	*o = st ? NULL : &m->obj;
	return st;
}

static ntstatus_t make_semaphore(struct trap_frame *tf, struct kobject **o)
{
	struct semaphore *s;
	ntstatus_t st = semaphore_create((int32_t)tf->rsi, (int32_t)tf->rdx, &s);
	*o = st ? NULL : &s->obj;
	return st;
}

static ntstatus_t sys_create_object(struct trap_frame *tf, enum kobject_type type)
{
	ntstatus_t st = probe_handle_out(tf->rdi);
	if (st)
		return st;
	struct kobject *o;
	switch (type) {
	case KOBJ_EVENT:
		if (tf->rsi > ABI_SYNCHRONIZATION_EVENT)
			return STATUS_INVALID_PARAMETER;
		st = named_create(type, tf->r10, tf->r8, &o, make_event, tf);
		return NT_SUCCESS(st) ? publish_object(o, EVENT_ALL_ACCESS, tf->rdi, st) : st;
	case KOBJ_MUTANT:
		st = named_create(type, tf->rdx, tf->r10, &o, make_mutant, tf);
		return NT_SUCCESS(st) ? publish_object(o, MUTANT_ALL_ACCESS, tf->rdi, st) : st;
	default:
		st = named_create(type, tf->r10, tf->r8, &o, make_semaphore, tf);
		return NT_SUCCESS(st) ? publish_object(o, SEMAPHORE_ALL_ACCESS, tf->rdi, st) : st;
	}
}

static ntstatus_t sys_open_object(struct trap_frame *tf)
{
	static const enum kobject_type types[] = { 0, KOBJ_EVENT, KOBJ_MUTANT, KOBJ_SEMAPHORE };
	char name[OBJ_NAME_MAX];
	ntstatus_t st = probe_handle_out(tf->rdi);
	if (!st)
		st = get_name(name, tf->r10, tf->r8);
	if (st)
		return st;
	if (tf->rsi < 1 || tf->rsi > 3)
		return STATUS_INVALID_PARAMETER;
	if (!name[0])
		return STATUS_OBJECT_NAME_INVALID;
	struct kobject *o = obj_lookup(name);
	if (!o)
		return STATUS_OBJECT_NAME_NOT_FOUND_;
	if (o->type != types[tf->rsi])
		return STATUS_OBJECT_TYPE_MISMATCH;
	obj_ref(o);
	return publish_object(o, (uint32_t)tf->rdx, tf->rdi, STATUS_SUCCESS);
}

/*
 * The shape of NtSetEvent, NtResetEvent, NtPulseEvent, NtReleaseMutant and
 * NtReleaseSemaphore: the object of handle h (of type), op on it with arg,
 * the previous state or count to uprev (NULL: not wanted; probed first).
 */
static ntstatus_t object_op(uint64_t h, enum kobject_type type, uint64_t uprev,
			    ntstatus_t (*op)(struct kobject *, int32_t, int32_t *), int32_t arg)
{
	struct kobject *o;
	ntstatus_t st = get_object(h, type, &o);
	if (!st)
		st = probe_long(uprev);
	if (st)
		return st;
	int32_t prev;
	st = op(o, arg, &prev);
	if (!st)
		put_long(uprev, prev);
	return st;
}

static ntstatus_t op_set(struct kobject *o, int32_t arg, int32_t *prev)
{
	(void)arg;
	return event_set(container_of(o, struct event, obj), prev);
}

static ntstatus_t op_reset(struct kobject *o, int32_t arg, int32_t *prev)
{
	(void)arg;
	return event_reset(container_of(o, struct event, obj), prev);
}

static ntstatus_t op_pulse(struct kobject *o, int32_t arg, int32_t *prev)
{
	(void)arg;
	return event_pulse(container_of(o, struct event, obj), prev);
}

static ntstatus_t op_release_mutant(struct kobject *o, int32_t arg, int32_t *prev)
{
	(void)arg;
	return mutant_release(container_of(o, struct mutant, obj), prev);
}

static ntstatus_t op_release_semaphore(struct kobject *o, int32_t count, int32_t *prev)
{
	return semaphore_release(container_of(o, struct semaphore, obj), count, prev);
}

/* Wait on handles[0..n) (copied in); the objects are referenced for the wait. */
static ntstatus_t wait_handles(const uint64_t *handles, uint32_t n, bool all, uint64_t utimeout)
{
	struct kobject *objs[WAIT_MAX_OBJECTS];
	struct dispatcher *disp[WAIT_MAX_OBJECTS];
	uint64_t deadline;
	ntstatus_t st = get_deadline(utimeout, &deadline);
	if (st)
		return st;
	for (uint32_t i = 0; i < n; i++) {
		if ((st = get_object(handles[i], KOBJ_ANY, &objs[i])))
			return st;
		if (!(disp[i] = object_dispatcher(objs[i])))
			return STATUS_OBJECT_TYPE_MISMATCH;
		for (uint32_t j = 0; all && j < i; j++)
			if (disp[j] == disp[i])
				return STATUS_INVALID_PARAMETER_MIX;
	}
	for (uint32_t i = 0; i < n; i++)
		obj_ref(objs[i]);
	st = wait_for_objects(disp, n, all, deadline, objs);
	for (uint32_t i = 0; i < n; i++)
		obj_unref(objs[i]);
	return st;
}

static ntstatus_t sys_wait_multiple(struct trap_frame *tf)
{
	uint64_t handles[WAIT_MAX_OBJECTS];
	uint32_t n = (uint32_t)tf->rdi;
	if (n == 0 || n > WAIT_MAX_OBJECTS || tf->rdx > ABI_WAIT_ANY)
		return STATUS_INVALID_PARAMETER;
	if (copy_from_user(handles, tf->rsi, n * 8ULL))
		return STATUS_ACCESS_VIOLATION;
	return wait_handles(handles, n, tf->rdx == ABI_WAIT_ALL, tf->r8);
}

static ntstatus_t sys_wait_single(struct trap_frame *tf)
{
	uint64_t h = tf->rdi;
	return wait_handles(&h, 1, false, tf->rdx);
}

static ntstatus_t sys_wait_on_address(struct trap_frame *tf)
{
	uint32_t size = (uint32_t)tf->rdx;
	uint64_t compare = 0, deadline;
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return STATUS_INVALID_PARAMETER;
	if (copy_from_user(&compare, tf->rsi, size))
		return STATUS_ACCESS_VIOLATION;
	ntstatus_t st = get_deadline(tf->r10, &deadline);
	if (st)
		return st;
	return wait_on_address(&current_process()->vm, tf->rdi, compare, size, deadline);
}

ntstatus_t sys_sync_call(struct trap_frame *tf)
{
	switch (tf->rax) {
	case SYS_NtCreateEvent: return sys_create_object(tf, KOBJ_EVENT);
	case SYS_NtOpenObject: return sys_open_object(tf);
	case SYS_NtSetEvent: return object_op(tf->rdi, KOBJ_EVENT, tf->rsi, op_set, 0);
	case SYS_NtResetEvent: return object_op(tf->rdi, KOBJ_EVENT, tf->rsi, op_reset, 0);
	case SYS_NtPulseEvent: return object_op(tf->rdi, KOBJ_EVENT, tf->rsi, op_pulse, 0);
	case SYS_NtCreateMutant: return sys_create_object(tf, KOBJ_MUTANT);
	case SYS_NtReleaseMutant: return object_op(tf->rdi, KOBJ_MUTANT, tf->rsi, op_release_mutant, 0);
	case SYS_NtCreateSemaphore: return sys_create_object(tf, KOBJ_SEMAPHORE);
	case SYS_NtReleaseSemaphore:
		return object_op(tf->rdi, KOBJ_SEMAPHORE, tf->rdx, op_release_semaphore, (int32_t)tf->rsi);
	case SYS_NtWaitForMultipleObjects: return sys_wait_multiple(tf);
	case SYS_NtWaitForSingleObject: return sys_wait_single(tf);
	case SYS_NtYieldExecution: return sched_yield() ? STATUS_SUCCESS : STATUS_NO_YIELD_PERFORMED;
	case SYS_NtWaitOnAddress: return sys_wait_on_address(tf);
	case SYS_NtWakeAddress: wake_address(&current_process()->vm, tf->rdi, tf->rsi != 0); return STATUS_SUCCESS;
	default: return STATUS_INVALID_SYSTEM_SERVICE_;
	}
}
