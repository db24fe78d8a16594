/*
 * libc/msvcrt/time.c - time, clock, the broken-down conversions and
 * strftime.  There are no time zones yet: local time is UTC (_timezone 0,
 * _daylight 0, _tzname "UTC").  time_t is 64 bits (msvcrt.def exports the
 * plain names time, gmtime, mktime... as the _time64 forms); dates run from 1970 to 3000 as in msvcrt (negative times
 * are refused).  clock() counts milliseconds since the runtime started.
 */
#include <errno.h>
#include <string.h>
#include <sys/timeb.h>
#include <time.h>

#include "thread.h"

#define EPOCH_FILETIME 116444736000000000ull	/* 1970-01-01 in 100 ns units since 1601 */
#define MAX_TIME64 32535215999ll		/* 3000-12-31 23:59:59 */
#define MAX_TIME32 0x7fffffffll

long crt_timezone;		/* _timezone: seconds west of UTC */
int crt_daylight;		/* _daylight */
long crt_dstbias;		/* _dstbias */
static char tz_std[] = "UTC", tz_dst[] = "UTC";
char *crt_tzname[2] = { tz_std, tz_dst };	/* _tzname */
static LARGE_INTEGER clock_start, clock_freq;

/* Notes the start for clock(); called once from the DLL entry point. */
void crt_time_init(void)
{
	QueryPerformanceFrequency(&clock_freq);
	QueryPerformanceCounter(&clock_start);
}

/* Seconds since 1970 (and the milliseconds part in *ms when not NULL). */
static __time64_t now(unsigned short *ms)
{
	FILETIME ft;
	GetSystemTimeAsFileTime(&ft);
	unsigned long long t = ((unsigned long long)ft.dwHighDateTime << 32 | ft.dwLowDateTime) - EPOCH_FILETIME;
	if (ms)
		*ms = (unsigned short)(t / 10000 % 1000);
	return (__time64_t)(t / 10000000);
}

/* The current time in seconds since 1970, also stored in *t when not NULL. */
__time64_t __cdecl _time64(__time64_t *t)
{
	__time64_t v = now(NULL);
	if (t)
		*t = v;
	return v;
}

/* _time64 as a 32-bit value. */
__time32_t __cdecl _time32(__time32_t *t)
{
	__time32_t v = (__time32_t)now(NULL);
	if (t)
		*t = v;
	return v;
}

/* The time since 1970 with milliseconds; zone 0, no daylight saving. */
void __cdecl _ftime64(struct __timeb64 *tb)
{
	tb->time = now(&tb->millitm);
	tb->timezone = 0;
	tb->dstflag = 0;
}

/* _ftime64 with a 32-bit time. */
void __cdecl _ftime32(struct __timeb32 *tb)
{
	tb->time = (__time32_t)now(&tb->millitm);
	tb->timezone = 0;
	tb->dstflag = 0;
}

/* Milliseconds (CLOCKS_PER_SEC) since the runtime started. */
clock_t __cdecl clock(void)
{
	LARGE_INTEGER c;
	QueryPerformanceCounter(&c);
	if (clock_freq.QuadPart <= 0)
		return -1;
	unsigned long long d = (unsigned long long)(c.QuadPart - clock_start.QuadPart);
	return (clock_t)(d / (unsigned long long)clock_freq.QuadPart * 1000 +
			 d % (unsigned long long)clock_freq.QuadPart * 1000 / (unsigned long long)clock_freq.QuadPart);
}

double __cdecl _difftime64(__time64_t a, __time64_t b) { return (double)(a - b); }
double __cdecl _difftime32(__time32_t a, __time32_t b) { return (double)a - (double)b; }

