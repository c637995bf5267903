/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_EVENTS_H
#define KR_EVENTS_H

struct kr_cmd;

/**
 * kr_events_run() - print the "events" group's notifications as they come
 * @cmd: the parsed command (count, timeout, flow filter, json, ready file)
 *
 * One line per event, flushed at once.  Ends after --count events, or at
 * --timeout.  Once subscribed it creates --ready-file, if asked, so that a
 * test can trigger events knowing none will be missed.
 *
 * Return: 0 (count reached, or no count and the timeout hit), -ETIMEDOUT
 * (the timeout hit before count events), or another -errno (printed).
 */
int kr_events_run(const struct kr_cmd *cmd);

#endif /* KR_EVENTS_H */
