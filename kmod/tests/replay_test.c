// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * KUnit: the replay window of spec section 5.  Scripts of {s, verdict} steps
 * walk the edges (the window's low edge, the ahead limit, the start value,
 * numbers near 2^33 and U64_MAX) for several window sizes and start values;
 * every step is one packet, checked and then accepted, and must also move
 * the top, the low edge and the "advanced" flag as a plain model says.
 * Sweeps take every number of several windows in ascending, descending and
 * (fixed-seed) random order, a random walk is compared with an ordinary
 * bitmap, and threads race to accept the same numbers.  Included at the
 * bottom of replay.c.
 */

#include "suites.h"

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/prandom.h>
#include <linux/sched.h>

#define AHEAD	KR_REPLAY_AHEAD

/* Enough windows for the cases that need more than one. */
enum { REPLAY_TEST_WINDOWS = 4 };

struct replay_test_ctx {
	struct kr_replay *r[REPLAY_TEST_WINDOWS];
	unsigned int n;
};

static int replay_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct replay_test_ctx),
				   GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void replay_test_exit(struct kunit *test)
{
	struct replay_test_ctx *ctx = test->priv;
	unsigned int i;

	for (i = 0; i < ctx->n; i++)
		kr_replay_free(ctx->r[i]);
}

/* A fresh window, freed by replay_test_exit(). */
static struct kr_replay *new_window(struct kunit *test, u32 window, u64 start)
{
	struct replay_test_ctx *ctx = test->priv;
	struct kr_replay *r;

	KUNIT_ASSERT_LT(test, ctx->n, (unsigned int)REPLAY_TEST_WINDOWS);
	r = kr_replay_alloc(window, start, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	ctx->r[ctx->n++] = r;
	return r;
}

static const char *verdict_name(enum kr_replay_verdict v)
{
	switch (v) {
	case KR_REPLAY_OK:
		return "OK";
	case KR_REPLAY_TOO_OLD:
		return "TOO_OLD";
	case KR_REPLAY_TOO_FAR:
		return "TOO_FAR";
	case KR_REPLAY_DUPLICATE:
		return "DUPLICATE";
	}
	return "?";
}

/*
 * What the window should show: the top moves to each accepted number above
 * it, and the low edge is max(start, top - window + 1), written here in the
 * spec's terms rather than the implementation's.
 */
struct replay_model {
	u64 start;
	u64 top;
	u32 window;
	bool any;
};

static void model_init(struct replay_model *m, u32 window, u64 start)
{
	*m = (struct replay_model){ .start = start, .top = start,
				    .window = window };
}

static u64 model_low(const struct replay_model *m)
{
	u64 low;

	if (!m->any)
		return m->start;
	low = m->top >= m->window - 1 ? m->top - (m->window - 1) : 0;
	return max(low, m->start);
}

/*
 * One packet: kr_replay_check(), then kr_replay_accept() as if it had
 * authenticated.  Both must give @want, "advanced" must be true exactly for
 * a new top, and top, any and low must follow the model.  Reports at most
 * one failure, naming @label and @s, and returns false on it, so that sweeps
 * stop at the first bad number instead of flooding the log.
 */
static bool packet(struct kunit *test, struct kr_replay *r,
		   struct replay_model *m, u64 s, enum kr_replay_verdict want,
		   const char *label)
{
	bool new_top = want == KR_REPLAY_OK && (!m->any || s > m->top);
	enum kr_replay_verdict checked, accepted;
	bool advanced = !new_top, any;
	u64 top, low;

	checked = kr_replay_check(r, s);
	accepted = kr_replay_accept(r, s, &advanced);
	if (new_top) {
		m->top = s;
		m->any = true;
	}
	top = kr_replay_top(r, &any);
	low = kr_replay_low(r);
	if (checked == want && accepted == want && advanced == new_top &&
	    top == m->top && any == m->any && low == model_low(m))
		return true;

	KUNIT_FAIL(test,
		   "%s: s=%llu: check %s, accept %s, want %s; advanced %d, want %d; top %llu any %d, want %llu %d; low %llu, want %llu",
		   label, s, verdict_name(checked), verdict_name(accepted),
		   verdict_name(want), advanced, new_top, top, any, m->top,
		   m->any, low, model_low(m));
	return false;
}

/* A check alone, which must not change anything (checked by callers). */
static bool expect_check(struct kunit *test, struct kr_replay *r, u64 s,
			 enum kr_replay_verdict want, const char *label)
{
	enum kr_replay_verdict v = kr_replay_check(r, s);

	if (v == want)
		return true;
	KUNIT_FAIL(test, "%s: check(%llu) = %s, want %s", label, s,
		   verdict_name(v), verdict_name(want));
	return false;
}

/* ---- Allocation ---- */

struct alloc_case {
	u32 window;
	int err;
};

static const struct alloc_case alloc_cases[] = {
	{ 0, -EINVAL },
	{ 1, -EINVAL },
	{ 64, -EINVAL },
	{ 4096, -EINVAL },		/* below the spec's least window */
	{ 8191, -EINVAL },
	{ 8192, 0 },			/* the default */
	{ 8193, -EINVAL },
	{ 12288, -EINVAL },		/* not a power of two */
	{ 16384, 0 },
	{ 32768, 0 },
	{ 65535, -EINVAL },
	{ 65536, 0 },
	{ 65537, -EINVAL },
	{ 131072, -EINVAL },
	{ 1U << 31, -EINVAL },		/* 2 * window would wrap a u32 */
	{ U32_MAX, -EINVAL },
};

static void alloc_desc(const struct alloc_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "window %u", c->window);
}

KUNIT_ARRAY_PARAM(alloc, alloc_cases, alloc_desc);

static void replay_alloc_checks_window(struct kunit *test)
{
	const struct alloc_case *c = test->param_value;
	struct kr_replay *r;
	bool any = true;

	r = kr_replay_alloc(c->window, 42, GFP_KERNEL);
	if (c->err) {
		KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(r), c->err);
		if (!IS_ERR(r))
			kr_replay_free(r);
		return;
	}
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r);
	/* Empty: nothing accepted, base at the start value. */
	KUNIT_EXPECT_EQ(test, r->window, c->window);
	KUNIT_EXPECT_EQ(test, kr_replay_top(r, &any), 42ULL);
	KUNIT_EXPECT_FALSE(test, any);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), 42ULL);
	KUNIT_EXPECT_NULL(test, memchr_inv(r->bitmap, 0, 2 * c->window / 8));
	kr_replay_free(r);
}

