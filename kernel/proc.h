/*
 * kernel/proc.h - processes: an address space, one thread, a kernel stack.
 *
 * The scheduler is cooperative: a process runs until it makes a blocking
 * call (wait, sleep), exits, or yields.  One CPU.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include <stdint.h>
#include "modules.h"
#include "object.h"
#include "mm/kheap.h"
#include "trap.h"
#include "mm/image.h"
#include "mm/vm.h"

enum proc_state { PROC_READY, PROC_RUNNING, PROC_WAITING, PROC_ZOMBIE };

struct process {
	uint8_t fpu[512] __attribute__((aligned(16)));	/* x87/SSE state while switched out (FXSAVE) */
	int pid;
	char name[32];
	enum proc_state state;
	struct vm_space vm;		/* address space: page table + regions */
	uint64_t kstack_top;
	uint64_t saved_rsp;		/* kernel stack pointer while switched out */
	struct trap_frame *frame;	/* user registers at the last kernel entry */
	uint64_t exception_dispatcher;	/* user address of libc's dispatcher, 0 if none */
	int64_t exit_status;
	bool ended_by_exception;	/* exit_status is the code of an unhandled exception */
	struct process *parent;
	int wait_pid;			/* child this process waits for (PROC_WAITING), -1 for any */
	uint64_t wake_tsc;		/* sleeping until (PROC_WAITING, wait_pid == 0) */
	uint64_t slice_start;		/* TSC when its time slice began (dispatch, or return from fork) */
	struct process *next;		/* all-processes list */
	struct handle_table handles;	/* sections (kernel/object.h) */
	struct pool_quota *quota;	/* pool quota: the kernel memory this process causes (mm/kheap.h) */
	struct kheap_context kctx;	/* its kernel-heap context while switched out */
	struct image_list images;	/* PE images mapped, in initialization order (mm/image.h) */
	uint64_t teb, peb;		/* user addresses; the user GS base is the TEB */
};

/* Per-CPU data reached through GS in the kernel (syscall entry uses the first two fields). */
struct cpu {
	uint64_t kstack_top;		/* %gs:0 */
	uint64_t user_rsp;		/* %gs:8, scratch for syscall entry */
	struct process *current;	/* %gs:16 */
};
extern struct cpu cpu0;

static inline struct process *current_process(void)
{
	return cpu0.current;
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

/* Run processes until none is runnable; returns when the given process is a zombie. */
void proc_run_until_exit(struct process *p);

/* Free a zombie (its frames are already returned at exit). */
void proc_reap(struct process *p);

/* Free zombies nobody will wait for (their parent is gone). */
void proc_reap_zombies(void);

/* Give the CPU to another ready process, if any. */
void proc_yield(void);

/* The timer's time slice is over: back to the scheduler, still ready. */
void proc_preempt(void);

/* Block the current process until child pid exits; returns its status or -1 if no such child. */
int proc_wait(int pid, int64_t *status);

/*
 * waitpid: wait for child pid (-1: any child) to end and reap it.  With
 * nohang, return 1 at once when none has ended.  Returns 0 with *pid_out,
 * *status and *by_exception set, or -1 when there is no such child.
 */
int proc_wait_child(int pid, bool nohang, int *pid_out, int64_t *status, bool *by_exception);

struct process *proc_find(int pid);


/* Called by the trap code for a user-mode exception that the VM did not resolve. */
void proc_user_exception(struct trap_frame *tf, uint32_t code, uint64_t access, uint64_t addr);

#endif
