/* tests/user/child_isolation.c - started by isolation.c: maps the address its parent uses; exits 0 if it reads zeroes there. */
#include <windows.h>

int main(void)
{
	char *p = VirtualAlloc((void *)0x200000000ULL, 0x10000, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	if (p != (char *)0x200000000ULL)
		return 1;
	for (int i = 0; i < 0x10000; i += 4096) {
		if (p[i] != 0)
			return 2;
		p[i] = 0x22;
	}
	return 0;
}
