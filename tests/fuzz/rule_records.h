/*
 * rule_records.h - the records the rule harnesses (fuzz_rule.c,
 * fuzz_rules.c) run conditions on: every JSON type, a duplicate key, an
 * escaped key, huge, negative-zero and out-of-range numbers, combining
 * marks, astral code points.  Included once by each harness.
 */
#ifndef RULE_RECORDS_H
#define RULE_RECORDS_H

#include <stdlib.h>
#include <string.h>

#include "json.h"

static const char *const records[] = {
	"{\"a\":1,\"s\":\"SS\",\"n\":1e308,\"x\":[1,\"a\",null],\"o\":{\"k\":1,"
	"\"k\":\"two\",\"j\":true},\"b\":false}",
	"{\"a\":\"5000\",\"s\":\"\\u00df\\u0301x\\u0000\",\"x\":[],\"o\":{},"
	"\"\\u0073\":\"esc\",\"k\":-0.0,\"n\":null}",
	"{\"a\":[[[[1]]]],\"s\":\"\\u2163\\ud83d\\ude00\",\"n\":-1e400,"
	"\"x\":{\"0\":1},\"o\":\"text\",\"b\":12345678901234567890}",
};
#define NREC (sizeof records / sizeof records[0])

static struct rt_jdoc docs[NREC];
static int ready;

static void
setup(void)
{
	if (ready)
		return;
	ready = 1;
	for (size_t i = 0; i < NREC; i++) {
		rt_jdoc_init(&docs[i], 0);
		if (rt_jdoc_parse(&docs[i], records[i], strlen(records[i])) != 0)
			abort();
	}
}

#endif
