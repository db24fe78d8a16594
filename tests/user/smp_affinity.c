/*
 * tests/user/smp_affinity.c - issue 18: the processor calls tell the truth
 * and follow Windows' rules.  GetSystemInfo, GetActiveProcessorCount and
 * NtQuerySystemInformation(SystemBasicInformation) agree on the CPUs;
 * SetThreadAffinityMask returns the old mask, refuses 0 and CPUs outside
 * the process's mask (ERROR_INVALID_PARAMETER), and a thread pinned to CPU
 * i runs there (GetCurrentProcessorNumber, read from TSC_AUX) when the call
 * returns (CPUs the system lacks are dropped from a thread's mask, as Windows
 * 7 on); SetProcessAffinityMask refuses 0 and CPUs the system lacks and
 * gives every thread its mask; SetThreadIdealProcessor(Ex) as
 * KeSetIdealProcessorThread (MAXIMUM_PROCESSORS only asks, above it
 * fails; Wine 8 has only stubs for the ideal processor, so those checks
 * fail there); GetLogicalProcessorInformation(Ex) describe one core per CPU, one
 * package, one NUMA node, one group; FlushProcessWriteBuffers from several
 * threads at once.
 */
#include <winternl.h>

#include "smp_common.h"

static unsigned n;
static KAFFINITY all;

/* The kernel's SYSTEM_BASIC_INFORMATION (x64, 64 bytes). */
struct basic_info {
	ULONG reserved, timer_resolution, page_size, pages, lowest, highest, granularity, pad;
	ULONG_PTR min_addr, max_addr;
	KAFFINITY active;
	CCHAR processors;
	BYTE pad2[7];
};

static KAFFINITY thread_mask(HANDLE h)
{
	GROUP_AFFINITY g;
	memset(&g, 0xcc, sizeof g);
	CHECK(GetThreadGroupAffinity(h, &g));
	CHECK_EQ(g.Group, 0);
	return g.Mask;
}

static void counts(void)
{
	SYSTEM_INFO si, nsi;
	GetSystemInfo(&si);
	GetNativeSystemInfo(&nsi);
	n = si.dwNumberOfProcessors;
	all = n >= 64 ? ~(KAFFINITY)0 : ((KAFFINITY)1 << n) - 1;
	CHECK(n >= 1 && n <= 64);
	CHECK_EQ(si.dwActiveProcessorMask, all);
	CHECK_EQ(nsi.dwNumberOfProcessors, n);
	CHECK_EQ(GetActiveProcessorCount(0), n);
	CHECK_EQ(GetActiveProcessorCount(ALL_PROCESSOR_GROUPS), n);
	CHECK_EQ(GetMaximumProcessorCount(0), n);
	CHECK_EQ(GetActiveProcessorGroupCount(), 1);
	CHECK_EQ(GetActiveProcessorCount(1), 0);	/* no group 1 (Wine's last error differs) */
	struct basic_info b;
	ULONG len = 0;
	CHECK_EQ(NtQuerySystemInformation(SystemBasicInformation, &b, sizeof b, &len), 0);
	CHECK_EQ(len, sizeof b);
	CHECK_EQ((unsigned)b.processors, n);
	CHECK_EQ(b.active, all);
	ULONGLONG numa = 0;
	CHECK(GetNumaNodeProcessorMask(0, &numa));
	CHECK_EQ(numa, all);
	printf("  %u CPUs, mask 0x%llx\n", n, (unsigned long long)all);
}

static DWORD WINAPI idle_thread(void *arg)
{
	(void)arg;
	return 0;
}

