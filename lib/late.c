/*
 * late.c - the late-record policy (see late.h).
 */
#include "late.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

void
rt_late_open(struct rt_late *l, struct rt_cli *cli, const char *path,
    int pass, const char *hint)
{
	memset(l, 0, sizeof *l);
	l->cli = cli;
	l->path = path;
	l->pass = pass;
	l->hint = hint;
	l->out.fd = -1;
	if (path && rt_out_open(&l->out, path) == -1)
		rt_cli_fatal(cli, "%s: %s", path, strerror(errno));
	l->out.unbuffered = cli->unbuffered;
}

static void
failed(struct rt_late *l)
{
	rt_cli_fatal(l->cli, "%s: %s", l->path, strerror(l->out.err));
}

void
rt_late_put(struct rt_late *l, const struct rt_rec *r, struct rt_jedit *e,
    int64_t behind)
{
	char why[200], dur[48];

	l->n++;
	if (l->pass) {
		rt_jedit_set(e, "_late", 5, "true", 4);
		rt_cli_emit_edit(l->cli, r, e, &l->tmp);
	} else if (l->path) {
		l->tmp.len = 0;
		rt_jedit_finish(e, &l->tmp);
		rt_buf_addc(&l->tmp, '\n');
		if (rt_out_write(&l->out, l->tmp.p, l->tmp.len) == -1 ||
		    rt_out_end(&l->out) == -1)
			failed(l);
		rt_cli_drop(l->cli);
	} else {
		dur[rt_dur_fmt(behind, dur)] = '\0';
		snprintf(why, sizeof why, "late: %s behind the watermark "
		    "(see %s, --late)", dur, l->hint);
		rt_cli_reject(l->cli, r, why);
	}
}

void
rt_late_flush(struct rt_late *l)
{
	if (l->path && rt_out_flush(&l->out) == -1)
		failed(l);
}

void
rt_late_close(struct rt_late *l)
{
	if (l->path && rt_out_close(&l->out) == -1)
		failed(l);
	rt_buf_release(&l->tmp);
}
