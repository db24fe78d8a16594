/*
 * libc/kernel32/message.c - FormatMessageA/W: a message definition from a
 * string, a module's message table or the system's messages
 * (message_table.c), its inserts (%1..%99 with an optional !printf format!,
 * arguments from a va_list or a DWORD_PTR array) and escapes (%n hard line
 * break, %r, %t, %0 end without a newline, %% and %x for a literal x), line
 * handling by the low byte of the flags (0: as written; 0xFF: regular line
 * breaks become spaces; 1-254: also wrapped at that width), into the
 * caller's buffer or a LocalAlloc'ed one.  The engine works in UTF-16; the A
 * form converts its string source, its `s` inserts and the result with
 * CP_ACP.  Floating-point formats are not supported, as documented.
 */
#include <stdarg.h>

#include "k32_private.h"
#include "message.h"

/* HeapAlloc and HeapReAlloc are forwarders to these (kernel32.def). */
PVOID NTAPI RtlAllocateHeap(PVOID, ULONG, SIZE_T);
PVOID NTAPI RtlReAllocateHeap(PVOID, ULONG, PVOID, SIZE_T);
#define HeapAlloc   RtlAllocateHeap
#define HeapReAlloc RtlReAllocateHeap

/* The growing output. */
struct out {
	WCHAR *buf;
	size_t len, cap;
	BOOL oom;
};

