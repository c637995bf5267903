// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The receive window of one live epoch and direction (spec section 5).
 *
 * This is RFC 6479: the bitmap is a ring of 2 * window bits, bit
 * s % (2 * window) standing for s.  The window proper is the top and the
 * window - 1 numbers below it; the other half of the ring is slack, so that
 * moving the top forward can clear the words it enters whole instead of
 * shifting the bitmap.  An advance therefore costs at most one pass over the
 * ring, however far it goes, and a ring word only ever holds marks for the
 * numbers it covered last, at or below the top.
 *
 * kr_replay_check() is the cheap test made before any key work and changes
 * nothing; kr_replay_accept() repeats it under the same lock once the packet
 * authenticated and only then marks and advances, so a forged packet costs
 * no state.  Too old (below the start value or the window) is told apart
 * from duplicate (seen, still in the window) for the counters.
 */

#include "replay.h"

#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/slab.h>

/* The number of ring bits, 2 * window: a power of two, whole words. */
static inline u32 ring_bits(const struct kr_replay *r)
{
	return 2 * r->window;
}

static inline unsigned long ring_bit(const struct kr_replay *r, u64 s)
{
	return s & (ring_bits(r) - 1);
}

/*
 * Must hold r->lock.  The verdict for @s; with @limit false nothing is too
 * far ahead (kr_replay_jump()).  Numbers above the top are never duplicates:
 * their ring bits belong to older numbers until the top passes them.
 * Differences only, so that no u64 @s can overflow.
 */
static enum kr_replay_verdict judge(const struct kr_replay *r, u64 s,
				    bool limit)
{
	lockdep_assert_held(&r->lock);
	if (s < r->start)
		return KR_REPLAY_TOO_OLD;
	/* Before anything was accepted, @top is @start and the ring empty. */
	if (!r->any || s > r->top) {
		if (limit && s - r->top > KR_REPLAY_AHEAD)
			return KR_REPLAY_TOO_FAR;
		return KR_REPLAY_OK;
	}
	if (r->top - s >= r->window)
		return KR_REPLAY_TOO_OLD;
	if (test_bit(ring_bit(r, s), r->bitmap))
		return KR_REPLAY_DUPLICATE;
	return KR_REPLAY_OK;
}

/*
 * Must hold r->lock.  Make @s, above the top (or the first number), the new
 * top: clear each ring word from the one after the top's word up to and
 * including @s's word, at most the whole ring, as RFC 6479 does.
 */
static void advance(struct kr_replay *r, u64 s)
{
	const u32 words = ring_bits(r) / BITS_PER_LONG;
	u64 cur = BIT_WORD(r->top), i, n;

	lockdep_assert_held(&r->lock);
	/* Nothing is marked before the first number. */
	if (r->any) {
		n = min_t(u64, BIT_WORD(s) - cur, words);
		for (i = 1; i <= n; i++)
			r->bitmap[(cur + i) & (words - 1)] = 0;
	}
	r->top = s;
	r->any = true;
}

/*
 * Must hold r->lock.  Judge @s and, if it is new, mark it; @advanced says
 * whether it became the top.
 */
static enum kr_replay_verdict update(struct kr_replay *r, u64 s, bool limit,
				     bool *advanced)
{
	enum kr_replay_verdict v = judge(r, s, limit);

	*advanced = false;
	if (v != KR_REPLAY_OK)
		return v;
	if (!r->any || s > r->top) {
		advance(r, s);
		*advanced = true;
	}
	__set_bit(ring_bit(r, s), r->bitmap);
	return v;
}

/**
 * kr_replay_alloc() - a new, empty window
 * @window: the window in packets: a power of two, from KR_REPLAY_MIN to
 *	KR_REPLAY_MAX
 * @start: the epoch's start value for this direction (spec section 3):
 *	nothing below it is ever accepted
 * @gfp: allocation flags for the caller's context
 *
 * Nothing is accepted yet: kr_replay_low() and kr_replay_top() give @start,
 * and the first number may be up to KR_REPLAY_AHEAD beyond it.
 *
 * Context: Any context @gfp allows.
 * Return: the window, ERR_PTR(-EINVAL) for a bad @window, or
 * ERR_PTR(-ENOMEM).
 */
struct kr_replay *kr_replay_alloc(u32 window, u64 start, gfp_t gfp)
{
	struct kr_replay *r;

	/* The ring is whole words, a power of two of them. */
	BUILD_BUG_ON(KR_REPLAY_MIN < BITS_PER_LONG);
	BUILD_BUG_ON(!is_power_of_2(KR_REPLAY_MIN) ||
		     !is_power_of_2(KR_REPLAY_MAX));

	if (window < KR_REPLAY_MIN || window > KR_REPLAY_MAX ||
	    !is_power_of_2(window))
		return ERR_PTR(-EINVAL);
	r = kzalloc(struct_size(r, bitmap, BITS_TO_LONGS(2 * window)), gfp);
	if (!r)
		return ERR_PTR(-ENOMEM);
	spin_lock_init(&r->lock);
	r->start = start;
	r->top = start;
	r->window = window;
	return r;
}

