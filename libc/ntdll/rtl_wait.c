/*
 * libc/ntdll/rtl_wait.c - address waits (WaitOnAddress and
 * WakeByAddressSingle/All of kernel32 are built on these, as on Windows).
 *
 * The kernel keeps the sleepers (kernel/syscall_abi.h 69, 70); here the
 * arguments are checked and a value that already differs returns without a
 * system call.
 */
#include "rtl_sync.h"

/* The Size bytes at a and b are equal (Size 1, 2, 4 or 8). */
static BOOLEAN same(const volatile void *a, const void *b, SIZE_T size)
{
	switch (size) {
	case 1:
		return *(const volatile UCHAR *)a == *(const UCHAR *)b;
	case 2:
		return *(const volatile USHORT *)a == *(const USHORT *)b;
	case 4:
		return *(const volatile ULONG *)a == *(const ULONG *)b;
	default:
		return *(const volatile ULONG64 *)a == *(const ULONG64 *)b;
	}
}

/*
 * RtlWaitOnAddress: sleeps while the AddressSize bytes at Address equal
 * those at CompareAddress, until a wake on Address or Timeout (NULL: none;
 * Windows' 100 ns units).  STATUS_SUCCESS (woken, or the value differed;
 * wake-ups may be spurious), STATUS_TIMEOUT; AddressSize not 1, 2, 4 or 8,
 * or no CompareAddress: STATUS_INVALID_PARAMETER.
 */
NTSTATUS NTAPI RtlWaitOnAddress(const volatile void *Address, const void *CompareAddress, SIZE_T AddressSize,
				const LARGE_INTEGER *Timeout)
{
	if (AddressSize != 1 && AddressSize != 2 && AddressSize != 4 && AddressSize != 8)
		return STATUS_INVALID_PARAMETER;
	if (!CompareAddress)
		return STATUS_INVALID_PARAMETER;
	if (!same(Address, CompareAddress, AddressSize))
		return STATUS_SUCCESS;
	return nt_wait_on_address(Address, CompareAddress, AddressSize, Timeout);
}

/* RtlWakeAddressSingle: wakes one thread sleeping on Address (none: nothing). */
void NTAPI RtlWakeAddressSingle(const void *Address)
{
	nt_wake_address(Address, FALSE);
}

/* RtlWakeAddressAll: wakes every thread sleeping on Address. */
void NTAPI RtlWakeAddressAll(const void *Address)
{
	nt_wake_address(Address, TRUE);
}
