/*
 * tests/bench/bench_process.c - the rows of whole programs and images: process
 * start, image mapping, and reserving among many reservations.
 */
#include "bench.h"

/*
 * Process start: NtCreateProcess of bench_child.exe (a MinGW program: its
 * image, ntdll, kernel32, msvcrt, their imports bound, TLS, DllMain, the C
 * runtime's start-up) until the first instruction of its main, and until
 * its exit has been waited for.  No Linux row pairs with these.
 */
void bench_process_start(void)
{
	HANDLE h = CreateFileMappingA(INVALID_HANDLE_VALUE, NULL, PAGE_READWRITE, 0, 4096, "bench_start");
	volatile unsigned long long *t = h ? MapViewOfFile(h, FILE_MAP_WRITE, 0, 0, 0) : NULL;
	if (!t)
		die("bench_start section");
	unsigned long long to_main[REPS], to_exit[REPS];
	for (int i = 0; i < REPS; i++) {
		ULONG pid = 0;
		DWORD code = 1;
		*t = 0;
		unsigned long long t0 = rdtsc_s();
		if (mm_spawn("bench_child.exe", &pid) || mm_wait(pid, &code) || code != 0 || !*t)
			die("bench_child.exe");
		unsigned long long t2 = rdtsc_s();
		to_main[i] = (*t - t0) * SCALE;
		to_exit[i] = (t2 - t0) * SCALE;
	}
	report("process_start_to_main", median(to_main, REPS), "cycles");
	report("process_start_to_exit", median(to_exit, REPS), "cycles");
	UnmapViewOfFile((void *)t);
	CloseHandle(h);
}

/*
 * Image mapping: LoadLibrary of a 1 MiB DLL nobody else maps (the image
 * section is made from the file: headers, sections, relocations, imports
 * bound, DllMain), per MiB of SizeOfImage; and FreeLibrary.
 */
void bench_image_map(void)
{
	unsigned long long load[REPS], unload[REPS], size = 0;
	for (int i = 0; i < REPS; i++) {
		unsigned long long t0 = rdtsc_s();
		HMODULE m = LoadLibraryA("dll_bench_image.dll");
		unsigned long long t1 = rdtsc_s();
		if (!m)
			die("LoadLibrary(dll_bench_image.dll)");
		const IMAGE_NT_HEADERS *nt = (const void *)((const char *)m + ((const IMAGE_DOS_HEADER *)m)->e_lfanew);
		size = nt->OptionalHeader.SizeOfImage;
		unsigned long long t2 = rdtsc_s();
		FreeLibrary(m);
		unsigned long long t3 = rdtsc_s();
		load[i] = (t1 - t0) * SCALE * MiB / size;
		unload[i] = (t3 - t2) * SCALE;
	}
	printf("info image_map SizeOfImage %llu bytes\n", size);
	report("image_map_per_mib", median(load, REPS), "cycles/MiB");
	report("image_unmap", median(unload, REPS), "cycles");
}

/*
 * Address-space search at scale: N one-gigabyte reservations placed side by
 * side (at fixed addresses, from the lowest free 1 GiB the bottom-up search
 * gives, skipping a gigabyte taken by something else), then REPS times RN
 * more reservations through the bottom-up search (VirtualAlloc with no
 * address), which must pass all N to the free space above them: cycles per
 * reservation (the RN are released untimed after each repetition).
 */
void bench_reserve_scaling(unsigned N)
{
	const SIZE_T G = 1024 * MiB;
	enum { RN = 16 };
	char **held = (char **)alloc(N * sizeof(char *), MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
	char *p = alloc(G, MEM_RESERVE, PAGE_NOACCESS);
	release(p);
	unsigned long long t0 = rdtsc_s();
	for (unsigned n = 0; n < N; p += G) {
		if (p + G > (char *)0x7ff000000000ULL)
			die("bench_reserve_scaling: out of address space");
		if (VirtualAlloc(p, G, MEM_RESERVE, PAGE_NOACCESS))
			held[n++] = p;
	}
	printf("info reserve_1g_fill_N%u %llu cycles/reservation\n", N, (rdtsc_s() - t0) / N);
	unsigned long long v[REPS];
	char *q[RN];
	for (int r = 0; r < REPS; r++) {
		unsigned long long a = rdtsc_s();
		for (int i = 0; i < RN; i++)
			q[i] = alloc(G, MEM_RESERVE, PAGE_NOACCESS);
		v[r] = per(rdtsc_s() - a, RN);
		for (int i = 0; i < RN; i++)
			release(q[i]);
	}
	char name[64];
	snprintf(name, sizeof name, "reserve_1g_at_N%u", N);
	report(name, median(v, REPS), "cycles/reservation");
	t0 = rdtsc_s();
	for (unsigned n = 0; n < N; n++)
		release(held[n]);
	printf("info reserve_1g_release_N%u %llu cycles/release\n", N, (rdtsc_s() - t0) / N);
	release(held);
}
