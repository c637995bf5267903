// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The receive path (spec section 5).  In softirq: the checks that need no
 * key, then the packet is queued on its flow in arrival order and opened.
 * As packets finish opening (in any order, with an asynchronous transform)
 * the head of the queue is drained in order: only a packet that
 * authenticated may advance the window, retire a leaf, confirm an epoch,
 * refresh the peer's liveness or move its address; a non-empty one is
 * queued for read().  Every drop is counted by its reason.
 */

#include "aead.h"
#include "cryptq.h"
#include "epoch.h"
#include "flow.h"
#include "keytree.h"
#include "packet.h"
#include "replay.h"

#include "../uapi/keyrot.h"

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>

static void drop(struct kr_stats __percpu *stats, struct sk_buff *skb,
		 unsigned int reason)
{
	kr_stats_inc(stats, reason);
	kfree_skb(skb);
}

/* The packet's source, to follow a roaming peer. */
static bool source_of(struct sk_buff *skb, union kr_endpoint *src)
{
	memset(src, 0, sizeof(*src));
	if (skb->protocol == htons(ETH_P_IP)) {
		src->addr4.sin_family = AF_INET;
		src->addr4.sin_addr.s_addr = ip_hdr(skb)->saddr;
		src->addr4.sin_port = udp_hdr(skb)->source;
		return true;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		src->addr6.sin6_family = AF_INET6;
		src->addr6.sin6_addr = ipv6_hdr(skb)->saddr;
		src->addr6.sin6_port = udp_hdr(skb)->source;
		return true;
	}
	return false;
}

static bool same_endpoint(const union kr_endpoint *a,
			  const union kr_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr &&
		       a->addr4.sin_port == b->addr4.sin_port;
	return ipv6_addr_equal(&a->addr6.sin6_addr, &b->addr6.sin6_addr) &&
	       a->addr6.sin6_port == b->addr6.sin6_port;
}

/* Roaming: a packet that authenticated and advanced the window moves us. */
static void follow_peer(struct kr_flow *flow, struct sk_buff *skb)
{
	union kr_endpoint src;

	if (!source_of(skb, &src))
		return;
	read_lock_bh(&flow->peer_lock);
	if (same_endpoint(&src, &flow->peer)) {
		read_unlock_bh(&flow->peer_lock);
		return;
	}
	read_unlock_bh(&flow->peer_lock);
	write_lock_bh(&flow->peer_lock);
	flow->peer = src;
	dst_cache_reset(&flow->dst_cache);
	write_unlock_bh(&flow->peer_lock);
}

/*
 * An authenticated packet, its window already moved: the epoch rules, the
 * peer's liveness and address, and the payload.  Consumes @skb.
 */
static void authenticated(struct kr_flow *flow, struct kr_epoch *epoch,
			  struct sk_buff *skb, bool advanced)
{
	unsigned int len = skb->len - KR_MIN_PACKET, reason;
	u64 now = kr_now();

	if (kr_epochs_authenticated(&flow->epochs, epoch, now))
		kr_flow_kick(flow);
	WRITE_ONCE(flow->last_rx, now);
	if (test_bit(KR_FLOW_PEER_GONE, &flow->state) &&
	    test_and_clear_bit(KR_FLOW_PEER_GONE, &flow->state))
		wake_up_interruptible_poll(&flow->wait, EPOLLRDHUP);
	if (advanced)
		follow_peer(flow, skb);

	/* Empty: a keepalive or key confirmation, never for the reader. */
	if (!len) {
		consume_skb(skb);
		return;
	}
	/* What a reader of max-payload bytes could not take, it never gets. */
	if (len > READ_ONCE(flow->cfg.max_payload))
		return drop(flow->stats, skb, KEYROT_A_STATS_DROP_OVERSIZE);
	if (pskb_trim(skb, skb->len - KR_TAG_LEN))
		return drop(flow->stats, skb, KEYROT_A_STATS_DROP_RX_ERROR);
	__skb_pull(skb, KR_HEADER_LEN);
	memset(skb->cb, 0, sizeof(skb->cb));