static void replay_free_takes_null(struct kunit *test)
{
	kr_replay_free(NULL);
	KUNIT_SUCCEED(test);
}

/* ---- Scripts: one packet per step ---- */

/*
 * Step s = start + w * window + a * KR_REPLAY_AHEAD + c, in u64 arithmetic,
 * so one script runs for any window and start value (the top-of-range
 * script relies on the wrap).
 */
struct replay_step {
	s64 w, a, c;
	enum kr_replay_verdict want;
};

#define STEP(w, a, c, v)	{ (w), (a), (c), KR_REPLAY_##v }

/* The window's edges, duplicates, the ahead limit; no number below start. */
static const struct replay_step basic_steps[] = {
	STEP(0, 0, 0, OK),		/* 1: the start value, first */
	STEP(0, 0, 1, OK),
	STEP(0, 0, 1, DUPLICATE),
	STEP(0, 0, 9, OK),
	STEP(0, 0, 8, OK),		/* 5: below the top, in the window */
	STEP(0, 0, 7, OK),
	STEP(0, 0, 7, DUPLICATE),
	STEP(0, 0, 0, DUPLICATE),
	STEP(1, 0, 0, OK),		/* top = W: start is top - W */
	STEP(0, 0, 0, TOO_OLD),		/* 10: seen, now below: too old */
	STEP(0, 0, 1, DUPLICATE),	/* top - W + 1, the low edge, seen */
	STEP(0, 0, 2, OK),		/* unseen, just above the edge */
	STEP(0, 0, 2, DUPLICATE),
	STEP(1, 0, -1, OK),
	STEP(1, 0, -1, DUPLICATE),	/* 15 */
	STEP(1, 0, 1, OK),		/* top = W + 1 */
	STEP(0, 0, 1, TOO_OLD),
	STEP(0, 0, 2, DUPLICATE),
	STEP(0, 0, 3, OK),
	STEP(0, 0, 9, DUPLICATE),	/* 20 */
	STEP(1, 0, 65, OK),		/* top = W + 65 */
	STEP(1, 0, 64, OK),
	STEP(1, 0, 65, DUPLICATE),
	STEP(0, 0, 65, TOO_OLD),
	STEP(0, 0, 66, OK),		/* 25 */
	STEP(0, 0, 66, DUPLICATE),
	STEP(2, 0, 0, OK),		/* top = 2W */
	STEP(1, 0, 0, TOO_OLD),		/* seen, now top - W */
	STEP(1, 0, 1, DUPLICATE),
	STEP(1, 0, 2, OK),		/* 30 */
	STEP(2, 1, 1, TOO_FAR),		/* top + AHEAD + 1 */
	STEP(2, 1, 0, OK),		/* top + AHEAD, exactly */
	STEP(2, 0, 0, TOO_OLD),		/* the old top, far behind */
	STEP(1, 1, 0, TOO_OLD),		/* top - W */
	STEP(1, 1, 1, OK),		/* 35: top - W + 1 */
	STEP(1, 1, 1, DUPLICATE),
	STEP(2, 1, -1, OK),
	STEP(2, 1, 0, DUPLICATE),
	STEP(2, 2, 1, TOO_FAR),
	STEP(2, 64, 0, TOO_FAR),	/* 40: far ahead */
	STEP(2, 2, 0, OK),		/* the limit again */
	STEP(2, 2, 1, OK),
	STEP(2, 2, 1, DUPLICATE),
	STEP(2, 2, 0, DUPLICATE),
	STEP(0, 0, 0, TOO_OLD),		/* 45: far behind */
	STEP(0, 0, 3, TOO_OLD),
};

/* Below the start value: too old, even where top - W would reach. */
static const struct replay_step below_start_steps[] = {
	STEP(0, 0, -1, TOO_OLD),	/* 1: nothing accepted yet */
	STEP(-1, 0, 0, TOO_OLD),
	STEP(0, -1, 0, TOO_OLD),
	STEP(0, 1, 1, TOO_FAR),		/* start + AHEAD + 1 */
	STEP(0, 8, 0, TOO_FAR),		/* 5 */
	STEP(0, 0, 5, OK),		/* top = start + 5 */
	STEP(0, 0, -1, TOO_OLD),	/* inside top - W, below start */
	STEP(-1, 0, 6, TOO_OLD),	/* top - W + 1, below start */
	STEP(0, 0, 0, OK),		/* the start value: the low edge */
	STEP(0, 0, 0, DUPLICATE),	/* 10 */
	STEP(0, 0, 5, DUPLICATE),
	STEP(0, 1, 5, OK),		/* top + AHEAD, exactly */
	STEP(0, 0, 0, TOO_OLD),
	STEP(-1, 1, 5, TOO_OLD),	/* top - W */
	STEP(-1, 1, 6, OK),		/* 15: top - W + 1 */
	STEP(0, 0, -1, TOO_OLD),
};

/* The first number may be AHEAD past the start value, not one more. */
static const struct replay_step first_at_limit_steps[] = {
	STEP(0, 1, 1, TOO_FAR),		/* 1 */
	STEP(0, 1, 0, OK),		/* the first number, top = start + AHEAD */
	STEP(0, 0, 0, TOO_OLD),		/* the start value, now far behind */
	STEP(-1, 1, 0, TOO_OLD),	/* top - W */
	STEP(-1, 1, 1, OK),		/* 5: top - W + 1 */
	STEP(0, 2, 1, TOO_FAR),
	STEP(0, 2, 0, OK),
	STEP(0, 2, 0, DUPLICATE),
};

