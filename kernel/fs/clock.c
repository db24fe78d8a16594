/*
 * kernel/fs/clock.c - wall-clock time for file times: the CMOS RTC read once
 * at boot (UTC, as QEMU's -rtc base=utc default gives it) plus the TSC clock
 * since; FILETIME <-> FAT's DOS date and time.
 */
#include "fat.h"
#include "kernel/cpu.h"
#include "kernel/time.h"

#define FT_PER_SEC   10000000LL
#define FT_UNIX_DIFF 11644473600LL	/* seconds from 1601-01-01 to 1970-01-01 */

static int64_t boot_ft;
static uint64_t boot_ms;

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The date of a day number (inverse of days_from_civil). */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int64_t clock_civil_to_ft(int year, int month, int day, int hour, int min, int sec)
{
	int64_t s = days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 + hour * 3600 + min * 60 + sec;
	return (s + FT_UNIX_DIFF) * FT_PER_SEC;
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static unsigned bcd(uint8_t v, bool binary)
{
	return binary ? v : (v >> 4) * 10 + (v & 15);
}

void clock_init(void)
{
	uint8_t r[7], again[7];
	static const uint8_t regs[7] = { 0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32 };
	for (int tries = 0; tries < 100; tries++) {
		while (cmos(0x0a) & 0x80)
			pause();	/* an update is in progress */
		for (int i = 0; i < 7; i++)
			r[i] = cmos(regs[i]);
		for (int i = 0; i < 7; i++)
			again[i] = cmos(regs[i]);
		bool same = true;
		for (int i = 0; i < 7; i++)
			same &= r[i] == again[i];
		if (same)
			break;
	}
	uint8_t b = cmos(0x0b);
	bool binary = b & 4;
	unsigned hour = bcd(r[2] & 0x7f, binary);
	if (!(b & 2) && (r[2] & 0x80))
		hour = (hour % 12) + 12;	/* 12-hour mode, PM */
	unsigned century = bcd(r[6], binary);
	int year = (int)((century >= 19 && century <= 30 ? century : 20) * 100 + bcd(r[5], binary));
	unsigned month = bcd(r[4], binary), day = bcd(r[3], binary);
	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23)
		year = 2024, month = 1, day = 1, hour = 0;	/* a nonsense RTC: a fixed date */
	boot_ft = clock_civil_to_ft(year, (int)month, (int)day, (int)hour, (int)bcd(r[1], binary) % 60,
				    (int)bcd(r[0], binary) % 60);
	boot_ms = time_ms();
}

int64_t clock_now(void)
{
	return boot_ft + (int64_t)(time_ms() - boot_ms) * 10000;
}

int64_t fat_time_to_ft(uint16_t date, uint16_t time, uint8_t cs)
{
	if (!date)
		return 0;
	unsigned m = (date >> 5) & 15, d = date & 31;
	if (m < 1 || m > 12)
		m = 1;
	if (d < 1)
		d = 1;
	unsigned hh = time >> 11, mm = (time >> 5) & 63, ss = (time & 31) * 2;
	if (hh > 23)
		hh = 23;
	if (mm > 59)
		mm = 59;
	if (ss > 59)
		ss = 58;
	if (cs > 199)
		cs = 0;
	return clock_civil_to_ft(1980 + (date >> 9), (int)m, (int)d, (int)hh, (int)mm, (int)ss) +
	       (int64_t)cs * 100000;
}

void fat_ft_to_time(int64_t ft, uint16_t *date, uint16_t *time, uint8_t *cs)
{
	int64_t min_ft = clock_civil_to_ft(1980, 1, 1, 0, 0, 0), max_ft = clock_civil_to_ft(2107, 12, 31, 23, 59, 59);
	if (ft < min_ft)
		ft = min_ft;
	if (ft > max_ft)
		ft = max_ft;
	int64_t s = ft / FT_PER_SEC - FT_UNIX_DIFF;
	int64_t days = s / 86400, rem = s % 86400;
	int y;
	unsigned m, d;
	civil_from_days(days, &y, &m, &d);
	*date = (uint16_t)((y - 1980) << 9 | m << 5 | d);
	unsigned sec = (unsigned)(rem % 60);
	*time = (uint16_t)((rem / 3600) << 11 | ((rem / 60) % 60) << 5 | sec / 2);
	if (cs)
		*cs = (uint8_t)((sec & 1) * 100 + (ft % FT_PER_SEC) / 100000);
}