	/* Down is tested under the queue's lock: a purge empties it for good. */
	spin_lock_bh(&flow->rxq.lock);
	if (kr_flow_is_down(flow)) {
		reason = KEYROT_A_STATS_DROP_DOWN;
	} else if (skb_queue_len(&flow->rxq) >=
		   READ_ONCE(flow->cfg.rx_queue_len)) {
		reason = KEYROT_A_STATS_DROP_RX_QUEUE;
	} else {
		__skb_queue_tail(&flow->rxq, skb);
		reason = 0;
	}
	spin_unlock_bh(&flow->rxq.lock);
	if (reason)
		return drop(flow->stats, skb, reason);
	kr_stats_inc(flow->stats, KEYROT_A_STATS_RX_PACKETS);
	kr_stats_add(flow->stats, KEYROT_A_STATS_RX_BYTES, len);
	wake_up_interruptible_poll(&flow->wait, EPOLLIN | EPOLLRDNORM);
}

/* rx_crypt delivers opened packets in arrival order: accept, or drop. */
static void deliver(void *ctx, struct sk_buff *skb, int state)
{
	struct kr_flow *flow = ctx;
	struct kr_skb_cb *cb = kr_cb(skb);
	struct kr_epoch *epoch = cb->epoch;
	enum kr_replay_verdict verdict;
	bool advanced;

	kr_leaf_put(cb->leaf);
	cb->leaf = NULL;
	if (state != KR_CB_OK) {
		drop(flow->stats, skb, state == KR_CB_FAILED ?
				       KEYROT_A_STATS_DROP_AUTH :
				       KEYROT_A_STATS_DROP_RX_ERROR);
		goto out;
	}
	verdict = kr_replay_accept(epoch->rx, cb->seq, &advanced);
	if (verdict != KR_REPLAY_OK) {
		drop(flow->stats, skb, verdict == KR_REPLAY_DUPLICATE ?
				       KEYROT_A_STATS_DROP_REPLAY :
				       KEYROT_A_STATS_DROP_TOO_OLD);
		goto out;
	}
	if (advanced)
		kr_keytree_rx_advance(epoch->tree, !flow->epochs.role,
				      kr_replay_low(epoch->rx), cb->seq);
	authenticated(flow, epoch, skb, advanced);
out:
	kr_epoch_put(epoch);
	kr_flow_put(flow);
}

static void open_done(struct sk_buff *skb, int err)
{
	/* Delivering drops the packet's reference: hold one meanwhile. */
	struct kr_flow *flow = kr_flow_get(kr_cb(skb)->flow);

	kr_cryptq_complete(&flow->rx_crypt, skb, err, deliver, flow);
	kr_flow_put(flow);
}

/*
 * Spec section 5: after a long outage every packet is too far ahead; one
 * per trial period is taken aside, to be opened in process context.
 */
static bool take_trial(struct kr_flow *flow, struct sk_buff *skb)
{
	u64 now = kr_now();

	if (READ_ONCE(flow->trial) ||
	    now < READ_ONCE(flow->last_trial) +
		  (u64)READ_ONCE(flow->cfg.trial_ms) * NSEC_PER_MSEC)
		return false;
	if (cmpxchg(&flow->trial, NULL, skb))
		return false;
	/* A purge that ran before our cmpxchg would miss it: look again. */
	if (kr_flow_is_down(flow))
		return cmpxchg(&flow->trial, skb, NULL) != skb;
	WRITE_ONCE(flow->last_trial, now);
	kr_stats_inc(flow->stats, KEYROT_A_STATS_TRIALS);
	kr_flow_kick(flow);
	return true;
}

