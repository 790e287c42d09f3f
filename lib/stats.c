/*
 * stats.c - the --stats object (see stats.h).
 */
#include "stats.h"

#include "json.h"

void
rt_stats_member(struct rt_buf *b, const char *name, uint64_t value)
{
	rt_buf_addc(b, ',');
	rt_json_put_str(b, name, strlen(name));
	rt_buf_addc(b, ':');
	rt_buf_addu(b, value);
}

void
rt_stats_json(const struct rt_stats *st, struct rt_buf *b)
{
	rt_buf_adds(b, "{\"tool\":");
	rt_json_put_str(b, st->tool, strlen(st->tool));
	if (st->name) {
		rt_buf_adds(b, ",\"name\":");
		rt_json_put_str(b, st->name, strlen(st->name));
	}
	rt_stats_member(b, "in", st->in);
	rt_stats_member(b, "out", st->out);
	rt_stats_member(b, "rejected", st->rejected);
	rt_stats_member(b, "dropped", st->dropped);
	if (st->extra)
		st->extra(b, st->extra_arg);
	rt_buf_addc(b, '}');
}
