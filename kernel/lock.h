/*
 * kernel/lock.h - the kernel's locks: spinlocks, sleeping mutexes, and a
 * small lock-order checker (lockdep) in debug builds.  docs/locking.md has
 * the table of every lock, what it protects and the order.
 *
 * Spinlock (struct spinlock): a ticket lock, fair between CPUs.  spin_lock
 * saves RFLAGS and clears IF before it spins (interrupts stay off while it is
 * held, so an interrupt handler may take the same lock); spin_unlock restores
 * the saved IF.  The flags are kept in the lock itself (only its holder
 * touches them), so call sites need no variable.  A spinlock is never held
 * across anything that can block or fault on user memory: disk I/O, a page
 * fault, copy_from_user / copy_to_user, a kmutex, a wait.
 *
 * Mutex (struct kmutex): a sleeping lock with an owner thread.  Held across
 * I/O and page-ins.  The uncontended acquire and release are one atomic each.
 * Contended, kmutex_wait() blocks the thread (today: a panic - on one CPU
 * with a non-preemptible kernel a held mutex can only be met by its own
 * holder's thread, i.e. a bug; SMP switches kmutex_wait to the scheduler).
 *
 * Lock classes: every lock has a class (struct lock_class): one per
 * declaration site (SPINLOCK_INIT / KMUTEX_INIT in a static initializer,
 * spin_init / kmutex_init at run time: a class per call site), named.
 * Lockdep works on classes: all vm_space mutexes are one class.
 *
 * Lockdep (LOCKDEP, on unless MM_DEBUG=0 - `make test` has it, `make bench`
 * does not): each thread's stack of held locks (struct lock_thread), and an
 * order graph between classes learned as locks are taken (A held while B is
 * taken: edge A->B, remembered with both sites).  It panics with both lock
 * names and both acquisition sites when a new edge would close a cycle (an
 * inversion), when a lock is taken twice, when a mutex is taken or a thread
 * blocks with a spinlock held, when a lock is released that is not held, and
 * when lock_assert_held fails.
 */
#ifndef KERNEL_LOCK_H
#define KERNEL_LOCK_H

#include <stdbool.h>
#include <stdint.h>

#if defined(MM_DEBUG) && !MM_DEBUG
#define LOCKDEP 0
#else
#define LOCKDEP 1
#endif

#define LOCK_STR_(x) #x
#define LOCK_STR(x)  LOCK_STR_(x)
/* The acquisition site lockdep reports: "file.c:123" (compiled away without LOCKDEP). */
#define LOCK_SITE __FILE__ ":" LOCK_STR(__LINE__)

enum lock_kind { LOCK_SPIN = 1, LOCK_MUTEX = 2 };

#define LOCK_SUBCLASSES 2	/* nesting levels of one class: 0, and 1 for kmutex_lock_nested */

struct lock_class {
	const char *name;
	uint8_t kind;			/* enum lock_kind */
	uint8_t id[LOCK_SUBCLASSES];	/* lockdep's node + 1 per subclass, 0 until first taken */
};

/* One held lock in a thread's lockdep stack. */
struct lock_held {
	const struct lock_class *cls;
	const void *lock;
	const char *site;
	uint8_t node;			/* lockdep node (class and subclass) */
};

#define LOCKDEP_DEPTH 12
/*
 * Per-thread lock state: the held-lock stack (LOCKDEP) and the identity a
 * kmutex records as its owner.  The scheduler embeds one in each thread and
 * calls lock_thread_switch() when it switches threads.
 */
struct lock_thread {
	uint32_t depth;			/* entries in held[] */
	uint32_t spins;			/* spinlocks among them */
	struct lock_held held[LOCKDEP_DEPTH];
};

/* Per-CPU lock state, indexed by the CPU's index (struct cpu, kernel/sched.h: %gs:32). */
struct lock_cpu {
	struct lock_thread *thread;	/* the running thread's lock state (the boot thread's before the first switch) */
};
#define LOCK_MAX_CPUS 16
extern struct lock_cpu lock_cpus[LOCK_MAX_CPUS];
static inline unsigned lock_cpu_id(void)
{
	uint32_t i;
	__asm__ volatile("movl %%gs:32, %0" : "=r"(i));
	return i;
}
static inline struct lock_thread *lock_self(void) { return lock_cpus[lock_cpu_id()].thread; }

/* ---- lockdep (kernel/lockdep.c) ---------------------------------------------- */
void lockdep_acquire(const struct lock_class *cls, unsigned sub, const void *lock, const char *site, bool trylock);
void lockdep_release(const struct lock_class *cls, const void *lock, const char *site);
/* Panic (LOCKDEP) if the running thread holds a spinlock: before it blocks, before it touches user memory. */
void lockdep_no_spinlocks(const char *site);
#define lockdep_assert_no_spinlocks()      \
	do {                                \
		if (LOCKDEP)                \
			lockdep_no_spinlocks(LOCK_SITE); \
	} while (0)
