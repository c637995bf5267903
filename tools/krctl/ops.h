/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_OPS_H
#define KR_OPS_H

struct kr_cmd;
struct kr_nl;

/**
 * kr_ops_run() - the verbs that send one request and read only its ack:
 * set, install, confirm, withdraw, rekey, down, peer-gone, del, port
 * @nl: an open socket
 * @cmd: the parsed command
 *
 * Prints why it failed (with the kernel's extack).
 *
 * Return: 0, or -errno.
 */
int kr_ops_run(struct kr_nl *nl, const struct kr_cmd *cmd);

/**
 * kr_ops_keyid() - print the key id of the seed in the file or stdin
 * @cmd: the parsed command (seed_file)
 *
 * Return: 0, or -errno (printed).
 */
int kr_ops_keyid(const struct kr_cmd *cmd);

#endif /* KR_OPS_H */
