/*
 * libc/advapi32/token.c - access tokens, as much as programs that ask for a
 * privilege need (mimalloc asks for SeLockMemoryPrivilege before it uses
 * large pages): OpenProcessToken, LookupPrivilegeValueA/W,
 * AdjustTokenPrivileges; and RtlGenRandom (SystemFunction036).
 *
 * The process runs as a standard Windows user: its token holds
 * SeChangeNotifyPrivilege (enabled), SeShutdownPrivilege,
 * SeUndockPrivilege, SeIncreaseWorkingSetPrivilege and
 * SeTimeZonePrivilege (disabled), and not SeLockMemoryPrivilege, so
 * enabling that succeeds with ERROR_NOT_ALL_ASSIGNED, as on a default
 * Windows installation.  A token handle is a real handle (a duplicate of
 * the process handle, so CloseHandle works on it) that this DLL remembers
 * with the token's privilege state.
 */
#include <windows.h>

#define MAX_TOKENS 64

/* Windows' privilege LUIDs (their LowPart), indexed by name. */
static const struct {
	const char *name;
	DWORD luid;
} privileges[] = {
	{ "SeCreateTokenPrivilege", 2 },	  { "SeAssignPrimaryTokenPrivilege", 3 },
	{ "SeLockMemoryPrivilege", 4 },		  { "SeIncreaseQuotaPrivilege", 5 },
	{ "SeMachineAccountPrivilege", 6 },	  { "SeTcbPrivilege", 7 },
	{ "SeSecurityPrivilege", 8 },		  { "SeTakeOwnershipPrivilege", 9 },
	{ "SeLoadDriverPrivilege", 10 },	  { "SeSystemProfilePrivilege", 11 },
	{ "SeSystemtimePrivilege", 12 },	  { "SeProfileSingleProcessPrivilege", 13 },
	{ "SeIncreaseBasePriorityPrivilege", 14 }, { "SeCreatePagefilePrivilege", 15 },
	{ "SeCreatePermanentPrivilege", 16 },	  { "SeBackupPrivilege", 17 },
	{ "SeRestorePrivilege", 18 },		  { "SeShutdownPrivilege", 19 },
	{ "SeDebugPrivilege", 20 },		  { "SeAuditPrivilege", 21 },
	{ "SeSystemEnvironmentPrivilege", 22 },	  { "SeChangeNotifyPrivilege", 23 },
	{ "SeRemoteShutdownPrivilege", 24 },	  { "SeUndockPrivilege", 25 },
	{ "SeManageVolumePrivilege", 28 },	  { "SeImpersonatePrivilege", 29 },
	{ "SeCreateGlobalPrivilege", 30 },	  { "SeIncreaseWorkingSetPrivilege", 33 },
	{ "SeTimeZonePrivilege", 34 },		  { "SeCreateSymbolicLinkPrivilege", 35 },
};

/* What a standard user's token holds: bit n = LUID n held / enabled. */
#define HELD_DEFAULT    ((1ULL << 23) | (1ULL << 19) | (1ULL << 25) | (1ULL << 33) | (1ULL << 34))
#define ENABLED_DEFAULT (1ULL << 23)

static struct token {
	HANDLE handle;
	ULONGLONG held, enabled;
} tokens[MAX_TOKENS];
static SRWLOCK tokens_lock = SRWLOCK_INIT;

/* The token record of handle h (lock held), or NULL. */
static struct token *find(HANDLE h)
{
	for (int i = 0; i < MAX_TOKENS; i++)
		if (tokens[i].handle && tokens[i].handle == h)
			return &tokens[i];
	return NULL;
}

/* OpenProcessToken: a token handle for ProcessHandle (this process only). */
BOOL WINAPI OpenProcessToken(HANDLE ProcessHandle, DWORD DesiredAccess, PHANDLE TokenHandle)
{
	(void)DesiredAccess;
	if (!TokenHandle) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	if (ProcessHandle != GetCurrentProcess() && GetProcessId(ProcessHandle) != GetCurrentProcessId()) {
		SetLastError(ERROR_ACCESS_DENIED);
		return FALSE;
	}
	HANDLE h;
	if (!DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(), &h, 0, FALSE,
			     DUPLICATE_SAME_ACCESS))
		return FALSE;
	AcquireSRWLockExclusive(&tokens_lock);
	struct token *t = find(h);	/* a closed token's handle value came back */
	for (int i = 0; !t && i < MAX_TOKENS; i++)
		if (!tokens[i].handle || GetProcessId(tokens[i].handle) != GetCurrentProcessId())
			t = &tokens[i];	/* free, or its handle was closed */
	if (t) {
		t->handle = h;
		t->held = HELD_DEFAULT;
		t->enabled = ENABLED_DEFAULT;
	}
	ReleaseSRWLockExclusive(&tokens_lock);
	if (!t) {
		CloseHandle(h);
		SetLastError(ERROR_NO_SYSTEM_RESOURCES);
		return FALSE;
	}
	*TokenHandle = h;
	return TRUE;
}

/* ASCII case-insensitive equality. */
static BOOL same_name(const char *a, const char *b)
{
	for (;; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? *a + 32 : *a, y = *b >= 'A' && *b <= 'Z' ? *b + 32 : *b;
		if (x != y)
			return FALSE;
		if (!x)
			return TRUE;
	}
}

