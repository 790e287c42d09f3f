/*
 * jqre.c - jq 1.6's regular expressions through Oniguruma (see jqre.h).
 * What jq does in f_match (src/builtin.c): onig_new with
 * ONIG_OPTION_CAPTURE_GROUP and the modifiers' options, UTF-8, the Perl
 * syntax with named groups (jq 1.6 spells it ONIG_SYNTAX_PERL_NT, which
 * Oniguruma 6 defines as OnigSyntaxPerl_NG: libjq.so links that symbol),
 * then onig_search over the whole string with ONIG_OPTION_NONE.
 */
#include "jqre.h"

#include <oniguruma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem.h"

struct rt_jqre {
	regex_t *reg;
	OnigRegion *region;
	char err[ONIG_MAX_ERROR_MESSAGE_LEN + 16];
};

static int inited;
static char over_msg[ONIG_MAX_ERROR_MESSAGE_LEN + 16];

/* "Regex failure: " and Oniguruma's words for code, as jq puts them. */
static void
failure(char *out, size_t n, int code, OnigErrorInfo *ei)
{
	UChar m[ONIG_MAX_ERROR_MESSAGE_LEN];

	if (ei)
		onig_error_code_to_str(m, code, ei);
	else
		onig_error_code_to_str(m, code);
	snprintf(out, n, "Regex failure: %s", (const char *)m);
}

void
rt_jqre_init(void)
{
	if (inited)
		return;
	inited = 1;
	onig_set_retry_limit_in_match(RT_JQRE_MATCH_STEPS);
	onig_set_retry_limit_in_search(RT_JQRE_SEARCH_STEPS);
	failure(over_msg, sizeof over_msg, ONIGERR_RETRY_LIMIT_IN_SEARCH_OVER,
	    NULL);
}

void
rt_jqre_set_steps(unsigned long steps)
{
	rt_jqre_init();
	onig_set_retry_limit_in_search(steps);
}

const char *
rt_jqre_over_msg(void)
{
	rt_jqre_init();
	return over_msg;
}

/* The options of one modifier, as jq 1.6 maps them; -1 if not one. */
static long
flag_opts(char c)
{
	switch (c) {
	case 'g': return ONIG_OPTION_NONE;	/* global: every match */
	case 'i': return ONIG_OPTION_IGNORECASE;
	case 'x': return ONIG_OPTION_EXTEND;
	case 'm': return ONIG_OPTION_MULTILINE;
	case 's': return ONIG_OPTION_SINGLELINE;
	case 'p': return ONIG_OPTION_MULTILINE | ONIG_OPTION_SINGLELINE;
	case 'l': return ONIG_OPTION_FIND_LONGEST;
	case 'n': return ONIG_OPTION_FIND_NOT_EMPTY;
	default: return -1;
	}
}

int
rt_jqre_flags_ok(const char *flags, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (flag_opts(flags[i]) < 0)
			return 0;
	return 1;
}

struct rt_jqre *
rt_jqre_new(const char *pat, size_t n, const char *flags, size_t fn,
    struct rt_buf *why)
{
	OnigOptionType opts = ONIG_OPTION_CAPTURE_GROUP;
	OnigErrorInfo ei;
	struct rt_jqre *re;
	int r;

	rt_jqre_init();
	for (size_t i = 0; i < fn; i++)
		opts |= (OnigOptionType)flag_opts(flags[i]);
	re = rt_xcalloc(1, sizeof *re);
	r = onig_new(&re->reg, (const UChar *)pat, (const UChar *)pat + n,
	    opts, ONIG_ENCODING_UTF8, ONIG_SYNTAX_PERL_NG, &ei);
	if (r != ONIG_NORMAL) {
		failure(re->err, sizeof re->err, r, &ei);
		rt_buf_adds(why, re->err + strlen("Regex failure: "));
		free(re);
		return NULL;
	}
	re->region = onig_region_new();
	if (re->region == NULL)
		rt_oom();
	return re;
}

void
rt_jqre_free(struct rt_jqre *re)
{
	if (re == NULL)
		return;
	onig_region_free(re->region, 1);
	onig_free(re->reg);
	free(re);
}

int
rt_jqre_test(struct rt_jqre *re, const char *s, size_t n)
{
	const UChar *p = (const UChar *)s, *end = p + n;
	int r;

	r = onig_search(re->reg, p, end, p, end, re->region, ONIG_OPTION_NONE);
	if (r >= 0)
		return RT_JQRE_MATCH;
	if (r == ONIG_MISMATCH)
		return RT_JQRE_NOMATCH;
	if (r == ONIGERR_RETRY_LIMIT_IN_SEARCH_OVER)
		return RT_JQRE_OVER;
	failure(re->err, sizeof re->err, r, NULL);
	return RT_JQRE_ERROR;
}

const char *
rt_jqre_errmsg(const struct rt_jqre *re)
{
	return re->err;
}