static void thread_affinity(void)
{
	HANDLE me = GetCurrentThread();
	DWORD_PTR pm = 0, sm = 0;
	CHECK(GetProcessAffinityMask(GetCurrentProcess(), &pm, &sm));
	CHECK_EQ(pm, all);
	CHECK_EQ(sm, all);
	CHECK_EQ(thread_mask(me), all);
	CHECK_ERR(SetThreadAffinityMask(me, 0), ERROR_INVALID_PARAMETER);
	if (n < 64) {	/* only CPUs the system lacks: refused; some of them: dropped (as Windows 7 on) */
		CHECK_ERR(SetThreadAffinityMask(me, (DWORD_PTR)1 << n), ERROR_INVALID_PARAMETER);
		CHECK_EQ(SetThreadAffinityMask(me, all | ((DWORD_PTR)1 << n)), all);
	}
	CHECK_ERR(SetThreadAffinityMask((HANDLE)(ULONG_PTR)0x1234, 1), ERROR_INVALID_HANDLE);
	CHECK_EQ(thread_mask(me), all);	/* the failures changed nothing */
	/* Pinned to each CPU in turn: it runs there when the call has returned. */
	DWORD_PTR prev = all;
	for (unsigned i = 0; i < n; i++) {
		DWORD_PTR m = (DWORD_PTR)1 << i;
		CHECK_EQ(SetThreadAffinityMask(me, m), prev);
		prev = m;
		CHECK_EQ(thread_mask(me), m);
		for (int k = 0; k < 20; k++) {	/* and stays there, across yields */
			CHECK_EQ(GetCurrentProcessorNumber(), i);
			SwitchToThread();
		}
		PROCESSOR_NUMBER pn;
		memset(&pn, 0xcc, sizeof pn);
		GetCurrentProcessorNumberEx(&pn);
		CHECK_EQ(pn.Group, 0);
		CHECK_EQ(pn.Number, i);
		CHECK_EQ(pn.Reserved, 0);
	}
	CHECK_EQ(SetThreadAffinityMask(me, all), prev);
	/* A new thread starts with the process's mask; another thread's mask can be set. */
	HANDLE t = CreateThread(NULL, 0x10000, idle_thread, NULL, CREATE_SUSPENDED, NULL);
	CHECK(t != NULL);
	CHECK_EQ(thread_mask(t), all);
	CHECK_EQ(SetThreadAffinityMask(t, (DWORD_PTR)1 << (n - 1)), all);
	CHECK_EQ(thread_mask(t), (DWORD_PTR)1 << (n - 1));
	CHECK_EQ(ResumeThread(t), 1);
	CHECK_EQ(WaitForSingleObject(t, 30000), WAIT_OBJECT_0);
	CHECK(CloseHandle(t));
}

static void process_affinity(void)
{
	HANDLE me = GetCurrentThread(), self = GetCurrentProcess();
	CHECK_ERR(SetProcessAffinityMask(self, 0), ERROR_INVALID_PARAMETER);
	if (n < 64)
		CHECK_ERR(SetProcessAffinityMask(self, (DWORD_PTR)1 << n), ERROR_INVALID_PARAMETER);
	CHECK_ERR(SetProcessAffinityMask((HANDLE)(ULONG_PTR)0x1234, 1), ERROR_INVALID_HANDLE);
	HANDLE t = CreateThread(NULL, 0x10000, idle_thread, NULL, CREATE_SUSPENDED, NULL);
	CHECK(t != NULL);
	CHECK(SetProcessAffinityMask(self, 1));
	DWORD_PTR pm = 0, sm = 0;
	CHECK(GetProcessAffinityMask(self, &pm, &sm));
	CHECK_EQ(pm, 1);
	CHECK_EQ(sm, all);
	CHECK_EQ(thread_mask(me), 1);	/* every thread took the process's mask */
	CHECK_EQ(thread_mask(t), 1);
	CHECK_EQ(GetCurrentProcessorNumber(), 0);
	if (n >= 2)	/* outside the process's mask now */
		CHECK_ERR(SetThreadAffinityMask(me, 2), ERROR_INVALID_PARAMETER);
	HANDLE t2 = CreateThread(NULL, 0x10000, idle_thread, NULL, CREATE_SUSPENDED, NULL);
	CHECK(t2 != NULL);
	CHECK_EQ(thread_mask(t2), 1);	/* new threads start with it */
	CHECK(SetProcessAffinityMask(self, all));
	CHECK_EQ(thread_mask(t2), all);
	CHECK_EQ(thread_mask(me), all);
	for (int i = 0; i < 2; i++) {
		HANDLE h = i ? t2 : t;
		CHECK_EQ(ResumeThread(h), 1);
		CHECK_EQ(WaitForSingleObject(h, 30000), WAIT_OBJECT_0);
		CHECK(CloseHandle(h));
	}
}