/* The window's low edge meets the start value. */
static const struct replay_step start_edge_steps[] = {
	STEP(1, 0, -1, OK),		/* 1: top = start + W - 1 */
	STEP(0, 0, -1, TOO_OLD),	/* top - W, below start too */
	STEP(0, 0, 0, OK),		/* start, top - W + 1 */
	STEP(0, 0, 0, DUPLICATE),
	STEP(1, 0, -2, OK),		/* 5 */
	STEP(1, 0, 0, OK),		/* top = start + W */
	STEP(0, 0, 0, TOO_OLD),		/* the start value is top - W now */
	STEP(0, 0, 1, OK),
	STEP(1, 0, -1, DUPLICATE),
	STEP(1, 0, -2, DUPLICATE),	/* 10 */
	STEP(1, 0, -3, OK),
};

/* Run with start = U64_MAX - AHEAD - W: the top reaches U64_MAX. */
static const struct replay_step top_of_range_steps[] = {
	STEP(1, 1, 0, TOO_FAR),		/* 1: U64_MAX, before anything */
	STEP(0, 1, 0, OK),		/* top = U64_MAX - W */
	STEP(1, 1, 0, OK),		/* U64_MAX */
	STEP(1, 1, 0, DUPLICATE),
	STEP(0, 1, 0, TOO_OLD),		/* 5: top - W */
	STEP(0, 1, 1, OK),		/* top - W + 1 */
	STEP(1, 1, -1, OK),
	STEP(1, 1, 1, TOO_OLD),		/* wraps to 0, below the start value */
	STEP(0, 0, -1, TOO_OLD),
	STEP(0, 0, 0, TOO_OLD),		/* 10 */
};

/* Run with start = U64_MAX - 10: start + AHEAD would wrap. */
static const struct replay_step near_max_start_steps[] = {
	STEP(0, 0, 11, TOO_OLD),	/* 1: 0 */
	STEP(0, 0, 10, OK),		/* U64_MAX, first */
	STEP(0, 0, 0, OK),
	STEP(0, 0, -1, TOO_OLD),
	STEP(0, 0, 10, DUPLICATE),	/* 5 */
	STEP(0, 0, 9, OK),
	STEP(0, 0, 0, DUPLICATE),
};

struct replay_script {
	const char *name;
	const struct replay_step *steps;
	unsigned int n;
	u32 window;
	u64 start;
};

/* 2^33: the spec's first invalid number; the caller refuses it, not us. */
#define SEQ_LIMIT	BIT_ULL(33)

static const struct replay_script replay_scripts[] = {
	{ "basic W=8192 start=0", basic_steps, ARRAY_SIZE(basic_steps),
	  8192, 0 },
	{ "basic W=65536 start=0", basic_steps, ARRAY_SIZE(basic_steps),
	  65536, 0 },
	{ "basic W=16384 start=1000003", basic_steps, ARRAY_SIZE(basic_steps),
	  16384, 1000003 },
	{ "basic W=8192 across 2^33", basic_steps, ARRAY_SIZE(basic_steps),
	  8192, SEQ_LIMIT - 3 * AHEAD - 5 },
	{ "below start W=8192", below_start_steps,
	  ARRAY_SIZE(below_start_steps), 8192, 5 * AHEAD + 12345 },
	{ "below start W=65536 near 2^33", below_start_steps,
	  ARRAY_SIZE(below_start_steps), 65536, SEQ_LIMIT - 2 * AHEAD + 3 },
	{ "first at limit W=8192 start=0", first_at_limit_steps,
	  ARRAY_SIZE(first_at_limit_steps), 8192, 0 },
	{ "first at limit W=65536 start=1000003", first_at_limit_steps,
	  ARRAY_SIZE(first_at_limit_steps), 65536, 1000003 },
	{ "start edge W=8192", start_edge_steps, ARRAY_SIZE(start_edge_steps),
	  8192, 3 * 8192 + 17 },
	{ "start edge W=32768", start_edge_steps, ARRAY_SIZE(start_edge_steps),
	  32768, 1000003 },
	{ "top of range W=8192", top_of_range_steps,
	  ARRAY_SIZE(top_of_range_steps), 8192, U64_MAX - AHEAD - 8192 },
	{ "top of range W=65536", top_of_range_steps,
	  ARRAY_SIZE(top_of_range_steps), 65536, U64_MAX - AHEAD - 65536 },
	{ "start near U64_MAX", near_max_start_steps,
	  ARRAY_SIZE(near_max_start_steps), 8192, U64_MAX - 10 },
};

static void script_desc(const struct replay_script *sc, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", sc->name);
}

KUNIT_ARRAY_PARAM(script, replay_scripts, script_desc);

static void replay_script_steps(struct kunit *test)
{
	const struct replay_script *sc = test->param_value;
	struct kr_replay *r = new_window(test, sc->window, sc->start);
	struct replay_model m;
	char label[16];
	unsigned int i;

	model_init(&m, sc->window, sc->start);
	for (i = 0; i < sc->n; i++) {
		const struct replay_step *st = &sc->steps[i];
		u64 s = sc->start + (u64)st->w * sc->window +
			(u64)st->a * AHEAD + (u64)st->c;

		snprintf(label, sizeof(label), "step %u", i + 1);
		packet(test, r, &m, s, st->want, label);
	}
}

/* ---- Sweeps over whole windows ---- */

static const u32 sweep_windows[] = { KR_REPLAY_MIN, KR_REPLAY_MAX };

static void window_desc(const u32 *w, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "window %u", *w);
}

KUNIT_ARRAY_PARAM(sweep, sweep_windows, window_desc);

static void replay_sweep_ascending(struct kunit *test)
{
	const u32 w = *(const u32 *)test->param_value;
	const u64 start = 1000003, end = start + 4ULL * w + 100;
	struct kr_replay *r = new_window(test, w, start);
	struct replay_model m;
	u64 s;

	model_init(&m, w, start);
	/* Each number a new top, through several windows. */
	for (s = start; s < end; s++)
		if (!packet(test, r, &m, s, KR_REPLAY_OK, "ascending"))
			return;
	/* The last window: all seen. */
	for (s = end - w; s < end; s++)
		if (!packet(test, r, &m, s, KR_REPLAY_DUPLICATE, "again"))
			return;
	/* Everything before it: too old, not duplicate. */
	for (s = start; s < end - w; s++)
		if (!packet(test, r, &m, s, KR_REPLAY_TOO_OLD, "behind"))
			return;
}

