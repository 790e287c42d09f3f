/*
 * state.h - state files (--state FILE) that survive a crash: written to a
 * temporary file, fsynced, renamed over the old one, and the directory
 * fsynced, so a run killed at any moment leaves the old state or the new,
 * never a torn file.  Each file starts with a header naming the format
 * version, the tool, a fingerprint of the configuration that wrote it, the
 * body's length and a CRC-32C; a run holds an exclusive lock beside the
 * file.  rtpipe(7), "STATE FILES".
 */
#ifndef RT_STATE_H
#define RT_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* The format version rt_state_header writes and rt_state_check accepts. */
#define RT_STATE_VERSION 2

/* Event times a state file may hold (and so the times the tools that keep
 * state accept): 0000-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z, in
 * microseconds.  Any such time plus or minus RT_STATE_DUR_MAX fits in an
 * int64_t. */
#define RT_STATE_TIME_MIN (-62167219200000000LL)
#define RT_STATE_TIME_MAX 253402300799999999LL
#define RT_STATE_DUR_MAX (RT_STATE_TIME_MAX - RT_STATE_TIME_MIN)

/* Is t a time a state file may hold? */
int rt_state_time_ok(int64_t t);

/* Replace path with data[0, n) crash-safely, through path.tmp.PID.  When
 * data starts with a header from rt_state_header, its length and checksum
 * fields are filled in on the way (data itself is not changed).  0, or -1
 * with errno (the temporary file is removed). */
int rt_state_save(const char *path, const void *data, size_t n);

/* Read all of path into b (appending): the whole file, as it is, header
 * included (any file: rt-classify reads its model with it).  0, or -1
 * with errno (ENOENT when there is no state yet). */
int rt_state_load(const char *path, struct rt_buf *b);

/* Append the header, one line: "rtpipe-state 2 <tool> <config> <length>
 * <crc>\n", where config is 16 hex digits fingerprinting config[0, n)
 * (the options that shape the state), and length (16 hex digits) and crc
 * (8) are placeholders that rt_state_save fills in. */
void rt_state_header(struct rt_buf *b, const char *tool, const char *config,
    size_t n);

/* Check the file in b (from rt_state_load) against tool and config: its
 * format version, its length and checksum, the tool and the options.
 * Returns NULL and sets *body to the offset of the body (which runs to
 * b->len), or a reason ("not an rtpipe state file", "damaged: checksum
 * mismatch", "written by another tool", "written with other options",
 * ...). */
const char *rt_state_check(const struct rt_buf *b, const char *tool,
    const char *config, size_t n, size_t *body);

/* Lock path for this run: an exclusive flock(2) on path.lock (created if
 * need be, never removed: the lock must outlive every rename of path),
 * then remove the temporary files of path that crashed runs left
 * (path.tmp.PID for a PID that is not a live process, or is ours).
 * Returns the lock's file descriptor (close-on-exec; keep it open for the
 * whole run, closing it unlocks), or -1 with errno: EWOULDBLOCK when
 * another run holds the lock. */
int rt_state_lock(const char *path);

/* Remove path's stale temporary files, as rt_state_lock does; only call
 * it holding the lock.  Returns how many were removed, or -1 with errno
 * (the directory could not be read). */
int rt_state_clean(const char *path);

/* CRC-32C (Castagnoli, as iSCSI and ext4) of p[0, n), continuing from crc
 * (0 to start). */
uint32_t rt_state_crc32c(uint32_t crc, const void *p, size_t n);

#endif
