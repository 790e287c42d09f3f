/*
 * rt-nats - the bridge to NATS JetStream: pub (records by key into
 * partitions, batched), sub (a stream's records on stdout) and run (a
 * worker running a pipeline per partition it holds, with checkpoints).
 * The work is in lib/nats_*.c; this file reads options.  See rt-nats(1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "nats_conn.h"
#include "nats_io.h"
#include "nats_run.h"

enum {
	OPT_SERVER = RT_OPT_TOOL, OPT_CREDS, OPT_NKEY, OPT_TLS, OPT_TLSCA,
	OPT_TLSCERT, OPT_TLSKEY, OPT_WAIT, OPT_STREAM, OPT_SUBJECT, OPT_CREATE,
	OPT_REPLICAS, OPT_KEY, OPT_PARTS, OPT_MSGID, OPT_BATCH, OPT_DUPWIN,
	OPT_DURABLE, OPT_FROMSTART, OPT_FROMSEQ, OPT_FOLLOW, OPT_OUTSUBJ,
	OPT_OUTSTREAM, OPT_CKPT, OPT_STATEDIR, OPT_LEASE, OPT_WORKER,
	OPT_GROUP, OPT_VALMAX, OPT_REJSUBJ, OPT_ACKWAIT
};

static const struct rt_optdef table[] = {
	RT_OPTTAB_GROUP(rt_cli_common_opts),
	{ "server", required_argument, OPT_SERVER,
	  "URLS", "comma-separated (default $NATS_URL, else\n"
	  "nats://127.0.0.1:4222)", "Connecting:", NULL },
	RT_OPTTAB_ARG("creds", OPT_CREDS,
	    "FILE", "a credentials file (JWT and NKey seed)"),
	RT_OPTTAB_ARG("nkey", OPT_NKEY,
	    "PUB:SEEDFILE", "an NKey public key and its seed file"),
	RT_OPTTAB_FLAG("tls", OPT_TLS,
	    "require TLS"),
	RT_OPTTAB_ARG("tls-ca", OPT_TLSCA,
	    "FILE", "trust these CA certificates"),
	RT_OPTTAB_ARG("tls-cert", OPT_TLSCERT,
	    "FILE", "a client certificate (chain)"),
	RT_OPTTAB_ARG("tls-key", OPT_TLSKEY,
	    "FILE", "its private key"),
	RT_OPTTAB_ARG("connect-timeout", OPT_WAIT,
	    "DUR", "keep retrying so long (default 10s)"),
	{ "stream", required_argument, OPT_STREAM,
	  "NAME", "the stream (pub: checked, or made with\n"
	  "--create)", "Streams:", NULL },
	RT_OPTTAB_ARG("subject", OPT_SUBJECT,
	    "S", "the subject (pub, run: S.<p> per partition)"),
	RT_OPTTAB_FLAG("create", OPT_CREATE,
	    "make the stream(s) when missing"),
	RT_OPTTAB_ARG("replicas", OPT_REPLICAS,
	    "N", "copies of a stream made (default 1)"),
	RT_OPTTAB_ARG("dup-window", OPT_DUPWIN,
	    "DUR", "a stream made deduplicates msg-ids so long\n"
	    "(default 2m)"),
	{ "key", required_argument, OPT_KEY,
	  "F", "partition by field F", "pub:  ", NULL },
	RT_OPTTAB_ARG("partitions", OPT_PARTS,
	    "P", "number of partitions (default 1)"),
	RT_OPTTAB_ARG("msg-id", OPT_MSGID,
	    "F", "message ids from field F: batches depend on\n"
	    "the records only, a re-run is deduplicated"),
	RT_OPTTAB_ARG("batch-bytes", OPT_BATCH,
	    "N", "bytes per message at most (default 64K)"),
	RT_OPTTAB_ARG("ack-wait", OPT_ACKWAIT,
	    "DUR", "wait so long for the last acks (default 30s)"),
	{ "durable", required_argument, OPT_DURABLE,
	  "NAME", "a durable consumer (resumes where it was)", "sub:  ",
	  NULL },
	RT_OPTTAB_FLAG("from-start", OPT_FROMSTART,
	    "from the first message"),
	RT_OPTTAB_ARG("from-seq", OPT_FROMSEQ,
	    "N", "from stream sequence N"),
	RT_OPTTAB_FLAG("follow", OPT_FOLLOW,
	    "wait for more at the end (else exit once\n"
	    "caught up)"),
	{ "out-subject", required_argument, OPT_OUTSUBJ,
	  "O", "output to O.<p> (msg-ids from positions)", "run:  ", NULL },
	RT_OPTTAB_ARG("out-stream", OPT_OUTSTREAM,
	    "NAME", "the stream holding O.> (default NAME_out)"),
	RT_OPTTAB_ARG("checkpoint-every", OPT_CKPT,
	    "DUR|N", "a barrier and a checkpoint so often, or\n"
	    "every N input messages (default 1s)"),
	RT_OPTTAB_ARG("state-dir", OPT_STATEDIR,
	    "DIR", "partitions' state, DIR/<p> (default a\n"
	    "temporary directory)"),
	RT_OPTTAB_ARG("lease", OPT_LEASE,
	    "DUR", "a partition's lease (default 5s)"),
	RT_OPTTAB_ARG("worker", OPT_WORKER,
	    "ID", "this worker's name (default host.pid)"),
	RT_OPTTAB_ARG("group", OPT_GROUP,
	    "NAME", "the buckets' and consumers' name (default\n"
	    "from --out-subject)"),
	RT_OPTTAB_ARG("kv-value-max", OPT_VALMAX,
	    "N", "checkpoint chunks at most N bytes (default 1M)"),
	RT_OPTTAB_ARG("reject-subject", OPT_REJSUBJ,
	    "R", "non-NDJSON input goes to R (default\n"
	    "O.rejects)"),
	RT_OPTTAB_END
};

static void
usage(void)
{
	rt_cli_usage("Usage: rt-nats pub|sub|run [OPTION]... [FILE | -- "
	    "PIPELINE]\n"
	    "The bridge to NATS JetStream.\n"
	    "  rt-nats pub --subject S [--key F --partitions P] [FILE]...\n"
	    "      publish records in batches to S.<p>, p = FNV-1a(key) mod P\n"
	    "  rt-nats sub --stream NAME --subject S\n"
	    "      write a stream's records on stdout\n"
	    "  rt-nats run --stream NAME --subject S --partitions P\n"
	    "      --out-subject O -- 'PIPELINE'\n"
	    "      run PIPELINE (sh -c) for each partition this worker "
	    "holds\n\n", table, "\n",
	    RT_CLI_GROUPS(rt_cli_common_opts),
	    "\nExit status: 0 all stored, 1 some records rejected, 2 trouble "
	    "(server\nunreachable, stream missing, a pipeline failed).\n"
	    "See rt-nats(1) and rtpipe(7).\n");
}

struct opts {
	int cmd;		/* 'p', 's', 'r' */
	struct rt_nconf conf;
	const char *stream;
	int create, replicas;
	int64_t dup_us;
	struct rt_npubopt pub;
	struct rt_nsubopt sub;
	struct rt_nrunopt run;
};