static void replay_sweep_descending(struct kunit *test)
{
	const u32 w = *(const u32 *)test->param_value;
	const u64 start = 77;
	struct kr_replay *r = new_window(test, w, start);
	struct replay_model m;
	u64 s;

	/* From the window's top down to the start value: all in it. */
	model_init(&m, w, start);
	for (s = start + w; s-- > start;)
		if (!packet(test, r, &m, s, KR_REPLAY_OK, "descending"))
			return;
	for (s = start + w; s-- > start;)
		if (!packet(test, r, &m, s, KR_REPLAY_DUPLICATE, "again"))
			return;
	/* One more on top pushes the start value out. */
	packet(test, r, &m, start + w, KR_REPLAY_OK, "next top");
	packet(test, r, &m, start, KR_REPLAY_TOO_OLD, "start");
	packet(test, r, &m, start + 1, KR_REPLAY_DUPLICATE, "start + 1");

	/* From one higher: the start value is top - W, out at once. */
	r = new_window(test, w, start);
	model_init(&m, w, start);
	for (s = start + w + 1; s-- > start + 1;)
		if (!packet(test, r, &m, s, KR_REPLAY_OK, "descending + 1"))
			return;
	packet(test, r, &m, start, KR_REPLAY_TOO_OLD, "start after + 1");
	packet(test, r, &m, start + w + 1, KR_REPLAY_OK, "next top + 1");
	packet(test, r, &m, start + 1, KR_REPLAY_TOO_OLD, "start + 1");
}

/* Fixed seeds: every run sees the same orders. */
static const u64 replay_seed = 0x6b6579726f742031ULL;

/* @perm becomes a random order of 0 .. @n - 1. */
static void shuffle(struct rnd_state *rnd, u32 *perm, u32 n)
{
	u32 i, j, t;

	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n - 1; i > 0; i--) {
		j = prandom_u32_state(rnd) % (i + 1);
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
}

static void replay_sweep_random_order(struct kunit *test)
{
	const u32 w = *(const u32 *)test->param_value;
	const u64 start = 5ULL * w + 13;
	struct kr_replay *r = new_window(test, w, start);
	struct replay_model m;
	struct rnd_state rnd;
	u64 base;
	u32 *perm;
	u32 k, i;

	perm = kunit_kmalloc_array(test, w, sizeof(*perm), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, perm);
	prandom_seed_state(&rnd, replay_seed);
	model_init(&m, w, start);
	for (k = 0; k < 4; k++) {
		base = start + (u64)k * w;
		/* A block of W numbers fits the window in any order. */
		shuffle(&rnd, perm, w);
		for (i = 0; i < w; i++)
			if (!packet(test, r, &m, base + perm[i], KR_REPLAY_OK,
				    "shuffled"))
				return;
		shuffle(&rnd, perm, w);
		for (i = 0; i < w; i++)
			if (!packet(test, r, &m, base + perm[i],
				    KR_REPLAY_DUPLICATE, "shuffled again"))
				return;
		/* The top is base + W - 1: the block before is all out. */
		if (!k)
			continue;
		for (i = 0; i < w; i++)
			if (!packet(test, r, &m, base - w + perm[i],
				    KR_REPLAY_TOO_OLD, "block before"))
				return;
	}
}

/*
 * A random walk around the top, each verdict compared with a plain bitmap of
 * every number ever accepted: draws near the top, across and below the
 * window, below the start value, and far ahead.
 */
static void replay_random_walk(struct kunit *test)
{
	const u32 w = *(const u32 *)test->param_value;
	const u64 start = 5ULL * w + 3, origin = start - 2ULL * w;
	const u64 end = start + 8ULL * w;	/* the top stops before */
	const u32 near = w / 256;		/* "near the top" */
	unsigned int count[KR_REPLAY_DUPLICATE + 1] = {};
	enum kr_replay_verdict want;
	struct kr_replay *r = new_window(test, w, start);
	unsigned long *seen;
	struct replay_model m;
	struct rnd_state rnd;
	u32 x, steps;
	u64 s;

	/* Draws reach top + near at most. */
	seen = kunit_kzalloc(test, BITS_TO_LONGS(end + near - origin) *
			     sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seen);
	prandom_seed_state(&rnd, replay_seed + w);
	model_init(&m, w, start);

	for (steps = 0; steps < 16384 && m.top < end; steps++) {
		x = prandom_u32_state(&rnd);
		switch (x % 16) {
		case 0:		/* forged, far ahead */
			s = m.top + AHEAD + 1 + prandom_u32_state(&rnd) % AHEAD;
			break;
		case 1 ... 7:	/* reordered near the top */
			s = m.top - near + prandom_u32_state(&rnd) % (2 * near);
			break;
		default:	/* anywhere across the window's low edge */
			s = m.top - w - w / 4 +
			    prandom_u32_state(&rnd) % (w + w / 4);
			break;
		}

		if (s < m.start)
			want = KR_REPLAY_TOO_OLD;
		else if (s > m.top && s - m.top > AHEAD)
			want = KR_REPLAY_TOO_FAR;
		else if (m.any && s + w <= m.top)
			want = KR_REPLAY_TOO_OLD;
		else if (test_bit(s - origin, seen))
			want = KR_REPLAY_DUPLICATE;
		else
			want = KR_REPLAY_OK;

		if (!packet(test, r, &m, s, want, "random walk"))
			return;
		if (want == KR_REPLAY_OK)
			__set_bit(s - origin, seen);
		count[want]++;
	}
	/* It went through several windows. */
	KUNIT_EXPECT_GE(test, m.top, start + 4ULL * w);
	kunit_info(test, "%u steps, top at start + %lluW", steps,
		   (m.top - start) / w);

	/* The whole window and its surroundings, once more. */
	for (s = m.top - w - 64; s <= m.top + near; s++) {
		if (s + w <= m.top)
			want = KR_REPLAY_TOO_OLD;
		else if (s <= m.top && test_bit(s - origin, seen))
			want = KR_REPLAY_DUPLICATE;
		else
			want = KR_REPLAY_OK;
		if (!expect_check(test, r, s, want, "after the walk"))
			return;
	}

	/* The walk reached every verdict, many times. */
	KUNIT_EXPECT_GE(test, count[KR_REPLAY_OK], 1000U);
	KUNIT_EXPECT_GE(test, count[KR_REPLAY_TOO_OLD], 100U);
	KUNIT_EXPECT_GE(test, count[KR_REPLAY_TOO_FAR], 100U);
	KUNIT_EXPECT_GE(test, count[KR_REPLAY_DUPLICATE], 100U);
}

