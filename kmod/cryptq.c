// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The ordered crypto queue of cryptq.h.  A packet's state lives in its
 * skb->cb (struct kr_skb_cb): written with release when its crypto is done,
 * read with acquire by the drainer.  Draining is one CPU at a time: one
 * that finds the drain busy leaves its packet to the drainer, which looks
 * at the head again after letting go, so no completion is left behind.
 */

#include "cryptq.h"
#include "packet.h"

/**
 * kr_cryptq_init() - an empty queue
 * @cq: the queue
 *
 * Context: Any context.
 */
void kr_cryptq_init(struct kr_cryptq *cq)
{
	skb_queue_head_init(&cq->q);
	spin_lock_init(&cq->drain_lock);
}

/**
 * kr_cryptq_lock() - hold the queue's order
 * @cq: the queue
 *
 * Between this and kr_cryptq_unlock(), __kr_cryptq_add() appends; a caller
 * taking sequence numbers here queues packets in sequence order.
 *
 * Context: Any context; disables bh.
 */
void kr_cryptq_lock(struct kr_cryptq *cq)
{
	spin_lock_bh(&cq->q.lock);
}

/**
 * kr_cryptq_unlock() - let go of the queue's order
 * @cq: the queue
 *
 * Context: Any context.
 */
void kr_cryptq_unlock(struct kr_cryptq *cq)
{
	spin_unlock_bh(&cq->q.lock);
}

/**
 * __kr_cryptq_add() - append a packet whose crypto is about to start
 * @cq: the queue, locked with kr_cryptq_lock()
 * @skb: the packet, its kr_cb() state KR_CB_PENDING
 *
 * Context: Any context.
 */
void __kr_cryptq_add(struct kr_cryptq *cq, struct sk_buff *skb)
{
	lockdep_assert_held(&cq->q.lock);
	__skb_queue_tail(&cq->q, skb);
}

/**
 * kr_cryptq_add() - append a packet whose crypto is about to start
 * @cq: the queue
 * @skb: the packet, its kr_cb() state KR_CB_PENDING
 *
 * Context: Any context.
 */
void kr_cryptq_add(struct kr_cryptq *cq, struct sk_buff *skb)
{
	kr_cryptq_lock(cq);
	__kr_cryptq_add(cq, skb);
	kr_cryptq_unlock(cq);
}

static bool head_done(struct kr_cryptq *cq)
{
	struct sk_buff *skb;
	bool done;

	spin_lock_bh(&cq->q.lock);
	skb = skb_peek(&cq->q);
	/* Pairs with the release in kr_cryptq_complete(). */
	done = skb && smp_load_acquire(&kr_cb(skb)->state) != KR_CB_PENDING;
	spin_unlock_bh(&cq->q.lock);
	return done;
}

/**
 * kr_cryptq_drain() - deliver the done packets at the head, in order
 * @cq: the queue
 * @deliver: takes each
 * @ctx: for @deliver
 *
 * Context: Any context.
 */
void kr_cryptq_drain(struct kr_cryptq *cq, kr_cryptq_deliver_t deliver,
		     void *ctx)
{
	struct sk_buff *skb;
	int state;

again:
	if (!spin_trylock_bh(&cq->drain_lock))
		return;
	for (;;) {
		spin_lock_bh(&cq->q.lock);
		skb = skb_peek(&cq->q);
		/* Pairs with the release in kr_cryptq_complete(). */
		state = skb ? smp_load_acquire(&kr_cb(skb)->state) :
			      KR_CB_PENDING;
		if (state == KR_CB_PENDING) {
			spin_unlock_bh(&cq->q.lock);
			break;
		}
		__skb_unlink(skb, &cq->q);
		spin_unlock_bh(&cq->q.lock);
		deliver(ctx, skb, state);
	}
	spin_unlock_bh(&cq->drain_lock);
	if (head_done(cq))
		goto again;
}

/**
 * kr_cryptq_complete() - a packet's crypto is done: record it and drain
 * @cq: its queue
 * @skb: the packet
 * @err: the crypto result: 0, -EBADMSG (not authentic) or another -errno
 * @deliver: takes each packet the drain delivers
 * @ctx: for @deliver
 *
 * Context: Any context (a crypto completion may come in softirq).
 */
void kr_cryptq_complete(struct kr_cryptq *cq, struct sk_buff *skb, int err,
			kr_cryptq_deliver_t deliver, void *ctx)
{
	int state = !err ? KR_CB_OK : err == -EBADMSG ? KR_CB_FAILED :
				      KR_CB_ERROR;

	/* The packet's bytes, then its state: the drainer reads the state. */
	smp_store_release(&kr_cb(skb)->state, state);
	kr_cryptq_drain(cq, deliver, ctx);
}

#if IS_ENABLED(CONFIG_KEYROT_KUNIT_TEST)
#include "tests/cryptq_test.c"
#endif
