/* tests/user/pe_share.h - what pe_share.c and its child_share.c instances share through a named section. */
#ifndef TESTS_USER_PE_SHARE_H
#define TESTS_USER_PE_SHARE_H

#include <mmtools.h>
#include <windows.h>

#define SHARE_SECTION "pe_share_sync"
#define SHARE_TEXT_BYTES (256 * 1024)

struct share_sync {
	struct {
		volatile ULONG_PTR text_base;		/* where share_text is in the child */
		volatile unsigned long long text_resident, text_shared;	/* its text region, the kernel's counts */
		volatile unsigned sum;			/* of share_text's first byte per page */
		volatile int ready;
	} child[2];
	volatile int go;	/* the parent has measured: exit */
};

#endif
