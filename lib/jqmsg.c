/*
 * jqmsg.c - jq error messages with values replaced by types (jqmsg.h).
 * jq 1.6 puts a value in a message as jv_dump_string_trunc makes it: the
 * JSON text, or its first bytes and "..." when longer than the buffer
 * (15 or 30 bytes; a character cut by the truncation becomes U+FFFD).
 */
#define _GNU_SOURCE	/* memmem */
#include "jqmsg.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

static const char *const kinds[] = {
	"null", "boolean", "number", "string", "array", "object"
};

/* Words of jq 1.6's own run-time messages (and of rtpipe's prelude);
 * sorted for bsearch. */
static const char *const vocab[] = {
	"Array", "Cannot", "Comparison", "EOF", "Equality", "Expected",
	"Function", "Invalid", "JSON", "No", "Object", "Objects", "Out",
	"Path", "Paths", "Potentially", "RS", "Range", "Repeat", "Start",
	"String", "Truncated", "Unfinished", "Unmatched", "a", "abandoned",
	"added", "allowed", "an", "and", "arguments", "array", "arrays", "as",
	"assigned", "at", "available", "base", "be", "because", "between",
	"boolean", "both", "bounds", "break", "byte", "can", "cannot",
	"characters", "check", "checked", "codepoint", "column", "components",
	"consist", "contain", "containment", "control", "converted", "csv",
	"data", "date", "datetime", "deep", "delete", "determine", "divided",
	"divisor", "element", "end", "endswith", "epoch", "error", "escape",
	"escaped", "explode", "expression", "field", "fields", "for",
	"format", "formatted", "from", "gmtime", "halt", "has", "have",
	"implode", "imploded", "in", "index", "indices", "input", "inputs",
	"is", "it", "iterate", "iterated", "key", "keys", "large", "length",
	"line", "literal", "localtime", "long", "matched", "merge", "mktime",
	"modifier", "more", "multiplied", "must", "near", "need", "needs",
	"negated", "negative", "no", "non", "not", "null", "number",
	"numbers", "numeric", "object", "of", "only", "or", "over", "pair",
	"pairs", "parsed", "path", "requires", "result", "resync", "row",
	"rules", "searched", "seconds", "separator", "since", "slice",
	"sorted", "specified", "split", "startswith", "string", "strings",
	"strptime", "subtracted", "supported", "surrogate", "term", "text",
	"the", "their", "they", "through", "to", "too", "top", "truncated",
	"tsv", "uXXXX", "unicode", "use", "valid", "value", "values",
	"whether", "with", "wrong", "zero",
};

/* jq's messages that hold digits of their own, kept whole. */
static const char *const whole[] = {
	"halt_error/1: number required",
	"mktime requires array of 6 numbers",
	"only strings have UTF-8 byte length",
	"strftime/1 requires parsed datetime inputs",
	"strftime/1 requires a string format",
	"strflocaltime/1 requires parsed datetime inputs",
	"strflocaltime/1 requires a string format",
	"strptime/1 requires string inputs and arguments",
	("Invalid string: control characters from U+0000 through U+001F "
	    "must be escaped"),
};

static int
vocab_cmp(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static int
is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
in_vocab(const char *w, size_t n)
{
	char tmp[32];

	if (n >= sizeof tmp)
		return 0;
	memcpy(tmp, w, n);
	tmp[n] = '\0';
	return bsearch(tmp, vocab, sizeof vocab / sizeof vocab[0],
	    sizeof vocab[0], vocab_cmp) != NULL;
}

/* The kind word at s[0, n) (followed by a non-letter), or NULL. */
static const char *
kind_at(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		size_t k = strlen(kinds[i]);

		if (n >= k && memcmp(s, kinds[i], k) == 0 &&
		    (n == k || !is_letter(s[k])))
			return kinds[i];
	}
	return NULL;
}

/* Is s[at, e) followed by after (NULL: the end of the message)? */
static int
ends_at(const char *s, size_t n, size_t e, const char *after)
{
	size_t k = after ? strlen(after) : 0;

	if (after == NULL)
		return e == n;
	return n - e >= k && memcmp(s + e, after, k) == 0;
}

/* Where the value jq dumped at s[at..] ends, followed by after: the
 * shortest JSON text so followed, or a truncated dump ("..." within the
 * lengths truncation makes).  0 when there is none. */
static size_t
dump_end(const char *s, size_t n, size_t at, const char *after)
{
	size_t e;

	for (e = at + 1; e <= n && e - at <= 32; e++)
		if (ends_at(s, n, e, after) &&
		    rt_json_valid(s + at, e - at, NULL, NULL) == 0)
			return e;
	for (e = at + 14; e <= n && e - at <= 31; e++)
		if (memcmp(s + e - 3, "...", 3) == 0 && ends_at(s, n, e, after))
			return e;
	return 0;
}

/* The kind of a dumped value, from its first byte. */
static const char *
dump_kind(char c)
{
	switch (c) {
	case '"': return "string";
	case '[': return "array";
	case '{': return "object";
	case 't': case 'f': return "boolean";
	case 'n': return "null";
	default: return "number";
	}
}

/*
 * Copy s[0, n): jq's words and punctuation as they are, each "KIND
 * (VALUE)" as "KIND (...)".  0, or -1 (out partly written) when anything
 * else is there: a word jq does not use, a digit, a quote.  parser: the
 * words of jq's JSON parser, whose messages give a line and a column
 * (digits) and quote the bracket they found.
 */