/* The LUID of privilege name (case-insensitive); FALSE with ERROR_NO_SUCH_PRIVILEGE. */
static BOOL lookup(const char *name, PLUID luid)
{
	for (unsigned i = 0; i < sizeof privileges / sizeof privileges[0]; i++)
		if (same_name(name, privileges[i].name)) {
			luid->LowPart = privileges[i].luid;
			luid->HighPart = 0;
			return TRUE;
		}
	SetLastError(ERROR_NO_SUCH_PRIVILEGE);
	return FALSE;
}

/* LookupPrivilegeValueA: the LUID of a privilege on the local system (lpSystemName NULL or empty). */
BOOL WINAPI LookupPrivilegeValueA(LPCSTR lpSystemName, LPCSTR lpName, PLUID lpLuid)
{
	if (lpSystemName && *lpSystemName) {
		SetLastError(RPC_S_SERVER_UNAVAILABLE);
		return FALSE;
	}
	return lookup(lpName, lpLuid);
}

/* LookupPrivilegeValueW: the same for a wide name. */
BOOL WINAPI LookupPrivilegeValueW(LPCWSTR lpSystemName, LPCWSTR lpName, PLUID lpLuid)
{
	char name[64];
	int i = 0;
	for (; lpName[i] && i < 63; i++)
		name[i] = lpName[i] < 128 ? (char)lpName[i] : '?';
	name[i] = '\0';
	if (lpSystemName && *lpSystemName) {
		SetLastError(RPC_S_SERVER_UNAVAILABLE);
		return FALSE;
	}
	return lookup(name, lpLuid);
}

/*
 * AdjustTokenPrivileges: enables/disables the listed privileges the token
 * holds (or disables all); the previous state into PreviousState.  TRUE
 * with ERROR_NOT_ALL_ASSIGNED when some privilege is not held, else TRUE
 * with ERROR_SUCCESS.
 */
BOOL WINAPI AdjustTokenPrivileges(HANDLE TokenHandle, BOOL DisableAllPrivileges, PTOKEN_PRIVILEGES NewState,
				  DWORD BufferLength, PTOKEN_PRIVILEGES PreviousState, PDWORD ReturnLength)
{
	AcquireSRWLockExclusive(&tokens_lock);
	struct token *t = find(TokenHandle);
	if (!t || (!DisableAllPrivileges && !NewState)) {
		ReleaseSRWLockExclusive(&tokens_lock);
		SetLastError(t ? ERROR_INVALID_PARAMETER : ERROR_INVALID_HANDLE);
		return FALSE;
	}
	ULONGLONG before = t->enabled;
	DWORD count = DisableAllPrivileges ? 0 : NewState->PrivilegeCount;
	DWORD need = sizeof(DWORD) + count * sizeof(LUID_AND_ATTRIBUTES);
	if (PreviousState && BufferLength < need) {
		ReleaseSRWLockExclusive(&tokens_lock);
		if (ReturnLength)
			*ReturnLength = need;
		SetLastError(ERROR_INSUFFICIENT_BUFFER);
		return FALSE;
	}
	BOOL all = TRUE;
	DWORD changed = 0;
	if (DisableAllPrivileges) {
		t->enabled = 0;
	} else {
		for (DWORD i = 0; i < count; i++) {
			LUID l = NewState->Privileges[i].Luid;
			ULONGLONG bit = (l.HighPart == 0 && l.LowPart < 64) ? 1ULL << l.LowPart : 0;
			if (!(t->held & bit)) {
				all = FALSE;
				continue;
			}
			if (PreviousState && ((before & bit) != 0) != ((NewState->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED) != 0)) {
				PreviousState->Privileges[changed].Luid = l;
				PreviousState->Privileges[changed].Attributes = (before & bit) ? SE_PRIVILEGE_ENABLED : 0;
				changed++;
			}
			if (NewState->Privileges[i].Attributes & SE_PRIVILEGE_ENABLED)
				t->enabled |= bit;
			else
				t->enabled &= ~bit;
		}
	}
	ReleaseSRWLockExclusive(&tokens_lock);
	if (PreviousState)
		PreviousState->PrivilegeCount = changed;
	if (ReturnLength)
		*ReturnLength = sizeof(DWORD) + changed * sizeof(LUID_AND_ATTRIBUTES);
	SetLastError(all ? ERROR_SUCCESS : ERROR_NOT_ALL_ASSIGNED);
	return TRUE;
}

/* RtlGenRandom (exported as SystemFunction036): len random bytes from bcrypt's generator. */
BOOLEAN WINAPI SystemFunction036(PVOID RandomBuffer, ULONG RandomBufferLength)
{
	typedef LONG(WINAPI * gen_fn)(PVOID, PUCHAR, ULONG, ULONG);
	static gen_fn gen;
	if (!gen) {
		HMODULE m = LoadLibraryA("bcrypt.dll");
		gen = m ? (gen_fn)(void (*)(void))GetProcAddress(m, "BCryptGenRandom") : NULL;
		if (!gen)
			return FALSE;
	}
	return gen(NULL, RandomBuffer, RandomBufferLength, 2 /* BCRYPT_USE_SYSTEM_PREFERRED_RNG */) >= 0;
}
