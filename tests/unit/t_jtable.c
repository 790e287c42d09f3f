/*
 * t_jtable.c - rt-join's table from its options (lib/jtable.c): the
 * lists, the schema's types, the checks of options that do not go
 * together, and a table loaded, put in force and counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jtable.h"
#include "tap.h"

int
main(void)
{
	struct rt_jconf c;
	struct rt_join j;
	struct rt_jtab *jt;
	struct rt_buf b = RT_BUF_INIT;
	int64_t iv = 0;
	const char *why;
	char err[256], path[] = "/tmp/t_jtable.XXXXXX";
	int fd;

	rt_jconf_init(&c);
	rt_join_init(&j);
	ok(rt_jconf_on(&c, &j, "card_id=id,mcc") == NULL && j.nfield == 2 &&
	    strcmp(j.field[0], "card_id") == 0 &&
	    strcmp(c.spec.key[0], "id") == 0 && strcmp(j.field[1], "mcc") == 0 &&
	    strcmp(c.spec.key[1], "mcc") == 0, "--on F=COL,F2");
	ok(rt_jconf_on(&c, &j, "a,,b") != NULL && rt_jconf_on(&c, &j, "=x") &&
	    rt_jconf_on(&c, &j, "a,b,c,d,e,f,g,h,i") != NULL,
	    "empty names, too many");
	ok(rt_jconf_select(&c, "b,a") == NULL && c.spec.nselect == 2 &&
	    strcmp(c.spec.select[1], "a") == 0, "--select");
	ok(rt_jconf_types(&c, "x,y", RT_TT_INTEGER) == NULL &&
	    c.spec.ntypes == 2 && c.types[1].type == RT_TT_INTEGER, "types");
	{
		const char *sc = "{\"properties\":{\"n\":{\"type\":[\"number\","
		    "\"null\"]},\"s\":{\"type\":\"string\"},\"b\":{\"type\":"
		    "\"boolean\"}}}";

		why = rt_jconf_schema(&c, sc, strlen(sc));
	}
	ok(why == NULL && c.spec.ntypes == 4 && strcmp(c.types[2].name, "n") == 0
	    && c.types[2].type == RT_TT_NUMBER && c.types[3].type == RT_TT_BOOL,
	    "schema types: %s", why ? why : "ok");
	ok(rt_jconf_schema(&c, "[1]", 3) != NULL, "not a schema");
	ok(rt_jconf_range(&c, "lo,hi") == NULL && rt_jconf_range(&c, "lo") &&
	    rt_jconf_range(&c, "a,b,c"), "--range LO,HI");
	ok(rt_jconf_format("csv") == RT_TF_CSV && rt_jconf_format("sqlite") ==
	    RT_TF_SQLITE && rt_jconf_format("xml") == -1, "--table-format");
	rt_jconf_release(&c);
	rt_join_release(&j);

	rt_jconf_init(&c);
	rt_join_init(&j);
	ok(rt_jconf_check(&c, &j, 0, &iv) != NULL, "no --table: refused");
	fd = mkstemp(path);
	(void)!write(fd, "id,v\n1,a\n2,b\n3\n", 15);
	close(fd);
	c.path = path;
	c.spec.fmt = RT_TF_CSV;
	rt_jconf_on(&c, &j, "id");
	c.cache = 5;
	ok(rt_jconf_check(&c, &j, 0, &iv) != NULL, "--cache needs SQLite");
	c.cache = 0;
	ok(rt_jconf_check(&c, &j, 1, &iv) == NULL && iv == 1000000,
	    "--watch: 1s");
	rt_join_setup(&j);
	jt = rt_jtab_load(&c, err, sizeof err);
	ok(jt != NULL && jt->t.nrows == 2 && jt->t.rejected == 1,
	    "loaded: 2 rows, 1 refused");
	rt_jtab_use(jt, &j);
	rt_jtab_stats(jt, &b);
	ok(strcmp(rt_buf_cstr(&b), ",\"table_rows\":2,\"table_rejected\":1") == 0,
	    "stats: %s", rt_buf_cstr(&b));
	rt_jtab_free(jt);
	unlink(path);
	ok(rt_jtab_load(&c, err, sizeof err) == NULL && strstr(err, "No such"),
	    "gone: %s", err);
	rt_buf_release(&b);
	rt_jconf_release(&c);
	rt_join_release(&j);
	return done_testing();
}
