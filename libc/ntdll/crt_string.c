/*
 * libc/ntdll/crt_string.c - the C string and memory functions Windows' ntdll
 * exports too (memcpy, memset, strlen, ...): libc/string.c, shared with the
 * kernel, compiled here for the Microsoft x64 ABI.  The compiler's own calls
 * to memcpy/memset inside ntdll land here as well.
 */
#include "libc/string.c"
