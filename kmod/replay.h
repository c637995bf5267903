/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The receive window of one live epoch and direction (spec section 5): an
 * RFC 6479 bitmap, checked cheaply before any key work and advanced only
 * after a packet authenticated.
 */
#ifndef _KR_REPLAY_H
#define _KR_REPLAY_H

#include <linux/bits.h>
#include <linux/spinlock.h>
#include <linux/types.h>

enum kr_replay_limits {
	KR_REPLAY_MIN = 8192,		/* the spec's least window */
	KR_REPLAY_MAX = 65536,
};

/* How far past the highest authenticated number a packet may be: a leaf. */
#define KR_REPLAY_AHEAD		BIT_ULL(20)

enum kr_replay_verdict {
	KR_REPLAY_OK,		/* not seen, inside the window or ahead of it */
	KR_REPLAY_TOO_OLD,	/* below the window, or below the start value */
	KR_REPLAY_TOO_FAR,	/* more than KR_REPLAY_AHEAD beyond the top */
	KR_REPLAY_DUPLICATE,	/* seen already */
};

/**
 * struct kr_replay - a sliding window over received sequence numbers
 * @lock: protects every member below; taken from softirq, so _bh
 * @start: the epoch's start value for this direction: nothing below it
 * @top: the highest sequence number accepted once @any, @start before
 * @any: whether anything was accepted yet
 * @window: the window in packets, a power of two; numbers above
 *	@top - @window are still accepted if not seen
 * @bitmap: 2 * @window bits, a ring of words indexed by s / BITS_PER_LONG
 */
struct kr_replay {
	spinlock_t lock;	/* see above */
	u64 start;
	u64 top;
	bool any;
	u32 window;
	unsigned long bitmap[];
};

/* replay.c APIs: */
struct kr_replay *kr_replay_alloc(u32 window, u64 start, gfp_t gfp);
void kr_replay_free(struct kr_replay *r);
enum kr_replay_verdict kr_replay_check(struct kr_replay *r, u64 s);
enum kr_replay_verdict kr_replay_accept(struct kr_replay *r, u64 s,
					bool *advanced);
enum kr_replay_verdict kr_replay_jump(struct kr_replay *r, u64 s,
				      bool *advanced);
u64 kr_replay_low(struct kr_replay *r);
u64 kr_replay_top(struct kr_replay *r, bool *any);

#endif /* _KR_REPLAY_H */
