/*
 * number.h - numbers as text: reading JSON numbers, printing doubles that
 * read back exactly, and mending the numbers messy exports write
 * ("1,234.50", "$12", "(12.00)").  Always the C locale.  rt-clean(1).
 */
#ifndef RT_NUMBER_H
#define RT_NUMBER_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Read the JSON number text s[0, n) (RFC 8259 grammar) as the nearest
 * double.  0, or -1 if the text is not a JSON number. */
int rt_num_parse(const char *s, size_t n, double *out);
/* The same for a text known to be a JSON number (a number node of a
 * parsed document): not checked again. */
double rt_num_parse_json(const char *s, size_t n);

/* Read s[0, n) as an exact int64 when it is a JSON integer in range
 * ("12", "-3"; not "1.0" or "1e3").  0 or -1. */
int rt_num_int64(const char *s, size_t n, int64_t *out);

/* Append the shortest decimal text that reads back as v ("0.1", "1234.5",
 * "1e+300", "5e-324"); integers print without a fraction; -0 prints as
 * 0.  NaN and infinities, which JSON lacks, print as null. */
void rt_num_fmt(struct rt_buf *b, double v);

/* Flags for rt_num_clean. */
#define RT_NUM_DECIMAL_COMMA	0x01	/* "1.234,50": comma is the point */
#define RT_NUM_PLAIN		0x02	/* only a JSON-like number, no dirt */
#define RT_NUM_INTEGER		0x04	/* the value must be a whole number */

/*
 * Mend a number written by a person or a spreadsheet and append it as JSON
 * number text, without going through a float: "1,234.50" -> 1234.50,
 * "$12" -> 12, "€ 12.00" -> 12.00, "(12.00)" -> -12.00, "+.5" -> 0.5,
 * "12,50" with RT_NUM_DECIMAL_COMMA -> 12.50.  Thousands separators must
 * group by three.  With RT_NUM_INTEGER the value must be whole ("12.00"
 * -> 12, "1.2e3" -> 1200).  Returns NULL, or a short reason with nothing
 * appended.
 */
const char *rt_num_clean(const char *s, size_t n, unsigned flags,
    struct rt_buf *out);

#endif