/* ---- Moving the ring: stale words are cleared, live ones kept ---- */

struct stale_case {
	u32 window;
	s32 w;		/* the advance is w * window + c */
	s32 c;
};

static const struct stale_case stale_cases[] = {
	{ 8192, 0, 1 }, { 8192, 0, 2 }, { 8192, 0, 63 }, { 8192, 0, 64 },
	{ 8192, 0, 65 }, { 8192, 0, 4096 }, { 8192, 1, -1 }, { 8192, 1, 0 },
	{ 8192, 1, 1 }, { 8192, 2, -64 }, { 8192, 2, -1 }, { 8192, 2, 0 },
	{ 8192, 2, 1 }, { 8192, 3, 0 }, { 8192, 128, 0 },
	{ 65536, 0, 1 }, { 65536, 0, 64 }, { 65536, 0, 65 },
	{ 65536, 1, -1 }, { 65536, 1, 0 }, { 65536, 1, 1 },
	{ 65536, 2, -1 }, { 65536, 2, 0 }, { 65536, 2, 1 }, { 65536, 16, 0 },
};

static void stale_desc(const struct stale_case *c, char *desc)
{
	if (c->w)
		snprintf(desc, KUNIT_PARAM_DESC_SIZE,
			 "window %u, advance %dW%+d", c->window, c->w, c->c);
	else
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "window %u, advance %d",
			 c->window, c->c);
}

KUNIT_ARRAY_PARAM(stale, stale_cases, stale_desc);

/*
 * Fill the whole ring (2W numbers, so every bit is set, half of them for
 * numbers already below the window), advance by d, then look at every number
 * of the new window: those accepted before are duplicates, the ones above
 * the old top are new even though their ring bits held older numbers.
 */
static void replay_advance_clears_stale_words(struct kunit *test)
{
	const struct stale_case *c = test->param_value;
	const u64 w = c->window, d = (s64)c->w * c->window + c->c;
	struct kr_replay *r = new_window(test, c->window, 0);
	enum kr_replay_verdict want;
	bool advanced = false;
	u64 s, top;

	for (s = 0; s < 2 * w; s++) {
		if (kr_replay_accept(r, s, NULL) != KR_REPLAY_OK) {
			KUNIT_FAIL(test, "filling: accept(%llu) refused", s);
			return;
		}
	}
	top = s - 1 + d;
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, top, &advanced),
			KR_REPLAY_OK);
	KUNIT_EXPECT_TRUE(test, advanced);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), top - w + 1);

	KUNIT_EXPECT_EQ(test, kr_replay_check(r, top - w), KR_REPLAY_TOO_OLD);
	for (s = top - w + 1; s <= top; s++) {
		want = s < 2 * w || s == top ? KR_REPLAY_DUPLICATE :
					       KR_REPLAY_OK;
		if (!expect_check(test, r, s, want, "new window"))
			return;
	}
}

/* ---- kr_replay_check() changes nothing ---- */

static void replay_check_changes_nothing(struct kunit *test)
{
	const u32 w = KR_REPLAY_MIN;
	const u64 start = 5000;
	static const u64 taken[] = { 0, 3, 100, 8192 + 7, 3 * 8192 - 5,
				     3 * 8192 };
	unsigned int count[KR_REPLAY_DUPLICATE + 1] = {};
	const size_t len = 2 * w / 8;
	struct kr_replay *r = new_window(test, w, start);
	u64 top, low, s, i;
	bool any, advanced;
	void *bitmap;

	/* Fresh: no check may start the window. */
	for (s = start - 100; s < start + 2 * AHEAD; s += 997)
		kr_replay_check(r, s);
	kr_replay_check(r, U64_MAX);
	KUNIT_EXPECT_EQ(test, kr_replay_top(r, &any), start);
	KUNIT_EXPECT_FALSE(test, any);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), start);
	KUNIT_EXPECT_NULL(test, memchr_inv(r->bitmap, 0, len));

	for (i = 0; i < ARRAY_SIZE(taken); i++)
		KUNIT_ASSERT_EQ(test, kr_replay_accept(r, start + taken[i],
						       NULL), KR_REPLAY_OK);
	top = kr_replay_top(r, &any);
	low = kr_replay_low(r);
	KUNIT_ASSERT_EQ(test, top, start + 3 * 8192);
	bitmap = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bitmap);
	memcpy(bitmap, r->bitmap, len);

	/* Old, duplicate, new in the window, new ahead, forged far ahead. */
	for (s = top - 2 * w; s <= top + 2 * w; s++)
		count[kr_replay_check(r, s)]++;
	for (i = 0; i < 1000; i++) {
		count[kr_replay_check(r, top + AHEAD + 1 + i * 7919)]++;
		count[kr_replay_check(r, U64_MAX - i)]++;
		count[kr_replay_check(r, SEQ_LIMIT + i)]++;
		count[kr_replay_check(r, i)]++;
	}
	KUNIT_EXPECT_GT(test, count[KR_REPLAY_OK], 0U);
	KUNIT_EXPECT_GT(test, count[KR_REPLAY_TOO_OLD], 0U);
	KUNIT_EXPECT_GT(test, count[KR_REPLAY_TOO_FAR], 0U);
	KUNIT_EXPECT_EQ(test, count[KR_REPLAY_DUPLICATE], 2U);

	/* A forged far-ahead number that somehow reached accept: refused. */
	advanced = true;
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, top + AHEAD + 1, &advanced),
			KR_REPLAY_TOO_FAR);
	KUNIT_EXPECT_FALSE(test, advanced);

	KUNIT_EXPECT_EQ(test, kr_replay_top(r, &any), top);
	KUNIT_EXPECT_TRUE(test, any);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), low);
	KUNIT_EXPECT_EQ(test, memcmp(r->bitmap, bitmap, len), 0);
	/* And what was new is still new. */
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, top - 1, NULL), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, top + AHEAD, NULL),
			KR_REPLAY_OK);
}

