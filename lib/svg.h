/*
 * svg.h - the few SVG elements rtpipe draws (rt-eval --plot), written as
 * text into a buffer: no library.  Coordinates are pixels, written in the
 * C locale with at most three decimals; a panel maps a data domain onto a
 * frame.  rt-eval(1), "Plot".
 */
#ifndef RT_SVG_H
#define RT_SVG_H

#include <stddef.h>

#include "buf.h"

/* The XML prologue and the <svg> element of w x h pixels, on a white
 * background; rt_svg_end closes it. */
void rt_svg_begin(struct rt_buf *b, double w, double h);
void rt_svg_end(struct rt_buf *b);

/* s[0, n) as XML character data: & < > " escaped, control bytes other
 * than tab and newline dropped (XML 1.0 has no place for them). */
void rt_svg_esc(struct rt_buf *b, const char *s, size_t n);

/* A coordinate: at most three decimals, no trailing zeros ("12.5"). */
void rt_svg_num(struct rt_buf *b, double v);

/*
 * Elements.  attrs is written into the start tag as it is (the caller's
 * own constant attributes: 'fill="none" stroke="#333"'), or NULL; text
 * and title are escaped.  A title (or NULL) becomes the element's <title>
 * child, which viewers show as a tooltip.
 */
void rt_svg_text(struct rt_buf *b, double x, double y, const char *attrs,
    const char *text);
void rt_svg_line(struct rt_buf *b, double x1, double y1, double x2,
    double y2, const char *attrs);
void rt_svg_rect(struct rt_buf *b, double x, double y, double w, double h,
    const char *attrs, const char *title);
void rt_svg_circle(struct rt_buf *b, double x, double y, double r,
    const char *attrs);
/* A polyline: begin, a point at a time, end. */
void rt_svg_poly_begin(struct rt_buf *b, const char *attrs);
void rt_svg_poly_pt(struct rt_buf *b, double x, double y);
void rt_svg_poly_end(struct rt_buf *b);

/* A frame of w x h pixels at (x, y) showing the data x0..x1 (left to
 * right) and y0..y1 (bottom to top); x1 > x0 and y1 > y0. */
struct rt_svg_panel {
	double x, y, w, h;
	double x0, x1, y0, y1;
};

/* Pixel coordinates of data coordinates. */
double rt_svg_px(const struct rt_svg_panel *p, double x);
double rt_svg_py(const struct rt_svg_panel *p, double y);

/* The panel's frame: a rect with id (and its domain as data-x0, data-x1,
 * data-y0, data-y1, for programs reading the plot back), the title above
 * it, and the axis labels below and to the left. */
void rt_svg_frame(struct rt_buf *b, const struct rt_svg_panel *p,
    const char *id, const char *title, const char *xlabel,
    const char *ylabel);
/* A tick and its label on the x axis (below) or the y axis (left), with a
 * light grid line across the frame. */
void rt_svg_xtick(struct rt_buf *b, const struct rt_svg_panel *p, double x,
    const char *label);
void rt_svg_ytick(struct rt_buf *b, const struct rt_svg_panel *p, double y,
    const char *label);

/* Round ticks from lo to hi (lo < hi): at most max of them (max >= 2),
 * steps of 1, 2 or 5 times a power of ten, into t.  Returns how many,
 * and the decimals a label needs in *decimals. */
size_t rt_svg_ticks(double lo, double hi, size_t max, double *t,
    int *decimals);

#endif