/* The report (a panic outside test mode) when the running thread does not hold lock (name) at site. */
void lockdep_held_failed(const void *lock, const char *name, const char *site);

/*
 * Test mode (KTESTs): a violation is recorded instead of panicking - the
 * acquisition goes on, the offending edge is not learned - and
 * lockdep_take_error() returns its kind (LOCKDEP_ERR_*, 0 for none) and
 * clears it.  The message is printed either way.
 */
enum lockdep_error {
	LOCKDEP_OK = 0,
	LOCKDEP_ERR_INVERSION,		/* a new order edge closes a cycle */
	LOCKDEP_ERR_RECURSION,		/* the same lock, or its class at the same subclass, is held */
	LOCKDEP_ERR_SLEEP_IN_SPIN,	/* a mutex taken, a block or a user access with a spinlock held */
	LOCKDEP_ERR_NOT_HELD,		/* release or assert of a lock not held */
	LOCKDEP_ERR_DEPTH,		/* more than LOCKDEP_DEPTH locks held */
};
void lockdep_test_mode(bool on);
enum lockdep_error lockdep_take_error(void);

/* Switch the CPU's current lock state to next (the scheduler, on a thread switch). */
void lock_thread_switch(struct lock_thread *next);

/* ---- interrupt flag -------------------------------------------------------------- */
static inline uint64_t irq_save(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0; cli" : "=r"(f) : : "memory");
	return f;
}

static inline void irq_restore(uint64_t f)
{
	if (f & 0x200)
		__asm__ volatile("sti" ::: "memory");
}

/* ---- spinlocks -------------------------------------------------------------------- */
struct spinlock {
	uint16_t next;		/* the next ticket to hand out */
	uint16_t serving;	/* the ticket that holds the lock */
	uint32_t owner_cpu;	/* LOCKDEP: holder CPU + 1, 0 when free */
	uint64_t flags;		/* the holder's saved RFLAGS */
	const struct lock_class *cls;
};

/* Take a ticket and wait (pause) until it is served; release serves the next one. */
static inline void ticket_acquire(struct spinlock *l)
{
	uint16_t t = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);
	while (__atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != t)
		__asm__ volatile("pause" ::: "memory");
}

static inline void ticket_release(struct spinlock *l)
{
	__atomic_store_n(&l->serving, (uint16_t)(l->serving + 1), __ATOMIC_RELEASE);
}

/* A static initializer at file scope (the class is a file-scope compound literal). */
#define SPINLOCK_INIT(nm) { .cls = &(struct lock_class){ .name = (nm), .kind = LOCK_SPIN } }
void spin_init_class(struct spinlock *l, struct lock_class *cls);
/* Initialise a spinlock at run time; its class is this call site's. */
#define spin_init(l, nm)                                                                  \
	do {                                                                              \
		static struct lock_class spin_cls_ = { .name = (nm), .kind = LOCK_SPIN }; \
		spin_init_class((l), &spin_cls_);                                         \
	} while (0)

static inline void spin_lock_at(struct spinlock *l, const char *site)
{
	uint64_t f = irq_save();
	if (LOCKDEP)
		lockdep_acquire(l->cls, 0, l, site, false);
	ticket_acquire(l);
	l->flags = f;
	if (LOCKDEP)
		l->owner_cpu = lock_cpu_id() + 1;
}

