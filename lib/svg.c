/*
 * svg.c - SVG elements written as text (see svg.h).
 */
#include "svg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void
rt_svg_begin(struct rt_buf *b, double w, double h)
{
	rt_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"");
	rt_svg_num(b, w);
	rt_buf_adds(b, "\" height=\"");
	rt_svg_num(b, h);
	rt_buf_adds(b, "\" viewBox=\"0 0 ");
	rt_svg_num(b, w);
	rt_buf_addc(b, ' ');
	rt_svg_num(b, h);
	rt_buf_adds(b, "\" font-family=\"sans-serif\" font-size=\"12\">\n");
	rt_svg_rect(b, 0, 0, w, h, "fill=\"#fff\"", NULL);
}

void
rt_svg_end(struct rt_buf *b)
{
	rt_buf_adds(b, "</svg>\n");
}

void
rt_svg_esc(struct rt_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '&': rt_buf_adds(b, "&amp;"); break;
		case '<': rt_buf_adds(b, "&lt;"); break;
		case '>': rt_buf_adds(b, "&gt;"); break;
		case '"': rt_buf_adds(b, "&quot;"); break;
		default:
			if (c >= 0x20 || c == '\t' || c == '\n')
				rt_buf_addc(b, (char)c);
		}
	}
}

void
rt_svg_num(struct rt_buf *b, double v)
{
	char t[64];
	int n;

	if (!isfinite(v))
		v = 0;
	n = snprintf(t, sizeof t, "%.3f", v);
	while (n > 0 && t[n - 1] == '0')
		n--;
	if (n > 0 && t[n - 1] == '.')
		n--;
	if (n == 2 && t[0] == '-' && t[1] == '0')	/* "-0" */
		rt_buf_addc(b, '0');
	else
		rt_buf_add(b, t, (size_t)n);
}

/* ' name="v"' */
static void
attr_num(struct rt_buf *b, const char *name, double v)
{
	rt_buf_addc(b, ' ');
	rt_buf_adds(b, name);
	rt_buf_adds(b, "=\"");
	rt_svg_num(b, v);
	rt_buf_addc(b, '"');
}

static void
attrs_end(struct rt_buf *b, const char *attrs, const char *title,
    const char *tag)
{
	if (attrs) {
		rt_buf_addc(b, ' ');
		rt_buf_adds(b, attrs);
	}
	if (title == NULL) {
		rt_buf_adds(b, "/>\n");
		return;
	}
	rt_buf_adds(b, "><title>");
	rt_svg_esc(b, title, strlen(title));
	rt_buf_printf(b, "</title></%s>\n", tag);
}

void
rt_svg_text(struct rt_buf *b, double x, double y, const char *attrs,
    const char *text)
{
	rt_buf_adds(b, "<text");
	attr_num(b, "x", x);
	attr_num(b, "y", y);
	if (attrs) {
		rt_buf_addc(b, ' ');
		rt_buf_adds(b, attrs);
	}
	rt_buf_addc(b, '>');
	rt_svg_esc(b, text, strlen(text));
	rt_buf_adds(b, "</text>\n");
}

void
rt_svg_line(struct rt_buf *b, double x1, double y1, double x2, double y2,
    const char *attrs)
{
	rt_buf_adds(b, "<line");
	attr_num(b, "x1", x1);
	attr_num(b, "y1", y1);
	attr_num(b, "x2", x2);
	attr_num(b, "y2", y2);
	attrs_end(b, attrs, NULL, "line");
}

void
rt_svg_rect(struct rt_buf *b, double x, double y, double w, double h,
    const char *attrs, const char *title)
{
	rt_buf_adds(b, "<rect");
	attr_num(b, "x", x);
	attr_num(b, "y", y);
	attr_num(b, "width", w > 0 ? w : 0);
	attr_num(b, "height", h > 0 ? h : 0);
	attrs_end(b, attrs, title, "rect");
}

void
rt_svg_circle(struct rt_buf *b, double x, double y, double r,
    const char *attrs)
{
	rt_buf_adds(b, "<circle");
	attr_num(b, "cx", x);
	attr_num(b, "cy", y);
	attr_num(b, "r", r);
	attrs_end(b, attrs, NULL, "circle");
}

