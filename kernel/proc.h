/*
 * kernel/proc.h - processes: an address space, handles, images, and the
 * threads that run in them (kernel/thread.h).
 *
 * A process is a kernel object (KOBJ_PROCESS): handles from NtOpenProcess
 * keep the structure after it ends (waiting on it completes when it ends);
 * its parent reaps it with waitpid (NtWaitForChild).  It ends when its last
 * thread ends or when one calls NtTerminateProcess (the others are ended
 * first).  One CPU; the scheduler is in kernel/sched.c.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <stdint.h>
#include "modules.h"
#include "object.h"
#include "sched.h"
#include "thread.h"
#include "wait.h"
#include "mm/kheap.h"
#include "trap.h"
#include "mm/image.h"
#include "mm/vm.h"

enum proc_state { PROC_RUNNING, PROC_ZOMBIE };

struct process {
	struct kobject obj;		/* KOBJ_PROCESS; refs: handles, plus one until it is reaped */
	struct dispatcher disp;		/* signaled when it ends */
	int pid;
	char name[32];
	enum proc_state state;
	struct vm_space vm;		/* address space: page table + regions */
	uint64_t exception_dispatcher;	/* user address of ntdll's dispatcher, 0 if none */
	int64_t exit_status;		/* STATUS_PENDING while it runs */
	bool ended_by_exception;	/* exit_status is the code of an unhandled exception */
	bool reaped;			/* out of the process list (waitpid, or an orphan) */
	struct process *parent;
	struct wait_queue child_wait;	/* its threads in waitpid */
	struct thread *threads;		/* its live threads */
	uint32_t thread_count;
	struct process *next;		/* all-processes list */
	struct handle_table handles;	/* sections, files, threads, processes, events ... (kernel/object.h) */
	struct pool_quota *quota;	/* pool quota: the kernel memory this process causes (mm/kheap.h) */
	struct image_list images;	/* PE images mapped, in initialization order (mm/image.h) */
	uint64_t peb;			/* user address */
	uint64_t stack_reserve, stack_commit;	/* the exe's defaults for new threads */
	int64_t create_time, exit_time;	/* FILETIME */
	uint64_t dead_kernel_cycles, dead_total_cycles;	/* of its threads that ended */
	uint64_t affinity;		/* SetProcessAffinityMask's mask, 0: every CPU (kernel/affinity.h) */
};

static inline struct process *current_process(void)
{
	return this_cpu()->proc;
}

void proc_init(void);

/*
 * Create a process running boot module `name` (case-insensitive) with the
 * command line cmdline[0..cmdline_len) (cmdline NULL: the name).  A PE32+
 * .exe is loaded with its DLLs and ntdll.dll, and starts in ntdll's
 * LdrInitializeThunk with a TEB, PEB and process parameters
 * (docs/loader.md).  Returns it READY, or NULL with *status set:
 * STATUS_OBJECT_NAME_NOT_FOUND (no such module), the loader's statuses (one
 * console line says why), STATUS_COMMITMENT_LIMIT (the system commit),
 * STATUS_INSUFFICIENT_RESOURCES (kernel memory), STATUS_QUOTA_EXCEEDED (the
 * caller's pool quota)...; nothing is left behind.  Processes are bounded
 * only by memory (and by 2^18 kernel stacks, mm/kpaging.c).
 */
struct process *proc_create(const char *name, const char *cmdline, uint64_t cmdline_len, struct process *parent,
			    int64_t *status);
/* proc_create, and with inherit_handles the parent's handles marked HANDLE_FLAG_INHERIT copied first, same values. */
struct process *proc_create_ex(const char *name, const char *cmdline, uint64_t cmdline_len, struct process *parent,
			       bool inherit_handles, int64_t *status);

#define PROC_CMDLINE_MAX 32766	/* characters: a UNICODE_STRING holds 32767 with the NUL */

/*
 * fork: a copy of the current process, whose system call (trap frame tf)
 * returns child_status in the child.  Its address space is a copy-on-write
 * duplicate (vm_fork); handles, exception dispatcher and x87/SSE state are
 * inherited.  Returns it READY, or NULL with *status set (the caller is
 * unchanged, apart from write access removed from its shared pages).
 */
struct process *proc_fork(const struct trap_frame *tf, uint64_t child_status, int64_t *status);

/* End the current process with status; never returns. */
__attribute__((noreturn)) void proc_exit(int64_t status);

/* Run threads until the given process has ended. */
void proc_run_until_exit(struct process *p);

/* Take a zombie out of the process list (its frames are already returned at exit); the structure goes with its last handle. */
void proc_reap(struct process *p);

/* Free zombies nobody will wait for (their parent is gone). */
void proc_reap_zombies(void);

/* End process p (not the current one) with status: every thread, then what it holds. */
void proc_terminate(struct process *p, int64_t status);

/* A thread of p ended; p ends with it when it was the last (called by thread_exit / thread_kill). */
void proc_thread_gone(struct process *p, struct thread *t);

/* Block the current thread until child pid exits; returns its status or -1 if no such child. */
int proc_wait(int pid, int64_t *status);

/*
 * waitpid: wait for child pid (-1: any child) to end and reap it.  With
 * nohang, return 1 at once when none has ended.  Returns 0 with *pid_out,
 * *status and *by_exception set, or -1 when there is no such child.
 */
int proc_wait_child(int pid, bool nohang, int *pid_out, int64_t *status, bool *by_exception);

struct process *proc_find(int pid);
/* The listed process after p (NULL: the first), NULL at the end: the list SystemProcessInformation walks. */
struct process *proc_next_listed(struct process *p);


/* Called by the trap code for a user-mode exception that the VM did not resolve. */
void proc_user_exception(struct trap_frame *tf, uint32_t code, uint64_t access, uint64_t addr);

#endif
