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
 * --netns opens the device inside another network namespace and comes
 * back, so the flow lives there while this process does not keep that
 * namespace alive.  --watch (and --traffic) poll the descriptor while
 * holding; when the flow goes down, what the descriptor shows (poll bits,
 * flags word, read, write, re-key ioctl) is written as one line to the
 * --watch file (or standard output), and holding goes on.  --traffic sends
 * that many small packets per second and reads whatever arrives.
 *
 * Return: 0, or -errno (printed).
 */
int kr_create_run(const struct kr_cmd *cmd);

#endif /* KR_CREATE_H */
