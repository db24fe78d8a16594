/*
 * The `make run` contract, as a user sees it (tools/run-contract.sh boots it through `make run`
 * and compares): ARGS reach argv with their quoting, FILES= is on C:, SMP= and MEM= are what
 * Windows reports, a POSIX-threads program links with no extra flags, POSIX fork and waitpid
 * work, stdout arrives unchanged and main's return value is make's exit status.
 * `contract hang` never returns (the TIMEOUT= case); `contract` alone returns 0.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <windows.h>

static long sums[4];

static void *add(void *p)
{
	long k = (long)(ULONG_PTR)p;
	for (long i = 1; i <= 1000; i++)
		sums[k] += i * (k + 1);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "hang") == 0)
		for (;;)
			Sleep(1000);
	for (int i = 1; i < argc; i++)
		printf("argv[%d] = [%s]\n", i, argv[i]);

	SYSTEM_INFO si;
	GetSystemInfo(&si);
	MEMORYSTATUSEX ms = { .dwLength = sizeof(ms) };
	GlobalMemoryStatusEx(&ms);
	/* -m 256M gives a little less than 256 MiB to the OS (firmware areas): round to 64 MiB. */
	printf("processors %lu, memory about %llu MiB\n", si.dwNumberOfProcessors,
	       (ms.ullTotalPhys + (32ull << 20)) >> 26 << 6);

	char line[128] = "";
	FILE *f = fopen("C:\\contract.txt", "r");
	if (f) {
		if (!fgets(line, sizeof(line), f))
			strcpy(line, "(empty)\n");
		fclose(f);
	}
	printf("C:\\contract.txt: %s", f ? line : "(missing)\n");

	pthread_t t[4];
	long total = 0;
	for (int k = 0; k < 4; k++)
		pthread_create(&t[k], NULL, add, (void *)(ULONG_PTR)k);
	for (int k = 0; k < 4; k++) {
		pthread_join(t[k], NULL);
		total += sums[k];
	}
	printf("pthreads: %ld\n", total);

	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0)
		_exit(5);
	int status = 0;
	waitpid(pid, &status, 0);
	printf("fork: child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return argc > 1 ? 7 : 0;
}