/* Days since 1970-01-01 of civil date y-m-d (m 1..12; any y). */
static long long days_from_civil(long long y, int m, int d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int is_leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Fills tm from t (0 <= t); tm_isdst 0. */
static void to_tm(__time64_t t, struct tm *tm)
{
	static const short before[2][13] = {
		{ 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365 },
		{ 0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366 },
	};
	long long days = t / 86400, secs = t % 86400;
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_sec = (int)(secs % 60);
	tm->tm_wday = (int)((days + 4) % 7);	/* 1970-01-01 was a Thursday */
	long long y = 1970;
	for (;;) {
		int len = is_leap(y) ? 366 : 365;
		if (days < len)
			break;
		days -= len;
		y++;
	}
	int leap = is_leap(y), m = 0;
	while (days >= before[leap][m + 1])
		m++;
	tm->tm_year = (int)(y - 1900);
	tm->tm_mon = m;
	tm->tm_mday = (int)(days - before[leap][m] + 1);
	tm->tm_yday = (int)days;
	tm->tm_isdst = 0;
}

/* The broken-down UTC time of *t in the calling thread's buffer; NULL (EINVAL) outside 1970..3000. */
struct tm *__cdecl _gmtime64(const __time64_t *t)
{
	if (!t || *t < 0 || *t > MAX_TIME64) {
		errno = EINVAL;
		return NULL;
	}
	struct tm *tm = &crt_thread()->tm;
	to_tm(*t, tm);
	return tm;
}

/* _gmtime64 of a 32-bit time. */
struct tm *__cdecl _gmtime32(const __time32_t *t)
{
	if (!t) {
		errno = EINVAL;
		return NULL;
	}
	__time64_t v = *t;
	return _gmtime64(&v);
}

struct tm *__cdecl _localtime64(const __time64_t *t) { return _gmtime64(t); }
struct tm *__cdecl _localtime32(const __time32_t *t) { return _gmtime32(t); }

/* Normalises *tm (fields may be out of range), fills tm_wday/tm_yday, returns its time since
 * 1970 (UTC), or -1 when outside 1970..max. */
static __time64_t from_tm(struct tm *tm, __time64_t max)
{
	long long mon = tm->tm_mon, year = (long long)tm->tm_year + 1900 + mon / 12;
	mon %= 12;
	if (mon < 0) {
		mon += 12;
		year--;
	}
	long long t = days_from_civil(year, (int)mon + 1, 1) * 86400 + ((long long)tm->tm_mday - 1) * 86400 +
		      (long long)tm->tm_hour * 3600 + (long long)tm->tm_min * 60 + tm->tm_sec;
	if (t < 0 || t > max)
		return -1;
	to_tm(t, tm);
	return t;
}

__time64_t __cdecl _mktime64(struct tm *tm) { return from_tm(tm, MAX_TIME64); }
__time32_t __cdecl _mktime32(struct tm *tm) { return (__time32_t)from_tm(tm, MAX_TIME32); }
__time64_t __cdecl _mkgmtime64(struct tm *tm) { return from_tm(tm, MAX_TIME64); }
__time32_t __cdecl _mkgmtime32(struct tm *tm) { return (__time32_t)from_tm(tm, MAX_TIME32); }

static const char *const day_names[7] = { "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday" };
static const char *const month_names[12] = { "January", "February", "March", "April", "May", "June", "July",
					     "August", "September", "October", "November", "December" };

/* "Wed Jan 02 02:03:55 1980\n" in the calling thread's buffer (msvcrt pads the day with 0). */
char *__cdecl asctime(const struct tm *tm)
{
	char *buf = crt_thread()->time_text;
	if (!tm || tm->tm_wday < 0 || tm->tm_wday > 6 || tm->tm_mon < 0 || tm->tm_mon > 11) {
		errno = EINVAL;
		return NULL;
	}
	_snprintf(buf, 26, "%.3s %.3s %02d %02d:%02d:%02d %4d\n", day_names[tm->tm_wday], month_names[tm->tm_mon],
		  tm->tm_mday, tm->tm_hour, tm->tm_min, tm->tm_sec, tm->tm_year + 1900);
	return buf;
}

char *__cdecl _ctime64(const __time64_t *t) { struct tm *tm = _localtime64(t); return tm ? asctime(tm) : NULL; }
char *__cdecl _ctime32(const __time32_t *t) { struct tm *tm = _localtime32(t); return tm ? asctime(tm) : NULL; }

/* Time-zone set-up: nothing to read, the zone is UTC. */
void __cdecl _tzset(void)
{
}

long *__cdecl __timezone(void) { return &crt_timezone; }
int *__cdecl __daylight(void) { return &crt_daylight; }
long *__cdecl __dstbias(void) { return &crt_dstbias; }
char **__cdecl __tzname(void) { return crt_tzname; }

/* strftime's output buffer. */
struct out {
	char *p;
	size_t left;
	int full;
};

/* Appends s. */
static void put(struct out *o, const char *s)
{
	for (; *s; s++) {
		if (o->left <= 1) {
			o->full = 1;
			return;
		}
		*o->p++ = *s;
		o->left--;
	}
}

/* Appends v in decimal with at least width digits (zero padded unless nopad). */
static void put_num(struct out *o, long long v, int width, int nopad)
{
	char buf[24];
	if (nopad)
		_snprintf(buf, sizeof(buf), "%lld", v);
	else
		_snprintf(buf, sizeof(buf), "%0*lld", width, v);
	put(o, buf);
}

/* The week of the year, weeks starting on first_day (0 Sunday, 1 Monday), as %U and %W. */
static int week_number(const struct tm *tm, int first_day)
{
	int wday = (tm->tm_wday - first_day + 7) % 7;
	return (tm->tm_yday - wday + 7) / 7;
}

/* Formats tm by fmt in the "C" locale into at most max bytes with the NUL; the length, or 0 when it
 * does not fit (or for an unknown conversion, as msvcrt).  '#' after '%' removes leading zeros
 * (%#d) or gives the long form (%#c, %#x), as in msvcrt. */
size_t __cdecl strftime(char *s, size_t max, const char *fmt, const struct tm *tm)
{
	struct out o = { s, max, 0 };
	if (!max)
		return 0;
	for (; *fmt && !o.full; fmt++) {
		if (*fmt != '%') {
			char c[2] = { *fmt, 0 };
			put(&o, c);
			continue;
		}
		int alt = 0;
		if (*++fmt == '#') {
			alt = 1;
			fmt++;
		}
		char buf[64];
		switch (*fmt) {
		case 'a': _snprintf(buf, sizeof(buf), "%.3s", day_names[tm->tm_wday % 7]); put(&o, buf); break;
		case 'A': put(&o, day_names[tm->tm_wday % 7]); break;
		case 'b': case 'h': _snprintf(buf, sizeof(buf), "%.3s", month_names[tm->tm_mon % 12]); put(&o, buf); break;
		case 'B': put(&o, month_names[tm->tm_mon % 12]); break;
		case 'c':
			if (alt) {
				_snprintf(buf, sizeof(buf), "%s, %s %02d, %d %02d:%02d:%02d", day_names[tm->tm_wday % 7],
					  month_names[tm->tm_mon % 12], tm->tm_mday, tm->tm_year + 1900, tm->tm_hour,
					  tm->tm_min, tm->tm_sec);
			} else {
				_snprintf(buf, sizeof(buf), "%02d/%02d/%02d %02d:%02d:%02d", tm->tm_mon + 1, tm->tm_mday,
					  tm->tm_year % 100, tm->tm_hour, tm->tm_min, tm->tm_sec);
			}
			put(&o, buf);
			break;
		case 'C': put_num(&o, (tm->tm_year + 1900) / 100, 2, alt); break;
		case 'd': put_num(&o, tm->tm_mday, 2, alt); break;
		case 'D': _snprintf(buf, sizeof(buf), "%02d/%02d/%02d", tm->tm_mon + 1, tm->tm_mday, tm->tm_year % 100); put(&o, buf); break;
		case 'e': _snprintf(buf, sizeof(buf), "%2d", tm->tm_mday); put(&o, buf); break;
		case 'F': _snprintf(buf, sizeof(buf), "%d-%02d-%02d", tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday); put(&o, buf); break;
		case 'H': put_num(&o, tm->tm_hour, 2, alt); break;
		case 'I': put_num(&o, tm->tm_hour % 12 ? tm->tm_hour % 12 : 12, 2, alt); break;
		case 'j': put_num(&o, tm->tm_yday + 1, 3, alt); break;
		case 'm': put_num(&o, tm->tm_mon + 1, 2, alt); break;
		case 'M': put_num(&o, tm->tm_min, 2, alt); break;
		case 'n': put(&o, "\n"); break;
		case 'p': put(&o, tm->tm_hour < 12 ? "AM" : "PM"); break;
		case 'R': _snprintf(buf, sizeof(buf), "%02d:%02d", tm->tm_hour, tm->tm_min); put(&o, buf); break;
		case 'S': put_num(&o, tm->tm_sec, 2, alt); break;
		case 't': put(&o, "\t"); break;
		case 'T': case 'X': _snprintf(buf, sizeof(buf), "%02d:%02d:%02d", tm->tm_hour, tm->tm_min, tm->tm_sec); put(&o, buf); break;
		case 'u': put_num(&o, tm->tm_wday ? tm->tm_wday : 7, 1, 1); break;
		case 'U': put_num(&o, week_number(tm, 0), 2, alt); break;
		case 'w': put_num(&o, tm->tm_wday, 1, 1); break;
		case 'W': put_num(&o, week_number(tm, 1), 2, alt); break;
		case 'x':
			if (alt)
				_snprintf(buf, sizeof(buf), "%s, %s %02d, %d", day_names[tm->tm_wday % 7],
					  month_names[tm->tm_mon % 12], tm->tm_mday, tm->tm_year + 1900);
			else
				_snprintf(buf, sizeof(buf), "%02d/%02d/%02d", tm->tm_mon + 1, tm->tm_mday, tm->tm_year % 100);
			put(&o, buf);
			break;
		case 'y': put_num(&o, tm->tm_year % 100, 2, alt); break;
		case 'Y': put_num(&o, tm->tm_year + 1900, 1, 1); break;
		case 'z': case 'Z': put(&o, crt_tzname[0]); break;
		case '%': put(&o, "%"); break;
		default:
			errno = EINVAL;
			s[0] = 0;
			return 0;
		}
	}
	if (o.full) {
		s[0] = 0;
		return 0;
	}
	*o.p = 0;
	return (size_t)(o.p - s);
}

/* "MM/DD/YY" into buf (9 bytes). */
char *__cdecl _strdate(char *buf)
{
	struct tm tm;
	to_tm(now(NULL), &tm);
	_snprintf(buf, 9, "%02d/%02d/%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_year % 100);
	buf[8] = 0;
	return buf;
}

/* "HH:MM:SS" into buf (9 bytes). */
char *__cdecl _strtime(char *buf)
{
	struct tm tm;
	to_tm(now(NULL), &tm);
	_snprintf(buf, 9, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
	buf[8] = 0;
	return buf;
}
