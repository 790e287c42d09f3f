/*
 * nats_run.c - rt-nats run, the worker; see nats_run.h and rt-nats(1).
 */
#include "nats_run.h"

int
rt_nats_run(struct rt_cli *cli, const struct rt_nconf *conf,
    const struct rt_nrunopt *o)
{
	(void)conf;
	(void)o;
	rt_cli_fatal(cli, "run: not yet");
}