static void ideal_processor(void)
{
	HANDLE me = GetCurrentThread();
	CHECK(SetThreadIdealProcessor(me, 0) != (DWORD)-1);
	CHECK_EQ(SetThreadIdealProcessor(me, MAXIMUM_PROCESSORS), 0);	/* only asks */
	SetLastError(0);
	CHECK_EQ(SetThreadIdealProcessor(me, MAXIMUM_PROCESSORS + 1), (DWORD)-1);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	PROCESSOR_NUMBER pn = { 0 }, old;
	CHECK(GetThreadIdealProcessorEx(me, &pn));
	CHECK_EQ(pn.Group, 0);
	CHECK_EQ(pn.Number, 0);
	if (n >= 2) {
		CHECK_EQ(SetThreadIdealProcessor(me, 1), 0);
		CHECK_EQ(SetThreadIdealProcessor(me, MAXIMUM_PROCESSORS), 1);
		CHECK(GetThreadIdealProcessorEx(me, &pn));
		CHECK_EQ(pn.Number, 1);
	}
	pn = (PROCESSOR_NUMBER){ .Group = 0, .Number = (BYTE)(n - 1) };
	memset(&old, 0xcc, sizeof old);
	CHECK(SetThreadIdealProcessorEx(me, &pn, &old));
	CHECK_EQ(old.Group, 0);
	CHECK_EQ(old.Number, n >= 2 ? 1 : 0);
	pn = (PROCESSOR_NUMBER){ .Group = 1, .Number = 0 };
	CHECK_ERR(SetThreadIdealProcessorEx(me, &pn, NULL), ERROR_INVALID_PARAMETER);
	pn = (PROCESSOR_NUMBER){ .Group = 0, .Number = (BYTE)n };
	if (n < 64)
		CHECK_ERR(SetThreadIdealProcessorEx(me, &pn, NULL), ERROR_INVALID_PARAMETER);
	CHECK(GetThreadIdealProcessorEx(me, &pn));
	CHECK_EQ(pn.Number, n - 1);
}