/* ---- Two CPUs with the same packet, and "advanced" ---- */

static void replay_accept_rechecks(struct kunit *test)
{
	const u32 w = KR_REPLAY_MIN;
	struct kr_replay *r = new_window(test, w, 0);
	bool advanced;

	/* Both copies pass the check; only the first accept wins. */
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, 10), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, 10), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, 10, &advanced), KR_REPLAY_OK);
	KUNIT_EXPECT_TRUE(test, advanced);
	advanced = true;
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, 10, &advanced),
			KR_REPLAY_DUPLICATE);
	KUNIT_EXPECT_FALSE(test, advanced);

	/* The same below the top. */
	KUNIT_ASSERT_EQ(test, kr_replay_accept(r, 100, NULL), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, 50), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, 50), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, 50, &advanced), KR_REPLAY_OK);
	KUNIT_EXPECT_FALSE(test, advanced);
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, 50, &advanced),
			KR_REPLAY_DUPLICATE);

	/* Checked at the low edge; another CPU moves the window past it. */
	KUNIT_ASSERT_EQ(test, kr_replay_accept(r, w + 20, NULL), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, 21), KR_REPLAY_OK);
	KUNIT_ASSERT_EQ(test, kr_replay_accept(r, w + 21, NULL), KR_REPLAY_OK);
	advanced = true;
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, 21, &advanced),
			KR_REPLAY_TOO_OLD);
	KUNIT_EXPECT_FALSE(test, advanced);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), 22ULL);

	/* Two new tops accepted out of order: only the higher advanced. */
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, w + 25), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, w + 29), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, w + 29, &advanced),
			KR_REPLAY_OK);
	KUNIT_EXPECT_TRUE(test, advanced);
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, w + 25, &advanced),
			KR_REPLAY_OK);
	KUNIT_EXPECT_FALSE(test, advanced);
	KUNIT_EXPECT_EQ(test, kr_replay_top(r, NULL), (u64)w + 29);
}

struct advanced_step {
	u64 s;
	enum kr_replay_verdict want;
	bool advanced;
};

/* W = 8192, start = 0. */
static const struct advanced_step advanced_steps[] = {
	{ 5, KR_REPLAY_OK, true },		/* the first number */
	{ 3, KR_REPLAY_OK, false },
	{ 5, KR_REPLAY_DUPLICATE, false },	/* the top again */
	{ 6, KR_REPLAY_OK, true },
	{ 8192 + 6, KR_REPLAY_OK, true },
	{ 6, KR_REPLAY_TOO_OLD, false },
	{ 8192 + 5, KR_REPLAY_OK, false },
	{ AHEAD + 8192 + 6, KR_REPLAY_OK, true },	/* at the limit */
	{ 2 * AHEAD + 8192 + 7, KR_REPLAY_TOO_FAR, false },
	{ AHEAD + 8192 + 6, KR_REPLAY_DUPLICATE, false },
	{ AHEAD + 8192 + 7, KR_REPLAY_OK, true },
};

static void replay_advanced_only_for_new_top(struct kunit *test)
{
	struct kr_replay *r = new_window(test, KR_REPLAY_MIN, 0);
	const struct advanced_step *st;
	bool advanced;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(advanced_steps); i++) {
		st = &advanced_steps[i];
		advanced = !st->advanced;
		KUNIT_EXPECT_EQ_MSG(test, kr_replay_accept(r, st->s, &advanced),
				    st->want, "step %u, s=%llu", i + 1, st->s);
		KUNIT_EXPECT_EQ_MSG(test, advanced, st->advanced,
				    "step %u, s=%llu", i + 1, st->s);
	}
}

/* ---- The far-ahead trial: kr_replay_jump() ---- */

static void replay_jump_far_ahead(struct kunit *test)
{
	const u32 w = KR_REPLAY_MIN;
	const u64 start = 1000;
	struct kr_replay *r = new_window(test, w, start);
	u64 s, x, old;
	bool any, advanced;

	for (x = start; x < start + 100; x++)
		KUNIT_ASSERT_EQ(test, kr_replay_accept(r, x, NULL),
				KR_REPLAY_OK);
	old = kr_replay_top(r, NULL);
	s = old + AHEAD + 12345;
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, s), KR_REPLAY_TOO_FAR);

	KUNIT_EXPECT_EQ(test, kr_replay_jump(r, s, &advanced), KR_REPLAY_OK);
	KUNIT_EXPECT_TRUE(test, advanced);
	KUNIT_EXPECT_EQ(test, kr_replay_top(r, &any), s);
	KUNIT_EXPECT_TRUE(test, any);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), s - w + 1);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, s), KR_REPLAY_DUPLICATE);
	/* Nothing below s is marked. */
	for (x = s - w + 1; x < s; x++)
		if (!expect_check(test, r, x, KR_REPLAY_OK, "below the jump"))
			break;
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, s - w), KR_REPLAY_TOO_OLD);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, old), KR_REPLAY_TOO_OLD);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, start), KR_REPLAY_TOO_OLD);
	/* The ahead limit counts from the new top. */
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, s + AHEAD), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, s + AHEAD + 1),
			KR_REPLAY_TOO_FAR);
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, s - 1, &advanced),
			KR_REPLAY_OK);
	KUNIT_EXPECT_FALSE(test, advanced);
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, s + 1, &advanced),
			KR_REPLAY_OK);
	KUNIT_EXPECT_TRUE(test, advanced);
}

static void replay_jump_from_empty(struct kunit *test)
{
	const u64 start = 77, s = start + AHEAD + 1;
	struct kr_replay *r = new_window(test, KR_REPLAY_MAX, start);
	bool any;

	KUNIT_EXPECT_EQ(test, kr_replay_check(r, s), KR_REPLAY_TOO_FAR);
	KUNIT_EXPECT_EQ(test, kr_replay_jump(r, s, NULL), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_top(r, &any), s);
	KUNIT_EXPECT_TRUE(test, any);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), s - KR_REPLAY_MAX + 1);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, s), KR_REPLAY_DUPLICATE);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, s - 1), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, start), KR_REPLAY_TOO_OLD);
}