/* Take l if it is free: true with l held, false (nothing changed) if it is not. */
static inline bool spin_trylock_at(struct spinlock *l, const char *site)
{
	uint64_t f = irq_save();
	uint32_t *word = (uint32_t *)l, cur = __atomic_load_n(word, __ATOMIC_RELAXED);
	if ((uint16_t)cur != (uint16_t)(cur >> 16) ||
	    !__atomic_compare_exchange_n(word, &cur, cur + 1, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		irq_restore(f);
		return false;
	}
	if (LOCKDEP) {
		lockdep_acquire(l->cls, 0, l, site, true);
		l->owner_cpu = lock_cpu_id() + 1;
	}
	l->flags = f;
	return true;
}

static inline void spin_unlock_at(struct spinlock *l, const char *site)
{
	uint64_t f = l->flags;
	if (LOCKDEP) {
		lockdep_release(l->cls, l, site);
		l->owner_cpu = 0;
	}
	ticket_release(l);
	irq_restore(f);
}

static inline bool spin_held(const struct spinlock *l)
{
	return l->owner_cpu == lock_cpu_id() + 1;
}

#define spin_lock(l)    spin_lock_at((l), LOCK_SITE)
#define spin_trylock(l) spin_trylock_at((l), LOCK_SITE)
#define spin_unlock(l)  spin_unlock_at((l), LOCK_SITE)

/*
 * Raw spinlocks: the same lock without lockdep, for the scheduler's own
 * run-queue lock (held across a thread switch, where the held stack changes
 * hands) and lockdep's graph.
 */
static inline uint64_t raw_spin_lock(struct spinlock *l)
{
	uint64_t f = irq_save();
	ticket_acquire(l);
	return f;
}

static inline void raw_spin_unlock(struct spinlock *l, uint64_t f)
{
	ticket_release(l);
	irq_restore(f);
}

/* ---- sleeping mutexes --------------------------------------------------------------- */
struct kmutex {
	struct lock_thread *owner;	/* the holder's lock state, NULL when free */
	uint32_t waiters;		/* threads blocked in kmutex_wait */
	const struct lock_class *cls;
};

#define KMUTEX_INIT(nm) { .cls = &(struct lock_class){ .name = (nm), .kind = LOCK_MUTEX } }
void kmutex_init_class(struct kmutex *m, struct lock_class *cls);
#define kmutex_init(m, nm)                                                                  \
	do {                                                                                \
		static struct lock_class kmutex_cls_ = { .name = (nm), .kind = LOCK_MUTEX }; \
		kmutex_init_class((m), &kmutex_cls_);                                       \
	} while (0)

/*
 * How a contended mutex sleeps: the scheduler registers these at boot
 * (kernel/wait.c); sleep(key) blocks the running thread until wake(key)
 * (callers retry), key being the mutex.
 */
struct lock_sleep_ops {
	void (*sleep)(const void *key);
	void (*wake)(const void *key);
};
void lock_set_sleep_ops(const struct lock_sleep_ops *ops);

/* The contended path (kernel/lock.c): wait until m is free and take it. */
void kmutex_wait(struct kmutex *m, struct lock_thread *self);
/* Release's slow path: wake a waiter. */
void kmutex_wake(struct kmutex *m);

/* sub: 0, or 1 for a second lock of the same class taken inside the first (fork: parent, then child). */
static inline void kmutex_lock_at(struct kmutex *m, unsigned sub, const char *site)
{
	struct lock_thread *self = lock_self();
	if (LOCKDEP)
		lockdep_acquire(m->cls, sub, m, site, false);
	struct lock_thread *free_ = 0;
	if (!__atomic_compare_exchange_n(&m->owner, &free_, self, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		kmutex_wait(m, self);
}

static inline bool kmutex_trylock_at(struct kmutex *m, const char *site)
{
	struct lock_thread *self = lock_self(), *free_ = 0;
	if (!__atomic_compare_exchange_n(&m->owner, &free_, self, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return false;
	if (LOCKDEP)
		lockdep_acquire(m->cls, 0, m, site, true);
	return true;
}

static inline void kmutex_unlock_at(struct kmutex *m, const char *site)
{
	if (LOCKDEP) {
		if (m->owner != lock_self())
			lockdep_held_failed(m, m->cls->name, site);
		lockdep_release(m->cls, m, site);
	}
	__atomic_store_n(&m->owner, (struct lock_thread *)0, __ATOMIC_RELEASE);
	if (__atomic_load_n(&m->waiters, __ATOMIC_RELAXED))
		kmutex_wake(m);
}

static inline bool kmutex_held(const struct kmutex *m)
{
	return m->owner == lock_self();
}

#define kmutex_lock(m)            kmutex_lock_at((m), 0, LOCK_SITE)
#define kmutex_lock_nested(m, s)  kmutex_lock_at((m), (s), LOCK_SITE)
#define kmutex_trylock(m)         kmutex_trylock_at((m), LOCK_SITE)
#define kmutex_unlock(m)          kmutex_unlock_at((m), LOCK_SITE)

/*
 * lock_assert_held(l): for a function whose contract says "caller holds l"
 * (a spinlock or a kmutex).  Panics (LOCKDEP) when the running CPU / thread
 * does not hold it; nothing in release builds.
 */
#define lock_held(l) _Generic((l), struct spinlock *: spin_held, struct kmutex *: kmutex_held, \
			      const struct kmutex *: kmutex_held, const struct spinlock *: spin_held)(l)
#define lock_assert_held(l)                                                   \
	do {                                                                  \
		if (LOCKDEP && !lock_held(l))                                 \
			lockdep_held_failed((l), (l)->cls->name, LOCK_SITE);   \
	} while (0)

#endif
