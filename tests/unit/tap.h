/*
 * tap.h - a tiny TAP producer for the C unit tests of lib/.
 * ok(cond, fmt, ...) prints "ok N - ..." or "not ok N - ..."; done_testing()
 * prints the plan and returns the exit status.
 */
#ifndef RT_TAP_H
#define RT_TAP_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

/* The next value of a xorshift64 generator: test data that is the same
 * on every run. */
static inline uint64_t
tap_xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Write the string text to the file at path (made or emptied): 0, or
 * -1.  For the tests that load files. */
static inline int
tap_put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static inline int __attribute__((format(printf, 2, 3)))
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

static inline void __attribute__((format(printf, 1, 2)))
skip(const char *fmt, ...)
{
	va_list ap;

	printf("ok %d # SKIP ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static inline void __attribute__((format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* Compare strings, with a diagnostic when they differ. */
static inline int
is_str(const char *got, const char *want, const char *name)
{
	int r = ok(got && strcmp(got, want) == 0, "%s", name);

	if (!r)
		diag("got '%s', want '%s'", got ? got : "(null)", want);
	return r;
}

static inline int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

/* The conformance folder beside the project, or NULL. */
static inline const char *
conformance_dir(void)
{
	const char *d = getenv("RT_CONFORMANCE");

	return d && *d ? d : "../shared/conformance";
}

#endif
