/* libc/fmt.c - printf formatting core (freestanding; used by kernel, libc and host tests). */
#include "fmt.h"

#include <stdint.h>

struct spec {
	int left, zero, plus, space, alt;
	int width, prec;	/* prec < 0: none */
	int len;		/* 0 int, 1 long, 2 long long, -1 short, -2 char, 3 size_t/ptrdiff/intmax */
};

struct out {
	fmt_sink sink;
	void *ctx;
	int n;
};

static void put(struct out *o, char c)
{
	o->sink(c, o->ctx);
	o->n++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

/* Emit prefix + digits with the width, precision and padding rules of C99. */
static void emit_number(struct out *o, const struct spec *s, const char *prefix, const char *digits, int ndigits)
{
	int plen = 0;
	while (prefix[plen])
		plen++;
	int zeros = s->prec > ndigits ? s->prec - ndigits : 0;
	int body = plen + zeros + ndigits;
	int fill = s->width > body ? s->width - body : 0;
	if (!s->left && !(s->zero && s->prec < 0))
		pad(o, ' ', fill);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	if (!s->left && s->zero && s->prec < 0)
		pad(o, '0', fill);
	pad(o, '0', zeros);
	for (int i = 0; i < ndigits; i++)
		put(o, digits[i]);
	if (s->left)
		pad(o, ' ', fill);
}

static void format_unsigned(struct out *o, const struct spec *s, uintmax_t v, unsigned base, int upper, const char *sign)
{
	char buf[24];
	int n = 0;
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char prefix[4] = { 0 };
	int p = 0;
	for (const char *q = sign; *q; q++)
		prefix[p++] = *q;
	if (s->alt && v != 0 && base == 16) {
		prefix[p++] = '0';
		prefix[p++] = upper ? 'X' : 'x';
	}
	if (v == 0 && s->prec == 0) {
		n = 0;
	} else {
		char tmp[24];
		int t = 0;
		do {
			tmp[t++] = dig[v % base];
			v /= base;
		} while (v);
		if (s->alt && base == 8 && tmp[t - 1] != '0')
			tmp[t++] = '0';
		while (t)
			buf[n++] = tmp[--t];
	}
	emit_number(o, s, prefix, buf, n);
}

static void format_string(struct out *o, const struct spec *s, const char *str)
{
	if (!str)
		str = "(null)";
	int n = 0;
	while (str[n] && (s->prec < 0 || n < s->prec))
		n++;
	int fill = s->width > n ? s->width - n : 0;
	if (!s->left)
		pad(o, ' ', fill);
	for (int i = 0; i < n; i++)
		put(o, str[i]);
	if (s->left)
		pad(o, ' ', fill);
}

static uintmax_t fetch_unsigned(int len, va_list *ap)
{
	switch (len) {
	case -2: return (unsigned char)va_arg(*ap, unsigned int);
	case -1: return (unsigned short)va_arg(*ap, unsigned int);
	case 0: return va_arg(*ap, unsigned int);
	case 1: return va_arg(*ap, unsigned long);
	default: return va_arg(*ap, unsigned long long);
	}
}

static intmax_t fetch_signed(int len, va_list *ap)
{
	switch (len) {
	case -2: return (signed char)va_arg(*ap, int);
	case -1: return (short)va_arg(*ap, int);
	case 0: return va_arg(*ap, int);
	case 1: return va_arg(*ap, long);
	default: return va_arg(*ap, long long);
	}
}

int fmt_format(fmt_sink sink, void *ctx, const char *fmt, va_list ap_in)
{
	struct out o = { sink, ctx, 0 };
	va_list ap;
	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		struct spec s = { 0, 0, 0, 0, 0, 0, -1, 0 };
		for (;;) {
			char c = *++f;
			if (c == '-') s.left = 1;
			else if (c == '0') s.zero = 1;
			else if (c == '+') s.plus = 1;
			else if (c == ' ') s.space = 1;
			else if (c == '#') s.alt = 1;
			else break;
		}
		if (*f == '*') {
			s.width = va_arg(ap, int);
			if (s.width < 0) {
				s.left = 1;
				s.width = -s.width;
			}
			f++;
		} else {
			while (*f >= '0' && *f <= '9')
				s.width = s.width * 10 + (*f++ - '0');
		}
		if (*f == '.') {
			f++;
			s.prec = 0;
			if (*f == '*') {
				s.prec = va_arg(ap, int);
				f++;
			} else {
				while (*f >= '0' && *f <= '9')
					s.prec = s.prec * 10 + (*f++ - '0');
			}
		}
		if (*f == 'h') {
			s.len = -1;
			if (*++f == 'h') {
				s.len = -2;
				f++;
			}
		} else if (*f == 'l') {
			s.len = 1;
			if (*++f == 'l') {
				s.len = 2;
				f++;
			}
		} else if (*f == 'z' || *f == 't' || *f == 'j') {
			s.len = 3;
			f++;
		}
		switch (*f) {
		case 'd':
		case 'i': {
			intmax_t v = fetch_signed(s.len, &ap);
			const char *sign = v < 0 ? "-" : s.plus ? "+" : s.space ? " " : "";
			uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
			format_unsigned(&o, &s, mag, 10, 0, sign);
			break;
		}
		case 'u': format_unsigned(&o, &s, fetch_unsigned(s.len, &ap), 10, 0, ""); break;
		case 'x': format_unsigned(&o, &s, fetch_unsigned(s.len, &ap), 16, 0, ""); break;
		case 'X': format_unsigned(&o, &s, fetch_unsigned(s.len, &ap), 16, 1, ""); break;
		case 'o': format_unsigned(&o, &s, fetch_unsigned(s.len, &ap), 8, 0, ""); break;
		case 'p':
			s.alt = 1;
			format_unsigned(&o, &s, (uintptr_t)va_arg(ap, void *), 16, 0, "");
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			int fill = s.width > 1 ? s.width - 1 : 0;
			if (!s.left) pad(&o, ' ', fill);
			put(&o, c);
			if (s.left) pad(&o, ' ', fill);
			break;
		}
		case 's': format_string(&o, &s, va_arg(ap, const char *)); break;
		case '%': put(&o, '%'); break;
		case '\0':
			f--;	/* lone '%' at the end: print nothing more */
			break;
		default:	/* unknown conversion: print it literally */
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	va_end(ap);
	return o.n;
}

struct buf_ctx {
	char *buf;
	size_t size, pos;
};

static void buf_sink(char c, void *ctx)
{
	struct buf_ctx *b = ctx;
	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct buf_ctx b = { buf, size, 0 };
	int n = fmt_format(buf_sink, &b, fmt, ap);
	if (size > 0)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