/*
 * A jump that finds the top at or past its number (another packet or trial
 * got there first) never moves the window back and never unmarks anything.
 */
static void replay_jump_never_goes_back(struct kunit *test)
{
	const u32 w = KR_REPLAY_MIN;
	const u64 start = 100, top = start + 3 * w;
	const size_t len = 2 * w / 8;
	struct kr_replay *r = new_window(test, w, start);
	bool advanced;
	void *bitmap;
	u64 x;

	/* top, top - 2, top - 4 ... marked; top - 1, top - 3 ... not. */
	for (x = top; x > top - w; x -= 2)
		KUNIT_ASSERT_EQ(test, kr_replay_accept(r, x, NULL),
				KR_REPLAY_OK);
	KUNIT_ASSERT_EQ(test, kr_replay_top(r, NULL), top);
	bitmap = kunit_kmalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bitmap);
	memcpy(bitmap, r->bitmap, len);

	/* Seen, below the window, below the start value: nothing changes. */
	KUNIT_EXPECT_EQ(test, kr_replay_jump(r, top, NULL), KR_REPLAY_DUPLICATE);
	KUNIT_EXPECT_EQ(test, kr_replay_jump(r, top - w, NULL),
			KR_REPLAY_TOO_OLD);
	KUNIT_EXPECT_EQ(test, kr_replay_jump(r, start, NULL),
			KR_REPLAY_TOO_OLD);
	KUNIT_EXPECT_EQ(test, kr_replay_jump(r, start - 1, NULL),
			KR_REPLAY_TOO_OLD);
	KUNIT_EXPECT_EQ(test, kr_replay_top(r, NULL), top);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), top - w + 1);
	KUNIT_EXPECT_EQ(test, memcmp(r->bitmap, bitmap, len), 0);

	/* New, in the window: marked, the top stays. */
	KUNIT_EXPECT_EQ(test, kr_replay_jump(r, top - 1, &advanced),
			KR_REPLAY_OK);
	KUNIT_EXPECT_FALSE(test, advanced);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, top - 1), KR_REPLAY_DUPLICATE);
	KUNIT_EXPECT_EQ(test, kr_replay_top(r, NULL), top);

	/* Just ahead: the window moves, keeping what it had seen. */
	KUNIT_EXPECT_EQ(test, kr_replay_jump(r, top + 5, &advanced),
			KR_REPLAY_OK);
	KUNIT_EXPECT_TRUE(test, advanced);
	KUNIT_EXPECT_EQ(test, kr_replay_top(r, NULL), top + 5);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, top), KR_REPLAY_DUPLICATE);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, top - 1), KR_REPLAY_DUPLICATE);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, top - 2), KR_REPLAY_DUPLICATE);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, top - 3), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, top + 4), KR_REPLAY_OK);
}

static void replay_jump_to_u64_max(struct kunit *test)
{
	const u32 w = KR_REPLAY_MIN;
	struct kr_replay *r = new_window(test, w, 0);

	KUNIT_ASSERT_EQ(test, kr_replay_accept(r, 0, NULL), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, U64_MAX), KR_REPLAY_TOO_FAR);
	KUNIT_EXPECT_EQ(test, kr_replay_jump(r, U64_MAX, NULL), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_top(r, NULL), U64_MAX);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), U64_MAX - w + 1);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, U64_MAX), KR_REPLAY_DUPLICATE);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, U64_MAX - 1), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, U64_MAX - w + 1),
			KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, U64_MAX - w),
			KR_REPLAY_TOO_OLD);
	KUNIT_EXPECT_EQ(test, kr_replay_check(r, 0), KR_REPLAY_TOO_OLD);
	KUNIT_EXPECT_EQ(test, kr_replay_jump(r, U64_MAX, NULL),
			KR_REPLAY_DUPLICATE);
	KUNIT_EXPECT_EQ(test, kr_replay_top(r, NULL), U64_MAX);
	KUNIT_EXPECT_EQ(test, kr_replay_accept(r, U64_MAX - 1, NULL),
			KR_REPLAY_OK);
}

/* ---- The low edge, which the key tree follows ---- */

static void replay_low_follows_window(struct kunit *test)
{
	const u32 w = KR_REPLAY_MIN;
	struct kr_replay *r = new_window(test, w, 1000);
	struct kr_replay *z = new_window(test, w, 0);

	KUNIT_EXPECT_EQ(test, kr_replay_low(r), 1000ULL);
	KUNIT_ASSERT_EQ(test, kr_replay_accept(r, 1005, NULL), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), 1000ULL);
	KUNIT_ASSERT_EQ(test, kr_replay_accept(r, 1000 + w - 1, NULL),
			KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), 1000ULL);
	KUNIT_ASSERT_EQ(test, kr_replay_accept(r, 1000 + w, NULL),
			KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), 1001ULL);
	KUNIT_ASSERT_EQ(test, kr_replay_accept(r, 1000 + w + 64, NULL),
			KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), 1065ULL);
	/* Below the top: the low edge stays. */
	KUNIT_ASSERT_EQ(test, kr_replay_accept(r, 1065, NULL), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), 1065ULL);
	KUNIT_EXPECT_EQ(test, kr_replay_jump(r, 1ULL << 32, NULL), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_low(r), (1ULL << 32) - w + 1);

	/* top < W - 1 at start 0: top - W + 1 must not wrap. */
	KUNIT_EXPECT_EQ(test, kr_replay_low(z), 0ULL);
	KUNIT_ASSERT_EQ(test, kr_replay_accept(z, 5, NULL), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_low(z), 0ULL);
	KUNIT_ASSERT_EQ(test, kr_replay_accept(z, w - 1, NULL), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_low(z), 0ULL);
	KUNIT_ASSERT_EQ(test, kr_replay_accept(z, w, NULL), KR_REPLAY_OK);
	KUNIT_EXPECT_EQ(test, kr_replay_low(z), 1ULL);
}

/* ---- The packet path: softirq, and several CPUs ---- */

/*
 * Everything the packet path calls, with bottom halves off as in the receive
 * softirq: lockdep and DEBUG_ATOMIC_SLEEP (x86_64 run) catch a sleep or a
 * bad lock.  No assertion may fire inside, so results are looked at after.
 */
