// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The send path: a payload from write(), or an empty keepalive or key
 * confirmation from the timers, gets the next sequence number of the
 * transmit epoch, its header (spec section 5), is sealed in place and goes
 * out over the namespace's UDP socket, in sequence order (cryptq.c) even
 * when sealing completes out of order.
 */

#include "cryptq.h"
#include "epoch.h"
#include "flow.h"
#include "keytree.h"
#include "packet.h"

#include "../uapi/keyrot.h"

#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ipv6.h>

/**
 * kr_send_headroom() - room to leave before a payload
 *
 * Context: Any context.
 * Return: bytes for the link, IPv6 and UDP headers and ours.
 */
unsigned int kr_send_headroom(void)
{
	return LL_MAX_HEADER + sizeof(struct ipv6hdr) + sizeof(struct udphdr) +
	       KR_HEADER_LEN;
}

static void release_cb(struct sk_buff *skb)
{
	struct kr_skb_cb *cb = kr_cb(skb);

	kr_leaf_put(cb->leaf);
	kr_epoch_put(cb->epoch);
	cb->leaf = NULL;
	cb->epoch = NULL;
}

/* tx_crypt delivers sealed packets here in sequence order: out they go. */
static void deliver(void *ctx, struct sk_buff *skb, int state)
{
	struct kr_flow *flow = ctx;

	release_cb(skb);
	if (state != KR_CB_OK) {
		kfree_skb(skb);
		kr_stats_inc(flow->stats, KEYROT_A_STATS_DROP_TX_ERROR);
	} else if (kr_udp_xmit(flow, skb)) {
		kr_stats_inc(flow->stats, KEYROT_A_STATS_DROP_TX_ERROR);
	}
	atomic_dec(&flow->tx_inflight);
	wake_up_interruptible_poll(&flow->wait, EPOLLOUT);
}

static void seal_done(struct sk_buff *skb, int err)
{
	struct kr_flow *flow = kr_cb(skb)->flow;

	kr_cb(skb)->flow = NULL;
	kr_cryptq_complete(&flow->tx_crypt, skb, err, deliver, flow);
	kr_flow_put(flow);
}

/*
 * Take the next sequence number of the transmit epoch, write the header and
 * queue the packet, as one step under tx_crypt's lock, so the queue is in
 * sequence order.  Then seal.  Consumes @skb on every path but -EAGAIN.
 */
static int send_packet(struct kr_flow *flow, struct sk_buff *skb,
		       unsigned int len)
{
	struct kr_epoch *epoch;
	struct kr_header *hdr;
	struct kr_leaf *leaf;
	u64 seq;
	int ret;

	epoch = kr_epochs_tx_get(&flow->epochs);
	if (!epoch)
		return -EAGAIN;

	kr_cryptq_lock(&flow->tx_crypt);
	leaf = kr_keytree_tx_next(epoch->tree, flow->epochs.role, &seq);
	if (IS_ERR(leaf)) {
		kr_cryptq_unlock(&flow->tx_crypt);
		kr_epoch_put(epoch);
		return PTR_ERR(leaf);
	}
	hdr = skb_push(skb, KR_HEADER_LEN);
	hdr->type = KR_TYPE_DATA;
	hdr->epoch = epoch->number;
	hdr->flags = 0;
	hdr->receiver = cpu_to_be32(READ_ONCE(flow->peer_id));
	hdr->seq = cpu_to_be64(seq);
	skb_put_zero(skb, KR_TAG_LEN);
	kr_cb(skb)->epoch = epoch;
	kr_cb(skb)->leaf = leaf;
	kr_cb(skb)->seq = seq;
	kr_cb(skb)->state = KR_CB_PENDING;
	kr_cb(skb)->flow = kr_flow_get(flow);
	__kr_cryptq_add(&flow->tx_crypt, skb);
	atomic_inc(&flow->tx_inflight);
	kr_cryptq_unlock(&flow->tx_crypt);

	/* A new leaf or the very last number: the need may have changed. */
	if (!(seq & ((1ULL << KR_LEAF_SHIFT) - 1)) || seq == KR_SEQ_LIMIT - 1)
		kr_flow_kick(flow);

	WRITE_ONCE(flow->last_tx, kr_now());
	kr_stats_inc(flow->stats, KEYROT_A_STATS_TX_PACKETS);
	kr_stats_add(flow->stats, KEYROT_A_STATS_TX_BYTES, len);
	ret = kr_aead_seal(leaf->tfm, skb, seq, seal_done);
	if (ret != -EINPROGRESS)
		seal_done(skb, ret);
	return 0;
}

/**
 * kr_send_data() - send one payload
 * @flow: the flow
 * @skb: the payload at @skb->data, kr_send_headroom() before it and
 *	KR_TAG_LEN of tailroom after
 *
 * Context: Any context.
 * Return: 0 (the packet is on its way, or counted as dropped), -EAGAIN if
 * no transmit epoch or leaf is ready (@skb is not consumed), -EKEYEXPIRED
 * at exhaustion (nor then), or -EPIPE if the flow is down.
 */
int kr_send_data(struct kr_flow *flow, struct sk_buff *skb)
{
	if (kr_flow_is_down(flow))
		return -EPIPE;
	return send_packet(flow, skb, skb->len);
}

/**
 * kr_send_empty() - send an empty packet (spec sections 5, 6, 9)
 * @flow: the flow
 * @stat: KEYROT_A_STATS_TX_KEEPALIVES or KEYROT_A_STATS_TX_CONFIRMATIONS
 *
 * Context: Process context.
 * Return: 0 or -errno.
 */
int kr_send_empty(struct kr_flow *flow, unsigned int stat)
{
	struct sk_buff *skb;
	int ret;

	if (kr_flow_is_down(flow))
		return -EPIPE;
	skb = alloc_skb(kr_send_headroom() + KR_TAG_LEN, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, kr_send_headroom());
	ret = send_packet(flow, skb, 0);
	if (ret == -EAGAIN && !kr_send_prepare(flow))
		ret = send_packet(flow, skb, 0);
	if (ret) {
		kfree_skb(skb);
		return ret;
	}
	kr_stats_inc(flow->stats, stat);
	return 0;
}

/**
 * kr_send_prepare() - key the transmit epoch's next leaves now
 * @flow: the flow
 *
 * For a writer that found its leaf not prepared yet: rather than wait for
 * the key tree's worker, do its work here.
 *
 * Context: Process context; may sleep.
 * Return: 0 or -errno.
 */
int kr_send_prepare(struct kr_flow *flow)
{
	struct kr_epoch *epoch = kr_epochs_tx_get(&flow->epochs);
	int ret;

	if (!epoch)
		return 0;
	ret = kr_keytree_prepare(epoch->tree);
	kr_epoch_put(epoch);
	return ret;
}

/**
 * kr_send_flush() - send what is done sealing
 * @flow: the flow
 *
 * On a detached flow the sends fail and count as drops; packets still being
 * sealed go the same way as they complete.
 *
 * Context: Process context.
 */
void kr_send_flush(struct kr_flow *flow)
{
	kr_cryptq_drain(&flow->tx_crypt, deliver, flow);
}
