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

enum kobject_type {
	KOBJ_ANY = 0,		/* handle_get: any type */
	KOBJ_SECTION = 1,
	KOBJ_FILE = 2,
	KOBJ_THREAD = 3,	/* kernel/thread.h */
	KOBJ_PROCESS = 4,	/* kernel/proc.h */
	KOBJ_EVENT = 5,		/* kernel/wait.h */
	KOBJ_MUTANT = 6,
	KOBJ_SEMAPHORE = 7,
};

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
	uint32_t access;	/* granted access mask; a free slot: the next free index + 1 (0: none) */
};

/*
 * A process's handles: leaves of HANDLE_LEAF entries (2 KiB each) allocated
 * as the table grows, under a directory that doubles, up to HANDLE_MAX
 * handles (Windows' limit: 2^24 per process).  Free slots form a list, so
 * creating a handle is O(1); every leaf is charged to the process's pool
 * quota through the kernel heap (mm/kheap.h).  When the last handle closes
 * the table's memory goes; fork copies the leaves up to the last one in use.
 */
#define HANDLE_MAX  (1u << 24)
#define HANDLE_LEAF 128

struct handle_table {
	struct handle_entry **leaves;	/* directory: cap pointers, the first n in use */
	uint32_t n, cap;
	uint32_t free_head;		/* first free index + 1, 0 when none (the table must grow) */
	uint32_t count;			/* open handles */
};

/*
 * Add a handle to o (taking a reference).  STATUS_INSUFFICIENT_RESOURCES
 * when HANDLE_MAX are open, STATUS_NO_MEMORY when the table cannot grow.
 */
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

/* Close every handle and free the table (process exit); it is empty again. */
void handle_close_all(struct handle_table *t);

/* Copy every handle of src into the empty table dst, same values (fork); STATUS_NO_MEMORY leaves dst empty. */
ntstatus_t handle_inherit(struct handle_table *dst, const struct handle_table *src);

#define STATUS_OBJECT_TYPE_MISMATCH ((ntstatus_t)0xC0000024)

#endif