/* Checks before any key work; @skb->data is our header.  Consumes @skb. */
static void receive_packet(struct kr_net *kn, struct kr_flow *flow,
			   struct sk_buff *skb)
{
	const struct kr_header *hdr = (const struct kr_header *)skb->data;
	struct kr_skb_cb *cb = kr_cb(skb);
	struct kr_epoch *epoch;
	struct kr_leaf *leaf;
	u64 seq;
	int ret;

	if (kr_flow_is_down(flow))
		return drop(flow->stats, skb, KEYROT_A_STATS_DROP_DOWN);
	epoch = kr_epochs_rx_get(&flow->epochs, hdr->epoch);
	if (!epoch)
		return drop(flow->stats, skb, KEYROT_A_STATS_DROP_EPOCH);
	seq = be64_to_cpu(hdr->seq);
	if (seq >= KR_SEQ_LIMIT) {
		kr_epoch_put(epoch);
		return drop(flow->stats, skb, KEYROT_A_STATS_DROP_SEQ_LIMIT);
	}
	/* Bounded: forged packets in the window must not pile up in crypto. */
	if (skb_queue_len_lockless(&flow->rx_crypt.q) >=
	    READ_ONCE(flow->cfg.rx_queue_len)) {
		kr_epoch_put(epoch);
		return drop(flow->stats, skb, KEYROT_A_STATS_DROP_RX_QUEUE);
	}

	memset(cb, 0, sizeof(*cb));
	cb->flow = kr_flow_get(flow);
	cb->epoch = epoch;
	cb->seq = seq;
	/*
	 * Spec section 5: below the window or too far ahead is decided before
	 * any key work; a number already seen only after opening, so a forged
	 * packet counts as a failed open whatever its number.
	 */
	switch (kr_replay_check(epoch->rx, seq)) {
	case KR_REPLAY_OK:
	case KR_REPLAY_DUPLICATE:
		break;
	case KR_REPLAY_TOO_FAR:
		if (take_trial(flow, skb))
			return;
		ret = KEYROT_A_STATS_DROP_TOO_FAR;
		goto err_drop;
	default:
		ret = KEYROT_A_STATS_DROP_TOO_OLD;
		goto err_drop;
	}
	leaf = kr_keytree_rx_leaf(epoch->tree, !flow->epochs.role, seq);
	if (!leaf) {
		ret = KEYROT_A_STATS_DROP_NO_KEY;
		goto err_drop;
	}
	cb->leaf = leaf;
	cb->state = KR_CB_PENDING;
	kr_cryptq_add(&flow->rx_crypt, skb);
	ret = kr_aead_open(leaf->tfm, skb, seq, open_done);
	if (ret != -EINPROGRESS)
		open_done(skb, ret);
	return;

err_drop:
	drop(flow->stats, skb, ret);
	kr_epoch_put(epoch);
	kr_flow_put(flow);
}

/**
 * kr_receive() - a UDP datagram arrived on the namespace's socket
 * @kn: the namespace's state
 * @skb: the datagram, @skb->data at its UDP header, checksum verified
 *
 * Context: Softirq (the UDP encapsulation receive hook), under RCU.
 */
void kr_receive(struct kr_net *kn, struct sk_buff *skb)
{
	const struct kr_header *hdr;
	struct kr_flow *flow;

	if (!pskb_may_pull(skb, sizeof(struct udphdr) + KR_HEADER_LEN))
		return drop(kn->stats, skb, KEYROT_A_STATS_DROP_SHORT);
	__skb_pull(skb, sizeof(struct udphdr));
	if (skb->len < KR_MIN_PACKET)
		return drop(kn->stats, skb, KEYROT_A_STATS_DROP_SHORT);
	hdr = (const struct kr_header *)skb->data;
	if (hdr->type != KR_TYPE_DATA || hdr->flags)
		return drop(kn->stats, skb, KEYROT_A_STATS_DROP_TYPE);

	rcu_read_lock_bh();
	flow = kr_flow_lookup_rcu(kn, be32_to_cpu(hdr->receiver));
	if (flow && !kref_get_unless_zero(&flow->ref))
		flow = NULL;
	rcu_read_unlock_bh();
	if (!flow)
		return drop(kn->stats, skb, KEYROT_A_STATS_DROP_UNKNOWN_FLOW);
	receive_packet(kn, flow, skb);
	kr_flow_put(flow);
}

