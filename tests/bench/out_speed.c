/*
 * tests/bench/out_speed.c - writes N bytes (argument, default 10 MB) of text
 * to stdout in 64 KiB WriteFile calls, then one line with the time on stderr
 * (the same console): `make run PROG=tests/bench/out_speed.c | tail -n 1`
 * times the program-output channel (docs/reliability.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

static char buf[65536];

int main(int argc, char **argv)
{
	unsigned long total = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000000ul;
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
	HANDLE out = GetStdHandle(STD_OUTPUT_HANDLE);
	DWORD t0 = GetTickCount();
	for (unsigned long done = 0; done < total;) {
		DWORD n = total - done < sizeof(buf) ? (DWORD)(total - done) : sizeof(buf), w = 0;
		if (!WriteFile(out, buf, n, &w, NULL) || w != n)
			return 1;
		done += n;
	}
	DWORD ms = GetTickCount() - t0;
	char line[96];
	int len = snprintf(line, sizeof(line), "out_speed: %lu bytes in %lu ms\n", total, ms);
	DWORD w;
	WriteFile(GetStdHandle(STD_ERROR_HANDLE), line, (DWORD)len, &w, NULL);
	return 0;
}
