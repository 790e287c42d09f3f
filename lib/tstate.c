/*
 * tstate.c - a tool's --state over the run (see tstate.h).
 */
#include "tstate.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "state.h"

static void
load(struct rt_tstate *s)
{
	struct rt_buf b = RT_BUF_INIT;
	const char *why;
	size_t body;

	if (rt_state_load(s->path, &b) == -1) {
		if (errno == ENOENT)
			return;
		rt_cli_fatal(s->cli, "%s: %s", s->path, strerror(errno));
	}
	why = rt_state_check(&b, s->tool, s->config, s->nconfig, &body);
	if (why == NULL)
		why = s->load(s->arg, b.p + body, b.len - body);
	if (why)
		rt_cli_fatal(s->cli, "%s: %s", s->path, why);
	rt_buf_release(&b);
}

/* A barrier: the state for this point on disk before it is passed on. */
static void
on_control(void *arg, const struct rt_ctl *ctl)
{
	if (ctl->kind == RT_CTL_BARRIER)
		rt_tstate_save(arg);
}

void
rt_tstate_open(struct rt_tstate *s, struct rt_cli *c, const char *path,
    const char *tool, const char *config, size_t n, rt_tstate_save_fn *save,
    rt_tstate_load_fn *ld, void *arg)
{
	memset(s, 0, sizeof *s);
	s->cli = c;
	s->path = path;
	s->tool = tool;
	s->config = config;
	s->nconfig = n;
	s->save = save;
	s->load = ld;
	s->arg = arg;
	s->lock_fd = -1;
	if (path == NULL)
		return;
	s->lock_fd = rt_cli_state_lock(c, path);
	load(s);
	c->control = on_control;
	c->control_arg = s;
	rt_cli_allow(c, path, RT_SB_WRITE | RT_SB_DIR);
}

void
rt_tstate_save(struct rt_tstate *s)
{
	struct rt_buf b = RT_BUF_INIT;

	rt_cli_idle(s->cli);
	rt_state_header(&b, s->tool, s->config, s->nconfig);
	s->save(s->arg, &b);
	if (rt_state_save(s->path, b.p, b.len) == -1)
		rt_cli_fatal(s->cli, "%s: %s", s->path, strerror(errno));
	rt_buf_release(&b);
}

void
rt_tstate_close(struct rt_tstate *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
}