/**
 * kr_replay_free() - free a window
 * @r: the window, or NULL
 *
 * Context: Any context.
 */
void kr_replay_free(struct kr_replay *r)
{
	kfree(r);
}

/**
 * kr_replay_check() - the cheap test before any key work (spec section 5)
 * @r: the window
 * @s: the packet's sequence number; the caller has refused s >= 2^33
 *
 * Changes nothing: a packet that passes must still authenticate and then go
 * through kr_replay_accept().
 *
 * Context: Softirq or process context; takes r->lock with bottom halves
 * off; never sleeps.
 * Return: KR_REPLAY_TOO_OLD below the start value or the window (the top and
 * the window - 1 numbers below it); KR_REPLAY_TOO_FAR more than
 * KR_REPLAY_AHEAD beyond the top, or beyond the start value before anything
 * was accepted; KR_REPLAY_DUPLICATE if marked; else KR_REPLAY_OK.
 */
enum kr_replay_verdict kr_replay_check(struct kr_replay *r, u64 s)
{
	enum kr_replay_verdict v;

	spin_lock_bh(&r->lock);
	v = judge(r, s, true);
	spin_unlock_bh(&r->lock);
	return v;
}

/**
 * kr_replay_accept() - mark an authenticated number, advancing the window
 * @r: the window
 * @s: the sequence number of a packet that passed kr_replay_check() and
 *	then authenticated
 * @advanced: set to whether @s became the new top, the only case in which
 *	the packet may move the peer's address; false on any refusal; may be
 *	NULL
 *
 * Judges @s again, as another CPU may have accepted it or moved the window
 * past it since the check; only if it is still new is it marked.
 *
 * Context: Softirq or process context; takes r->lock with bottom halves
 * off; never sleeps.
 * Return: KR_REPLAY_OK if marked, else KR_REPLAY_TOO_OLD or
 * KR_REPLAY_DUPLICATE and nothing changed.  KR_REPLAY_TOO_FAR only for a
 * number that could not have passed kr_replay_check() (the top never goes
 * back); it is refused too, leaving far-ahead numbers to kr_replay_jump().
 */
enum kr_replay_verdict kr_replay_accept(struct kr_replay *r, u64 s,
					bool *advanced)
{
	enum kr_replay_verdict v;
	bool adv;

	spin_lock_bh(&r->lock);
	v = update(r, s, true, &adv);
	spin_unlock_bh(&r->lock);
	if (advanced)
		*advanced = adv;
	return v;
}

/**
 * kr_replay_jump() - move the window to an authenticated far-ahead number
 * @r: the window
 * @s: the sequence number of a far-ahead trial packet that authenticated
 *	(spec section 5)
 * @advanced: if not NULL, set to whether @s became the top
 *
 * Accepts @s with no limit ahead: @s becomes the top, marked.  Coming from
 * beyond KR_REPLAY_AHEAD, more than the ring, the advance clears the whole
 * ring, so nothing below @s in the window is marked.
 *
 * The window never goes back: if the top reached @s in the meantime (another
 * packet, another trial), @s is treated as kr_replay_accept() would treat it:
 * marked if new, refused if seen or too old.
 *
 * Context: Process context (the trial) or softirq; takes r->lock with
 * bottom halves off; never sleeps.
 * Return: the verdict, never KR_REPLAY_TOO_FAR.
 */
enum kr_replay_verdict kr_replay_jump(struct kr_replay *r, u64 s,
				      bool *advanced)
{
	enum kr_replay_verdict v;
	bool adv;

	spin_lock_bh(&r->lock);
	v = update(r, s, false, &adv);
	spin_unlock_bh(&r->lock);
	if (advanced)
		*advanced = adv;
	return v;
}

/**
 * kr_replay_low() - the lowest number the window still covers
 * @r: the window
 *
 * The key tree wipes the leaves wholly below it (spec section 8).
 *
 * Context: Softirq or process context; takes r->lock with bottom halves off.
 * Return: the start value before anything was accepted, then the greater
 * of the start value and top - window + 1.
 */
u64 kr_replay_low(struct kr_replay *r)
{
	u64 low;

	spin_lock_bh(&r->lock);
	low = r->start;
	/* top >= start; compared as a difference, top - window may wrap. */
	if (r->any && r->top - r->start >= r->window)
		low = r->top - r->window + 1;
	spin_unlock_bh(&r->lock);
	return low;
}

/**
 * kr_replay_top() - the highest number accepted
 * @r: the window
 * @any: set to whether anything was accepted yet; may be NULL
 *
 * Context: Softirq or process context; takes r->lock with bottom halves off.
 * Return: the top, or the start value before anything was accepted.
 */
u64 kr_replay_top(struct kr_replay *r, bool *any)
{
	u64 top;

	spin_lock_bh(&r->lock);
	top = r->top;
	if (any)
		*any = r->any;
	spin_unlock_bh(&r->lock);
	return top;
}

#if IS_ENABLED(CONFIG_KEYROT_KUNIT_TEST)
#include "tests/replay_test.c"
#endif