static void put(struct out *o, WCHAR c)
{
	if (o->len + 1 >= o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 256;
		WCHAR *b = o->buf ? HeapReAlloc(GetProcessHeap(), 0, o->buf, cap * sizeof(WCHAR))
				  : HeapAlloc(GetProcessHeap(), 0, cap * sizeof(WCHAR));
		if (!b) {
			o->oom = TRUE;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	o->buf[o->len++] = c;
}

/* The arguments: a DWORD_PTR array or a va_list (on x64 a run of 8-byte slots). */
struct args {
	const DWORD_PTR *slot;
};

/* Argument n (1-based). */
static DWORD_PTR arg(const struct args *a, unsigned n)
{
	return a->slot[n - 1];
}

/* A conversion's parsed !format!. */
struct spec {
	BOOL left, zero, plus, space, alt;
	int width, prec;	/* prec -1: none */
	int size;		/* 1 short/char, 2 int, 4 long long/pointer; 0 default */
	int wide;		/* for c/s: 1 UTF-16, 0 ANSI, -1 the function's own */
	WCHAR conv;
};

/* Pads to spec->width around a body of len chars produced by emit (right-justified unless '-'). */
static void pad(struct out *o, const struct spec *s, size_t len, BOOL zero_ok)
{
	for (size_t i = len; i < (size_t)s->width; i++)
		put(o, s->zero && zero_ok && !s->left ? '0' : ' ');
}

/* An integer conversion (d i u x X o p). */
static void put_number(struct out *o, const struct spec *s, DWORD_PTR raw)
{
	unsigned long long v;
	BOOL neg = FALSE, sign = s->conv == 'd' || s->conv == 'i';
	int bits = s->conv == 'p' ? 64 : s->size == 4 ? 64 : s->size == 1 ? 16 : 32;
	if (sign) {
		long long x = bits == 64 ? (long long)raw : bits == 16 ? (short)raw : (int)raw;
		neg = x < 0;
		v = neg ? 0ull - (unsigned long long)x : (unsigned long long)x;
	} else {
		v = bits == 64 ? raw : bits == 16 ? (unsigned short)raw : (unsigned)raw;
	}
	unsigned base = s->conv == 'o' ? 8 : (s->conv == 'x' || s->conv == 'X' || s->conv == 'p') ? 16 : 10;
	const char *dig = s->conv == 'x' ? "0123456789abcdef" : "0123456789ABCDEF";
	char tmp[24];
	int n = 0;
	do {
		tmp[n++] = dig[v % base];
		v /= base;
	} while (v);
	int prec = s->conv == 'p' ? 16 : s->prec;
	while (n < prec && n < (int)sizeof tmp)
		tmp[n++] = '0';
	char prefix[3];
	int np = 0;
	if (neg)
		prefix[np++] = '-';
	else if (sign && s->plus)
		prefix[np++] = '+';
	else if (sign && s->space)
		prefix[np++] = ' ';
	if (s->alt && base == 16 && s->conv != 'p' && raw) {
		prefix[np++] = '0';
		prefix[np++] = (char)s->conv;
	}
	BOOL zero_ok = s->prec < 0;
	size_t total = (size_t)(n + np);
	if (s->zero && zero_ok && !s->left) {
		for (int i = 0; i < np; i++)
			put(o, (WCHAR)prefix[i]);
		pad(o, s, (size_t)(n + np), TRUE);
	} else {
		if (!s->left)
			pad(o, s, (size_t)(n + np), FALSE);
		for (int i = 0; i < np; i++)
			put(o, (WCHAR)prefix[i]);
	}
	while (n)
		put(o, (WCHAR)tmp[--n]);
	if (s->left)
		pad(o, s, total, FALSE);
}

/* A string or character conversion; ansi_fn: FormatMessageA (its plain %s is ANSI). */
static void put_text(struct out *o, const struct spec *s, DWORD_PTR raw, BOOL ansi_fn)
{
	BOOL wide = s->wide == 1 || (s->wide == -1 && ((s->conv == 's' || s->conv == 'c') ? !ansi_fn : ansi_fn));
	WCHAR one[2] = { 0, 0 };
	const WCHAR *w = NULL;
	const char *a = NULL;
	if (s->conv == 'c' || s->conv == 'C') {
		if (wide) {
			one[0] = (WCHAR)raw;
		} else {
			char c = (char)raw;
			MultiByteToWideChar(CP_ACP, 0, &c, 1, one, 1);
		}
		w = one;
	} else if (!raw) {
		a = "(null)";
	} else if (wide) {
		w = (const WCHAR *)raw;
	} else {
		a = (const char *)raw;
	}
	size_t len = 0;
	if (w)
		while (w[len] && (s->prec < 0 || (int)len < s->prec))
			len++;
	else
		while (a[len] && (s->prec < 0 || (int)len < s->prec))
			len++;
	if (!s->left)
		pad(o, s, len, TRUE);
	for (size_t i = 0; i < len; i++) {
		if (w) {
			put(o, w[i]);
		} else {
			WCHAR c;
			MultiByteToWideChar(CP_ACP, 0, &a[i], 1, &c, 1);
			put(o, c);
		}
	}
	if (s->left)
		pad(o, s, len, FALSE);
}

/*
 * Parses a !format! at *pf (after the '!'), taking '*' values from the
 * arguments after insert n; advances *pf past the closing '!' and sets *value
 * to the number of the argument the conversion prints.  FALSE when malformed.
 */
static BOOL parse_spec(const WCHAR **pf, struct spec *s, const struct args *a, unsigned n, unsigned *value)
{
	const WCHAR *f = *pf;
	memset(s, 0, sizeof *s);
	s->prec = -1;
	s->wide = -1;
	for (;; f++) {
		if (*f == '-')
			s->left = TRUE;
		else if (*f == '0')
			s->zero = TRUE;
		else if (*f == '+')
			s->plus = TRUE;
		else if (*f == ' ')
			s->space = TRUE;
		else if (*f == '#')
			s->alt = TRUE;
		else
			break;
	}
	if (*f == '*') {
		int v = (int)arg(a, n++);
		s->width = v < 0 ? -v : v;
		s->left |= v < 0;
		f++;
	}
	while (*f >= '0' && *f <= '9')
		s->width = s->width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		s->prec = 0;
		if (*f == '*') {
			s->prec = (int)arg(a, n++);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			s->prec = s->prec * 10 + (*f++ - '0');
	}
	if (f[0] == 'I' && f[1] == '6' && f[2] == '4') {
		s->size = 4;
		f += 3;
	} else if (f[0] == 'I' && f[1] == '3' && f[2] == '2') {
		s->size = 2;
		f += 3;
	} else if (f[0] == 'l' && f[1] == 'l') {
		s->size = 4;
		f += 2;
	} else if (*f == 'I') {
		s->size = 4;
		f++;
	} else if (*f == 'h') {
		s->size = 1;
		s->wide = 0;
		f++;
	} else if (*f == 'l' || *f == 'w') {
		s->size = 2;
		s->wide = 1;
		f++;
	}
	s->conv = *f;
	static const char convs[] = "diuxXocCsSp";
	BOOL known = FALSE;
	for (const char *c = convs; *c; c++)
		known |= s->conv == (WCHAR)*c;
	if (!known || f[1] != '!')
		return FALSE;
	*pf = f + 2;
	*value = n;
	return TRUE;
}

/*
 * Formats definition `def` into o.  Returns 0 or the Win32 error
 * (ERROR_INVALID_PARAMETER for a lone '%' at the end, an insert without
 * arguments or a malformed !format!).
 */
static DWORD format(struct out *o, const WCHAR *def, DWORD flags, const struct args *a, BOOL ansi_fn)
{
	BOOL ignore = (flags & FORMAT_MESSAGE_IGNORE_INSERTS) != 0;
	unsigned width = flags & FORMAT_MESSAGE_MAX_WIDTH_MASK;
	for (const WCHAR *f = def; *f;) {
		if (*f == '\r' || *f == '\n') {	/* a regular line break: CR LF, or a space with a width */
			f += (f[0] == '\r' && f[1] == '\n') ? 2 : 1;
			if (width) {
				put(o, ' ');
			} else {
				put(o, '\r');
				put(o, '\n');
			}
			continue;
		}
		if (*f != '%') {
			put(o, *f++);
			continue;
		}
		f++;
		if (*f >= '1' && *f <= '9') {
			if (ignore) {
				put(o, '%');
				continue;
			}
			if (!a->slot)
				return ERROR_INVALID_PARAMETER;
			unsigned n = (unsigned)(*f++ - '0');
			if (*f >= '0' && *f <= '9')
				n = n * 10 + (unsigned)(*f++ - '0');
			struct spec s;
			unsigned value = n;
			if (*f == '!') {
				f++;
				if (!parse_spec(&f, &s, a, n, &value))
					return ERROR_INVALID_PARAMETER;
			} else {
				memset(&s, 0, sizeof s);
				s.prec = -1;
				s.wide = -1;
				s.conv = 's';
			}
			if (s.conv == 's' || s.conv == 'S' || s.conv == 'c' || s.conv == 'C')
				put_text(o, &s, arg(a, value), ansi_fn);
			else
				put_number(o, &s, arg(a, value));
			continue;
		}
		switch (*f) {
		case 0:
			return ERROR_INVALID_PARAMETER;
		case '0':
			return 0;	/* the end, without the newline that may follow */
		case 'n':
			put(o, '\r');
			put(o, '\n');
			break;
		case 'r':
			put(o, '\r');
			break;
		case 't':
			put(o, '\t');
			break;
		default:
			if (ignore)
				put(o, '%');
			put(o, *f);
		}
		f++;
	}
	return 0;
}

/* Width 1-254: breaks lines longer than width at their last space (or at width when none), as CR LF. */
static void wrap(struct out *o, unsigned width)
{
	size_t line = 0;	/* start of the current line */
	for (size_t i = 0; i < o->len; i++) {
		if (o->buf[i] == '\n') {
			line = i + 1;
			continue;
		}
		if (i - line < width)
			continue;
		size_t br = i;
		while (br > line && o->buf[br] != ' ')
			br--;
		if (br > line) {	/* the space becomes the break */
			o->buf[br] = '\r';
			put(o, 0);
			if (o->oom)
				return;
			memmove(&o->buf[br + 2], &o->buf[br + 1], (o->len - br - 2) * sizeof(WCHAR));
			o->buf[br + 1] = '\n';
			line = br + 2;
		} else {	/* no space: break at width */
			put(o, 0);
			put(o, 0);
			if (o->oom)
				return;
			memmove(&o->buf[i + 2], &o->buf[i], (o->len - i - 2) * sizeof(WCHAR));
			o->buf[i] = '\r';
			o->buf[i + 1] = '\n';
			line = i + 2;
		}
		i = line - 1;
	}
}

/*
 * The shared body: finds the definition (def_w for FROM_STRING), formats it
 * into o (NUL-terminated).  Returns 0 or the Win32 error.
 */
static DWORD run(DWORD flags, LPCVOID source, const WCHAR *def_w, DWORD id, DWORD lang, va_list *va,
		 struct out *o, BOOL ansi_fn)
{
	DWORD from = flags & (FORMAT_MESSAGE_FROM_STRING | FORMAT_MESSAGE_FROM_HMODULE | FORMAT_MESSAGE_FROM_SYSTEM);
	if (!from)
		return ERROR_INVALID_PARAMETER;
	if (from & FORMAT_MESSAGE_FROM_STRING)	/* the string wins over the other sources */
		from = FORMAT_MESSAGE_FROM_STRING;
	WCHAR *def = NULL;
	const WCHAR *text = def_w;
	if (!(from & FORMAT_MESSAGE_FROM_STRING)) {
		def = HeapAlloc(GetProcessHeap(), 0, MSG_MAX_DEF * sizeof(WCHAR));
		if (!def)
			return ERROR_NOT_ENOUGH_MEMORY;
		DWORD err = ERROR_MR_MID_NOT_FOUND;
		if (from & FORMAT_MESSAGE_FROM_HMODULE) {
			HMODULE mod = source ? (HMODULE)source : (HMODULE)K32_PEB_FIELD(k32_peb(), 0x10, PVOID);
			err = msg_find_module(mod, id, lang, def, MSG_MAX_DEF);
		}
		if (err && (from & FORMAT_MESSAGE_FROM_SYSTEM))
			err = msg_find_system(id, lang, def, MSG_MAX_DEF);
		if (err) {
			HeapFree(GetProcessHeap(), 0, def);
			return err;
		}
		text = def;
	}
	struct args a = { NULL };
	if (!(flags & FORMAT_MESSAGE_IGNORE_INSERTS) && va)
		a.slot = (flags & FORMAT_MESSAGE_ARGUMENT_ARRAY) ? (const DWORD_PTR *)va : (const DWORD_PTR *)*va;
	DWORD err = format(o, text, flags, &a, ansi_fn);
	unsigned width = flags & FORMAT_MESSAGE_MAX_WIDTH_MASK;
	if (!err && width && width != FORMAT_MESSAGE_MAX_WIDTH_MASK)
		wrap(o, width);
	put(o, 0);
	o->len--;
	HeapFree(GetProcessHeap(), 0, def);
	return o->oom ? ERROR_NOT_ENOUGH_MEMORY : err;
}

/* Copies n chars + NUL of size `unit` to the caller's buffer or a LocalAlloc'ed one; the count or 0. */
static DWORD deliver(DWORD flags, void *lpBuffer, DWORD nSize, const void *src, size_t n, size_t unit)
{
	if (flags & FORMAT_MESSAGE_ALLOCATE_BUFFER) {
		if (!lpBuffer) {
			SetLastError(ERROR_INVALID_PARAMETER);
			return 0;
		}
		if (n * unit >= 128 * 1024) {
			SetLastError(ERROR_MORE_DATA);
			return 0;
		}
		size_t count = n + 1 > nSize ? n + 1 : nSize;
		void *p = LocalAlloc(LMEM_FIXED, count * unit);
		if (!p)
			return 0;
		memcpy(p, src, (n + 1) * unit);
		*(void **)lpBuffer = p;
		return (DWORD)n;
	}
	if (!lpBuffer || n + 1 > nSize) {
		SetLastError(lpBuffer ? ERROR_INSUFFICIENT_BUFFER : ERROR_INVALID_PARAMETER);
		return 0;
	}
	memcpy(lpBuffer, src, (n + 1) * unit);
	return (DWORD)n;
}

/*
 * FormatMessageW: the number of WCHARs stored (without the NUL), or 0 with
 * the last error (ERROR_MR_MID_NOT_FOUND, ERROR_RESOURCE_*, ERROR_MUI_FILE_NOT_FOUND,
 * ERROR_INSUFFICIENT_BUFFER, ERROR_INVALID_PARAMETER, ERROR_MORE_DATA).
 */
DWORD WINAPI FormatMessageW(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId, LPWSTR lpBuffer,
			    DWORD nSize, va_list *Arguments)
{
	struct out o = { NULL, 0, 0, FALSE };
	const WCHAR *def = (dwFlags & FORMAT_MESSAGE_FROM_STRING) ? lpSource : NULL;
	if ((dwFlags & FORMAT_MESSAGE_FROM_STRING) && !def) {
		SetLastError(ERROR_INVALID_PARAMETER);
		return 0;
	}
	DWORD err = run(dwFlags, lpSource, def, dwMessageId, dwLanguageId, Arguments, &o, FALSE);
	DWORD n = 0;
	if (err)
		SetLastError(err);
	else
		n = deliver(dwFlags, lpBuffer, nSize, o.buf, o.len, sizeof(WCHAR));
	HeapFree(GetProcessHeap(), 0, o.buf);
	return n;
}

/* FormatMessageA: as FormatMessageW, in CP_ACP (string source, plain %s inserts, the result). */
DWORD WINAPI FormatMessageA(DWORD dwFlags, LPCVOID lpSource, DWORD dwMessageId, DWORD dwLanguageId, LPSTR lpBuffer,
			    DWORD nSize, va_list *Arguments)
{
	struct out o = { NULL, 0, 0, FALSE };
	WCHAR *def = NULL;
	DWORD err = 0, n = 0;
	if (dwFlags & FORMAT_MESSAGE_FROM_STRING) {
		if (!lpSource) {
			SetLastError(ERROR_INVALID_PARAMETER);
			return 0;
		}
		int len = MultiByteToWideChar(CP_ACP, 0, lpSource, -1, NULL, 0);
		def = HeapAlloc(GetProcessHeap(), 0, (size_t)len * sizeof(WCHAR));
		if (!def) {
			SetLastError(ERROR_NOT_ENOUGH_MEMORY);
			return 0;
		}
		MultiByteToWideChar(CP_ACP, 0, lpSource, -1, def, len);
	}
	err = run(dwFlags, lpSource, def, dwMessageId, dwLanguageId, Arguments, &o, TRUE);
	HeapFree(GetProcessHeap(), 0, def);
	if (err) {
		SetLastError(err);
	} else {
		int len = WideCharToMultiByte(CP_ACP, 0, o.buf, (int)o.len + 1, NULL, 0, NULL, NULL);
		char *a = len > 0 ? HeapAlloc(GetProcessHeap(), 0, (size_t)len) : NULL;
		if (a) {
			WideCharToMultiByte(CP_ACP, 0, o.buf, (int)o.len + 1, a, len, NULL, NULL);
			n = deliver(dwFlags, lpBuffer, nSize, a, (size_t)len - 1, 1);
			HeapFree(GetProcessHeap(), 0, a);
		} else {
			SetLastError(ERROR_NOT_ENOUGH_MEMORY);
		}
	}
	HeapFree(GetProcessHeap(), 0, o.buf);
	return n;
}
