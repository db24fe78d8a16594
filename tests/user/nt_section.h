/*
 * tests/user/nt_section.h - the native section calls the tests use directly
 * (exported by our ntdll; MinGW's winternl.h does not declare them).
 */
#ifndef TESTS_USER_NT_SECTION_H
#define TESTS_USER_NT_SECTION_H

#include <windows.h>
#include <winternl.h>

NTSTATUS NTAPI NtCreateSection(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES, PLARGE_INTEGER, ULONG, ULONG, HANDLE);
NTSTATUS NTAPI NtMapViewOfSection(HANDLE, HANDLE, PVOID *, ULONG_PTR, SIZE_T, PLARGE_INTEGER, PSIZE_T, ULONG, ULONG,
				  ULONG);
NTSTATUS NTAPI NtUnmapViewOfSection(HANDLE, PVOID);
NTSTATUS NTAPI NtQuerySection(HANDLE, ULONG, PVOID, SIZE_T, PSIZE_T);

#endif