static int
typed_words(const char *s, size_t n, int parser, struct rt_buf *out)
{
	size_t i = 0, w, e;
	const char *k;

	while (i < n) {
		if (is_letter(s[i])) {
			for (w = i; w < n && is_letter(s[w]); w++)
				;
			if ((k = kind_at(s + i, n - i)) != NULL &&
			    n - w >= 2 && memcmp(s + w, " (", 2) == 0 &&
			    (e = dump_end(s, n, w + 2, ")")) != 0) {
				rt_buf_printf(out, "%s (...)", k);
				i = e + 1;
				continue;
			}
			if (!in_vocab(s + i, w - i))
				return -1;
			rt_buf_add(out, s + i, w - i);
			i = w;
		} else if ((s[i] != 0 && strchr(" ,.:;()/-_'!?", s[i]) != NULL) ||
		    (parser && s[i] != 0 && strchr("0123456789[]{}\\", s[i]))) {
			rt_buf_addc(out, s[i++]);
		} else {
			return -1;
		}
	}
	return 0;
}

static int
prefixed(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s, p, k) == 0;
}

static int
suffixed(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && memcmp(s + n - k, p, k) == 0;
}

/* "Cannot index KIND with string \"KEY\"" */
static int
index_key(const char *s, size_t n, int keys, struct rt_buf *out)
{
	static const char pre[] = "Cannot index ", mid[] = " with string \"";
	const char *k;
	size_t at = sizeof pre - 1;

	if (!prefixed(s, n, pre) || (k = kind_at(s + at, n - at)) == NULL)
		return -1;
	at += strlen(k);
	if (!prefixed(s + at, n - at, mid) || n - at < sizeof mid ||
	    s[n - 1] != '"')
		return -1;
	at += sizeof mid - 1;
	rt_buf_printf(out, "Cannot index %s with string \"%.*s\"", k,
	    keys ? (int)(n - 1 - at) : 3, keys ? s + at : "...");
	return 0;
}

/* "Invalid path expression ..." with its one or two values. */
static int
bad_path(const char *s, size_t n, struct rt_buf *out)
{
	static const char *const pre[] = {
		"Invalid path expression with result ",
		"Invalid path expression near attempt to iterate through ",
		"Invalid path expression near attempt to access element ",
	};
	size_t at, e;

	for (int i = 0; i < 3; i++) {
		if (!prefixed(s, n, pre[i]))
			continue;
		at = strlen(pre[i]);
		rt_buf_adds(out, pre[i]);
		if (i == 2) {
			if ((e = dump_end(s, n, at, " of ")) == 0)
				return -1;
			rt_buf_printf(out, "%s (...) of ", dump_kind(s[at]));
			at = e + 4;
		}
		if (at >= n || dump_end(s, n, at, NULL) == 0)
			return -1;
		rt_buf_printf(out, "%s (...)", dump_kind(s[at]));
		return 0;
	}
	return -1;
}

/* "Regex failure: ": Oniguruma's words, names in <...> or {...} hidden. */
static void
regex_failure(const char *s, size_t n, struct rt_buf *out)
{
	char close = 0;

	for (size_t i = 0; i < n; i++) {
		if (close) {
			if (s[i] == close) {
				rt_buf_adds(out, "...");
				rt_buf_addc(out, close);
				close = 0;
			}
			continue;
		}
		rt_buf_addc(out, s[i]);
		if (s[i] == '<')
			close = '>';
		else if (s[i] == '{')
			close = '}';
	}
}

/* The special forms; 0 when msg was one (out written), else -1. */
static int
special(const char *s, size_t n, int keys, struct rt_buf *out)
{
	static const char parsing[] = " (while parsing '";
	const char *p;

	if (index_key(s, n, keys, out) == 0 || bad_path(s, n, out) == 0)
		return 0;
	if (prefixed(s, n, "Regex failure: ")) {
		regex_failure(s, n, out);
		return 0;
	}
	if (prefixed(s, n, "date \"") && suffixed(s, n, "\"") &&
	    memmem(s, n, "\" does not match format \"", 25) != NULL) {
		rt_buf_adds(out, "date \"...\" does not match format \"...\"");
		return 0;
	}
	if (suffixed(s, n, " is not a valid modifier string")) {
		rt_buf_adds(out, "... is not a valid modifier string");
		return 0;
	}
	p = memmem(s, n, parsing, sizeof parsing - 1);
	if (p && suffixed(s, n, "')") &&
	    typed_words(s, (size_t)(p - s), 1, out) == 0) {
		rt_buf_adds(out, " (while parsing '...')");
		return 0;
	}
	return -1;
}

void
rt_jqmsg_typed(const char *msg, size_t n, int keys, struct rt_buf *out)
{
	size_t start = out->len;

	if (msg == NULL || n == 0)
		goto own;
	for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++)
		if (strlen(whole[i]) == n && memcmp(whole[i], msg, n) == 0) {
			rt_buf_add(out, msg, n);
			return;
		}
	if (special(msg, n, keys, out) == 0)
		return;
	out->len = start;
	if (typed_words(msg, n, 0, out) == 0)
		return;
own:
	out->len = start;
	rt_buf_adds(out, RT_JQMSG_OWN);
}
