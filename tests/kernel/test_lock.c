/*
 * tests/kernel/test_lock.c - spinlocks, mutexes and lockdep (kernel/lock.h).
 * The lockdep tests run it in test mode: a violation is recorded (and
 * printed) instead of panicking, and the test reads back which one.  Every
 * lock here has its own class, so the order edges the tests teach lockdep
 * never meet the kernel's own classes.
 */
#include "kernel/ktest.h"
#include "kernel/lock.h"
#include "kernel/uaccess.h"

static struct spinlock la = SPINLOCK_INIT("test_a");
static struct spinlock lb = SPINLOCK_INIT("test_b");
static struct spinlock lc = SPINLOCK_INIT("test_c");
static struct kmutex ma = KMUTEX_INIT("test_mutex_a");
static struct kmutex mb = KMUTEX_INIT("test_mutex_b");
static struct spinlock lx = SPINLOCK_INIT("test_x");
static struct kmutex mz = KMUTEX_INIT("test_mutex_z");
static struct spinlock lz = SPINLOCK_INIT("test_z");

static uint64_t rflags(void)
{
	uint64_t f;
	__asm__ volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

KTEST(lock_spin_ticket_and_trylock)
{
	uint64_t if_before = rflags() & 0x200;
	spin_lock(&la);
	bool held = spin_held(&la), irq_off = !(rflags() & 0x200);
	bool second = spin_trylock(&la);	/* held: must fail without spinning */
	spin_unlock(&la);
	KT_ASSERT(held && irq_off && !second);
	KT_EQ(la.next, la.serving);
	KT_EQ(rflags() & 0x200, if_before);	/* the saved IF came back */
	KT_ASSERT(!spin_held(&la));
	KT_ASSERT(spin_trylock(&la));
	KT_ASSERT(spin_held(&la));
	spin_unlock(&la);
	/* Tickets wrap at 16 bits. */
	for (int i = 0; i < 70000; i++) {
		spin_lock(&lc);
		spin_unlock(&lc);
	}
	KT_EQ(lc.next, lc.serving);
}

KTEST(lock_mutex_owner)
{
	KT_ASSERT(!kmutex_held(&ma));
	kmutex_lock(&ma);
	bool held = kmutex_held(&ma), owner = ma.owner == lock_self();
	bool again = kmutex_trylock(&ma);	/* a mutex is not recursive */
	kmutex_unlock(&ma);
	KT_ASSERT(held && owner && !again);
	KT_ASSERT(ma.owner == 0 && !kmutex_held(&ma));
}

/* A then B is learned; B then A is the inversion; A then B again is fine. */
KTEST(lockdep_detects_inversion)
{
	if (!LOCKDEP)
		return;
	lockdep_test_mode(true);
	spin_lock(&la);
	spin_lock(&lb);
	spin_unlock(&lb);
	spin_unlock(&la);
	enum lockdep_error first = lockdep_take_error();
	spin_lock(&lb);
	spin_lock(&la);
	spin_unlock(&la);
	spin_unlock(&lb);
	enum lockdep_error inverted = lockdep_take_error();
	spin_lock(&la);
	spin_lock(&lb);
	spin_unlock(&lb);
	spin_unlock(&la);
	enum lockdep_error again = lockdep_take_error();
	lockdep_test_mode(false);
	KT_EQ(first, LOCKDEP_OK);
	KT_EQ(inverted, LOCKDEP_ERR_INVERSION);
	KT_EQ(again, LOCKDEP_OK);
}

/* Through a third class: mutex A -> mutex B, B -> spin C learned, then C ... A closes the cycle. */
KTEST(lockdep_detects_transitive_inversion)
{
	if (!LOCKDEP)
		return;
	lockdep_test_mode(true);
	kmutex_lock(&ma);
	kmutex_lock(&mb);
	kmutex_unlock(&mb);
	kmutex_unlock(&ma);
	kmutex_lock(&mb);
	spin_lock(&lx);
	spin_unlock(&lx);
	kmutex_unlock(&mb);
	enum lockdep_error learn = lockdep_take_error();
	/* ma under lx: a sleeping lock in a spinlock and the cycle ma -> mb -> lx -> ma; the first is reported. */
	spin_lock(&lx);
	kmutex_lock(&ma);
	kmutex_unlock(&ma);
	spin_unlock(&lx);
	enum lockdep_error bad = lockdep_take_error();
	/* The same cycle with mutexes only: mb then ma. */
	kmutex_lock(&mb);
	kmutex_lock(&ma);
	kmutex_unlock(&ma);
	kmutex_unlock(&mb);
	enum lockdep_error inv = lockdep_take_error();
	lockdep_test_mode(false);
	KT_EQ(learn, LOCKDEP_OK);
	KT_EQ(bad, LOCKDEP_ERR_SLEEP_IN_SPIN);
	KT_EQ(inv, LOCKDEP_ERR_INVERSION);
}

KTEST(lockdep_detects_sleep_with_spinlock)
{
	if (!LOCKDEP)
		return;
	lockdep_test_mode(true);
	kmutex_lock(&mz);
	lockdep_assert_no_spinlocks();	/* a mutex alone may be held across a block */
	enum lockdep_error mutex_only = lockdep_take_error();
	kmutex_unlock(&mz);
	spin_lock(&lz);
	lockdep_assert_no_spinlocks();	/* the scheduler's block path */
	enum lockdep_error block = lockdep_take_error();
	kmutex_lock(&mz);
	enum lockdep_error mutex = lockdep_take_error();
	kmutex_unlock(&mz);
	uint8_t b;
	copy_from_user(&b, 0, 0);	/* a user access may fault: checked even for 0 bytes */
	enum lockdep_error ucopy = lockdep_take_error();
	spin_unlock(&lz);
	copy_from_user(&b, 0, 0);
	enum lockdep_error ucopy_free = lockdep_take_error();
	lockdep_test_mode(false);
	KT_EQ(mutex_only, LOCKDEP_OK);
	KT_EQ(block, LOCKDEP_ERR_SLEEP_IN_SPIN);
	KT_EQ(mutex, LOCKDEP_ERR_SLEEP_IN_SPIN);
	KT_EQ(ucopy, LOCKDEP_ERR_SLEEP_IN_SPIN);
	KT_EQ(ucopy_free, LOCKDEP_OK);
}

static void init_pair_lock(struct kmutex *m)
{
	kmutex_init(m, "test_pair");	/* one call site: one class for both */
}

KTEST(lockdep_same_class_needs_nesting)
{
	if (!LOCKDEP)
		return;
	struct kmutex p, c;
	init_pair_lock(&p);
	init_pair_lock(&c);
	KT_ASSERT(p.cls == c.cls);
	lockdep_test_mode(true);
	kmutex_lock(&p);
	kmutex_lock(&c);	/* two of one class, no subclass: flagged */
	kmutex_unlock(&c);
	enum lockdep_error plain = lockdep_take_error();
	kmutex_lock_nested(&c, 1);
	kmutex_unlock(&c);
	kmutex_unlock(&p);
	enum lockdep_error nested = lockdep_take_error();
	lockdep_test_mode(false);
	KT_EQ(plain, LOCKDEP_ERR_RECURSION);
	KT_EQ(nested, LOCKDEP_OK);
}

KTEST(lockdep_assert_held_and_release)
{
	if (!LOCKDEP)
		return;
	lockdep_test_mode(true);
	lock_assert_held(&la);
	enum lockdep_error unheld = lockdep_take_error();
	spin_lock(&la);
	lock_assert_held(&la);
	enum lockdep_error held = lockdep_take_error();
	spin_unlock(&la);
	kmutex_lock(&ma);
	lock_assert_held(&ma);
	enum lockdep_error mheld = lockdep_take_error();
	kmutex_unlock(&ma);
	lock_assert_held(&ma);
	enum lockdep_error munheld = lockdep_take_error();
	lockdep_test_mode(false);
	KT_EQ(unheld, LOCKDEP_ERR_NOT_HELD);
	KT_EQ(held, LOCKDEP_OK);
	KT_EQ(mheld, LOCKDEP_OK);
	KT_EQ(munheld, LOCKDEP_ERR_NOT_HELD);
	KT_EQ(lock_self()->depth, 0);
}