static void logical_processors(void)
{
	DWORD len = 0;
	CHECK_ERR(GetLogicalProcessorInformation(NULL, &len), ERROR_INSUFFICIENT_BUFFER);
	CHECK(len > 0 && len % sizeof(SYSTEM_LOGICAL_PROCESSOR_INFORMATION) == 0);
	SYSTEM_LOGICAL_PROCESSOR_INFORMATION buf[64 * 6];
	DWORD small = len - sizeof(buf[0]);
	CHECK_ERR(GetLogicalProcessorInformation(buf, &small), ERROR_INSUFFICIENT_BUFFER);
	CHECK_EQ(small, len);
	CHECK(len <= sizeof buf);
	if (len > sizeof buf)
		return;
	CHECK(GetLogicalProcessorInformation(buf, &len));
	unsigned cores = 0, packages = 0, nodes = 0, caches = 0, entries = len / sizeof(buf[0]);
	KAFFINITY core_or = 0;
	for (unsigned i = 0; i < entries; i++) {
		switch (buf[i].Relationship) {
		case RelationProcessorCore:
			cores++;
			CHECK_EQ(buf[i].ProcessorCore.Flags, 0);
			CHECK_EQ(buf[i].ProcessorMask & (buf[i].ProcessorMask - 1), 0);	/* one CPU each */
			CHECK_EQ(core_or & buf[i].ProcessorMask, 0);
			core_or |= buf[i].ProcessorMask;
			break;
		case RelationProcessorPackage:
			packages++;
			CHECK_EQ(buf[i].ProcessorMask, all);
			break;
		case RelationNumaNode:
			nodes++;
			CHECK_EQ(buf[i].NumaNode.NodeNumber, 0);
			CHECK_EQ(buf[i].ProcessorMask, all);
			break;
		case RelationCache:
			caches++;
			CHECK(buf[i].Cache.Level >= 1 && buf[i].Cache.Level <= 3);
			CHECK(buf[i].Cache.Size > 0);
			CHECK(buf[i].Cache.LineSize > 0);
			CHECK((buf[i].ProcessorMask & ~all) == 0 && buf[i].ProcessorMask != 0);
			break;
		default:
			CHECK(!"an unknown relationship");
		}
	}
	CHECK_EQ(cores, n);
	CHECK_EQ(core_or, all);
	CHECK_EQ(packages, 1);
	CHECK_EQ(nodes, 1);
	/* The Ex form: the same cores, one group. */
	static BYTE ex[16384];
	DWORD xlen = sizeof ex;
	CHECK(GetLogicalProcessorInformationEx(RelationAll, (void *)ex, &xlen));
	unsigned xcores = 0, xgroups = 0, xcaches = 0, xnodes = 0;
	for (DWORD off = 0; off < xlen;) {
		SYSTEM_LOGICAL_PROCESSOR_INFORMATION_EX *e = (void *)(ex + off);
		CHECK(e->Size >= 48 && off + e->Size <= xlen);
		if (e->Size < 48)
			break;
		if (e->Relationship == RelationProcessorCore) {
			xcores++;
			CHECK_EQ(e->Size, 48);
			CHECK_EQ(e->Processor.GroupCount, 1);
		} else if (e->Relationship == RelationGroup) {
			xgroups++;
			CHECK_EQ(e->Group.ActiveGroupCount, 1);
			CHECK_EQ(e->Group.GroupInfo[0].ActiveProcessorCount, n);
			CHECK_EQ(e->Group.GroupInfo[0].ActiveProcessorMask, all);
		} else if (e->Relationship == RelationCache) {
			xcaches++;
			CHECK_EQ(e->Size, 56);
		} else if (e->Relationship == RelationNumaNode) {
			xnodes++;
			CHECK_EQ(e->NumaNode.GroupMask.Mask, all);
		}
		off += e->Size;
	}
	CHECK_EQ(xcores, n);
	CHECK_EQ(xgroups, 1);
	CHECK_EQ(xnodes, 1);
	CHECK_EQ(xcaches, caches);
	xlen = 0;
	CHECK_ERR(GetLogicalProcessorInformationEx(RelationProcessorCore, NULL, &xlen), ERROR_INSUFFICIENT_BUFFER);
	CHECK_EQ(xlen, 48 * n);
	printf("  %u entries (%u caches)\n", entries, caches);
}

static volatile LONG flushes;

static DWORD WINAPI flusher(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200; i++) {
		FlushProcessWriteBuffers();
		InterlockedIncrement(&flushes);
	}
	return 0;
}

static void flush_write_buffers(void)
{
	HANDLE h[4];
	for (int i = 0; i < 4; i++) {
		h[i] = mt_start(flusher, NULL);
		if (h[i])
			smp_pin(h[i], (unsigned)i);
	}
	mt_join_all(h, 4);
	CHECK_EQ(flushes, 800);
}

int main(void)
{
	counts();
	thread_affinity();
	process_affinity();
	ideal_processor();
	logical_processors();
	flush_write_buffers();
	return mt_done("smp_affinity");
}
