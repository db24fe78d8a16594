/*
 * kernel/object.h - kernel objects and per-process handle tables, NT style.
 *
 * A kernel object (today: a section) starts with struct kobject.  It is
 * reference counted: every handle to it and every other holder (a mapped
 * view) counts one; the last obj_unref destroys it.  A named object sits in
 * one global namespace (case-insensitive, as kernel32 opens names) until it
 * is destroyed.  A handle is an index into the process's table, as a
 * multiple of 4 (NT's handle values), with the access granted when it was
 * opened.  One CPU, no locks.
 */
#ifndef KERNEL_OBJECT_H
#define KERNEL_OBJECT_H

#include <stdbool.h>
#include <stdint.h>
#include "mm/winvm.h"

#define OBJ_NAME_MAX 261	/* MAX_PATH (260) characters, as CreateFileMapping documents, and the NUL */
#define HANDLE_MAX   256	/* handles per process */

enum kobject_type { KOBJ_SECTION = 1, KOBJ_FILE = 2 };

struct kobject {
	enum kobject_type type;
	uint32_t refs;
	char name[OBJ_NAME_MAX];	/* "" when unnamed */
	struct kobject *next_named;
	void (*destroy)(struct kobject *o);	/* called by the last obj_unref */
};

/* Initialise o with one reference (the creator's) and no name. */
void obj_init(struct kobject *o, enum kobject_type type, void (*destroy)(struct kobject *));
void obj_ref(struct kobject *o);
void obj_unref(struct kobject *o);

/* The live object called name (case-insensitive), or NULL. */
struct kobject *obj_lookup(const char *name);
/* Give o the name (non-empty, not in use: check with obj_lookup first) and list it. */
void obj_set_name(struct kobject *o, const char *name);

struct handle_entry {
	struct kobject *obj;	/* NULL: free slot */
	uint32_t access;	/* granted access mask */
};

struct handle_table {
	struct handle_entry e[HANDLE_MAX];
};

/* Add a handle to o (taking a reference).  STATUS_INSUFFICIENT_RESOURCES when the table is full. */
ntstatus_t handle_create(struct handle_table *t, struct kobject *o, uint32_t access, uint64_t *handle);

/*
 * The object of handle, which must be of type: STATUS_INVALID_HANDLE for a
 * handle that is not open, STATUS_OBJECT_TYPE_MISMATCH for another type.  No
 * reference is taken (the caller uses it before returning to user mode).
 */
ntstatus_t handle_get(struct handle_table *t, uint64_t handle, enum kobject_type type, struct kobject **o,
		      uint32_t *access);

/* Close handle (dropping its reference): STATUS_INVALID_HANDLE when it is not open. */
ntstatus_t handle_close(struct handle_table *t, uint64_t handle);

/* Close every handle (process exit). */
void handle_close_all(struct handle_table *t);

/* Copy every handle of src into the empty table dst, same values (fork). */
void handle_inherit(struct handle_table *dst, const struct handle_table *src);

#define STATUS_OBJECT_TYPE_MISMATCH ((ntstatus_t)0xC0000024)

#endif
