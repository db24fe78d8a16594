/*
 * tests/user/va2_ringbuffer.c - the ring buffer of Microsoft's VirtualAlloc2
 * documentation (issue 21): a placeholder of twice the buffer, split in two,
 * each half replaced by a view of the same pagefile-backed section, so a
 * write running off the end of the first view continues at the start of the
 * buffer.  Checked for 64 KiB and 1 MiB buffers: the data wraps both ways,
 * VirtualQuery shows two MEM_MAPPED views back to back, and the whole
 * sequence repeated 200 times (every reservation, section and view given
 * back: the leak oracle).  Prints the placeholder split/replace sequence's
 * cycles (the performance row).
 */
#include <string.h>
#include <x86intrin.h>

#include "utest.h"
#include "va2_common.h"

/* The documentation's CreateRingBuffer: the buffer, its second view in *second; NULL on failure. */
static char *create_ring_buffer(SIZE_T size, char **second)
{
	SYSTEM_INFO si;
	GetSystemInfo(&si);
	if (size % si.dwAllocationGranularity)
		return NULL;
	char *ph1 = pVirtualAlloc2(NULL, NULL, 2 * size, MEM_RESERVE | MEM_RESERVE_PLACEHOLDER, PAGE_NOACCESS, NULL, 0);
	if (!ph1)
		return NULL;
	char *ph2 = NULL, *view1 = NULL, *view2 = NULL;
	HANDLE section = NULL;
	/* Split the placeholder in two. */
	if (!VirtualFree(ph1, size, MEM_RELEASE | MEM_PRESERVE_PLACEHOLDER))
		goto out;
	ph2 = ph1 + size;
	section = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, (DWORD)size, NULL);
	if (!section)
		goto out;
	view1 = pMapViewOfFile3(section, NULL, ph1, 0, size, MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0);
	if (!view1)
		goto out;
	ph1 = NULL;	/* the view took its place */
	view2 = pMapViewOfFile3(section, NULL, ph2, 0, size, MEM_REPLACE_PLACEHOLDER, PAGE_READWRITE, NULL, 0);
	if (!view2)
		goto out;
	ph2 = NULL;
	*second = view2;
	CloseHandle(section);
	return view1;
out:
	if (section)
		CloseHandle(section);
	if (ph1)
		VirtualFree(ph1, 0, MEM_RELEASE);
	if (ph2)
		VirtualFree(ph2, 0, MEM_RELEASE);
	if (view1)
		UnmapViewOfFile(view1);
	return NULL;
}

static void ring(SIZE_T size)
{
	char *second = NULL;
	char *buf = create_ring_buffer(size, &second);
	CHECK(buf != NULL);
	if (!buf)
		return;
	CHECK(second == buf + size);
	/* A write across the end lands at the start; one at the start shows past the end. */
	static const char msg[] = "Hello World";
	memcpy(buf + size - 5, msg, sizeof msg);
	CHECK(memcmp(buf, msg + 5, sizeof msg - 5) == 0);
	CHECK(memcmp(second - 5, msg, 5) == 0);
	buf[1234] = 'x';
	CHECK_EQ(second[1234], 'x');
	for (SIZE_T i = 0; i < size; i += 4096)
		((volatile char *)second)[i] = (char)(i >> 12);
	int same = 1;
	for (SIZE_T i = 0; i < size; i += 4096)
		same &= buf[i] == (char)(i >> 12);
	CHECK(same);
	MEMORY_BASIC_INFORMATION m = query_region(buf);
	CHECK_EQ(m.AllocationBase, buf);
	CHECK_EQ(m.RegionSize, size);
	CHECK_EQ(m.State, MEM_COMMIT);
	CHECK_EQ(m.Type, MEM_MAPPED);
	CHECK_EQ(m.Protect, PAGE_READWRITE);
	m = query_region(second);
	CHECK_EQ(m.AllocationBase, second);
	CHECK_EQ(m.RegionSize, size);
	CHECK_EQ(m.Type, MEM_MAPPED);
	CHECK(UnmapViewOfFile(buf));
	CHECK(UnmapViewOfFile(second));
	CHECK_EQ(query_region(buf).State, MEM_FREE);
	CHECK_EQ(query_region(second).State, MEM_FREE);
}

int main(void)
{
	if (!va2_init()) {
		printf("VirtualAlloc2/MapViewOfFile3/UnmapViewOfFile2 missing\n");
		return 1;
	}
	ring(0x10000);
	ring(0x100000);
	/* Over and over: nothing stays behind. */
	int ok = 1;
	unsigned long long best = ~0ull;
	for (int i = 0; i < 200; i++) {
		char *second;
		unsigned long long t0 = __rdtsc();
		char *buf = create_ring_buffer(0x10000, &second);
		unsigned long long t = __rdtsc() - t0;
		if (t < best)
			best = t;
		if (!buf) {
			ok = 0;
			break;
		}
		buf[0] = (char)i;
		ok &= second[0] == (char)i;
		ok &= UnmapViewOfFile(buf) && UnmapViewOfFile(second);
	}
	CHECK(ok);
	printf("ring buffer create (placeholder, split, section, 2 views): %llu cycles at best\n", best);
	return utest_done("va2_ringbuffer");
}
