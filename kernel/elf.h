/* kernel/elf.h - loading static ELF64 executables into an address space. */
#ifndef KERNEL_ELF_H
#define KERNEL_ELF_H

#include <stdint.h>
#include "mm/vm.h"

/*
 * Validate the image [image, image+size) (ELF64, x86-64, ET_EXEC, program
 * headers inside the file, PT_LOAD segments inside the user range and not
 * writable+executable) and map its PT_LOAD segments into vm as MEM_IMAGE
 * regions.  Returns STATUS_SUCCESS and the entry point, or an error status
 * (STATUS_INVALID_IMAGE_FORMAT for a bad file).
 */
ntstatus_t elf_load(struct vm_space *vm, const void *image, uint64_t size, uint64_t *entry);

#define STATUS_INVALID_IMAGE_FORMAT ((ntstatus_t)0xC000007B)

#endif
