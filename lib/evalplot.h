/*
 * evalplot.h - rt-eval --plot: the report's curves drawn as one SVG
 * document (svg.h), four panels.  rt-eval(1), "Plot".
 */
#ifndef RT_EVALPLOT_H
#define RT_EVALPLOT_H

#include "buf.h"
#include "eval.h"

/*
 * Append to b the SVG of report r (made with curves): the ROC curve
 * (polyline id "roc-curve" in frame "roc-frame"), the precision-recall
 * steps ("pr-curve" in "pr-frame"), card precision@k by day ("cp-curve",
 * the perfect score's "cp-ceiling", in "cp-frame"; x is the day since the
 * epoch) and the score histogram by class (rects of class "bar" with
 * data-class, data-bin and data-count, in "hist-frame", y the share of
 * the class).  Each frame carries its data domain (svg.h).  The ROC
 * curve is thinned: a point closer than 1/2000 of both axes to the last
 * one drawn is left out (never the last), so that a curve of a million
 * thresholds stays small; both its coordinates only grow, so its area
 * moves by 0.001 at most.  The other curves have all their points.
 * score and label name the fields, for the axis labels.
 */
void rt_evalplot_svg(const struct rt_eval_report *r, const char *score,
    const char *label, struct rt_buf *b);

#endif
