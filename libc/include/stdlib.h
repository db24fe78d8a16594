/* libc/include/stdlib.h - memory allocation, process exit, number parsing, rand. */
#ifndef LIBC_STDLIB_H
#define LIBC_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1
#define RAND_MAX 0x7fff

/* 16-byte aligned blocks; small ones from 64 KiB VirtualAlloc chunks, large ones are their own allocation. */
void *malloc(size_t size);
/* malloc of n*size zeroed bytes; NULL on overflow. */
void *calloc(size_t n, size_t size);
/* C semantics: realloc(NULL, n) = malloc(n); the old block is kept on failure. */
void *realloc(void *p, size_t size);
/* Frees a block from malloc (NULL is a no-op); large blocks go back to the system at once. */
void free(void *p);

/* Flushes stdout and ends the process with status `code`. */
__attribute__((noreturn)) void exit(int code);
/* Prints "abort" and ends the process with status 3. */
__attribute__((noreturn)) void abort(void);

int atoi(const char *s);
long atol(const char *s);
/* Bases 0 (auto: 0x.. hex, 0.. octal, else decimal) and 2..36; no overflow saturation. */
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);

/* The MSVC generator: seed = seed * 214013 + 2531011, result (seed >> 16) & 0x7fff; seed 1 at start. */
int rand(void);
void srand(unsigned seed);

int abs(int x);
long labs(long x);
long long llabs(long long x);

#endif
