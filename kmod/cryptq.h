/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * An ordered crypto queue: packets enter in order, are sealed or opened by a
 * transform that may complete them in any order, and leave in the order they
 * entered.  A flow has one for sending and one for receiving.
 */
#ifndef _KR_CRYPTQ_H
#define _KR_CRYPTQ_H

#include <linux/skbuff.h>
#include <linux/spinlock.h>

/**
 * struct kr_cryptq - packets in crypto, in order
 * @q: the packets; its lock also lets a caller make taking a sequence
 *	number and queueing one step (kr_cryptq_lock())
 * @drain_lock: held by the one CPU delivering from the head
 */
struct kr_cryptq {
	struct sk_buff_head q;
	spinlock_t drain_lock;	/* see above */
};

/*
 * Called for each packet in queue order once it is done, with its state
 * (enum kr_cb_state); it owns the packet from then on.
 */
typedef void (*kr_cryptq_deliver_t)(void *ctx, struct sk_buff *skb,
				    int state);

/* cryptq.c APIs: */
void kr_cryptq_init(struct kr_cryptq *cq);
void kr_cryptq_lock(struct kr_cryptq *cq);
void kr_cryptq_unlock(struct kr_cryptq *cq);
void __kr_cryptq_add(struct kr_cryptq *cq, struct sk_buff *skb);
void kr_cryptq_add(struct kr_cryptq *cq, struct sk_buff *skb);
void kr_cryptq_complete(struct kr_cryptq *cq, struct sk_buff *skb, int err,
			kr_cryptq_deliver_t deliver, void *ctx);
void kr_cryptq_drain(struct kr_cryptq *cq, kr_cryptq_deliver_t deliver,
		     void *ctx);

#endif /* _KR_CRYPTQ_H */
