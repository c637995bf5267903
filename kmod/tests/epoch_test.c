// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * KUnit: the epoch rules of spec sections 6 and 7, two ends wired back to
 * back over a lossy link on a fake clock, with a scripted control plane in
 * place of the daemon.  Packets carry an epoch byte, the sender's key id and
 * a sequence number; a packet "authenticates" at the receiver when it holds
 * a live epoch of that number whose key id is the sender's, as the AEAD
 * would decide (real sealing is aead_test.c's concern).  Every scenario
 * ends with both ends on one transmit epoch and no packet sent blindly: on
 * a key its peer did not hold.  Included at the bottom of epoch.c.
 */

#include "suites.h"
#include "../hkdf.h"

#include <linux/prandom.h>

enum {
	MS = 1000 * 1000,	/* the fake clock counts nanoseconds */
	LINK_SLOTS = 64,
};

struct b2b_packet {
	u8 epoch;
	u8 key_id[KEYROT_KEY_ID_LEN];
	u64 seq;
	bool empty;
};

struct b2b_end {
	struct kr_epochs es;
	u32 sent;		/* data packets sent */
	u32 got;		/* data packets that authenticated */
	u32 confirmations;	/* empty packets sent on a new epoch */
	u32 blind;		/* packets the peer had no key for */
	u32 need_events;	/* re-key events emitted */
	u32 need;		/* the need as of the last tick */
	int tx_err;		/* the last send refusal */
};

struct b2b {
	struct kunit *test;
	struct b2b_end end[2];		/* [0] initiator, [1] responder */
	struct b2b_packet q[2][LINK_SLOTS];	/* in flight towards end[i] */
	unsigned int qn[2];
	unsigned int loss[2];		/* percent lost towards end[i] */
	struct rnd_state rnd;
	u64 now;
};

static const struct kr_epoch_cfg b2b_cfg = {
	.window = 8192,
	.watermark = 2048,
	.rekey_interval = 60 * 1000 * (u64)MS,
	.jitter_pct = 0,
	.grace = 500 * (u64)MS,
	.retire = 200 * (u64)MS,
	.confirm = 10 * (u64)MS,
	.event = 100 * (u64)MS,
};

static struct b2b *b2b_new(struct kunit *test)
{
	struct b2b *l = kunit_kzalloc(test, sizeof(*l), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, l);
	l->test = test;
	kr_epochs_init(&l->end[0].es, KEYROT_ROLE_INITIATOR,
		       KEYROT_CIPHER_AES_256_GCM, &b2b_cfg);
	kr_epochs_init(&l->end[1].es, KEYROT_ROLE_RESPONDER,
		       KEYROT_CIPHER_AES_256_GCM, &b2b_cfg);
	prandom_seed_state(&l->rnd, 0x6b6579726f74ULL);
	l->now = 1000 * (u64)MS;
	test->priv = l;
	return l;
}

static void b2b_exit(struct kunit *test)
{
	struct b2b *l = test->priv;

	if (!l)
		return;
	kr_epochs_destroy(&l->end[0].es);
	kr_epochs_destroy(&l->end[1].es);
	rcu_barrier();
	flush_workqueue(epoch_wq);
}

/* A fresh seed and its key id, the way a key exchange would deliver them. */
static void b2b_seed(struct b2b *l, u8 *seed, u8 *key_id)
{
	get_random_bytes(seed, KEYROT_SEED_LEN);
	KUNIT_ASSERT_EQ(l->test, kr_hkdf_expand(seed, KEYROT_SEED_LEN,
						"keyrot v1 id", 12, key_id,
						KEYROT_KEY_ID_LEN), 0);
}

/* Install a copy of @seed at end @i. */
static int b2b_install(struct b2b *l, unsigned int i, u8 number,
		       const u8 *seed, const u8 *key_id, bool peer_holds,
		       const u64 *start)
{
	static const u64 zero[2];
	u8 copy[KEYROT_SEED_LEN];
	const char *why = NULL;

	memcpy(copy, seed, sizeof(copy));
	return kr_epochs_install(&l->end[i].es, number, copy, key_id,
				 peer_holds, start ?: zero, l->now, &why);
}

/* A key exchange: end @answer installs first, end !@answer completes. */
static void b2b_exchange(struct b2b *l, unsigned int answer, u8 number,
			 const u64 *start)
{
	u8 seed[KEYROT_SEED_LEN], key_id[KEYROT_KEY_ID_LEN];

	b2b_seed(l, seed, key_id);
	KUNIT_ASSERT_EQ(l->test, b2b_install(l, answer, number, seed, key_id,
					     false, start), 0);
	KUNIT_ASSERT_EQ(l->test, b2b_install(l, !answer, number, seed, key_id,
					     true, start), 0);
	memzero_explicit(seed, sizeof(seed));
}

/* End @i sends one packet on its transmit epoch, if it may. */
static void b2b_send(struct b2b *l, unsigned int i, bool empty)
{
	struct b2b_end *e = &l->end[i];
	struct b2b_packet *p;
	struct kr_epoch *tx;
	struct kr_leaf *leaf;
	u64 seq;

	tx = kr_epochs_tx_get(&e->es);
	if (!tx) {
		e->tx_err = -EAGAIN;
		return;
	}
	leaf = kr_keytree_tx_next(tx->tree, e->es.role, &seq);
	if (PTR_ERR_OR_ZERO(leaf) == -EAGAIN) {
		kr_keytree_prepare(tx->tree);
		leaf = kr_keytree_tx_next(tx->tree, e->es.role, &seq);
	}
	if (IS_ERR(leaf)) {
		e->tx_err = PTR_ERR(leaf);
		kr_epoch_put(tx);
		return;
	}
	kr_leaf_put(leaf);
	e->tx_err = 0;
	if (!empty)
		e->sent++;
	if (l->qn[!i] < LINK_SLOTS &&
	    prandom_u32_state(&l->rnd) % 100 >= l->loss[!i]) {
		p = &l->q[!i][l->qn[!i]++];
		p->epoch = tx->number;
		memcpy(p->key_id, tx->tree->key_id, KEYROT_KEY_ID_LEN);
		p->seq = seq;
		p->empty = empty;
	}
	kr_epoch_put(tx);
}

/* End @i receives what is in flight towards it. */
static void b2b_receive(struct b2b *l, unsigned int i)
{
	struct b2b_end *e = &l->end[i];
	struct kr_epoch *ep;
	bool advanced;
	unsigned int k;

	for (k = 0; k < l->qn[i]; k++) {
		struct b2b_packet *p = &l->q[i][k];

		ep = kr_epochs_rx_get(&e->es, p->epoch);
		if (!ep || memcmp(ep->tree->key_id, p->key_id,
				  KEYROT_KEY_ID_LEN)) {
			l->end[!i].blind++;
			kr_epoch_put(ep);
			continue;
		}
		if (kr_replay_check(ep->rx, p->seq) == KR_REPLAY_OK &&
		    kr_replay_accept(ep->rx, p->seq, &advanced) ==
		    KR_REPLAY_OK) {
			if (advanced)
				kr_keytree_rx_advance(ep->tree, !e->es.role,
						      kr_replay_low(ep->rx),
						      p->seq);
			local_bh_disable();
			kr_epochs_authenticated(&e->es, ep, l->now);
			local_bh_enable();
			if (!p->empty)
				e->got++;
		}
		kr_epoch_put(ep);
	}
	l->qn[i] = 0;
}

static void b2b_tick(struct b2b *l, unsigned int i)
{
	struct b2b_end *e = &l->end[i];
	struct kr_epoch_tick t;

	kr_epochs_tick(&e->es, l->now, &t);
	if (t.events & KR_EPOCH_EV_CONFIRM) {
		b2b_send(l, i, true);
		e->confirmations++;
	}
	if (t.emit_need)
		e->need_events++;
	e->need = t.need;
}

/*
 * Run for @ms milliseconds of fake time, one step a millisecond: each end
 * sends a data packet when @data[i], the link delivers, both tick.
 */
static void b2b_run(struct b2b *l, unsigned int ms, bool data0, bool data1)
{
	unsigned int k;

	for (k = 0; k < ms; k++) {
		l->now += MS;
		if (data0)
			b2b_send(l, 0, false);
		if (data1)
			b2b_send(l, 1, false);
		b2b_receive(l, 0);
		b2b_receive(l, 1);
		b2b_tick(l, 0);
		b2b_tick(l, 1);
		b2b_receive(l, 0);
		b2b_receive(l, 1);
	}
}

static u8 tx_number(struct b2b *l, unsigned int i)
{
	struct kr_epoch *tx = kr_epochs_tx_get(&l->end[i].es);
	u8 n;

	KUNIT_ASSERT_NOT_NULL(l->test, tx);
	n = tx->number;
	kr_epoch_put(tx);
	return n;
}

static bool has_prev(struct b2b *l, unsigned int i)
{
	return rcu_access_pointer(l->end[i].es.prev);
}

static bool has_next(struct b2b *l, unsigned int i)
{
	return rcu_access_pointer(l->end[i].es.next);
}

/* Both ends on transmit epoch @n with nothing else live, none blind. */
static void expect_settled(struct b2b *l, u8 n)
{
	KUNIT_EXPECT_EQ(l->test, tx_number(l, 0), n);
	KUNIT_EXPECT_EQ(l->test, tx_number(l, 1), n);
	KUNIT_EXPECT_FALSE(l->test, has_next(l, 0) || has_next(l, 1));
	KUNIT_EXPECT_FALSE(l->test, has_prev(l, 0) || has_prev(l, 1));
	KUNIT_EXPECT_EQ(l->test, l->end[0].blind, 0U);
	KUNIT_EXPECT_EQ(l->test, l->end[1].blind, 0U);
}

/* The first epoch: the responder answers, the initiator completes. */
static struct b2b *b2b_started(struct kunit *test, u8 number)
{
	struct b2b *l = b2b_new(test);

	b2b_exchange(l, 1, number, NULL);
	b2b_run(l, 50, true, true);
	expect_settled(l, number);
	return l;
}

static void epoch_first_seed_then_traffic(struct kunit *test)
{
	struct b2b *l = b2b_new(test);
	u8 seed[KEYROT_SEED_LEN], key_id[KEYROT_KEY_ID_LEN];

	b2b_seed(l, seed, key_id);
	KUNIT_ASSERT_EQ(test, b2b_install(l, 1, 9, seed, key_id, false, NULL),
			0);
	/* The answering end may not send on a seed not confirmed yet. */
	b2b_run(l, 5, true, true);
	KUNIT_EXPECT_EQ(test, l->end[1].tx_err, -EAGAIN);
	KUNIT_EXPECT_EQ(test, l->end[1].sent, 0U);
	KUNIT_ASSERT_EQ(test, b2b_install(l, 0, 9, seed, key_id, true, NULL),
			0);
	b2b_run(l, 50, true, true);
	expect_settled(l, 9);
	KUNIT_EXPECT_GT(test, l->end[0].got, 40U);
	KUNIT_EXPECT_GT(test, l->end[1].got, 40U);
}

static void epoch_normal_rekey(struct kunit *test)
{
	struct b2b *l = b2b_started(test, 1);

	b2b_exchange(l, 1, 2, NULL);
	b2b_run(l, 20, true, true);
	/* Both moved; the old epoch still receivable until retired. */
	KUNIT_EXPECT_EQ(test, tx_number(l, 0), 2);
	KUNIT_EXPECT_EQ(test, tx_number(l, 1), 2);
	KUNIT_EXPECT_TRUE(test, has_prev(l, 0));
	b2b_run(l, 300, true, true);
	expect_settled(l, 2);
	KUNIT_EXPECT_EQ(test, l->end[0].got, l->end[1].sent);
	KUNIT_EXPECT_EQ(test, l->end[1].got, l->end[0].sent);
}

static void epoch_one_way_each_direction(struct kunit *test)
{
	unsigned int sender;

	for (sender = 0; sender < 2; sender++) {
		struct b2b *l = b2b_started(test, 5);

		/* Only @sender has data; either end may answer. */
		b2b_exchange(l, sender, 6, NULL);
		b2b_run(l, 400, sender == 0, sender == 1);
		expect_settled(l, 6);
		KUNIT_EXPECT_EQ(test, l->end[!sender].got,
				l->end[sender].sent);
		b2b_exit(test);
	}
	test->priv = NULL;
}

static void epoch_lost_answer(struct kunit *test)
{
	struct b2b *l = b2b_started(test, 3);
	u8 seed[KEYROT_SEED_LEN], key_id[KEYROT_KEY_ID_LEN];

	/* The answering end installs; its answer never arrives. */
	b2b_seed(l, seed, key_id);
	KUNIT_ASSERT_EQ(test, b2b_install(l, 1, 4, seed, key_id, false, NULL),
			0);
	b2b_run(l, 400, true, true);
	KUNIT_EXPECT_EQ(test, tx_number(l, 1), 3);
	KUNIT_EXPECT_EQ(test, l->end[1].need, 0U);
	b2b_run(l, 200, true, true);
	/* Past the grace period: "unconfirmed", still nothing sent on it. */
	KUNIT_EXPECT_EQ(test, l->end[1].need,
			(u32)KEYROT_REKEY_REASON_UNCONFIRMED);
	KUNIT_EXPECT_GT(test, l->end[1].need_events, 0U);
	KUNIT_EXPECT_EQ(test, tx_number(l, 1), 3);

	/* The peer lacks it: withdraw by key id, run a new exchange. */
	KUNIT_EXPECT_EQ(test, kr_epochs_withdraw(&l->end[1].es, key_id,
						 &(const char *){ NULL }), 0);
	b2b_run(l, 2, true, true);
	KUNIT_EXPECT_EQ(test, l->end[1].need, 0U);
	b2b_exchange(l, 1, 4, NULL);
	b2b_run(l, 400, true, true);
	expect_settled(l, 4);
}

static void epoch_confirmations_lost_past_grace(struct kunit *test)
{
	struct b2b *l = b2b_started(test, 7);
	u8 seed[KEYROT_SEED_LEN], key_id[KEYROT_KEY_ID_LEN];

	b2b_seed(l, seed, key_id);
	KUNIT_ASSERT_EQ(test, b2b_install(l, 1, 8, seed, key_id, false, NULL),
			0);
	/* The completing end moves; everything it sends is lost for long. */
	l->loss[1] = 100;
	KUNIT_ASSERT_EQ(test, b2b_install(l, 0, 8, seed, key_id, true, NULL),
			0);
	b2b_run(l, 700, true, false);
	KUNIT_EXPECT_EQ(test, tx_number(l, 0), 8);
	KUNIT_EXPECT_EQ(test, tx_number(l, 1), 7);
	KUNIT_EXPECT_GT(test, l->end[0].confirmations, 10U);
	/* Repeats stop at the grace period; the answerer says unconfirmed. */
	KUNIT_EXPECT_LT(test, l->end[0].confirmations, 60U);
	KUNIT_EXPECT_EQ(test, l->end[1].need,
			(u32)KEYROT_REKEY_REASON_UNCONFIRMED);
	/* The control plane learns the peer holds it and confirms (c). */
	KUNIT_EXPECT_EQ(test, kr_epochs_confirm(&l->end[1].es, key_id, l->now,
						&(const char *){ NULL }), 0);
	l->loss[1] = 0;
	b2b_run(l, 400, true, true);
	expect_settled(l, 8);
}

static void epoch_both_ask_at_once(struct kunit *test)
{
	struct b2b *l = b2b_started(test, 20);

	kr_epochs_request(&l->end[0].es);
	kr_epochs_request(&l->end[1].es);
	b2b_run(l, 5, true, true);
	KUNIT_EXPECT_EQ(test, l->end[0].need, (u32)KEYROT_REKEY_REASON_REQUEST);
	KUNIT_EXPECT_EQ(test, l->end[1].need, (u32)KEYROT_REKEY_REASON_REQUEST);
	/* One exchange (the control plane's rule picks who runs it). */
	b2b_exchange(l, 1, 21, NULL);
	b2b_run(l, 300, true, true);
	expect_settled(l, 21);
	KUNIT_EXPECT_EQ(test, l->end[0].need, 0U);
	KUNIT_EXPECT_EQ(test, l->end[1].need, 0U);
}

static void epoch_rekey_right_after(struct kunit *test)
{
	struct b2b *l = b2b_started(test, 30);
	u8 seed[KEYROT_SEED_LEN], key_id[KEYROT_KEY_ID_LEN];

	/* Silence from the answerer: the completer has not seen it on 31. */
	l->loss[0] = 100;
	b2b_exchange(l, 1, 31, NULL);
	b2b_run(l, 2, false, false);
	b2b_seed(l, seed, key_id);
	KUNIT_EXPECT_EQ(test, b2b_install(l, 0, 32, seed, key_id, false,
					  NULL), -EAGAIN);
	l->loss[0] = 0;
	b2b_run(l, 300, true, true);
	expect_settled(l, 31);
	b2b_exchange(l, 0, 32, NULL);
	b2b_run(l, 300, true, true);
	expect_settled(l, 32);
}

static void epoch_wraps_255_to_0(struct kunit *test)
{
	struct b2b *l = b2b_started(test, 254);

	b2b_exchange(l, 1, 255, NULL);
	b2b_run(l, 300, true, true);
	expect_settled(l, 255);
	b2b_exchange(l, 0, 0, NULL);
	b2b_run(l, 300, true, true);
	expect_settled(l, 0);
	KUNIT_EXPECT_EQ(test, l->end[0].got, l->end[1].sent);
}

static void epoch_refused_seeds_change_nothing(struct kunit *test)
{
	struct b2b *l = b2b_started(test, 40);
	u8 seed[KEYROT_SEED_LEN], key_id[KEYROT_KEY_ID_LEN];
	u8 wrong[KEYROT_KEY_ID_LEN];

	b2b_seed(l, seed, key_id);
	/* Not the transmit epoch + 1. */
	KUNIT_EXPECT_EQ(test, b2b_install(l, 0, 40, seed, key_id, false, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, b2b_install(l, 0, 42, seed, key_id, false, NULL),
			-EINVAL);
	/* A key id that is not the seed's. */
	memcpy(wrong, key_id, sizeof(wrong));
	wrong[0] ^= 1;
	KUNIT_EXPECT_EQ(test, b2b_install(l, 0, 41, seed, wrong, false, NULL),
			-EKEYREJECTED);
	KUNIT_EXPECT_FALSE(test, has_next(l, 0));
	/* A pending next epoch is never replaced in place. */
	KUNIT_EXPECT_EQ(test, b2b_install(l, 0, 41, seed, key_id, false, NULL),
			0);
	KUNIT_EXPECT_EQ(test, b2b_install(l, 0, 41, seed, key_id, false, NULL),
			-EBUSY);
	/* Withdrawing names the key id; another one withdraws nothing. */
	KUNIT_EXPECT_EQ(test, kr_epochs_withdraw(&l->end[0].es, wrong,
						 &(const char *){ NULL }),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, kr_epochs_withdraw(&l->end[0].es, key_id,
						 &(const char *){ NULL }), 0);
	b2b_run(l, 50, true, true);
	expect_settled(l, 40);
}

static void epoch_seed_after_exhaustion(struct kunit *test)
{
	/* Direction 0 starts three packets before the end of the tree. */
	const u64 start[2] = { KR_SEQ_LIMIT - 3, 0 };
	struct b2b *l = b2b_new(test);

	b2b_exchange(l, 1, 50, start);
	b2b_run(l, 10, true, true);
	/* Three numbers: the key confirmation, then two data packets. */
	KUNIT_EXPECT_EQ(test, l->end[0].confirmations, 1U);
	KUNIT_EXPECT_EQ(test, l->end[0].sent, 2U);
	KUNIT_EXPECT_EQ(test, l->end[0].tx_err, -EKEYEXPIRED);
	KUNIT_EXPECT_TRUE(test, l->end[0].need &
			  KEYROT_REKEY_REASON_WATERMARK);
	b2b_exchange(l, 1, 51, NULL);
	b2b_run(l, 300, true, true);
	expect_settled(l, 51);
	KUNIT_EXPECT_EQ(test, l->end[0].tx_err, 0);
	KUNIT_EXPECT_EQ(test, l->end[0].need, 0U);
	KUNIT_EXPECT_EQ(test, l->end[1].got, l->end[0].sent);
}

static void epoch_need_watermark_and_interval(struct kunit *test)
{
	/* Below the watermark from the start: the need is raised at once. */
	const u64 start[2] = { 6144ULL << KR_LEAF_SHIFT, 0 };
	u8 seed[KEYROT_SEED_LEN], key_id[KEYROT_KEY_ID_LEN];
	struct b2b *l = b2b_new(test);

	b2b_exchange(l, 1, 60, start);
	b2b_run(l, 1, true, true);
	KUNIT_EXPECT_EQ(test, l->end[0].need,
			(u32)KEYROT_REKEY_REASON_WATERMARK);
	KUNIT_EXPECT_EQ(test, l->end[1].need, 0U);
	/* A level: the event repeats every event period while it lasts. */
	b2b_run(l, 450, true, true);
	KUNIT_EXPECT_EQ(test, l->end[0].need_events, 5U);
	/* Not raised while a next epoch is pending (the answer is out). */
	b2b_seed(l, seed, key_id);
	KUNIT_ASSERT_EQ(test, b2b_install(l, 0, 61, seed, key_id, false, NULL),
			0);
	b2b_run(l, 2, false, false);
	KUNIT_EXPECT_EQ(test, l->end[0].need, 0U);
	KUNIT_ASSERT_EQ(test, b2b_install(l, 1, 61, seed, key_id, true, NULL),
			0);
	b2b_run(l, 300, true, true);
	expect_settled(l, 61);
	KUNIT_EXPECT_EQ(test, l->end[0].need, 0U);
	/* The interval: a minute of fake time later, both need one. */
	l->now += b2b_cfg.rekey_interval;
	b2b_run(l, 1, true, true);
	KUNIT_EXPECT_EQ(test, l->end[0].need,
			(u32)KEYROT_REKEY_REASON_INTERVAL);
	KUNIT_EXPECT_EQ(test, l->end[1].need,
			(u32)KEYROT_REKEY_REASON_INTERVAL);
}

static void epoch_lossy_rekeys(struct kunit *test)
{
	struct b2b *l = b2b_started(test, 100);
	unsigned int k;

	/* Ten re-keys over a link losing a tenth of everything. */
	l->loss[0] = 10;
	l->loss[1] = 10;
	for (k = 1; k <= 10; k++) {
		b2b_run(l, 50, true, true);
		b2b_exchange(l, k & 1, 100 + k, NULL);
		b2b_run(l, 600, true, true);
		expect_settled(l, 100 + k);
	}
}

static struct kunit_case epoch_test_cases[] = {
	KUNIT_CASE(epoch_first_seed_then_traffic),
	KUNIT_CASE(epoch_normal_rekey),
	KUNIT_CASE(epoch_one_way_each_direction),
	KUNIT_CASE(epoch_lost_answer),
	KUNIT_CASE(epoch_confirmations_lost_past_grace),
	KUNIT_CASE(epoch_both_ask_at_once),
	KUNIT_CASE(epoch_rekey_right_after),
	KUNIT_CASE(epoch_wraps_255_to_0),
	KUNIT_CASE(epoch_refused_seeds_change_nothing),
	KUNIT_CASE(epoch_seed_after_exhaustion),
	KUNIT_CASE(epoch_need_watermark_and_interval),
	KUNIT_CASE(epoch_lossy_rekeys),
	{}
};

static struct kunit_suite kr_epoch_suite = {
	.name = "kr_epoch",
	.exit = b2b_exit,
	.test_cases = epoch_test_cases,
};

kr_kunit_suite(kr_epoch_suite);
