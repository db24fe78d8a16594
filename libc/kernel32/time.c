/*
 * libc/kernel32/time.c - FILETIME <-> SYSTEMTIME (the proleptic Gregorian
 * calendar from 1601-01-01, UTC), GetSystemTime, CompareFileTime, local time
 * (the only time zone is UTC: local time is UTC), and the clock settings
 * (there is no settable clock: SetSystemTime fails with
 * ERROR_PRIVILEGE_NOT_HELD as for a user without SE_SYSTEMTIME_NAME).
 */
#include "k32_thread.h"

#define TICKS_PER_MS 10000ULL
#define MS_PER_DAY 86400000ULL
#define MAX_FILETIME 0x7FFFFFFFFFFFFFFFULL	/* FileTimeToSystemTime refuses values with the top bit set */

static BOOL leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(unsigned y, unsigned m)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return days[m - 1] + (m == 2 && leap(y));
}

/* FileTimeToSystemTime: ERROR_INVALID_PARAMETER for values >= 0x8000000000000000. */
BOOL WINAPI FileTimeToSystemTime(const FILETIME *lpFileTime, LPSYSTEMTIME lpSystemTime)
{
	if (!lpFileTime || !lpSystemTime) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	ULONGLONG t = ((ULONGLONG)lpFileTime->dwHighDateTime << 32) | lpFileTime->dwLowDateTime;
	if (t > MAX_FILETIME) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	ULONGLONG ms = t / TICKS_PER_MS, days = ms / MS_PER_DAY, rest = ms % MS_PER_DAY;
	lpSystemTime->wDayOfWeek = (WORD)((days + 1) % 7);	/* 1601-01-01 was a Monday */
	unsigned y = 1601;
	/* 400-year cycles of 146097 days, then years one by one. */
	y += (unsigned)(days / 146097) * 400;
	days %= 146097;
	while (days >= (ULONGLONG)(365 + leap(y))) {
		days -= 365 + leap(y);
		y++;
	}
	unsigned m = 1;
	while (days >= month_days(y, m)) {
		days -= month_days(y, m);
		m++;
	}
	lpSystemTime->wYear = (WORD)y;
	lpSystemTime->wMonth = (WORD)m;
	lpSystemTime->wDay = (WORD)(days + 1);
	lpSystemTime->wHour = (WORD)(rest / 3600000);
	lpSystemTime->wMinute = (WORD)(rest / 60000 % 60);
	lpSystemTime->wSecond = (WORD)(rest / 1000 % 60);
	lpSystemTime->wMilliseconds = (WORD)(rest % 1000);
	return TRUE;
}

/* SystemTimeToFileTime: ERROR_INVALID_PARAMETER for a field out of range (wDayOfWeek is ignored). */
BOOL WINAPI SystemTimeToFileTime(const SYSTEMTIME *lpSystemTime, LPFILETIME lpFileTime)
{
	if (!lpSystemTime || !lpFileTime) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	const SYSTEMTIME *s = lpSystemTime;
	if (s->wYear < 1601 || s->wYear > 30827 || s->wMonth < 1 || s->wMonth > 12 || s->wDay < 1 ||
	    s->wDay > month_days(s->wYear, s->wMonth) || s->wHour > 23 || s->wMinute > 59 || s->wSecond > 59 ||
	    s->wMilliseconds > 999) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	ULONGLONG days = 0;
	for (unsigned y = 1601; y < s->wYear; y++)
		days += 365 + leap(y);
	for (unsigned m = 1; m < s->wMonth; m++)
		days += month_days(s->wYear, m);
	days += s->wDay - 1;
	ULONGLONG ms = days * MS_PER_DAY + s->wHour * 3600000ULL + s->wMinute * 60000ULL + s->wSecond * 1000ULL +
		       s->wMilliseconds;
	ULONGLONG t = ms * TICKS_PER_MS;
	lpFileTime->dwLowDateTime = (DWORD)t;
	lpFileTime->dwHighDateTime = (DWORD)(t >> 32);
	return TRUE;
}

/* GetSystemTime: the system clock (UTC) as SYSTEMTIME. */
VOID WINAPI GetSystemTime(LPSYSTEMTIME lpSystemTime)
{
	FILETIME ft;
	GetSystemTimeAsFileTime(&ft);
	FileTimeToSystemTime(&ft, lpSystemTime);
}

/* SetSystemTime: the clock cannot be set: ERROR_PRIVILEGE_NOT_HELD. */
BOOL WINAPI SetSystemTime(const SYSTEMTIME *lpSystemTime)
{
	(void)lpSystemTime;
	SetLastError(ERROR_PRIVILEGE_NOT_HELD);
	return FALSE;
}

/* GetSystemTimeAdjustment: no adjustment; the clock advances 1 ms (10000 units) per 1 ms tick. */
BOOL WINAPI GetSystemTimeAdjustment(PDWORD lpTimeAdjustment, PDWORD lpTimeIncrement, PBOOL lpTimeAdjustmentDisabled)
{
	if (!lpTimeAdjustment || !lpTimeIncrement || !lpTimeAdjustmentDisabled) {
		SetLastError(ERROR_NOACCESS);
		return FALSE;
	}
	*lpTimeAdjustment = (DWORD)TICKS_PER_MS;
	*lpTimeIncrement = (DWORD)TICKS_PER_MS;
	*lpTimeAdjustmentDisabled = TRUE;
	return TRUE;
}

/* CompareFileTime: -1, 0 or 1 as *lpFileTime1 is before, at or after *lpFileTime2. */
LONG WINAPI CompareFileTime(const FILETIME *lpFileTime1, const FILETIME *lpFileTime2)
{
	ULONGLONG a = (ULONGLONG)lpFileTime1->dwHighDateTime << 32 | lpFileTime1->dwLowDateTime;
	ULONGLONG b = (ULONGLONG)lpFileTime2->dwHighDateTime << 32 | lpFileTime2->dwLowDateTime;
	return a < b ? -1 : a > b;
}

/*
 * FileTimeToLocalFileTime / LocalFileTimeToFileTime: UTC <-> local time.  The
 * system has no time zone but UTC (bias 0, no daylight saving), so both copy.
 */
BOOL WINAPI FileTimeToLocalFileTime(const FILETIME *lpFileTime, LPFILETIME lpLocalFileTime)
{
	*lpLocalFileTime = *lpFileTime;
	return TRUE;
}

BOOL WINAPI LocalFileTimeToFileTime(const FILETIME *lpLocalFileTime, LPFILETIME lpFileTime)
{
	*lpFileTime = *lpLocalFileTime;
	return TRUE;
}

/* GetLocalTime: the current local time (UTC here, as above). */
VOID WINAPI GetLocalTime(LPSYSTEMTIME lpSystemTime)
{
	GetSystemTime(lpSystemTime);
}