static void replay_packet_path_in_softirq(struct kunit *test)
{
	const u32 w = KR_REPLAY_MIN;
	unsigned int bad = 0, dups = 0;
	struct kr_replay *r;
	bool advanced, in_bh;
	u64 s, top = 0;

	local_bh_disable();
	in_bh = in_softirq();
	r = kr_replay_alloc(w, 0, GFP_ATOMIC);
	if (!IS_ERR(r)) {
		for (s = 0; s < 3 * w; s++) {
			if (kr_replay_check(r, s) != KR_REPLAY_OK ||
			    kr_replay_accept(r, s, &advanced) != KR_REPLAY_OK ||
			    !advanced)
				bad++;
			if (kr_replay_accept(r, s, &advanced) ==
			    KR_REPLAY_DUPLICATE)
				dups++;
			if (kr_replay_low(r) != (s < w ? 0 : s - w + 1))
				bad++;
		}
		if (kr_replay_jump(r, 3 * w + 2 * AHEAD, NULL) != KR_REPLAY_OK)
			bad++;
		top = kr_replay_top(r, NULL);
		kr_replay_free(r);
	}
	local_bh_enable();

	KUNIT_EXPECT_TRUE(test, in_bh);
	KUNIT_ASSERT_FALSE(test, IS_ERR(r));
	KUNIT_EXPECT_EQ(test, bad, 0U);
	KUNIT_EXPECT_EQ(test, dups, 3 * w);
	KUNIT_EXPECT_EQ(test, top, 3 * w + 2 * AHEAD);
}

struct race_thread {
	struct kr_replay *r;
	struct completion *go;
	struct completion done;
	unsigned long *won;	/* bit n: someone accepted base + n */
	atomic_t *twice;	/* accepts of a number already accepted */
	u64 base;
	u32 n, mult, off;	/* visit base + (j * mult + off) % n */
	u32 ok;
};

static int race_fn(void *arg)
{
	struct race_thread *t = arg;
	u32 j, k;

	wait_for_completion(t->go);
	for (j = 0; j < t->n; j++) {
		k = (j * t->mult + t->off) & (t->n - 1);
		if (kr_replay_check(t->r, t->base + k) == KR_REPLAY_OK &&
		    kr_replay_accept(t->r, t->base + k, NULL) == KR_REPLAY_OK) {
			t->ok++;
			if (test_and_set_bit(k, t->won))
				atomic_inc(t->twice);
		}
		if (!(j % 256))
			cond_resched();
	}
	kthread_complete_and_exit(&t->done, 0);
}

/*
 * Threads, one per CPU (at least two), check and accept the same numbers in
 * different orders: each number is accepted exactly once.  First within one
 * window (any order), then ascending through several (the window moving
 * under the slower threads).
 */
static void replay_accept_once_across_threads(struct kunit *test)
{
	const u32 w = KR_REPLAY_MIN;
	unsigned int nthreads = clamp(num_online_cpus(), 2U, 4U);
	struct kr_replay *r = new_window(test, w, 0);
	unsigned int i, phase, started;
	struct task_struct *task;
	struct race_thread *t;
	struct completion go;
	unsigned long *won;
	atomic_t twice;
	u32 ok, n;

	t = kunit_kcalloc(test, nthreads, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	for (phase = 0; phase < 2; phase++) {
		n = phase ? 4 * w : w;
		won = kunit_kzalloc(test, BITS_TO_LONGS(n) * sizeof(long),
				    GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, won);
		init_completion(&go);
		atomic_set(&twice, 0);
		started = 0;
		for (i = 0; i < nthreads; i++) {
			t[i] = (struct race_thread){
				.r = r, .go = &go, .won = won, .twice = &twice,
				.base = phase ? w : 0, .n = n,
				/* Phase 0: odd strides, a permutation each. */
				.mult = phase ? 1 : 2 * i + 1,
				.off = phase ? 0 : i * 997,
			};
			init_completion(&t[i].done);
			task = kthread_run(race_fn, &t[i], "kr_replay_race%u",
					   i);
			if (IS_ERR(task))
				break;
			started++;
		}
		complete_all(&go);
		ok = 0;
		for (i = 0; i < started; i++) {
			wait_for_completion(&t[i].done);
			ok += t[i].ok;
		}
		KUNIT_ASSERT_EQ(test, started, nthreads);
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&twice), 0, "phase %u",
				    phase);
		KUNIT_EXPECT_EQ_MSG(test, ok, n, "phase %u", phase);
		KUNIT_EXPECT_EQ(test, kr_replay_top(r, NULL),
				(u64)(phase ? 5 * w : w) - 1);
	}
}

static struct kunit_case replay_cases[] = {
	KUNIT_CASE_PARAM(replay_alloc_checks_window, alloc_gen_params),
	KUNIT_CASE(replay_free_takes_null),
	KUNIT_CASE_PARAM(replay_script_steps, script_gen_params),
	KUNIT_CASE_PARAM(replay_sweep_ascending, sweep_gen_params),
	KUNIT_CASE_PARAM(replay_sweep_descending, sweep_gen_params),
	KUNIT_CASE_PARAM(replay_sweep_random_order, sweep_gen_params),
	KUNIT_CASE_PARAM(replay_random_walk, sweep_gen_params),
	KUNIT_CASE_PARAM(replay_advance_clears_stale_words, stale_gen_params),
	KUNIT_CASE(replay_check_changes_nothing),
	KUNIT_CASE(replay_accept_rechecks),
	KUNIT_CASE(replay_advanced_only_for_new_top),
	KUNIT_CASE(replay_jump_far_ahead),
	KUNIT_CASE(replay_jump_from_empty),
	KUNIT_CASE(replay_jump_never_goes_back),
	KUNIT_CASE(replay_jump_to_u64_max),
	KUNIT_CASE(replay_low_follows_window),
	KUNIT_CASE(replay_packet_path_in_softirq),
	KUNIT_CASE(replay_accept_once_across_threads),
	{}
};

static struct kunit_suite kr_replay_suite = {
	.name = "kr_replay",
	.init = replay_test_init,
	.exit = replay_test_exit,
	.test_cases = replay_cases,
};

kr_kunit_suite(kr_replay_suite);
