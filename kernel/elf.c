/* kernel/elf.c - static ELF64 loader. */
#include "elf.h"
#include "layout.h"
#include "mm/frame.h"

#include <string.h>

struct elf64_ehdr {
	unsigned char ident[16];
	uint16_t type, machine;
	uint32_t version;
	uint64_t entry, phoff, shoff;
	uint32_t flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

ntstatus_t elf_load(struct vm_space *vm, const void *image, uint64_t size, uint64_t *entry)
{
	const struct elf64_ehdr *eh = image;
	if (size < sizeof(*eh) || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 2 /* 64-bit */ ||
	    eh->ident[5] != 1 /* little endian */ || eh->type != 2 /* EXEC */ || eh->machine != 62 /* x86-64 */ ||
	    eh->phentsize != sizeof(struct elf64_phdr) || eh->phoff > size ||
	    (uint64_t)eh->phnum * sizeof(struct elf64_phdr) > size - eh->phoff)
		return STATUS_INVALID_IMAGE_FORMAT;
	const struct elf64_phdr *ph = (const void *)((const char *)image + eh->phoff);
	bool entry_ok = false;
	for (int i = 0; i < eh->phnum; i++) {
		const struct elf64_phdr *p = &ph[i];
		if (p->type != PT_LOAD || p->memsz == 0)
			continue;
		if (p->filesz > p->memsz || p->offset > size || p->filesz > size - p->offset ||
		    p->vaddr < USER_MIN_ADDR || p->memsz > USER_MAX_ADDR || p->vaddr > USER_MAX_ADDR - p->memsz ||
		    ((p->flags & PF_W) && (p->flags & PF_X)))
			return STATUS_INVALID_IMAGE_FORMAT;
		uint64_t start = p->vaddr & ~(PAGE_SIZE - 1);
		uint64_t end = (p->vaddr + p->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
		uint32_t protect = (p->flags & PF_X) ? W_PAGE_EXECUTE_READ
				   : (p->flags & PF_W) ? W_PAGE_READWRITE
							: W_PAGE_READONLY;
		ntstatus_t st = vm_map_image(vm, start, end, protect, (const char *)image + p->offset, p->filesz,
					     p->vaddr - start);
		if (st)
			return st;
		if (eh->entry >= start && eh->entry < end && (p->flags & PF_X))
			entry_ok = true;
	}
	if (!entry_ok)
		return STATUS_INVALID_IMAGE_FORMAT;
	*entry = eh->entry;
	return STATUS_SUCCESS;
}
