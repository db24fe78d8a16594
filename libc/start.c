/* libc/start.c - C start-up, called from _start in crt0.S. */
#include <stdlib.h>

#include "internal.h"

int main(int argc, char **argv);

/* Registers the exception dispatcher, runs main(0, {NULL}) and exits with its result. */
void __attribute__((noreturn)) libc_start(void)
{
	static char *argv[1] = { NULL };
	libc_exceptions_init();
	exit(main(0, argv));
}