/**
 * kr_receive_trial() - try the far-ahead packet taken aside, if any
 * @flow: the flow
 *
 * Its leaf key is derived into scratch memory and kept only if the packet
 * authenticates; then the window jumps to it (spec section 5).
 *
 * Context: Process context.
 */
void kr_receive_trial(struct kr_flow *flow)
{
	struct sk_buff *skb = xchg(&flow->trial, NULL);
	enum kr_replay_verdict verdict;
	struct kr_epoch *epoch;
	struct crypto_aead *tfm;
	bool advanced;
	unsigned int d;
	u64 seq;
	int ret;

	if (!skb)
		return;
	epoch = kr_cb(skb)->epoch;
	seq = kr_cb(skb)->seq;
	d = !flow->epochs.role;
	tfm = kr_keytree_trial_tfm(epoch->tree, d, seq);
	if (IS_ERR(tfm)) {
		drop(flow->stats, skb, KEYROT_A_STATS_DROP_TOO_FAR);
		goto out;
	}
	/* The trial transform is synchronous: this completes here. */
	ret = kr_aead_open(tfm, skb, seq, NULL);
	if (WARN_ON_ONCE(ret == -EINPROGRESS) || ret) {
		drop(flow->stats, skb, ret == -EBADMSG ?
				       KEYROT_A_STATS_DROP_AUTH :
				       KEYROT_A_STATS_DROP_RX_ERROR);
		goto out_free;
	}
	kr_stats_inc(flow->stats, KEYROT_A_STATS_TRIALS_OK);
	/*
	 * Key the leaves around @seq first, then move the window: packets that
	 * pass the moved window find their keys.  Both only go forward, so if
	 * the window has moved past @seq meanwhile, this changes nothing.
	 */
	kr_keytree_rx_advance(epoch->tree, d,
			      seq >= epoch->rx->window ?
			      seq - epoch->rx->window + 1 : 0, seq);
	kr_keytree_prepare(epoch->tree);
	verdict = kr_replay_jump(epoch->rx, seq, &advanced);
	if (verdict != KR_REPLAY_OK) {
		drop(flow->stats, skb, verdict == KR_REPLAY_DUPLICATE ?
				       KEYROT_A_STATS_DROP_REPLAY :
				       KEYROT_A_STATS_DROP_TOO_OLD);
		goto out_free;
	}
	authenticated(flow, epoch, skb, advanced);
out_free:
	kr_aead_tfm_free(tfm);
out:
	kr_epoch_put(epoch);
	kr_flow_put(flow);
}

/**
 * kr_receive_drop_trial() - drop a far-ahead packet waiting to be tried
 * @flow: the flow
 *
 * Its reference on its epoch would keep the epoch's keys alive.
 *
 * Context: Any context.
 */
void kr_receive_drop_trial(struct kr_flow *flow)
{
	struct sk_buff *skb = xchg(&flow->trial, NULL);

	if (!skb)
		return;
	kr_epoch_put(kr_cb(skb)->epoch);
	drop(flow->stats, skb, KEYROT_A_STATS_DROP_DOWN);
	kr_flow_put(flow);
}

/**
 * kr_receive_purge() - drop what a down flow still holds to read
 * @flow: the flow, marked down
 *
 * Packets still being opened are dropped by the drain as they complete.
 *
 * Context: Process context.
 */
void kr_receive_purge(struct kr_flow *flow)
{
	kr_receive_drop_trial(flow);
	skb_queue_purge(&flow->rxq);
	kr_cryptq_drain(&flow->rx_crypt, deliver, flow);
}
