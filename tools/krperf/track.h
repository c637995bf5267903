/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KRP_TRACK_H
#define KRP_TRACK_H

#include <stdbool.h>
#include <stdint.h>

/*
 * The receiving side's account of one stream of DATA packets 0..N-1:
 * which arrived, and whether each came in order.  keyrot promises order
 * and no duplicates; a test that sees anything but in_order == N fails.
 */
struct krp_track {
	uint64_t expect;	/* N */
	uint64_t next;		/* the first seq not received yet */
	uint64_t distinct;	/* different seqs below N received */
	uint64_t in_order;	/* arrived when it was the next one */
	uint64_t out_of_order;	/* arrived ahead of a missing one */
	uint64_t duplicates;	/* arrived again */
	uint64_t extra;		/* seq >= N */
	unsigned char *seen;	/* bitmap of N bits */
};

/* What krp_track_data() made of a seq. */
enum krp_rx {
	KRP_RX_IN_ORDER,
	KRP_RX_OUT_OF_ORDER,
	KRP_RX_DUPLICATE,
	KRP_RX_EXTRA,
};

/* Return: 0, or -ENOMEM. */
int krp_track_init(struct krp_track *t, uint64_t expect);
void krp_track_free(struct krp_track *t);

/* Count intact DATA packet @seq; returns what it was. */
enum krp_rx krp_track_data(struct krp_track *t, uint64_t seq);

/* Packets never received (so far). */
static inline uint64_t krp_track_missing(const struct krp_track *t)
{
	return t->expect - t->distinct;
}

static inline bool krp_track_done(const struct krp_track *t)
{
	return t->distinct == t->expect;
}

#endif /* KRP_TRACK_H */
