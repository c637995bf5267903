/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_CREATE_H
#define KR_CREATE_H

struct kr_cmd;

/**
 * kr_create_run() - open /dev/keyrot, print the new flow's id, and with
 * --hold keep the descriptor (so the flow) until told to let go
 * @cmd: the parsed command (hold, id_file)
 *
 * Holding ends on SIGTERM, SIGINT or SIGHUP, or at end of file on standard
 * input when that is a pipe, a FIFO, a socket or a terminal (a background
 * job's /dev/null is none of those, so it holds until a signal).
 *
 * Return: 0, or -errno (printed).
 */
int kr_create_run(const struct kr_cmd *cmd);

#endif /* KR_CREATE_H */
