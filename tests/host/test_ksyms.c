/*
 * tests/host/test_ksyms.c - symbol lookup for backtraces, and the ktest name matcher.
 * sources: kernel/ksyms.c
 */
#include "check.h"
#include "kernel/ksyms.h"

#include <stdlib.h>

static struct ksym_table *make_table(int n, const uint64_t *addrs, const char *const *names)
{
	size_t head = sizeof(struct ksym_table) + n * sizeof(struct ksym);
	size_t total = head;
	for (int i = 0; i < n; i++)
		total += strlen(names[i]) + 1;
	struct ksym_table *t = calloc(1, total);
	t->count = n;
	size_t off = head;
	for (int i = 0; i < n; i++) {
		t->syms[i].addr = addrs[i];
		t->syms[i].name_off = off;
		strcpy((char *)t + off, names[i]);
		off += strlen(names[i]) + 1;
	}
	return t;
}

TEST(lookup)
{
	uint64_t addrs[] = { 0x1000, 0x1040, 0x1100, 0x2000 };
	const char *names[] = { "a", "b", "c", "d" };
	struct ksym_table *t = make_table(4, addrs, names);
	uint64_t off = 99;
	CHECK(ksym_lookup(t, 0xfff, &off) == NULL);
	CHECK_STR(ksym_lookup(t, 0x1000, &off), "a");
	CHECK_EQ(off, 0);
	CHECK_STR(ksym_lookup(t, 0x103f, &off), "a");
	CHECK_EQ(off, 0x3f);
	CHECK_STR(ksym_lookup(t, 0x1040, &off), "b");
	CHECK_STR(ksym_lookup(t, 0x10ff, &off), "b");
	CHECK_STR(ksym_lookup(t, 0x1100, &off), "c");
	CHECK_STR(ksym_lookup(t, 0x5000, &off), "d");
	CHECK_EQ(off, 0x3000);
	free(t);
}

TEST(lookup_edge_sizes)
{
	CHECK(ksym_lookup(NULL, 1, NULL) == NULL);
	uint64_t a1[] = { 0x10 };
	const char *n1[] = { "only" };
	struct ksym_table *t = make_table(1, a1, n1);
	CHECK_STR(ksym_lookup(t, 0x10, NULL), "only");
	CHECK(ksym_lookup(t, 0xf, NULL) == NULL);
	t->count = 0;
	CHECK(ksym_lookup(t, 0x10, NULL) == NULL);
	free(t);
	/* Every address of a large table finds its own symbol. */
	enum { N = 1000 };
	uint64_t addrs[N];
	const char *names[N];
	char buf[N][16];
	for (int i = 0; i < N; i++) {
		addrs[i] = 0x1000 + 16 * (uint64_t)i;
		snprintf(buf[i], sizeof(buf[i]), "s%d", i);
		names[i] = buf[i];
	}
	t = make_table(N, addrs, names);
	for (int i = 0; i < N; i++) {
		uint64_t off;
		CHECK_STR(ksym_lookup(t, addrs[i] + 7, &off), names[i]);
		CHECK_EQ(off, 7);
	}
	free(t);
}

int main(void)
{
	return run_tests("ksyms");
}
