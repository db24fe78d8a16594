/*
 * kernel/fs/fat_name.c - names: case folding (simple upper case of ASCII,
 * Latin-1, Latin Extended-A, basic Greek and Cyrillic), validity, patterns,
 * short names, 8.3 aliases (fatgen103's "basis-name generation algorithm")
 * and the short-name checksum.
 */
#include "fat.h"

uint16_t fat_upcase(uint16_t c)
{
	if (c >= 'a' && c <= 'z')
		return (uint16_t)(c - 32);
	if (c < 0xe0)
		return c;
	if (c <= 0xfe)
		return c == 0xf7 ? c : (uint16_t)(c - 32);
	if (c == 0xff)
		return 0x178;
	if (c >= 0x100 && c <= 0x17f) {
		/* pairs (even upper, odd lower), except the odd-upper runs 0x139-0x148 and 0x179-0x17e */
		bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e);
		if (c == 0x131 || c == 0x138 || c == 0x149 || c == 0x17f)
			return c;
		if (odd_upper)
			return (c & 1) ? c : (uint16_t)(c - 1);
		return (c & 1) ? (uint16_t)(c - 1) : c;
	}
	if ((c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2) || (c >= 0x430 && c <= 0x44f))
		return (uint16_t)(c - 32);
	if (c >= 0x450 && c <= 0x45f)
		return (uint16_t)(c - 80);
	return c;
}

bool fat_name_eq(const uint16_t *a, uint32_t alen, const uint16_t *b, uint32_t blen)
{
	if (alen != blen)
		return false;
	for (uint32_t i = 0; i < alen; i++)
		if (fat_upcase(a[i]) != fat_upcase(b[i]))
			return false;
	return true;
}

static bool bad_char(uint16_t c)
{
	return c < 0x20 || c == '"' || c == '*' || c == '/' || c == ':' || c == '<' || c == '>' || c == '?' ||
	       c == '\\' || c == '|';
}

bool fat_name_valid(const uint16_t *n, uint32_t len)
{
	if (len == 0 || len > FAT_NAME_MAX)
		return false;
	if ((len == 1 && n[0] == '.') || (len == 2 && n[0] == '.' && n[1] == '.'))
		return false;
	if (n[len - 1] == '.' || n[len - 1] == ' ')
		return false;
	for (uint32_t i = 0; i < len; i++)
		if (bad_char(n[i]))
			return false;
	return true;
}

bool fat_pattern_match(const uint16_t *pat, uint32_t plen, const uint16_t *name, uint32_t nlen)
{
	/* Iterative wildcard match with one backtrack point (the last '*'). */
	uint32_t p = 0, s = 0, star = UINT32_MAX, mark = 0;
	while (s < nlen) {
		if (p < plen && (pat[p] == '?' || fat_upcase(pat[p]) == fat_upcase(name[s]))) {
			p++;
			s++;
		} else if (p < plen && pat[p] == '*') {
			star = p++;
			mark = s;
		} else if (star != UINT32_MAX) {
			p = star + 1;
			s = ++mark;
		} else
			return false;
	}
	while (p < plen && pat[p] == '*')
		p++;
	return p == plen;
}

/* A character allowed in a short name as it is (after upper-casing). */
static bool sfn_char(uint16_t c)
{
	if (c >= 'A' && c <= 'Z')
		return true;
	if (c >= '0' && c <= '9')
		return true;
	return c >= 0x20 && c < 0x7f && !bad_char(c) && c != ' ' && c != '.' && c != '+' && c != ',' && c != ';' &&
	       c != '=' && c != '[' && c != ']';
}