/* Options of the connection and the streams: 1 if opt was one. */
static int
opt_common(struct rt_cli *cli, struct opts *o, int opt, const char *arg)
{
	switch (opt) {
	case OPT_SERVER: o->conf.servers = arg; break;
	case OPT_CREDS: o->conf.creds = arg; break;
	case OPT_NKEY: o->conf.nkey = arg; break;
	case OPT_TLS: o->conf.tls = 1; break;
	case OPT_TLSCA: o->conf.tls_ca = arg; break;
	case OPT_TLSCERT: o->conf.tls_cert = arg; break;
	case OPT_TLSKEY: o->conf.tls_key = arg; break;
	case OPT_WAIT:
		o->conf.wait_us = rt_cli_dur(cli, "connect-timeout", arg,
		    RT_DUR_ZERO_OK);
		break;
	case OPT_STREAM: o->stream = arg; break;
	case OPT_SUBJECT: o->pub.subject = o->sub.subject = arg; break;
	case OPT_CREATE: o->create = 1; break;
	case OPT_REPLICAS:
		o->replicas = (int)rt_cli_count(cli, "replicas", arg, 1, 5);
		break;
	case OPT_DUPWIN:
		o->dup_us = rt_cli_dur(cli, "dup-window", arg, RT_DUR_POSITIVE);
		break;
	case OPT_PARTS:
		o->pub.parts = (uint32_t)rt_cli_count(cli, "partitions", arg, 1,
		    4096);
		break;
	default: return 0;
	}
	return 1;
}

/* Options of pub and sub: 1 if opt was one. */
static int
opt_pubsub(struct rt_cli *cli, struct opts *o, int opt, const char *arg)
{
	switch (opt) {
	case OPT_KEY: o->pub.key = arg; break;
	case OPT_MSGID: o->pub.msgid = arg; break;
	case OPT_BATCH:
		o->pub.batch_bytes = (size_t)rt_cli_count(cli, "batch-bytes",
		    arg, 1, 64 << 20);
		break;
	case OPT_ACKWAIT:
		o->pub.ack_wait_ms = rt_cli_dur(cli, "ack-wait", arg,
		    RT_DUR_POSITIVE) / 1000;
		break;
	case OPT_DURABLE: o->sub.durable = arg; break;
	case OPT_FROMSTART: o->sub.from_start = 1; break;
	case OPT_FROMSEQ:
		o->sub.from_seq = (uint64_t)rt_cli_count(cli, "from-seq", arg,
		    1, INT64_MAX);
		break;
	case OPT_FOLLOW: o->sub.follow = 1; break;
	default: return 0;
	}
	return 1;
}

