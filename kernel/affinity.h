/*
 * kernel/affinity.h - which CPUs a thread may run on (issue 18):
 * SetThreadAffinityMask, SetProcessAffinityMask, SetThreadIdealProcessor
 * through NtSetInformationThread/Process, and the masks the information
 * classes report.  kernel/syscall_smp.c.
 *
 * A process's mask (struct process.affinity, 0: every CPU) is what its new
 * threads start with (struct thread.affinity) and bounds what a thread may
 * be given; setting the process's mask sets every one of its threads' masks
 * to it, as Windows does.  The scheduler honours thread.affinity; when a
 * mask changes it is told through sched_affinity_changed (kernel/sched.h).
 *
 * Lock: the caller holds what guards the process's thread list and the
 * threads' scheduling fields (one CPU today: nothing).
 */
#ifndef KERNEL_AFFINITY_H
#define KERNEL_AFFINITY_H

#include <stdint.h>
#include "mm/winvm.h"

struct process;
struct thread;
struct trap_frame;

#define AFFINITY_MAX_PROCESSORS 64	/* MAXIMUM_PROCESSORS on x64: one group */

/* Every CPU the system has: bits 0..cpu_count-1. */
uint64_t affinity_system(void);

/* p's mask (0 in the structure means every CPU). */
uint64_t affinity_process(const struct process *p);

/*
 * ThreadAffinityMask: mask less the CPUs the system lacks; then 0 or CPUs
 * outside t's process's mask: STATUS_INVALID_PARAMETER.
 */
ntstatus_t affinity_set_thread(struct thread *t, uint64_t mask);

/* ProcessAffinityMask: mask not 0 and inside the system's, else STATUS_INVALID_PARAMETER; every thread takes it. */
ntstatus_t affinity_set_process(struct process *p, uint64_t mask);

/*
 * ThreadIdealProcessor: n > 64 STATUS_INVALID_PARAMETER; n == 64 only
 * reads; a CPU the system has and t's mask allows becomes t's ideal
 * processor, another is ignored (as KeSetIdealProcessorThread).  *old: the
 * ideal processor before.
 */
ntstatus_t affinity_set_ideal(struct thread *t, uint32_t n, uint32_t *old);

/* System calls 81 (NtFlushProcessWriteBuffers) and 82 (NtSetInformationProcess). */
ntstatus_t sys_smp_call(struct trap_frame *tf);

#endif
