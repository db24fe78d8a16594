/*
 * kernel/syscall_smp.c - several CPUs as user mode sees them (issue 18):
 * thread and process affinity (kernel/affinity.h), the ideal processor,
 * and system calls 81 (NtFlushProcessWriteBuffers) and 82
 * (NtSetInformationProcess: ProcessAffinityMask).  The information
 * classes themselves are decoded in kernel/syscall_thread.c; the CPU
 * count in SystemBasicInformation comes from affinity_system().
 */
#include "affinity.h"
#include "proc.h"
#include "sched.h"
#include "syscall.h"
#include "mm/tlb.h"
#include "syscall_abi.h"
#include "thread.h"
#include "uaccess.h"

#define STATUS_INVALID_INFO_CLASS_SMP      ((ntstatus_t)0xC0000003)
#define STATUS_INVALID_SYSTEM_SERVICE_SMP  ((ntstatus_t)0xC000001C)

/* Until the SMP scheduler provides it: nothing to move on one CPU. */
__attribute__((weak)) void sched_affinity_changed(struct thread *t)
{
	(void)t;
}

uint64_t affinity_system(void)
{
	unsigned n = cpu_count;
	if (n == 0)
		n = 1;
	return n >= AFFINITY_MAX_PROCESSORS ? ~0ull : (1ull << n) - 1;
}

uint64_t affinity_process(const struct process *p)
{
	uint64_t all = affinity_system();
	return p->affinity & all ? p->affinity & all : all;
}

ntstatus_t affinity_set_thread(struct thread *t, uint64_t mask)
{
	mask &= affinity_system();	/* CPUs the system lacks are dropped (Windows 7 on, and Wine) */
	if (mask == 0 || (mask & ~affinity_process(t->proc)))
		return STATUS_INVALID_PARAMETER;
	if (t->affinity == mask)
		return STATUS_SUCCESS;
	t->affinity = mask;
	sched_affinity_changed(t);	/* it leaves a CPU the mask excludes before this returns */
	return STATUS_SUCCESS;
}

ntstatus_t affinity_set_process(struct process *p, uint64_t mask)
{
	if (mask == 0 || (mask & ~affinity_system()))
		return STATUS_INVALID_PARAMETER;
	p->affinity = mask;
	for (struct thread *t = p->threads; t; t = t->proc_next) {
		if (t->affinity == mask)
			continue;
		t->affinity = mask;
		sched_affinity_changed(t);
	}
	return STATUS_SUCCESS;
}

ntstatus_t affinity_set_ideal(struct thread *t, uint32_t n, uint32_t *old)
{
	if (n > AFFINITY_MAX_PROCESSORS)
		return STATUS_INVALID_PARAMETER;
	*old = t->ideal_cpu;
	if (n < AFFINITY_MAX_PROCESSORS && (affinity_system() & t->affinity & (1ull << n)))
		t->ideal_cpu = n;
	return STATUS_SUCCESS;
}

/*
 * NtFlushProcessWriteBuffers: the caller's own stores are ordered by the
 * fence; every other CPU running a thread of the caller's process takes an
 * interrupt (serializing) before this returns (mm/tlb.c, one IPI round).
 */
static ntstatus_t sys_flush_write_buffers(void)
{
	__asm__ volatile("mfence" ::: "memory");
	tlb_sync_root(current_process()->vm.root);
	return STATUS_SUCCESS;
}

/* NtSetInformationProcess(process, class, buf, len): ProcessAffinityMask only (PROCESS_SET_INFORMATION). */
static ntstatus_t sys_set_process(struct trap_frame *tf)
{
	struct process *p;
	ntstatus_t st = proc_from_handle(tf->rdi, W_PROCESS_SET_INFORMATION, &p);
	if (st)
		return st;
	if (tf->rsi != ABI_ProcessAffinityMask)
		return STATUS_INVALID_INFO_CLASS_SMP;
	if ((uint32_t)tf->r10 != sizeof(uint64_t))
		return STATUS_INFO_LENGTH_MISMATCH;
	uint64_t mask;
	if (copy_from_user(&mask, tf->rdx, sizeof(mask)))
		return STATUS_ACCESS_VIOLATION;
	return affinity_set_process(p, mask);
}

ntstatus_t sys_smp_call(struct trap_frame *tf)
{
	switch (tf->rax) {
	case SYS_NtFlushProcessWriteBuffers: return sys_flush_write_buffers();
	case SYS_NtSetInformationProcess: return sys_set_process(tf);
	default: return STATUS_INVALID_SYSTEM_SERVICE_SMP;
	}
}
