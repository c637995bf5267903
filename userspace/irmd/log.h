/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_LOG_H
#define KR_LOG_H

/*
 * irmd's log: one line per thing that happened, saying what and why, in
 * the stable phrases docs/irmd.md lists (tests grep for them).  In the
 * foreground (-f) lines go to standard error as "SECONDS irmd[NAME]: TEXT"
 * (seconds since irmd started, to the millisecond); as a daemon to syslog
 * (facility daemon).  Never a key, a seed or an ephemeral secret.
 */
#include <stdbool.h>
#include <stdint.h>

enum kr_log_level {
	KR_LOG_ERR,	/* irmd cannot do what it should */
	KR_LOG_WARN,	/* something failed and is retried or refused */
	KR_LOG_INFO,	/* what happened: flows, epochs, exchanges */
	KR_LOG_DEBUG,	/* every datagram and retry */
};

/**
 * kr_log_open() - where the log goes
 * @name: shown in every line ("irmd[NAME]"); NULL or "" for plain "irmd"
 * @foreground: standard error rather than syslog
 * @level: the most detailed level written
 */
void kr_log_open(const char *name, bool foreground, int level);

void kr_log_close(void);

/**
 * kr_log() - write one line
 * @level: enum kr_log_level
 * @fmt: printf format, no newline
 */
void kr_log(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * kr_log_ratelimit() - may another line of this kind be written now?
 * @last_ms: the kind's state: when its last window started (0 at first)
 * @count: the kind's state: lines written in that window
 * @suppressed: receives the lines held back in the window that ended
 *
 * At most 5 lines per kind per 10 seconds; the first line written after a
 * window in which lines were held back says how many.
 *
 * Return: true to write the line.
 */
bool kr_log_ratelimit(uint64_t *last_ms, unsigned int *count,
		      unsigned int *suppressed);

#define kr_err(...)	kr_log(KR_LOG_ERR, __VA_ARGS__)
#define kr_warn(...)	kr_log(KR_LOG_WARN, __VA_ARGS__)
#define kr_info(...)	kr_log(KR_LOG_INFO, __VA_ARGS__)
#define kr_dbg(...)	kr_log(KR_LOG_DEBUG, __VA_ARGS__)

#endif /* KR_LOG_H */
