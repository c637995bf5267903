/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KRP_LOOP_H
#define KRP_LOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

struct keyrot_info;
struct krp_opts;

/* KEYROT_IOC_INFO, or a stand-in when the loop runs over a socketpair. */
typedef int (*krp_info_fn)(int fd, struct keyrot_info *info);

/* What one end saw; krperf prints it, the exit status follows from it. */
struct krp_result {
	uint32_t flow_id;
	uint32_t max_payload;		/* the flow's, when it became writable */
	uint64_t sent, bytes_sent;	/* DATA packets written */
	uint64_t acked;			/* DATA packets the peer acknowledged */
	uint64_t received, bytes_received;	/* DATA packets read */
	uint64_t in_order, out_of_order, duplicates, extra, missing;
	uint64_t corrupt;		/* DATA packets with a wrong byte */
	uint64_t acks_sent, acks_received;
	uint64_t eagain, ekeyexpired, not_ready;
	uint64_t rekey_signals;		/* EPOLLPRI edges */
	uint64_t errors;
	bool flow_down;			/* POLLHUP, EPIPE or end of file */
	bool peer_gone;			/* POLLRDHUP */
	bool timed_out;
	bool stopped;			/* a signal ended it before done */
	bool stalled;			/* --stall: nothing moved for that long */
	double elapsed;			/* from writable to done, seconds */
	char first_error[160];
};

/*
 * Set by krperf's signal handler: the loop ends within a tick.  Once done
 * (lingering) that is a normal end; before, the run fails as "stopped".
 */
extern volatile sig_atomic_t krp_stop;

/**
 * krp_run() - send and receive on @fd until both are done or the timeout
 * @o: what to do
 * @fd: the flow, non-blocking
 * @info: how to read the flow's flags and max payload
 * @r: filled in
 *
 * Return: 0 when every expected packet arrived intact and in order and
 * every packet sent was acknowledged (or, with --rate, written); 1
 * otherwise; -errno if it could not run at all.
 */
int krp_run(const struct krp_opts *o, int fd, krp_info_fn info,
	    struct krp_result *r);

#endif /* KRP_LOOP_H */
