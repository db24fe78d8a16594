/*
 * tests/user/child_pebase.c - the good image tools/mkbadpe.c breaks in each
 * way pe_bad_images.c tests (build/user/child_bad_*.exe); started as it is,
 * it prints a line and exits with 42.
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	char *p = malloc(64);
	if (!p)
		return 1;
	snprintf(p, 64, "child_pebase: %d", 42);
	puts(p);
	free(p);
	return 42;
}
