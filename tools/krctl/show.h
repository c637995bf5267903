/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_SHOW_H
#define KR_SHOW_H

struct kr_cmd;
struct kr_nl;

/**
 * kr_show_run() - `show [ID]` (flow-get do or dump) and `stats` (netns-get)
 * @nl: an open socket
 * @cmd: the parsed command
 *
 * Prints a block per flow for people, or with --json one object: the flow
 * for `show ID`, {"flows": [...]} for `show`, the namespace for `stats`.
 * A dump the kernel marks interrupted is done again.
 *
 * Return: 0, or -errno (printed).
 */
int kr_show_run(struct kr_nl *nl, const struct kr_cmd *cmd);

#endif /* KR_SHOW_H */