/* Options of run: 1 if opt was one. */
static int
opt_run(struct rt_cli *cli, struct opts *o, int opt, const char *arg)
{
	long long v;

	switch (opt) {
	case OPT_OUTSUBJ: o->run.out_subject = arg; break;
	case OPT_OUTSTREAM: o->run.out_stream = arg; break;
	case OPT_CKPT:
		if (strspn(arg, "0123456789") == strlen(arg))
			o->run.ckpt_msgs = (uint64_t)rt_cli_count(cli,
			    "checkpoint-every", arg, 1, INT64_MAX);
		else
			o->run.ckpt_us = rt_cli_dur(cli, "checkpoint-every",
			    arg, RT_DUR_POSITIVE);
		break;
	case OPT_STATEDIR: o->run.state_dir = arg; break;
	case OPT_LEASE:
		o->run.lease_us = rt_cli_dur(cli, "lease", arg,
		    RT_DUR_POSITIVE);
		break;
	case OPT_WORKER: o->run.worker = arg; break;
	case OPT_GROUP: o->run.group = arg; break;
	case OPT_REJSUBJ: o->run.reject_subject = arg; break;
	case OPT_VALMAX:
		if ((v = rt_cli_size(arg)) < 1024 || v > (64 << 20))
			rt_cli_usage_error(cli, "--kv-value-max: expected a size "
			    "from 1K to 64M, not '%s'", arg);
		o->run.value_max = (size_t)v;
		break;
	default: return 0;
	}
	return 1;
}

static void
options(struct rt_cli *cli, struct opts *o, int argc, char **argv)
{
	int opt, li;
	long long v;

	while ((opt = rt_cli_getopt(cli, argc, argv, &li)) != -1) {
		if (opt == OPT_BATCH) {
			if ((v = rt_cli_size(optarg)) < 1 || v > (64 << 20))
				rt_cli_usage_error(cli, "--batch-bytes: expected "
				    "a size up to 64M, not '%s'", optarg);
			o->pub.batch_bytes = (size_t)v;
		} else if (!opt_common(cli, o, opt, optarg) &&
		    !opt_pubsub(cli, o, opt, optarg) &&
		    !opt_run(cli, o, opt, optarg))
			rt_cli_other(cli, argv, opt, optarg);
	}
}

/* What each command needs. */
static void
check(struct rt_cli *cli, struct opts *o, int argc)
{
	if (o->cmd == 0)
		rt_cli_usage_error(cli, "a command is needed: pub, sub or run");
	if (o->pub.subject == NULL)
		rt_cli_usage_error(cli, "--subject is needed");
	if (o->cmd != 'p' && o->stream == NULL)
		rt_cli_usage_error(cli, "--stream is needed");
	if (o->create && o->stream == NULL)
		rt_cli_usage_error(cli, "--create needs --stream");
	if (o->cmd == 'p' && o->pub.parts > 1 && !o->pub.key)
		rt_cli_usage_error(cli, "--partitions needs --key");
	if (o->sub.from_start && o->sub.from_seq)
		rt_cli_usage_error(cli, "--from-start and --from-seq exclude "
		    "each other");
	if (o->cmd == 'r' && (o->run.out_subject == NULL || optind != argc - 1))
		rt_cli_usage_error(cli, "run needs --out-subject and one "
		    "PIPELINE after --");
	if (o->cmd == 'r' && !o->pub.key && o->pub.parts == 0)
		o->pub.parts = 1;
}

static void
connect_or_die(struct rt_cli *cli, struct opts *o, struct rt_nconn *c)
{
	char err[400];

	if (rt_nconn_open(c, &o->conf, err, sizeof err) != NULL)
		rt_cli_fatal(cli, "%s", err);
}

/* The stream of pub and sub: made with --create, else it must exist. */
static void
stream_or_die(struct rt_cli *cli, struct opts *o, struct rt_nconn *c)
{
	char err[400], subj[300];
	const char *sv[1] = { subj };
	int k;

	if (o->stream == NULL)
		return;
	snprintf(subj, sizeof subj, "%s%s", o->pub.subject,
	    o->pub.key ? ".*" : "");
	if (o->create && rt_nconn_create(c, o->stream, sv, 1, o->replicas,
	    o->dup_us, err, sizeof err) != NULL)
		rt_cli_fatal(cli, "--create: stream '%s': %s", o->stream, err);
	if ((k = rt_nconn_stream(c, o->stream, err, sizeof err)) == -1)
		rt_cli_fatal(cli, "stream '%s': %s", o->stream, err);
	if (k == 0)
		rt_cli_fatal(cli, "stream '%s' not found (--create makes it)",
		    o->stream);
}

