/*
 * t_svg.c - SVG text (lib/svg.c): numbers, escaping, elements, the
 * panel's mapping of data to pixels, round ticks.
 */
#include <math.h>
#include <string.h>

#include "svg.h"
#include "tap.h"

static const char *
str(struct rt_buf *b)
{
	rt_buf_addc(b, '\0');
	b->len--;
	return b->p;
}

static const char *
num(double v)
{
	static struct rt_buf b;

	b.len = 0;
	rt_svg_num(&b, v);
	return str(&b);
}

static void
numbers_and_text(void)
{
	struct rt_buf b = RT_BUF_INIT;

	ok(!strcmp(num(12.5), "12.5") && !strcmp(num(3), "3") &&
	    !strcmp(num(0.0004), "0") && !strcmp(num(-0.0004), "0") &&
	    !strcmp(num(1.23456), "1.235") && !strcmp(num(-2.5), "-2.5") &&
	    !strcmp(num(NAN), "0"), "numbers: 3 decimals at most, no -0");
	rt_svg_esc(&b, "a<b & \"c\">\x01\td", 14);
	ok(!strcmp(str(&b), "a&lt;b &amp; &quot;c&quot;&gt;\td"),
	    "escaping: & < > \" and control bytes");
	b.len = 0;
	rt_svg_rect(&b, 1, 2, 3, -4, "fill=\"red\"", "x < y");
	ok(!strcmp(str(&b), "<rect x=\"1\" y=\"2\" width=\"3\" height=\"0\" "
	    "fill=\"red\"><title>x &lt; y</title></rect>\n"),
	    "a rect with a title; a negative size is 0");
	b.len = 0;
	rt_svg_poly_begin(&b, "id=\"c\"");
	rt_svg_poly_pt(&b, 0, 1.5);
	rt_svg_poly_pt(&b, 2, 3);
	rt_svg_poly_end(&b);
	ok(!strcmp(str(&b), "<polyline id=\"c\" points=\"0,1.5 2,3\"/>\n"),
	    "a polyline");
	b.len = 0;
	rt_svg_text(&b, 1, 2, NULL, "r&d");
	ok(!strcmp(str(&b), "<text x=\"1\" y=\"2\">r&amp;d</text>\n"), "text");
	rt_buf_release(&b);
}

static void
panels_and_ticks(void)
{
	struct rt_svg_panel p = { 100, 50, 200, 100, 10, 20, 0, 0.5 };
	double t[16];
	int dec;
	size_t n;

	ok(rt_svg_px(&p, 10) == 100 && rt_svg_px(&p, 20) == 300 &&
	    rt_svg_px(&p, 15) == 200, "x: left to right");
	ok(rt_svg_py(&p, 0) == 150 && rt_svg_py(&p, 0.5) == 50 &&
	    rt_svg_py(&p, 0.25) == 100, "y: bottom to top");
	n = rt_svg_ticks(0, 1, 6, t, &dec);
	ok(n == 6 && fabs(t[1] - 0.2) < 1e-12 && fabs(t[5] - 1) < 1e-12 &&
	    dec == 1, "ticks of 0..1: 0, 0.2, ... 1, one decimal");
	n = rt_svg_ticks(0.05, 0.97, 6, t, &dec);
	ok(n == 4 && fabs(t[0] - 0.2) < 1e-12 && dec == 1,
	    "ticks of 0.05..0.97: 0.2 0.4 0.6 0.8");
	n = rt_svg_ticks(19783, 19803, 6, t, &dec);
	ok(n == 4 && t[0] == 19785 && t[3] == 19800 && dec == 0,
	    "ticks of 20 days: every 5");
	n = rt_svg_ticks(-3, 117, 6, t, &dec);
	ok(n == 3 && t[0] == 0 && t[2] == 100 && dec == 0,
	    "ticks of -3..117: 0, 50, 100");
	n = rt_svg_ticks(0, 0.012, 6, t, &dec);
	ok(n == 3 && fabs(t[2] - 0.01) < 1e-15 && dec == 3,
	    "ticks of 0..0.012: 0, 0.005, 0.010");
}

int
main(void)
{
	numbers_and_text();
	panels_and_ticks();
	return done_testing();
}
