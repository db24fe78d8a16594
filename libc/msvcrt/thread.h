/* libc/msvcrt/thread.h - the per-thread block (thread.c). */
#ifndef LIBC_MSVCRT_THREAD_H
#define LIBC_MSVCRT_THREAD_H

#include <time.h>

#include "crt.h"

struct crt_thread {
	int err;			/* errno */
	unsigned long doserr;		/* _doserrno */
	unsigned rand_seed;		/* rand/srand, 1 at start */
	char *strtok_next;		/* strtok's position */
	wchar_t *wcstok_next;		/* wcstok's position */
	struct tm tm;			/* gmtime/localtime result */
	char time_text[26];		/* asctime/ctime result */
	wchar_t wtime_text[26];		/* _wasctime/_wctime result */
	char strerror_text[128];	/* _strerror result */
	void *begin_handle;		/* _beginthread's handle, closed by _endthread */
};

void crt_thread_init(void);
struct crt_thread *crt_thread(void);
void crt_thread_detach(void);

#endif
