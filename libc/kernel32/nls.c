/*
 * libc/kernel32/nls.c - code pages.  The ANSI code page (CP_ACP, GetACP) is
 * Windows-1252 and the OEM code page (CP_OEMCP) 437, as on an English
 * Windows and under Wine's default locale, so `make compare` sees the same
 * bytes; CP_UTF8 (65001), 20127 (US-ASCII) and 28591 (ISO-8859-1) are also
 * known.  All are single-byte but UTF-8, so there are no DBCS lead bytes.
 * Unmappable UTF-16 becomes the default character ('?') without best-fit
 * mappings (as WC_NO_BEST_FIT_CHARS); invalid UTF-8 becomes U+FFFD.
 */
#include "k32_private.h"

#define ACP 1252
#define OEMCP 437

/* Windows-1252 0x80-0x9F (the five unassigned bytes map to the C1 controls, as Windows does). */
static const WCHAR cp1252_80[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
	0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
	0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* Code page 437 0x80-0xFF. */
static const WCHAR cp437_80[128] = {
	0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7, 0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE,
	0x00EC, 0x00C4, 0x00C5, 0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9, 0x00FF, 0x00D6,
	0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192, 0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA,
	0x00BA, 0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB, 0x2591, 0x2592, 0x2593, 0x2502,
	0x2524, 0x2561, 0x2562, 0x2556, 0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510, 0x2514,
	0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F, 0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550,
	0x256C, 0x2567, 0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B, 0x256A, 0x2518, 0x250C,
	0x2588, 0x2584, 0x258C, 0x2590, 0x2580, 0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4,
	0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229, 0x2261, 0x00B1, 0x2265, 0x2264, 0x2320,
	0x2321, 0x00F7, 0x2248, 0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,
};

UINT WINAPI GetACP(void)
{
	return ACP;
}

/* The code page of the file functions' A forms: CP_ACP unless SetFileApisToOEM (per process). */
static UINT file_cp = CP_ACP;

UINT k32_file_cp(void)
{
	return file_cp;
}

/* AreFileApisANSI: TRUE unless SetFileApisToOEM was called last. */
BOOL WINAPI AreFileApisANSI(void)
{
	return file_cp == CP_ACP;
}

/* SetFileApisToOEM: file names of the A functions go through CP_OEMCP from now on. */
void WINAPI SetFileApisToOEM(void)
{
	file_cp = CP_OEMCP;
}

/* SetFileApisToANSI: back to CP_ACP. */
void WINAPI SetFileApisToANSI(void)
{
	file_cp = CP_ACP;
}

UINT WINAPI GetOEMCP(void)
{
	return OEMCP;
}

/* The real code page for cp (CP_ACP, CP_OEMCP, CP_THREAD_ACP resolved), 0 when unknown. */
static UINT resolve(UINT cp)
{
	switch (cp) {
	case CP_ACP:
	case CP_THREAD_ACP: return ACP;
	case CP_OEMCP: return OEMCP;
	case 1252:
	case 437:
	case CP_UTF8:
	case 20127:
	case 28591: return cp;
	}
	return 0;
}

BOOL WINAPI IsValidCodePage(UINT CodePage)
{
	return CodePage != CP_ACP && CodePage != CP_OEMCP && CodePage != CP_THREAD_ACP && resolve(CodePage) != 0;
}

/* GetCPInfo: MaxCharSize 1 (4 for UTF-8), default char '?', no lead-byte ranges. */
BOOL WINAPI GetCPInfo(UINT CodePage, LPCPINFO lpCPInfo)
{
	UINT cp = resolve(CodePage);
	if (!cp || !lpCPInfo) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return FALSE;
	}
	memset(lpCPInfo, 0, sizeof(*lpCPInfo));
	lpCPInfo->MaxCharSize = cp == CP_UTF8 ? 4 : 1;
	lpCPInfo->DefaultChar[0] = '?';
	return TRUE;
}

/* IsDBCSLeadByteEx: no double-byte code page exists here. */
BOOL WINAPI IsDBCSLeadByteEx(UINT CodePage, BYTE TestChar)
{
	(void)TestChar;
	if (!resolve(CodePage))
		SetLastError(ERROR_INVALID_PARAMETER);
	return FALSE;
}

BOOL WINAPI IsDBCSLeadByte(BYTE TestChar)
{
	(void)TestChar;
	return FALSE;
}

