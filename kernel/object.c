/* kernel/object.c - reference-counted kernel objects, their namespace, and handle tables. */
#include "object.h"
#include "panic.h"

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
static struct handle_entry *entry(struct handle_table *t, uint64_t handle)
{
	if (handle == 0 || (handle & 3) || handle / 4 > HANDLE_MAX)
		return NULL;
	struct handle_entry *e = &t->e[handle / 4 - 1];
	return e->obj ? e : NULL;
}

ntstatus_t handle_create(struct handle_table *t, struct kobject *o, uint32_t access, uint64_t *handle)
{
	for (int i = 0; i < HANDLE_MAX; i++) {
		if (t->e[i].obj)
			continue;
		obj_ref(o);
		t->e[i] = (struct handle_entry){ o, access };
		*handle = (uint64_t)(i + 1) * 4;
		return STATUS_SUCCESS;
	}
	return STATUS_INSUFFICIENT_RESOURCES;
}

ntstatus_t handle_get(struct handle_table *t, uint64_t handle, enum kobject_type type, struct kobject **o,
		      uint32_t *access)
{
	struct handle_entry *e = entry(t, handle);
	if (!e)
		return STATUS_INVALID_HANDLE;
	if (e->obj->type != type)
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
	struct kobject *o = e->obj;
	e->obj = NULL;
	obj_unref(o);
	return STATUS_SUCCESS;
}

void handle_close_all(struct handle_table *t)
{
	for (int i = 0; i < HANDLE_MAX; i++)
		if (t->e[i].obj)
			handle_close(t, (uint64_t)(i + 1) * 4);
}

void handle_inherit(struct handle_table *dst, const struct handle_table *src)
{
	for (int i = 0; i < HANDLE_MAX; i++) {
		dst->e[i] = src->e[i];
		if (dst->e[i].obj)
			obj_ref(dst->e[i].obj);
	}
}
