/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KRP_OPTS_H
#define KRP_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* krperf's command line; see krperf --help. */
struct krp_opts {
	const char *dev;	/* /dev/keyrot */
	const char *alloc_peer;	/* --alloc: a flow from irmd (libkeyrot) */
	const char *alloc_service;
	const char *accept_service;	/* --accept: a flow from irmd */
	bool dealloc;		/* end with flow_dealloc(), not close() */
	const char *id_file;
	const char *sent_log;
	const char *recv_log;
	const char *done_file;	/* created once this end is done */
	uint64_t send;		/* DATA packets to send */
	uint64_t recv;		/* DATA packets to receive */
	size_t min, max;	/* max 0: the flow's max payload */
	uint32_t window;	/* unacknowledged DATA packets at most */
	bool window_set;
	double rate;		/* packets per second, 0: window pacing */
	uint64_t seed;		/* of the stream this end sends */
	uint64_t peer_seed;	/* of the stream it receives */
	double timeout;		/* seconds */
	double stall;		/* seconds without progress, 0: no limit */
	double linger;		/* seconds to stay once done */
	bool no_ack;
	bool allow_reorder;	/* out-of-order arrivals do not fail the run */
	bool json;
	bool have_rekey_at;
	uint64_t rekey_at;	/* KEYROT_IOC_REKEY after this many sent */
};

/**
 * krp_opts_parse() - parse krperf's command line into @o (defaults first)
 * @argc: argument count
 * @argv: arguments, argv[0] the program
 * @o: filled in
 * @err: receives a one-line reason
 * @errlen: size of @err
 *
 * Return: 0, 1 for --help, or -EINVAL (usage error).
 */
int krp_opts_parse(int argc, char **argv, struct krp_opts *o, char *err,
		   size_t errlen);

extern const char krp_usage[];

#endif /* KRP_OPTS_H */
