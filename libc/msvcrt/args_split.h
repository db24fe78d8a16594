/*
 * libc/msvcrt/args_split.h - the command-line splitter, included by args.c
 * once per character type (SPLIT_CHAR, SPLIT_NAME).
 *
 * msvcrt.dll's rules: argv[0] is everything up to the next quote when the
 * line starts with one, else up to a space or tab.  Other arguments are
 * separated by spaces and tabs; a quote toggles quoted mode (spaces kept);
 * 2n backslashes before a quote give n backslashes and the quote toggles,
 * 2n+1 give n backslashes and a literal quote; backslashes elsewhere are
 * literal; "" inside quotes gives one literal quote and stays quoted.
 */
int SPLIT_NAME(const SPLIT_CHAR *p, SPLIT_CHAR **argv, SPLIT_CHAR *buf, size_t *nchars)
{
	int argc = 0;
	size_t n = 0;
#define EMIT(c) do { if (argv) buf[n] = (c); n++; } while (0)	/* c is evaluated only when storing */
	static const SPLIT_CHAR empty[1];
	if (!p)
		p = empty;
	/* The program name. */
	if (argv)
		argv[argc] = buf + n;
	argc++;
	if (*p == '"') {
		while (*++p != '"' && *p)
			EMIT(*p);
		if (*p == '"')
			p++;
	} else {
		for (; *p && *p != ' ' && *p != '\t'; p++)
			EMIT(*p);
	}
	EMIT(0);
	int inquote = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		if (argv)
			argv[argc] = buf + n;
		argc++;
		for (;;) {
			int copy = 1;
			unsigned slashes = 0;
			while (*p == '\\') {
				p++;
				slashes++;
			}
			if (*p == '"') {
				if (slashes % 2 == 0) {
					if (inquote && p[1] == '"')
						p++;	/* "" inside quotes: a literal quote */
					else {
						copy = 0;
						inquote = !inquote;
					}
				}
				slashes /= 2;
			}
			while (slashes--)
				EMIT('\\');
			if (!*p || (!inquote && (*p == ' ' || *p == '\t')))
				break;
			if (copy)
				EMIT(*p);
			p++;
		}
		EMIT(0);
	}
	if (argv)
		argv[argc] = NULL;
	*nchars = n;
	return argc;
#undef EMIT
}
