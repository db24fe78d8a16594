/* tests/user/readme_example.c - the example program of the README, kept compiling and passing (make run PROG=tests/user/readme_example.c). */
#include <stdio.h>
#include <windows.h>

static LONG CALLBACK on_fault(PEXCEPTION_POINTERS ep)
{
    PEXCEPTION_RECORD r = ep->ExceptionRecord;
    printf("exception %08lx: %s at %p\n", (unsigned long)r->ExceptionCode,
           r->ExceptionInformation[0] == 1 ? "write" : "read", (void *)r->ExceptionInformation[1]);
    DWORD old;   /* repair: make the page writable, then retry the instruction */
    VirtualProtect((void *)r->ExceptionInformation[1], 1, PAGE_READWRITE, &old);
    return EXCEPTION_CONTINUE_EXECUTION;
}

int main(void)
{
    SYSTEM_INFO si;
    GetSystemInfo(&si);
    char *p = VirtualAlloc(NULL, 64 * 1024, MEM_RESERVE | MEM_COMMIT, PAGE_READONLY);
    printf("page %lu, granularity %lu, got %p\n", si.dwPageSize, si.dwAllocationGranularity, p);
    AddVectoredExceptionHandler(1, on_fault);
    p[42] = 1;                                  /* faults once; the handler fixes it */
    MEMORY_BASIC_INFORMATION m;
    VirtualQuery(p, &m, sizeof(m));
    printf("p[42] = %d, first region %llx bytes, protect %lx\n", p[42],
           (unsigned long long)m.RegionSize, (unsigned long)m.Protect);
    if (!VirtualFree(p, 4096, MEM_RELEASE))     /* MEM_RELEASE needs size 0 */
        printf("VirtualFree: error %lu\n", GetLastError());
    return VirtualFree(p, 0, MEM_RELEASE) ? 0 : 1;
}
