/* kernel/object.c - reference-counted kernel objects, their namespace, and handle tables. */
#include "object.h"
#include "panic.h"
#include "mm/kheap.h"

#include <stddef.h>
#include <string.h>

static struct kobject *named;	/* every live named object */

void obj_init(struct kobject *o, enum kobject_type type, void (*destroy)(struct kobject *))
{
	o->type = type;
	o->refs = 1;
	o->name[0] = '\0';
	o->next_named = NULL;
	o->destroy = destroy;
}

void obj_ref(struct kobject *o)
{
	ASSERT(o->refs > 0 && o->refs < UINT32_MAX);
	o->refs++;
}

void obj_unref(struct kobject *o)
{
	ASSERT(o->refs > 0);
	if (--o->refs)
		return;
	if (o->name[0]) {
		struct kobject **pp = &named;
		while (*pp != o)
			pp = &(*pp)->next_named;
		*pp = o->next_named;
	}
	o->destroy(o);
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool same_name(const char *a, const char *b)
{
	for (; *a && lower(*a) == lower(*b); a++, b++)
		;
	return lower(*a) == lower(*b);
}

struct kobject *obj_lookup(const char *name)
{
	for (struct kobject *o = named; o; o = o->next_named)
		if (same_name(o->name, name))
			return o;
	return NULL;
}

void obj_set_name(struct kobject *o, const char *name)
{
	ASSERT(name[0] && strlen(name) < OBJ_NAME_MAX && !obj_lookup(name));
	strcpy(o->name, name);
	o->next_named = named;
	named = o;
}

/* Handle values are (index + 1) * 4: never 0, never -1 (the current process). */
static struct handle_entry *slot(const struct handle_table *t, uint32_t i)
{
	return &t->leaves[i / HANDLE_LEAF][i % HANDLE_LEAF];
}

static struct handle_entry *entry(struct handle_table *t, uint64_t handle)
{
	if (handle == 0 || (handle & 3) || handle / 4 > (uint64_t)t->n * HANDLE_LEAF)
		return NULL;
	struct handle_entry *e = slot(t, (uint32_t)(handle / 4 - 1));
	return e->obj ? e : NULL;
}

/* One more leaf (and a bigger directory when it is full), its slots on the free list. */
static ntstatus_t grow(struct handle_table *t)
{
	if ((uint64_t)t->n * HANDLE_LEAF >= HANDLE_MAX)
		return STATUS_INSUFFICIENT_RESOURCES;
	if (t->n == t->cap) {
		uint32_t cap = t->cap ? t->cap * 2 : 1;
		struct handle_entry **d = kmalloc(cap * sizeof(*d));
		if (!d)
			return STATUS_NO_MEMORY;
		if (t->n)
			memcpy(d, t->leaves, t->n * sizeof(*d));
		kfree(t->leaves);
		t->leaves = d;
		t->cap = cap;
	}
	struct handle_entry *leaf = kmalloc(HANDLE_LEAF * sizeof(*leaf));
	if (!leaf)
		return STATUS_NO_MEMORY;
	uint32_t base = t->n * HANDLE_LEAF;
	for (uint32_t i = 0; i < HANDLE_LEAF; i++)	/* lowest first: the list runs upward */
		leaf[i].access = i + 1 < HANDLE_LEAF ? base + i + 2 : t->free_head;
	t->leaves[t->n++] = leaf;
	t->free_head = base + 1;
	return STATUS_SUCCESS;
}

/* Free the leaves and the directory of a table with no open handle; it starts again empty. */
static void table_free(struct handle_table *t)
{
	for (uint32_t l = 0; l < t->n; l++)
		kfree(t->leaves[l]);
	kfree(t->leaves);
	*t = (struct handle_table){ 0 };
}

ntstatus_t handle_create(struct handle_table *t, struct kobject *o, uint32_t access, uint64_t *handle)
{
	if (!t->free_head) {
		ntstatus_t st = grow(t);
		if (st)
			return st;
	}
	uint32_t i = t->free_head - 1;
	struct handle_entry *e = slot(t, i);
	t->free_head = e->access;
	obj_ref(o);
	*e = (struct handle_entry){ o, access, 0 };
	t->count++;
	*handle = (uint64_t)(i + 1) * 4;
	return STATUS_SUCCESS;
}

ntstatus_t handle_get(struct handle_table *t, uint64_t handle, enum kobject_type type, struct kobject **o,
		      uint32_t *access)
{
	struct handle_entry *e = entry(t, handle);
	if (!e)
		return STATUS_INVALID_HANDLE;
	if (type != KOBJ_ANY && e->obj->type != type)
		return STATUS_OBJECT_TYPE_MISMATCH;
	*o = e->obj;
	*access = e->access;
	return STATUS_SUCCESS;
}

ntstatus_t handle_close(struct handle_table *t, uint64_t handle)
{
	struct handle_entry *e = entry(t, handle);
	if (!e)
		return STATUS_INVALID_HANDLE;
	if (e->flags & W_HANDLE_FLAG_PROTECT_FROM_CLOSE)
		return STATUS_HANDLE_NOT_CLOSABLE;
	struct kobject *o = e->obj;
	e->obj = NULL;
	e->flags = 0;
	e->access = t->free_head;	/* the slot is reused first (LIFO, as NT's free list) */
	t->free_head = (uint32_t)(handle / 4);
	/*
	 * The last handle closed: a table of more than one leaf goes back to the
	 * quota; a one-leaf table stays until the process ends, so a program that
	 * opens and closes a handle in a loop (a thread, an event) does not
	 * allocate and free the table every time.
	 */
	if (--t->count == 0 && t->n > 1)
		table_free(t);
	obj_unref(o);
	return STATUS_SUCCESS;
}

void handle_close_all(struct handle_table *t)
{
	for (uint32_t i = 0; i < t->n * HANDLE_LEAF && t->count; i++)
		if (slot(t, i)->obj) {
			slot(t, i)->flags = 0;	/* protected from close or not, it goes */
			handle_close(t, (uint64_t)(i + 1) * 4);
		}
	table_free(t);
}

/* Is entry e copied into a child (every open handle, or the marked ones only)? */
static bool copied(const struct handle_entry *e, bool marked_only)
{
	return e->obj && (!marked_only || (e->flags & W_HANDLE_FLAG_INHERIT));
}

/* handle_inherit and handle_inherit_marked. */
static ntstatus_t table_copy(struct handle_table *dst, const struct handle_table *src, bool marked_only)
{
	ASSERT(!dst->n);
	if (!src->count)
		return STATUS_SUCCESS;	/* an empty table (kept with its one leaf): nothing to copy */
	/* The leaves up to the last one with a handle copied: trailing free leaves are not copied. */
	uint32_t n = 0;
	for (uint32_t i = 0; i < src->n * HANDLE_LEAF; i++)
		if (copied(slot(src, i), marked_only))
			n = i / HANDLE_LEAF + 1;
	if (!n)
		return STATUS_SUCCESS;
	uint32_t cap = 1;
	while (cap < n)
		cap *= 2;
	dst->leaves = kmalloc(cap * sizeof(*dst->leaves));
	if (!dst->leaves)
		return STATUS_NO_MEMORY;
	dst->cap = cap;
	for (; dst->n < n; dst->n++) {
		struct handle_entry *leaf = kmalloc(HANDLE_LEAF * sizeof(*leaf));
		if (!leaf) {
			table_free(dst);	/* nothing referenced yet: only the memory goes */
			return STATUS_NO_MEMORY;
		}
		memcpy(leaf, src->leaves[dst->n], HANDLE_LEAF * sizeof(*leaf));
		dst->leaves[dst->n] = leaf;
	}
	/* References for the copies, and the free slots listed again, lowest first. */
	for (uint32_t i = n * HANDLE_LEAF; i-- > 0;) {
		struct handle_entry *e = slot(dst, i);
		if (copied(e, marked_only)) {
			obj_ref(e->obj);
			dst->count++;
		} else {
			*e = (struct handle_entry){ NULL, dst->free_head, 0 };
			dst->free_head = i + 1;
		}
	}
	return STATUS_SUCCESS;
}

ntstatus_t handle_inherit(struct handle_table *dst, const struct handle_table *src)
{
	return table_copy(dst, src, false);
}

ntstatus_t handle_inherit_marked(struct handle_table *dst, const struct handle_table *src)
{
	return table_copy(dst, src, true);
}

ntstatus_t handle_flags(struct handle_table *t, uint64_t handle, uint32_t mask, uint32_t value, uint32_t *old)
{
	struct handle_entry *e = entry(t, handle);
	if (!e)
		return STATUS_INVALID_HANDLE;
	if (old)
		*old = e->flags;
	e->flags = (e->flags & ~mask) | (value & mask);
	return STATUS_SUCCESS;
}

uint32_t obj_map_access(enum kobject_type type, uint32_t access)
{
	uint32_t all, read, write, exec;
	if (type == KOBJ_PROCESS) {
		all = W_PROCESS_ALL_ACCESS;
		read = W_READ_CONTROL | W_PROCESS_VM_READ | W_PROCESS_QUERY_INFORMATION;
		write = W_READ_CONTROL | W_PROCESS_CREATE_PROCESS | W_PROCESS_CREATE_THREAD | W_PROCESS_VM_OPERATION |
			W_PROCESS_VM_WRITE | W_PROCESS_DUP_HANDLE | W_PROCESS_TERMINATE | W_PROCESS_SET_QUOTA |
			W_PROCESS_SET_INFORMATION | W_PROCESS_SUSPEND_RESUME;
		exec = W_READ_CONTROL | W_SYNCHRONIZE;
	} else if (type == KOBJ_THREAD) {
		all = W_THREAD_ALL_ACCESS;
		read = W_READ_CONTROL | 0x0008 /* THREAD_GET_CONTEXT */ | W_THREAD_QUERY_INFORMATION;
		write = W_READ_CONTROL | 0x0001 | 0x0002 | 0x0010 | 0x0020 | 0x0200 | 0x0400;	/* terminate, suspend,
						   set context, set information, set token, impersonate */
		exec = W_READ_CONTROL | W_SYNCHRONIZE;
	} else {
		return access;
	}
	uint32_t out = access & ~(W_GENERIC_ALL | W_GENERIC_EXECUTE | W_GENERIC_WRITE | W_GENERIC_READ | W_MAXIMUM_ALLOWED);
	if (access & (W_GENERIC_ALL | W_MAXIMUM_ALLOWED))
		out |= all;
	if (access & W_GENERIC_READ)
		out |= read;
	if (access & W_GENERIC_WRITE)
		out |= write;
	if (access & W_GENERIC_EXECUTE)
		out |= exec;
	if (type == KOBJ_PROCESS && (out & W_PROCESS_QUERY_INFORMATION))
		out |= W_PROCESS_QUERY_LIMITED_INFORMATION;
	if (type == KOBJ_THREAD && (out & W_THREAD_QUERY_INFORMATION))
		out |= W_THREAD_QUERY_LIMITED_INFORMATION;
	return out;
}

ntstatus_t handle_duplicate(struct handle_table *src, uint64_t handle, struct handle_table *dst, uint32_t access,
			    bool same_access, uint64_t *out)
{
	struct handle_entry *e = entry(src, handle);
	if (!e)
		return STATUS_INVALID_HANDLE;
	struct kobject *o = e->obj;
	if (same_access)
		access = e->access;
	obj_ref(o);	/* the source may be the slot handle_create reuses only after a close: keep o alive meanwhile */
	ntstatus_t st = handle_create(dst, o, access, out);
	obj_unref(o);
	return st;
}