void
rt_svg_poly_begin(struct rt_buf *b, const char *attrs)
{
	rt_buf_adds(b, "<polyline");
	if (attrs) {
		rt_buf_addc(b, ' ');
		rt_buf_adds(b, attrs);
	}
	rt_buf_adds(b, " points=\"");
}

void
rt_svg_poly_pt(struct rt_buf *b, double x, double y)
{
	if (b->len && b->p[b->len - 1] != '"')
		rt_buf_addc(b, ' ');
	rt_svg_num(b, x);
	rt_buf_addc(b, ',');
	rt_svg_num(b, y);
}

void
rt_svg_poly_end(struct rt_buf *b)
{
	rt_buf_adds(b, "\"/>\n");
}

double
rt_svg_px(const struct rt_svg_panel *p, double x)
{
	return p->x + (x - p->x0) / (p->x1 - p->x0) * p->w;
}

double
rt_svg_py(const struct rt_svg_panel *p, double y)
{
	return p->y + p->h - (y - p->y0) / (p->y1 - p->y0) * p->h;
}

void
rt_svg_frame(struct rt_buf *b, const struct rt_svg_panel *p,
    const char *id, const char *title, const char *xlabel,
    const char *ylabel)
{
	char t[256];

	snprintf(t, sizeof t, "id=\"%s\" fill=\"none\" stroke=\"#333\" "
	    "data-x0=\"%.17g\" data-x1=\"%.17g\" data-y0=\"%.17g\" "
	    "data-y1=\"%.17g\"", id, p->x0, p->x1, p->y0, p->y1);
	rt_svg_rect(b, p->x, p->y, p->w, p->h, t, NULL);
	rt_svg_text(b, p->x, p->y - 10, "font-size=\"14\" font-weight=\"bold\"",
	    title);
	rt_svg_text(b, p->x + p->w / 2, p->y + p->h + 36,
	    "text-anchor=\"middle\"", xlabel);
	rt_buf_adds(b, "<g transform=\"translate(");
	rt_svg_num(b, p->x - 46);
	rt_buf_addc(b, ',');
	rt_svg_num(b, p->y + p->h / 2);
	rt_buf_adds(b, ") rotate(-90)\">\n");
	rt_svg_text(b, 0, 0, "text-anchor=\"middle\"", ylabel);
	rt_buf_adds(b, "</g>\n");
}

void
rt_svg_xtick(struct rt_buf *b, const struct rt_svg_panel *p, double x,
    const char *label)
{
	double px = rt_svg_px(p, x);

	rt_svg_line(b, px, p->y, px, p->y + p->h, "stroke=\"#eee\"");
	rt_svg_line(b, px, p->y + p->h, px, p->y + p->h + 5,
	    "stroke=\"#333\"");
	rt_svg_text(b, px, p->y + p->h + 18, "text-anchor=\"middle\"", label);
}

void
rt_svg_ytick(struct rt_buf *b, const struct rt_svg_panel *p, double y,
    const char *label)
{
	double py = rt_svg_py(p, y);

	rt_svg_line(b, p->x, py, p->x + p->w, py, "stroke=\"#eee\"");
	rt_svg_line(b, p->x - 5, py, p->x, py, "stroke=\"#333\"");
	rt_svg_text(b, p->x - 8, py + 4, "text-anchor=\"end\"", label);
}

size_t
rt_svg_ticks(double lo, double hi, size_t max, double *t, int *decimals)
{
	double raw = (hi - lo) / (double)(max - 1), mag, step;
	long long i, first, last;
	size_t n = 0;

	mag = pow(10, floor(log10(raw)));
	step = raw <= mag ? mag : raw <= 2 * mag ? 2 * mag :
	    raw <= 5 * mag ? 5 * mag : 10 * mag;
	*decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
	first = (long long)ceil(lo / step - 1e-9);
	last = (long long)floor(hi / step + 1e-9);
	for (i = first; i <= last && n < max; i++)
		t[n++] = (double)i * step;
	return n;
}