bool fat_name_is_short(const uint16_t *n, uint32_t len, uint8_t sfn[11], uint8_t *nt_case)
{
	uint32_t dot = len;
	for (uint32_t i = 0; i < len; i++)
		if (n[i] == '.') {
			if (dot != len)
				return false;	/* two dots */
			dot = i;
		}
	uint32_t blen = dot, elen = dot < len ? len - dot - 1 : 0;
	if (blen < 1 || blen > 8 || elen > 3 || (dot < len && elen == 0))
		return false;
	int lower[2] = { 0, 0 }, upper[2] = { 0, 0 };
	for (int k = 0; k < 11; k++)
		sfn[k] = ' ';
	for (uint32_t i = 0; i < len; i++) {
		if (i == dot)
			continue;
		uint16_t c = n[i];
		int part = i > dot;
		if (c >= 'a' && c <= 'z') {
			lower[part] = 1;
			c = (uint16_t)(c - 32);
		} else if (c >= 'A' && c <= 'Z')
			upper[part] = 1;
		if (!sfn_char(c))
			return false;
		sfn[part ? 8 + (i - dot - 1) : i] = (uint8_t)c;
	}
	if ((lower[0] && upper[0]) || (lower[1] && upper[1]))
		return false;	/* mixed case needs a long name to keep it */
	if (sfn[0] == 0xe5)
		sfn[0] = 0x05;
	*nt_case = (uint8_t)((lower[0] ? 0x08 : 0) | (lower[1] ? 0x10 : 0));
	return true;
}

void fat_alias_basis(const uint16_t *n, uint32_t len, uint8_t sfn[11], uint32_t *baselen)
{
	for (int k = 0; k < 11; k++)
		sfn[k] = ' ';
	uint32_t last_dot = len;
	for (uint32_t i = 0; i < len; i++)
		if (n[i] == '.')
			last_dot = i;
	uint32_t start = 0;
	while (start < len && (n[start] == '.' || n[start] == ' '))
		start++;	/* leading dots and spaces go */
	if (last_dot < start)
		last_dot = len;
	uint32_t b = 0;
	for (uint32_t i = start; i < last_dot && b < 8; i++) {
		uint16_t c = fat_upcase(n[i]);
		if (c == ' ' || c == '.')
			continue;
		sfn[b++] = (uint8_t)(sfn_char(c) ? c : '_');
	}
	if (b == 0)
		sfn[b++] = '_';
	uint32_t e = 0;
	for (uint32_t i = last_dot + 1; i < len && e < 3; i++) {
		uint16_t c = fat_upcase(n[i]);
		if (c == ' ')
			continue;
		sfn[8 + e++] = (uint8_t)(sfn_char(c) ? c : '_');
	}
	*baselen = b;
}

void fat_alias_number(uint8_t sfn[11], uint32_t baselen, uint32_t n)
{
	char digits[8];
	int nd = 0;
	for (uint32_t x = n; x; x /= 10)
		digits[nd++] = (char)('0' + x % 10);
	uint32_t keep = baselen;
	if (keep + 1 + (uint32_t)nd > 8)
		keep = 8 - 1 - (uint32_t)nd;
	uint32_t k = keep;
	sfn[k++] = '~';
	while (nd)
		sfn[k++] = (uint8_t)digits[--nd];
	while (k < 8)
		sfn[k++] = ' ';
}

uint8_t fat_sfn_checksum(const uint8_t sfn[11])
{
	uint8_t sum = 0;
	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + sfn[i]);
	return sum;
}

uint32_t fat_sfn_to_name(const uint8_t sfn[11], uint8_t nt_case, uint16_t *out)
{
	uint32_t n = 0;
	int b = 8, e = 3;
	while (b > 0 && sfn[b - 1] == ' ')
		b--;
	while (e > 0 && sfn[8 + e - 1] == ' ')
		e--;
	for (int i = 0; i < b; i++) {
		uint16_t c = (i == 0 && sfn[0] == 0x05) ? 0xe5 : sfn[i];
		out[n++] = (nt_case & 0x08) && c >= 'A' && c <= 'Z' ? (uint16_t)(c + 32) : c;
	}
	if (e) {
		out[n++] = '.';
		for (int i = 0; i < e; i++) {
			uint16_t c = sfn[8 + i];
			out[n++] = (nt_case & 0x10) && c >= 'A' && c <= 'Z' ? (uint16_t)(c + 32) : c;
		}
	}
	return n;
}