/* One byte of a single-byte code page as UTF-16. */
static WCHAR sb_to_wide(UINT cp, unsigned char c, BOOL *invalid)
{
	if (c < 0x80)
		return c;
	switch (cp) {
	case 1252: return c < 0xA0 ? cp1252_80[c - 0x80] : c;
	case 437: return cp437_80[c - 0x80];
	case 28591: return c;
	}
	*invalid = TRUE;	/* 20127: 7 bits */
	return (WCHAR)(c & 0x7F);
}

/* One UTF-16 unit in a single-byte code page; -1 when it has none. */
static int wide_to_sb(UINT cp, WCHAR w)
{
	if (w < 0x80)
		return w;
	if (cp == 28591)
		return w <= 0xFF ? w : -1;
	if (cp == 1252 && w >= 0xA0 && w <= 0xFF)
		return w;
	const WCHAR *table = cp == 1252 ? cp1252_80 : cp == 437 ? cp437_80 : NULL;
	int n = cp == 1252 ? 32 : 128;
	for (int i = 0; table && i < n; i++)
		if (table[i] == w)
			return 0x80 + i;
	return -1;
}

/* Decodes one UTF-8 sequence at s (n bytes left): the code point and its length; U+FFFD and *bad for invalid. */
static unsigned utf8_decode(const unsigned char *s, int n, int *len, BOOL *bad)
{
	unsigned c = s[0];
	int need;
	unsigned min;
	if (c < 0x80) {
		*len = 1;
		return c;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		need = 1;
		min = 0x80;
		c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		min = 0x800;
		c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		min = 0x10000;
		c &= 0x07;
	} else {
		*len = 1;
		*bad = TRUE;
		return 0xFFFD;
	}
	int i = 1;
	for (; i <= need && i < n && (s[i] & 0xC0) == 0x80; i++)
		c = (c << 6) | (s[i] & 0x3F);
	if (i <= need || c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
		*len = i;	/* the maximal invalid prefix becomes one U+FFFD */
		*bad = TRUE;
		return 0xFFFD;
	}
	*len = need + 1;
	return c;
}

/*
 * MultiByteToWideChar: cbMultiByte -1 converts through the NUL (counted);
 * cchWideChar 0 returns the size needed.  ERROR_INSUFFICIENT_BUFFER when it
 * does not fit, ERROR_NO_UNICODE_TRANSLATION for invalid input with
 * MB_ERR_INVALID_CHARS, ERROR_INVALID_PARAMETER for unknown code pages.
 */
int WINAPI MultiByteToWideChar(UINT CodePage, DWORD dwFlags, LPCCH lpMultiByteStr, int cbMultiByte,
			       LPWSTR lpWideCharStr, int cchWideChar)
{
	UINT cp = resolve(CodePage);
	if (!cp || !lpMultiByteStr || cbMultiByte == 0 || cbMultiByte < -1 || cchWideChar < 0 ||
	    (cchWideChar && !lpWideCharStr) || (cchWideChar && (const void *)lpMultiByteStr == lpWideCharStr)) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return 0;
	}
	if (cp == CP_UTF8 && (dwFlags & ~MB_ERR_INVALID_CHARS)) {
		SetLastError(ERROR_INVALID_FLAGS);
		return 0;
	}
	const unsigned char *s = (const unsigned char *)lpMultiByteStr;
	int n = cbMultiByte == -1 ? (int)strlen(lpMultiByteStr) + 1 : cbMultiByte;
	int out = 0;
	BOOL bad = FALSE;
	for (int i = 0; i < n;) {
		WCHAR units[2];
		int cnt = 1, len = 1;
		if (cp == CP_UTF8) {
			unsigned c = utf8_decode(s + i, n - i, &len, &bad);
			if (c >= 0x10000) {
				units[0] = (WCHAR)(0xD800 + ((c - 0x10000) >> 10));
				units[1] = (WCHAR)(0xDC00 + ((c - 0x10000) & 0x3FF));
				cnt = 2;
			} else {
				units[0] = (WCHAR)c;
			}
		} else {
			units[0] = sb_to_wide(cp, s[i], &bad);
		}
		if (bad && (dwFlags & MB_ERR_INVALID_CHARS)) {
			SetLastError(ERROR_NO_UNICODE_TRANSLATION);
			return 0;
		}
		if (cchWideChar) {
			if (out + cnt > cchWideChar) {
				SetLastError(ERROR_INSUFFICIENT_BUFFER);
				return 0;
			}
			for (int k = 0; k < cnt; k++)
				lpWideCharStr[out + k] = units[k];
		}
		out += cnt;
		i += len;
	}
	return out;
}

