/*
 * tools/svgcheck.c - host tool: is an SVG file well-formed XML, and does it
 * hold the expected strings?
 *
 *   svgcheck FILE [EXPECTED ...]
 *
 * Checks: an optional <?xml ...?> prolog, comments, one root element named
 * svg; every tag closed in order; attributes name="value" (or '...'), each
 * name once per element; no raw '<' in attribute values; every '&' in text or
 * values starts an entity (&amp; &lt; &gt; &quot; &apos; &#N; &#xN;).  Then
 * every EXPECTED string must occur in the file as it is (escaped form).
 * Prints "svgcheck: FILE: ok" or the first problem with its line; exit 0 / 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64
#define MAX_ATTRS 64

static const char *doc;
static size_t pos, len;
static const char *problem;
static size_t problem_at;

static int fail(const char *what)
{
	if (!problem) {
		problem = what;
		problem_at = pos;
	}
	return -1;
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
	       c == ':' || c == '.';
}

static void skip_space(void)
{
	while (pos < len && (doc[pos] == ' ' || doc[pos] == '\t' || doc[pos] == '\n' || doc[pos] == '\r'))
		pos++;
}

/* A name at pos; returns its length (0: none). */
static size_t name(void)
{
	size_t start = pos;
	while (pos < len && is_name_char(doc[pos]))
		pos++;
	return pos - start;
}

/* An entity starting at pos ('&'); moves past it. */
static int entity(void)
{
	static const char *const named[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;" };
	for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
		if (strncmp(doc + pos, named[i], strlen(named[i])) == 0) {
			pos += strlen(named[i]);
			return 0;
		}
	if (doc[pos + 1] == '#') {
		size_t p = pos + 2, digits = 0;
		int hex = doc[p] == 'x';
		p += hex;
		while (p < len && ((doc[p] >= '0' && doc[p] <= '9') ||
				   (hex && ((doc[p] >= 'a' && doc[p] <= 'f') || (doc[p] >= 'A' && doc[p] <= 'F'))))) {
			p++;
			digits++;
		}
		if (digits && p < len && doc[p] == ';') {
			pos = p + 1;
			return 0;
		}
	}
	return fail("'&' that does not start an entity");
}

/* Attributes up to '>' or '/>'; returns 1 for an empty element, 0 for a start tag. */
static int attributes(void)
{
	const char *names[MAX_ATTRS];
	size_t lens[MAX_ATTRS], n = 0;
	for (;;) {
		skip_space();
		if (pos >= len)
			return fail("end of file inside a tag");
		if (doc[pos] == '>') {
			pos++;
			return 0;
		}
		if (doc[pos] == '/' && pos + 1 < len && doc[pos + 1] == '>') {
			pos += 2;
			return 1;
		}
		const char *nm = doc + pos;
		size_t nl = name();
		if (!nl)
			return fail("bad character in a tag");
		for (size_t i = 0; i < n; i++)
			if (lens[i] == nl && memcmp(names[i], nm, nl) == 0)
				return fail("attribute given twice");
		if (n < MAX_ATTRS) {
			names[n] = nm;
			lens[n++] = nl;
		}
		skip_space();
		if (pos >= len || doc[pos] != '=')
			return fail("attribute without '='");
		pos++;
		skip_space();
		char q = pos < len ? doc[pos] : 0;
		if (q != '"' && q != '\'')
			return fail("attribute value not quoted");
		for (pos++; pos < len && doc[pos] != q; ) {
			if (doc[pos] == '<')
				return fail("'<' inside an attribute value");
			if (doc[pos] == '&') {
				if (entity())
					return -1;
			} else {
				pos++;
			}
		}
		if (pos >= len)
			return fail("unterminated attribute value");
		pos++;
	}
}

static int check(void)
{
	const char *stack[MAX_DEPTH];
	size_t stack_len[MAX_DEPTH];
	int depth = 0, roots = 0;
	skip_space();
	if (strncmp(doc + pos, "<?xml", 5) == 0) {
		const char *end = strstr(doc + pos, "?>");
		if (!end)
			return fail("unterminated <?xml prolog");
		pos = (size_t)(end - doc) + 2;
	}
	while (pos < len) {
		if (doc[pos] == '&') {
			if (depth == 0)
				return fail("text outside the root element");
			if (entity())
				return -1;
			continue;
		}
		if (doc[pos] != '<') {
			if (depth == 0 && !(doc[pos] == ' ' || doc[pos] == '\n' || doc[pos] == '\r' || doc[pos] == '\t'))
				return fail("text outside the root element");
			if (doc[pos] == '>')
				return fail("raw '>' in text");
			pos++;
			continue;
		}
		if (strncmp(doc + pos, "<!--", 4) == 0) {
			const char *end = strstr(doc + pos + 4, "-->");
			if (!end)
				return fail("unterminated comment");
			pos = (size_t)(end - doc) + 3;
			continue;
		}
		if (doc[pos + 1] == '/') {
			pos += 2;
			const char *nm = doc + pos;
			size_t nl = name();
			skip_space();
			if (depth == 0 || nl != stack_len[depth - 1] || memcmp(nm, stack[depth - 1], nl) != 0)
				return fail("end tag does not match the open element");
			if (pos >= len || doc[pos] != '>')
				return fail("bad end tag");
			pos++;
			depth--;
			continue;
		}
		pos++;
		const char *nm = doc + pos;
		size_t nl = name();
		if (!nl)
			return fail("'<' that starts no tag");
		if (depth == 0) {
			if (roots++ || nl != 3 || memcmp(nm, "svg", 3) != 0)
				return fail("the root element must be one <svg>");
		}
		int empty = attributes();
		if (empty < 0)
			return -1;
		if (!empty) {
			if (depth == MAX_DEPTH)
				return fail("elements nested too deep");
			stack[depth] = nm;
			stack_len[depth++] = nl;
		}
	}
	if (depth)
		return fail("end of file with elements still open");
	if (!roots)
		return fail("no <svg> element");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: svgcheck FILE [EXPECTED ...]\n");
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	static char buf[8 << 20];
	len = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[len] = '\0';
	doc = buf;
	if (check()) {
		int line = 1;
		for (size_t i = 0; i < problem_at && i < len; i++)
			line += buf[i] == '\n';
		printf("svgcheck: %s:%d: %s\n", argv[1], line, problem);
		return 1;
	}
	for (int i = 2; i < argc; i++)
		if (!strstr(buf, argv[i])) {
			printf("svgcheck: %s: expected text not found: %s\n", argv[1], argv[i]);
			return 1;
		}
	printf("svgcheck: %s: ok (%d expected strings found)\n", argv[1], argc - 2);
	return 0;
}
