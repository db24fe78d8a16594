/*
 * tests/user/pe_hello.c - a MinGW hello world: argc/argv and a float through
 * printf, with its output checked.  Run by test=all with the command line
 * "pe_hello.exe", it starts itself again with arguments (quoted, with spaces)
 * and checks what the second instance saw through its exit code.
 */
#include <stdio.h>
#include <string.h>

#include "utest.h"

/* The second instance: exits 0 when argv is exactly what the parent passed. */
static int child(int argc, char **argv)
{
	printf("pe_hello child: argc %d:", argc);
	for (int i = 0; i < argc; i++)
		printf(" [%s]", argv[i]);
	printf("\n");
	if (argc != 4)
		return 10;
	if (strcmp(argv[1], "one") != 0)
		return 11;
	if (strcmp(argv[2], "two three") != 0)	/* a quoted argument keeps its space */
		return 12;
	if (strcmp(argv[3], "4.5") != 0)
		return 13;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return child(argc, argv);
	double pi = 3.14159265358979;
	int n = printf("hello, world: argc %d, argv[0] %s, pi %.5f\n", argc, argv[0], pi);
	/* The same line into a buffer: printf wrote exactly those characters. */
	char line[256];
	int m = snprintf(line, sizeof line, "hello, world: argc %d, argv[0] %s, pi %.5f\n", argc, argv[0], pi);
	CHECK_EQ(n, m);
	CHECK_EQ(n, (int)strlen(line));
	char want[256];
	snprintf(want, sizeof want, "hello, world: argc 1, argv[0] %s, pi 3.14159\n", argv[0]);
	CHECK(strcmp(line, want) == 0);
	CHECK_EQ(argc, 1);
	CHECK(argv[0] && _stricmp(argv[0], "pe_hello.exe") == 0);	/* the command line is the module's name */
	CHECK(argv[1] == NULL);
	/* A command line with arguments reaches the new process's main. */
	ULONG pid = 0;
	DWORD code = 99;
	CHECK_STATUS(mm_spawn_cmdline("pe_hello.exe", "pe_hello.exe one \"two three\" 4.5", &pid), STATUS_SUCCESS);
	CHECK_STATUS(mm_wait(pid, &code), STATUS_SUCCESS);
	CHECK_EQ(code, 0);
	return utest_done("pe_hello");
}