/*
 * WideCharToMultiByte: cchWideChar -1 through the NUL; cbMultiByte 0
 * returns the size needed.  Single-byte code pages: unmappable characters
 * become lpDefaultChar (default '?') and set *lpUsedDefaultChar.  UTF-8:
 * those two must be NULL; unpaired surrogates become U+FFFD (or fail with
 * ERROR_NO_UNICODE_TRANSLATION under WC_ERR_INVALID_CHARS).
 */
int WINAPI WideCharToMultiByte(UINT CodePage, DWORD dwFlags, LPCWCH lpWideCharStr, int cchWideChar,
			       LPSTR lpMultiByteStr, int cbMultiByte, LPCCH lpDefaultChar, LPBOOL lpUsedDefaultChar)
{
	UINT cp = resolve(CodePage);
	if (!cp || !lpWideCharStr || cchWideChar == 0 || cchWideChar < -1 || cbMultiByte < 0 ||
	    (cbMultiByte && !lpMultiByteStr) || (cbMultiByte && (const void *)lpWideCharStr == lpMultiByteStr) ||
	    (cp == CP_UTF8 && (lpDefaultChar || lpUsedDefaultChar))) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return 0;
	}
	if (cp == CP_UTF8 && (dwFlags & ~WC_ERR_INVALID_CHARS)) {
		SetLastError(ERROR_INVALID_FLAGS);
		return 0;
	}
	int n = cchWideChar == -1 ? (int)k32_wcslen(lpWideCharStr) + 1 : cchWideChar;
	char def = lpDefaultChar ? *lpDefaultChar : '?';
	BOOL used = FALSE;
	int out = 0;
	for (int i = 0; i < n;) {
		unsigned char bytes[4];
		int cnt = 0;
		unsigned c = lpWideCharStr[i++];
		if (cp == CP_UTF8) {
			if (c >= 0xD800 && c <= 0xDBFF && i < n && lpWideCharStr[i] >= 0xDC00 && lpWideCharStr[i] <= 0xDFFF)
				c = 0x10000 + ((c - 0xD800) << 10) + (lpWideCharStr[i++] - 0xDC00);
			else if (c >= 0xD800 && c <= 0xDFFF) {
				if (dwFlags & WC_ERR_INVALID_CHARS) {
					SetLastError(ERROR_NO_UNICODE_TRANSLATION);
					return 0;
				}
				c = 0xFFFD;
			}
			if (c < 0x80) {
				bytes[cnt++] = (unsigned char)c;
			} else if (c < 0x800) {
				bytes[cnt++] = (unsigned char)(0xC0 | (c >> 6));
				bytes[cnt++] = (unsigned char)(0x80 | (c & 0x3F));
			} else if (c < 0x10000) {
				bytes[cnt++] = (unsigned char)(0xE0 | (c >> 12));
				bytes[cnt++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
				bytes[cnt++] = (unsigned char)(0x80 | (c & 0x3F));
			} else {
				bytes[cnt++] = (unsigned char)(0xF0 | (c >> 18));
				bytes[cnt++] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
				bytes[cnt++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
				bytes[cnt++] = (unsigned char)(0x80 | (c & 0x3F));
			}
		} else {
			int b = wide_to_sb(cp, (WCHAR)c);
			if (b < 0) {
				b = (unsigned char)def;
				used = TRUE;
			}
			bytes[cnt++] = (unsigned char)b;
		}
		if (cbMultiByte) {
			if (out + cnt > cbMultiByte) {
				SetLastError(ERROR_INSUFFICIENT_BUFFER);
				return 0;
			}
			memcpy(lpMultiByteStr + out, bytes, cnt);
		}
		out += cnt;
	}
	if (lpUsedDefaultChar)
		*lpUsedDefaultChar = used;
	return out;
}

int k32_to_wide(const char *s, WCHAR *buf, int size)
{
	return MultiByteToWideChar(CP_ACP, 0, s, -1, buf, size);
}

int k32_to_ansi(const WCHAR *s, char *buf, int size)
{
	return WideCharToMultiByte(CP_ACP, 0, s, -1, buf, size, NULL, NULL);
}

/* lstrlenA: strlen; 0 for NULL (Windows also survives a bad pointer; we do not). */
int WINAPI lstrlenA(LPCSTR lpString)
{
	return lpString ? (int)strlen(lpString) : 0;
}

int WINAPI lstrlenW(LPCWSTR lpString)
{
	return lpString ? (int)k32_wcslen(lpString) : 0;
}
