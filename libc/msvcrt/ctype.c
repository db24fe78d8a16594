/*
 * libc/msvcrt/ctype.c - character classes of the "C" locale.
 *
 * crt_ctype is msvcrt's _ctype: 257 entries, entry 0 for EOF (-1), then one
 * per byte, with the _UPPER/_LOWER/_DIGIT/_SPACE/_PUNCT/_CONTROL/_BLANK/_HEX
 * bits; bytes 128..255 have no class.  _pctype points
 * at entry 1 so that _pctype[c] works for c = -1..255.  The wide table
 * (_pwctype, iswctype) also classes Latin-1 128..255 as Unicode does and
 * marks letters with 0x100 (C1_ALPHA), as Microsoft's wide table does;
 * characters above 255 have no class here.
 */
#include <ctype.h>
#include <wctype.h>

#include "crt.h"

#undef __pctype_func
#undef __isascii
#undef __toascii
#undef __iscsymf
#undef __iscsym
#undef _toupper
#undef _tolower
#undef iswalpha
#undef iswupper
#undef iswlower
#undef iswdigit
#undef iswxdigit
#undef iswspace
#undef iswpunct
#undef iswalnum
#undef iswprint
#undef iswgraph
#undef iswcntrl
#undef iswascii
#undef __pwctype_func

#define ALPHA_BIT 0x100
unsigned short crt_ctype[257];		/* exported as _ctype */
unsigned short *crt_pctype = crt_ctype + 1;	/* exported as _pctype */
static unsigned short wtable[256];
unsigned short *crt_pwctype = wtable;	/* exported as _pwctype */

/* The C-locale class of byte c (0..127; others have none); alpha adds 0x100 to letters. */
static unsigned short ascii_class(int c, unsigned short alpha)
{
	if (c < 0x20 || c == 0x7f)
		return _CONTROL | ((c >= 9 && c <= 13) ? _SPACE : 0);
	if (c == ' ')
		return _SPACE | _BLANK;
	if (c >= '0' && c <= '9')
		return _DIGIT | _HEX;
	if (c >= 'A' && c <= 'Z')
		return _UPPER | alpha | (c <= 'F' ? _HEX : 0);
	if (c >= 'a' && c <= 'z')
		return _LOWER | alpha | (c <= 'f' ? _HEX : 0);
	if (c < 0x7f)
		return _PUNCT;
	return 0;
}

/* The Unicode class of Latin-1 character c (128..255). */
static unsigned short latin1_class(int c)
{
	if (c < 0xa0)
		return _CONTROL;
	if (c == 0xa0)
		return _SPACE | _BLANK;
	if (c == 0xaa || c == 0xb5 || c == 0xba || (c >= 0xdf && c != 0xf7))
		return _LOWER | ALPHA_BIT;
	if (c >= 0xc0 && c != 0xd7)
		return _UPPER | ALPHA_BIT;
	return _PUNCT;
}

/* Fills the tables; called once from the DLL entry point. */
void crt_ctype_init(void)
{
	for (int c = 0; c < 256; c++) {
		crt_ctype[c + 1] = c < 128 ? ascii_class(c, 0) : 0;
		wtable[c] = c < 128 ? ascii_class(c, ALPHA_BIT) : latin1_class(c);
	}
}

/* _pctype. */
unsigned short *__cdecl __pctype_func(void)
{
	return crt_pctype;
}

/* _pwctype. */
unsigned short *__cdecl __pwctype_func(void)
{
	return crt_pwctype;
}

/* Nonzero when c (-1..255) has a class in mask; 0 outside that range. */
int __cdecl _isctype(int c, int mask)
{
	if (c < -1 || c > 255)
		return 0;
	return crt_pctype[c] & mask;
}

int __cdecl isalpha(int c) { return _isctype(c, _ALPHA); }
int __cdecl isupper(int c) { return _isctype(c, _UPPER); }
int __cdecl islower(int c) { return _isctype(c, _LOWER); }
int __cdecl isdigit(int c) { return _isctype(c, _DIGIT); }
int __cdecl isxdigit(int c) { return _isctype(c, _HEX); }
int __cdecl isspace(int c) { return _isctype(c, _SPACE); }
int __cdecl ispunct(int c) { return _isctype(c, _PUNCT); }
int __cdecl isalnum(int c) { return _isctype(c, _ALPHA | _DIGIT); }
int __cdecl isprint(int c) { return _isctype(c, _BLANK | _PUNCT | _ALPHA | _DIGIT); }
int __cdecl isgraph(int c) { return _isctype(c, _PUNCT | _ALPHA | _DIGIT); }
int __cdecl iscntrl(int c) { return _isctype(c, _CONTROL); }
int __cdecl isblank(int c) { return c == '\t' || _isctype(c, _BLANK); }
int __cdecl __isascii(int c) { return (unsigned)c < 0x80; }
int __cdecl __toascii(int c) { return c & 0x7f; }
int __cdecl __iscsymf(int c) { return isalpha(c) || c == '_'; }
int __cdecl __iscsym(int c) { return isalnum(c) || c == '_'; }
int __cdecl isleadbyte(int c) { (void)c; return 0; }

/* The upper-case form of c in the "C" locale (only a-z change). */
int __cdecl toupper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* The lower-case form of c in the "C" locale (only A-Z change). */
int __cdecl tolower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Microsoft's unchecked forms: c - 'a' + 'A' and c - 'A' + 'a' for any c. */
int __cdecl _toupper(int c) { return c - 'a' + 'A'; }
int __cdecl _tolower(int c) { return c - 'A' + 'a'; }

/* Nonzero when wide character c has a class in mask (none above 255). */
int __cdecl iswctype(wint_t c, wctype_t mask)
{
	return c < 256 ? wtable[c] & mask : 0;
}

/* The old name of iswctype. */
int __cdecl is_wctype(wint_t c, wctype_t mask)
{
	return iswctype(c, mask);
}

int __cdecl iswalpha(wint_t c) { return iswctype(c, _ALPHA); }
int __cdecl iswupper(wint_t c) { return iswctype(c, _UPPER); }
int __cdecl iswlower(wint_t c) { return iswctype(c, _LOWER); }
int __cdecl iswdigit(wint_t c) { return iswctype(c, _DIGIT); }
int __cdecl iswxdigit(wint_t c) { return iswctype(c, _HEX); }
int __cdecl iswspace(wint_t c) { return iswctype(c, _SPACE); }
int __cdecl iswpunct(wint_t c) { return iswctype(c, _PUNCT); }
int __cdecl iswalnum(wint_t c) { return iswctype(c, _ALPHA | _DIGIT); }
int __cdecl iswprint(wint_t c) { return iswctype(c, _BLANK | _PUNCT | _ALPHA | _DIGIT); }
int __cdecl iswgraph(wint_t c) { return iswctype(c, _PUNCT | _ALPHA | _DIGIT); }
int __cdecl iswcntrl(wint_t c) { return iswctype(c, _CONTROL); }
int __cdecl iswascii(wint_t c) { return c < 0x80; }

/* The upper-case form of wide character c (ASCII and Latin-1 letters). */
wint_t __cdecl towupper(wint_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0xfe && c != 0xf7))
		return c - 0x20;
	if (c == 0xff)
		return 0x178;
	return c;
}

/* The lower-case form of wide character c (ASCII and Latin-1 letters). */
wint_t __cdecl towlower(wint_t c)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7))
		return c + 0x20;
	if (c == 0x178)
		return 0xff;
	return c;
}
