/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The packet of spec section 5, and the send and receive paths around it.
 */
#ifndef _KR_PACKET_H
#define _KR_PACKET_H

#include <linux/build_bug.h>
#include <linux/skbuff.h>
#include <linux/types.h>

struct crypto_aead;
struct socket;
struct kr_crypt;
struct kr_epoch;
struct kr_flow;
struct kr_leaf;
struct kr_net;

/* Spec section 5: the 16-byte header, all fields big-endian. */
struct kr_header {
	u8 type;
	u8 epoch;
	__be16 flags;
	__be32 receiver;
	__be64 seq;
} __packed;

enum kr_packet_sizes {
	KR_HEADER_LEN = 16,
	KR_TAG_LEN = 16,
	KR_MIN_PACKET = KR_HEADER_LEN + KR_TAG_LEN,
	KR_TYPE_DATA = 1,
};

/* What a packet carries through sealing or opening, in skb->cb. */
enum kr_cb_state {
	KR_CB_PENDING,
	KR_CB_OK,
	KR_CB_FAILED,	/* the tag did not verify */
	KR_CB_ERROR,	/* the crypto could not run (memory, buffer) */
};

/**
 * struct kr_skb_cb - a packet's state on a flow's crypt queues
 * @flow: its flow, with a reference, for the crypto callback
 * @epoch: the epoch it is sealed or opened on, with a reference
 * @leaf: its leaf, with a reference
 * @crypt: its crypto request while one is running (aead.c)
 * @seq: its sequence number
 * @state: enum kr_cb_state, written with release, read with acquire
 */
struct kr_skb_cb {
	struct kr_flow *flow;
	struct kr_epoch *epoch;
	struct kr_leaf *leaf;
	struct kr_crypt *crypt;
	u64 seq;
	u32 state;
};

static inline struct kr_skb_cb *kr_cb(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct kr_skb_cb) > sizeof(skb->cb));
	return (struct kr_skb_cb *)skb->cb;
}

/* aead.c APIs for packets: */
typedef void (*kr_aead_done_t)(struct sk_buff *skb, int err);
int kr_aead_seal(struct crypto_aead *tfm, struct sk_buff *skb, u64 seq,
		 kr_aead_done_t done);
int kr_aead_open(struct crypto_aead *tfm, struct sk_buff *skb, u64 seq,
		 kr_aead_done_t done);

/* send.c APIs: */
unsigned int kr_send_headroom(void);
int kr_send_data(struct kr_flow *flow, struct sk_buff *skb);
int kr_send_empty(struct kr_flow *flow, unsigned int stat);
int kr_send_prepare(struct kr_flow *flow);
void kr_send_flush(struct kr_flow *flow);

/* receive.c APIs: */
void kr_receive(struct kr_net *kn, struct sk_buff *skb);
void kr_receive_trial(struct kr_flow *flow);
void kr_receive_purge(struct kr_flow *flow);
void kr_receive_drop_trial(struct kr_flow *flow);

/* udp.c APIs: */
int kr_udp_open(struct kr_net *kn, u16 port, struct socket **old);
struct socket *kr_udp_close(struct kr_net *kn);
void kr_udp_release(struct socket *sock);
int kr_udp_xmit(struct kr_flow *flow, struct sk_buff *skb);

#endif /* _KR_PACKET_H */