static int
do_pub(struct rt_cli *cli, struct opts *o, int argc, char **argv)
{
	struct rt_nconn c;
	char err[300];
	int rc;

	cli->nowait = 1;
	cli->ctl_sink = 1;	/* control records do not travel on NATS */
	rt_cli_start(cli, argc, argv, optind);
	connect_or_die(cli, o, &c);
	stream_or_die(cli, o, &c);
	if (rt_nats_pub(cli, &c, &o->pub, err, sizeof err) == -1) {
		rt_cli_warn(cli, "%s", err);
		cli->trouble = 1;
	}
	rc = rt_cli_finish(cli);
	rt_nconn_close(&c);
	return rc;
}

static int
do_sub(struct rt_cli *cli, struct opts *o, int argc, char **argv)
{
	struct rt_nconn c;
	char err[400];
	int rc;

	o->sub.stream = o->stream;
	rt_cli_start(cli, argc, argv, argc);
	connect_or_die(cli, o, &c);
	stream_or_die(cli, o, &c);
	if (rt_nats_sub(cli, &c, &o->sub, err, sizeof err) != NULL) {
		rt_cli_warn(cli, "stream '%s': %s", o->stream, err);
		cli->trouble = 1;
	}
	rc = rt_cli_finish(cli);
	rt_nconn_close(&c);
	return rc;
}

static int
do_run(struct rt_cli *cli, struct opts *o, int argc, char **argv)
{
	o->run.stream = o->stream;
	o->run.subject = o->pub.subject;
	o->run.parts = o->pub.parts ? o->pub.parts : 1;
	o->run.pipeline = argv[optind];
	o->run.create = o->create;
	o->run.replicas = o->replicas;
	o->run.dup_us = o->dup_us;
	cli->sb.allow |= RT_SB_ALLOW_EXEC;
	rt_cli_start(cli, argc, argv, argc);
	return rt_nats_run(cli, &o->conf, &o->run);
}

#if defined(__SANITIZE_ADDRESS__)
/*
 * The sanitizer build only.  Under a slow cluster (a leader moving,
 * both cores busy), rt-nats pub was once reported leaking one message of
 * about 160 bytes made inside libnats 3.4 (natsMsg_create, called from
 * no frame of ours that the unwinder could see): the size of a publish's
 * ack reply, which the client keeps when it arrives after rt_npub took
 * that publish back to send it again.  Our own messages are checked
 * without this suppression by t_nats_pub, t_nats_io and t_nats_work,
 * which also take publishes back.
 */
const char *__lsan_default_suppressions(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:natsMsg_create\n";
}
#endif

int
main(int argc, char *argv[])
{
	static struct rt_cli cli;
	static struct opts o;
	const char *cmd = argc > 1 ? argv[1] : "";
	int rc;

	rt_cli_init(&cli, "rt-nats", usage, table);
	o.conf.wait_us = 10 * RT_US_PER_S;
	o.replicas = 1;
	o.dup_us = 120 * RT_US_PER_S;
	o.pub.batch_bytes = 64 * 1024;
	o.pub.ack_wait_ms = 30000;
	o.run.ckpt_us = RT_US_PER_S;
	o.run.lease_us = 5 * RT_US_PER_S;
	o.run.value_max = 1 << 20;
	if (strcmp(cmd, "pub") == 0 || strcmp(cmd, "sub") == 0 ||
	    strcmp(cmd, "run") == 0) {
		o.cmd = cmd[0] == 'p' ? 'p' : cmd[0] == 's' ? 's' : 'r';
		argc--;
		argv++;
	} else if (*cmd && *cmd != '-') {
		rt_cli_usage_error(&cli, "unknown command '%s' (pub, sub, run)",
		    cmd);
	}
	options(&cli, &o, argc, argv);
	check(&cli, &o, argc);
	/* The network, and (no Landlock) the resolver's files. */
	cli.sb.allow |= RT_SB_ALLOW_NET | RT_SB_ALLOW_FS;
	if (o.cmd == 'p')
		rc = do_pub(&cli, &o, argc, argv);
	else if (o.cmd == 's')
		rc = do_sub(&cli, &o, argc, argv);
	else
		rc = do_run(&cli, &o, argc, argv);
	nats_Close();
	return rc;
}
