/* kernel/syscall_image.c - NtLoadImage, NtQueryImages, NtUnloadImage: the kernel half of LoadLibrary (docs/loader.md). */
#include "syscall_image.h"
#include "proc.h"
#include "thread.h"
#include "image_file.h"
#include "syscall.h"
#include "uaccess.h"
#include "mm/image.h"
#include "mm/kheap.h"
#include "mm/section.h"

#include <string.h>

#define STATUS_BUFFER_TOO_SMALL ((ntstatus_t)0xC0000023)

/* NtLoadImage(name, name_len, base): map a DLL (a bare name, or a path on C:) and what it needs; *base its image base. */
ntstatus_t sys_load_image(struct trap_frame *tf)
{
	char name[IMAGE_PATH_MAX];
	uint64_t base = 0, len = tf->rsi;
	if (len == 0 || len >= sizeof(name))
		return STATUS_INVALID_PARAMETER;
	if (MISALIGNED(tf->rdx, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(name, tf->rdi, len) || copy_from_user(&base, tf->rdx, 8) || copy_to_user(tf->rdx, &base, 8))
		return STATUS_ACCESS_VIOLATION;
	name[len] = '\0';
	if (memchr(name, '\0', len))
		return STATUS_INVALID_PARAMETER;
	struct process *p = current_process();
	struct image_map *m;
	ntstatus_t st = image_load(&p->vm, &p->images, name, false, false, &m);
	if (st)
		return st;
	base = m->base;
	return copy_to_user(tf->rdx, &base, 8) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;
}

/* NtQueryImages(out, count, needed): the images in initialization order; nothing written when count is short. */
ntstatus_t sys_query_images(struct trap_frame *tf)
{
	uint64_t out = tf->rdi, count = tf->rsi, needed = 0;
	if (MISALIGNED(out, 8) || MISALIGNED(tf->rdx, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&needed, tf->rdx, 8) || copy_to_user(tf->rdx, &needed, 8))
		return STATUS_ACCESS_VIOLATION;
	struct process *p = current_process();
	image_list_prune(&p->vm, &p->images);
	needed = 0;
	for (struct image_map *m = p->images.head; m; m = m->next)
		needed++;
	if (copy_to_user(tf->rdx, &needed, 8))
		return STATUS_ACCESS_VIOLATION;
	if (needed > count)
		return STATUS_BUFFER_TOO_SMALL;
	if (probe_user_write(out, needed * sizeof(struct abi_image_info)))
		return STATUS_ACCESS_VIOLATION;	/* nothing written */
	uint64_t i = 0;
	for (struct image_map *m = p->images.head; m; m = m->next, i++) {
		struct abi_image_info info = {
			.base = m->base,
			.size = m->img->pe.size_of_image,
			.entry = m->img->pe.entry_rva ? m->base + m->img->pe.entry_rva : 0,
			.flags = m->flags,
		};
		strncpy(info.name, m->img->name, sizeof(info.name) - 1);
		if (copy_to_user(out + i * sizeof(info), &info, sizeof(info)))
			return STATUS_ACCESS_VIOLATION;
	}
	return STATUS_SUCCESS;
}

/* NtUnloadImage(base): unmap a DLL. */
ntstatus_t sys_unload_image(struct trap_frame *tf)
{
	struct process *p = current_process();
	return image_unload(&p->vm, &p->images, tf->rdi);
}

ntstatus_t proc_handles_probe(uint64_t u)
{
	struct abi_process_handles h;
	if (!u)
		return STATUS_SUCCESS;
	if (MISALIGNED(u, 8))
		return STATUS_DATATYPE_MISALIGNMENT;
	if (copy_from_user(&h, u, sizeof(h)) || copy_to_user(u, &h, sizeof(h)))
		return STATUS_ACCESS_VIOLATION;
	return STATUS_SUCCESS;
}

ntstatus_t proc_handles_publish(struct process *p, uint64_t u)
{
	struct handle_table *table = &current_process()->handles;
	struct abi_process_handles out = { .tid = p->threads ? p->threads->tid : 0 };
	if (!u)
		return STATUS_SUCCESS;
	if (!p->threads)
		return (ntstatus_t)0xC000010A;	/* STATUS_PROCESS_IS_TERMINATING: cannot happen, nothing ran since it started */
	uint64_t ph, th;
	ntstatus_t st = handle_create(table, &p->obj, obj_map_access(KOBJ_PROCESS, W_PROCESS_ALL_ACCESS), &ph);
	if (st)
		return st;
	if ((st = handle_create(table, &p->threads->obj, obj_map_access(KOBJ_THREAD, W_THREAD_ALL_ACCESS), &th))) {
		handle_close(table, ph);
		return st;
	}
	out.process = ph;
	out.thread = th;
	return copy_to_user(u, &out, sizeof(out)) ? STATUS_ACCESS_VIOLATION : STATUS_SUCCESS;	/* probed */
}
