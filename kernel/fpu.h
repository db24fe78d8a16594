/*
 * kernel/fpu.h - x87/SSE state of user processes.  The kernel itself never
 * touches these registers (-mgeneral-regs-only), so a process's state only
 * has to be saved and restored when the scheduler switches processes, and
 * copied into a CONTEXT (FltSave, the FXSAVE format) when an exception is
 * delivered.
 */
#ifndef KERNEL_FPU_H
#define KERNEL_FPU_H

#include <stdint.h>

#define FPU_AREA_SIZE 512	/* FXSAVE image; 16-byte aligned */
#define FPU_MXCSR_OFF 24

/* Enable SSE (CR0.EM off, MP on, CR4.OSFXSR and OSXMMEXCPT) and record the initial state. */
void fpu_init(void);

/* The per-CPU part of fpu_init (each AP at its start): SSE on, FNINIT, MXCSR 0x1f80. */
void fpu_init_cpu(void);

/* The state a new process starts with (FNINIT, MXCSR 0x1f80). */
extern uint8_t fpu_initial_state[FPU_AREA_SIZE];

static inline void fpu_save(void *area)
{
	__asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

/* Load an FXSAVE image; its MXCSR must already be sanitized (fpu_sanitize). */
static inline void fpu_restore(const void *area)
{
	__asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

/* Clear MXCSR bits the CPU does not support (fxrstor would fault on them). */
void fpu_sanitize(uint8_t *area);

#endif
