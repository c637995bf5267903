/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KRP_FLOW_H
#define KRP_FLOW_H

struct krp_opts;

/**
 * krp_flow_open() - the flow krperf runs on, non-blocking
 * @o: --dev (open it: the test configures the flow with krctl), or
 *	--alloc PEER SERVICE / --accept SERVICE (irmd allocates and
 *	configures it; libkeyrot hands the descriptor over)
 *
 * Return: the descriptor, or -errno (printed).
 */
int krp_flow_open(const struct krp_opts *o);

/**
 * krp_flow_close() - let the flow go: close(), or with --dealloc
 *	flow_dealloc() (irmd takes it down, then the descriptor is closed)
 * @o: the options
 * @fd: the flow
 */
void krp_flow_close(const struct krp_opts *o, int fd);

#endif /* KRP_FLOW_H */
