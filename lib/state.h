/*
 * state.h - state files (--state FILE) that survive a crash: written to a
 * temporary file, fsynced, renamed over the old one, and the directory
 * fsynced, so a run killed at any moment leaves the old state or the new,
 * never a torn file.  Each file starts with a header naming the tool and a
 * fingerprint of the configuration that wrote it.  rtpipe(7), "State".
 */
#ifndef RT_STATE_H
#define RT_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Replace path with data[0, n) crash-safely.  0, or -1 with errno. */
int rt_state_save(const char *path, const void *data, size_t n);

/* Read all of path into b (appending).  0, or -1 with errno (ENOENT when
 * there is no state yet). */
int rt_state_load(const char *path, struct rt_buf *b);

/* Append the header: "rtpipe-state 1 <tool> <16 hex digits>\n", where the
 * digits fingerprint config[0, n) (the options that shape the state). */
void rt_state_header(struct rt_buf *b, const char *tool, const char *config,
    size_t n);

/* Check the header at the start of b against tool and config.  Returns
 * NULL and sets *body to the offset after the header, or a reason
 * ("not an rtpipe state file", "written by rt-alert", "written with other
 * options"). */
const char *rt_state_check(const struct rt_buf *b, const char *tool,
    const char *config, size_t n, size_t *body);

#endif
