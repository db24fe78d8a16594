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
	uint32_t flags;		/* W_HANDLE_FLAG_INHERIT, W_HANDLE_FLAG_PROTECT_FROM_CLOSE (0 when made) */
};

#define W_HANDLE_FLAG_INHERIT            0x1u	/* HANDLE_FLAG_INHERIT: copied at process creation */
#define W_HANDLE_FLAG_PROTECT_FROM_CLOSE 0x2u	/* HANDLE_FLAG_PROTECT_FROM_CLOSE: NtClose refuses it */
#define STATUS_HANDLE_NOT_CLOSABLE       ((ntstatus_t)0xC0000235)

/*
 * A process's handles: leaves of HANDLE_LEAF entries (2 KiB each) allocated
 * as the table grows, under a directory that doubles, up to HANDLE_MAX
 * handles (Windows' limit: 2^24 per process).  Free slots form a list, so
 * creating a handle is O(1); every leaf is charged to the process's pool
 * quota through the kernel heap (mm/kheap.h).  When the last handle closes
 * the table's memory goes, but for a table of one leaf, which stays until
 * the process ends (no churn for a handle opened and closed in a loop); fork
 * copies the leaves up to the last one in use.
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

/*
 * Close handle (dropping its reference): STATUS_INVALID_HANDLE when it is not
 * open, STATUS_HANDLE_NOT_CLOSABLE when it is protected from close.
 */
ntstatus_t handle_close(struct handle_table *t, uint64_t handle);

/* Close every handle and free the table (process exit); it is empty again. */
void handle_close_all(struct handle_table *t);

/* Copy every handle of src into the empty table dst, same values (fork); STATUS_NO_MEMORY leaves dst empty. */
ntstatus_t handle_inherit(struct handle_table *dst, const struct handle_table *src);
/* The same for the handles of src marked W_HANDLE_FLAG_INHERIT only (CreateProcess with bInheritHandles). */
ntstatus_t handle_inherit_marked(struct handle_table *dst, const struct handle_table *src);

/*
 * The flags of handle (W_HANDLE_FLAG_*): *old (may be NULL) gets them, then
 * the bits in mask become those of value (mask 0: a query).
 * STATUS_INVALID_HANDLE when it is not open.
 */
ntstatus_t handle_flags(struct handle_table *t, uint64_t handle, uint32_t mask, uint32_t value, uint32_t *old);

#define STATUS_OBJECT_TYPE_MISMATCH ((ntstatus_t)0xC0000024)
#define STATUS_ACCESS_DENIED        ((ntstatus_t)0xC0000022)

/*
 * Access rights (winnt.h).  Nothing here has a security descriptor: every
 * right asked for when a handle is opened or duplicated is granted, and the
 * calls check the rights the handle holds (docs/processes.md).
 */
#define W_SYNCHRONIZE               0x00100000u
#define W_STANDARD_RIGHTS_REQUIRED  0x000F0000u
#define W_READ_CONTROL              0x00020000u
#define W_MAXIMUM_ALLOWED           0x02000000u
#define W_GENERIC_ALL               0x10000000u
#define W_GENERIC_EXECUTE           0x20000000u
#define W_GENERIC_WRITE             0x40000000u
#define W_GENERIC_READ              0x80000000u
#define W_PROCESS_TERMINATE         0x0001u
#define W_PROCESS_CREATE_THREAD     0x0002u
#define W_PROCESS_VM_OPERATION      0x0008u
#define W_PROCESS_VM_READ           0x0010u
#define W_PROCESS_VM_WRITE          0x0020u
#define W_PROCESS_DUP_HANDLE        0x0040u
#define W_PROCESS_CREATE_PROCESS    0x0080u
#define W_PROCESS_SET_QUOTA         0x0100u
#define W_PROCESS_SET_INFORMATION   0x0200u
#define W_PROCESS_QUERY_INFORMATION 0x0400u
#define W_PROCESS_SUSPEND_RESUME    0x0800u
#define W_PROCESS_QUERY_LIMITED_INFORMATION 0x1000u
#define W_PROCESS_ALL_ACCESS        0x001FFFFFu
#define W_THREAD_QUERY_INFORMATION  0x0040u
#define W_THREAD_QUERY_LIMITED_INFORMATION 0x0800u
#define W_THREAD_ALL_ACCESS         0x001FFFFFu

/*
 * The access a handle to an object of type gets for the request `access`, as
 * NT maps it: GENERIC_* bits through the type's generic mapping (processes
 * and threads; other types keep theirs for their own open calls),
 * MAXIMUM_ALLOWED as every right of the type (no security descriptor denies
 * any), and PROCESS_/THREAD_QUERY_INFORMATION implying the _LIMITED_ right.
 */
uint32_t obj_map_access(enum kobject_type type, uint32_t access);

/*
 * Copy handle `handle` of table src into table dst (the same table allowed)
 * with access `access` (ignored when same_access: the source's), taking a
 * reference; *out the new value.  STATUS_INVALID_HANDLE when it is not open
 * in src; handle_create's statuses.
 */
ntstatus_t handle_duplicate(struct handle_table *src, uint64_t handle, struct handle_table *dst, uint32_t access,
			    bool same_access, uint64_t *out);

#endif
