/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The flow: one end of an encrypted flow, held by an application as a
 * descriptor of /dev/keyrot and configured by the control plane by its id.
 *
 * Lifetime.  A flow is created by open() in the opener's network namespace
 * and published in that namespace's table.  It is *detached* (marked down,
 * unpublished, its keys wiped) by the last close(), by flow-del, or when its
 * namespace goes; the descriptor may outlive that, reading 0 and failing
 * writes.  A detached flow touches neither its namespace nor its socket.
 *
 * Locking.  kr_ctl_lock (a mutex) serialises the control plane: the tables,
 * attaching and detaching, settings, installs and the namespaces' sockets.
 * Packet paths take no mutex: they find flows and epochs under RCU, hold
 * references, and use the epochs' and queues' spinlocks.  A queued flow
 * work item holds a reference on its flow.  The order, outer first:
 *
 *   kr_ctl_lock -> key tree prep_lock -> key tree direction lock
 *   epochs lock -> key tree direction lock
 *   tx_crypt queue lock -> key tree direction lock
 *   a cryptq drain lock -> epochs, replay window, direction, rxq, peer locks
 */
#ifndef _KR_FLOW_H
#define _KR_FLOW_H

#include "cryptq.h"
#include "epoch.h"
#include "stats.h"

#include <linux/hashtable.h>
#include <linux/in6.h>
#include <linux/in.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/skbuff.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>

struct socket;

extern struct mutex kr_ctl_lock;
extern struct workqueue_struct *kr_flow_wq;

enum kr_net_limits {
	KR_FLOW_HASH_BITS = 8,
	KR_QUARANTINE_SECS = 60,	/* a closed flow's id is not reused */
};

/**
 * struct kr_net - keyrot's state in one network namespace
 * @net: the namespace
 * @flows: every attached flow (kr_ctl_lock)
 * @table: attached flows by id; RCU readers, writers hold kr_ctl_lock
 * @quarantine: ids of flows closed recently (kr_ctl_lock)
 * @sock: the UDP socket, from the first configured flow on; RCU readers
 * @port: its port, or the one it will have (kr_ctl_lock)
 * @gen: bumped when @flows changes, for dump consistency (kr_ctl_lock)
 * @dead: the namespace is going; nothing attaches (kr_ctl_lock)
 * @detaching: flows unpublished whose detach is not done; the namespace's
 *	exit waits for none, as their timers may still use the namespace
 * @stats: packets that found no flow
 */
struct kr_net {
	struct net *net;
	struct list_head flows;
	DECLARE_HASHTABLE(table, KR_FLOW_HASH_BITS);
	struct list_head quarantine;
	struct socket __rcu *sock;
	u16 port;
	u32 gen;
	bool dead;
	atomic_t detaching;
	struct kr_stats __percpu *stats;
};

/**
 * struct kr_flow_cfg - a flow's settings (spec section 9, queues, payload)
 * @max_payload: largest write()
 * @rx_queue_len: packets received and not read, at most
 * @tx_queue_len: packets written and not sent, at most
 * @keepalive_ms: an empty packet after this long without sending
 * @peer_timeout_ms: the peer is gone after this long without a packet
 * @trial_ms: at most one far-ahead trial per this period
 * @epoch: what the epochs follow
 */
struct kr_flow_cfg {
	u32 max_payload;
	u32 rx_queue_len;
	u32 tx_queue_len;
	u32 keepalive_ms;
	u32 peer_timeout_ms;
	u32 trial_ms;
	struct kr_epoch_cfg epoch;
};

/* The peer's address as a socket address: sa_family says which. */
union kr_endpoint {
	struct sockaddr addr;
	struct sockaddr_in addr4;
	struct sockaddr_in6 addr6;
};

/* Bits of kr_flow @state. */
enum kr_flow_state {
	KR_FLOW_DOWN,		/* RB_FLOWDOWN */
	KR_FLOW_PEER_GONE,	/* RB_FLOWPEER */
	KR_FLOW_REKEY,		/* RB_REKEY: the epochs need a re-key */
	KR_FLOW_DETACHED,	/* unpublished, keys wiped */
	KR_FLOW_CONFIGURED,	/* flow-set gave it a peer */
	KR_FLOW_SEEDED,		/* a seed was installed: role, cipher fixed */
};

/**
 * struct kr_flow - one flow end
 * @ref: held by the descriptor, the table, packets in flight and a queued
 *	@work; the last put frees it after an RCU grace period
 * @rcu: for that free
 * @hnode: in kr_net @table
 * @node: in kr_net @flows
 * @kn: the namespace's state while attached, NULL after (RCU; written
 *	under kr_ctl_lock)
 * @net: the namespace, valid while attached
 * @id: this end's flow id (spec section 1)
 * @access: RB_RD and RB_WR, from the descriptor's open mode
 * @state: enum kr_flow_state bits
 * @cfg: settings; written under kr_ctl_lock, read with READ_ONCE() elsewhere
 * @cookie: the control plane's, opaque
 * @peer_id: the peer end's flow id, in each packet sent
 * @peer_lock: protects @peer and @dst_cache, read for the whole of a send;
 *	taken from softirq, so _bh
 * @peer: where packets go; moved by authenticated packets (roaming)
 * @dst_cache: routes to @peer
 * @epochs: the epochs and their keys
 * @rxq: authenticated payloads waiting for read()
 * @rx_crypt: received packets being opened, in arrival order
 * @tx_crypt: packets being sealed, in sequence order
 * @tx_inflight: packets written and not yet sent
 * @wait: readers, writers and pollers
 * @work: the timers (timers.c), and what packet paths defer
 * @trial: a far-ahead packet waiting to be tried in process context
 * @last_trial: when the last far-ahead trial was taken, ns
 * @last_rx: when a packet last authenticated, ns
 * @last_tx: when a packet was last sent, ns
 * @stats: counters
 */
struct kr_flow {
	struct kref ref;
	struct rcu_head rcu;
	struct hlist_node hnode;
	struct list_head node;
	struct kr_net __rcu *kn;
	struct net *net;
	u32 id;
	u8 access;
	unsigned long state;
	struct kr_flow_cfg cfg;
	u64 cookie;
	u32 peer_id;
	rwlock_t peer_lock;	/* see above */
	union kr_endpoint peer;
	struct dst_cache dst_cache;
	struct kr_epochs epochs;
	struct sk_buff_head rxq;
	struct kr_cryptq rx_crypt;
	struct kr_cryptq tx_crypt;
	atomic_t tx_inflight;
	wait_queue_head_t wait;
	struct delayed_work work;
	struct sk_buff *trial;
	u64 last_trial;
	u64 last_rx;
	u64 last_tx;
	struct kr_stats __percpu *stats;
};

/**
 * struct kr_flow_settings - one flow-set request, validated
 * @has: which fields are given, bit per KEYROT_A_FLOW_* attribute
 * @peer: peer address and port, when given
 * @peer_id: peer flow id
 * @role: enum keyrot_role
 * @cipher: enum keyrot_cipher
 * @cookie: the control plane's
 * @cfg: settings given, the others unchanged
 */
struct kr_flow_settings {
	u64 has;
	union kr_endpoint peer;
	u32 peer_id;
	u8 role;
	u8 cipher;
	u64 cookie;
	struct kr_flow_cfg cfg;
};

/* flow.c APIs: */
int kr_flow_init(void);
void kr_flow_uninit(void);
struct kr_net *kr_net_get(struct net *net);

struct kr_flow *kr_flow_create(struct net *net, u8 access);
void kr_flow_close(struct kr_flow *flow);
void kr_flow_detach(struct kr_flow *flow);
struct kr_flow *kr_flow_find(struct net *net, u32 id);
struct kr_flow *kr_flow_lookup_rcu(struct kr_net *kn, u32 id);
void kr_flow_put(struct kr_flow *flow);
u32 kr_flow_flags(struct kr_flow *flow);
int kr_flow_configure(struct kr_flow *flow,
		      const struct kr_flow_settings *set,
		      struct netlink_ext_ack *extack);
int kr_flow_install(struct kr_flow *flow, u8 epoch, u8 *seed,
		    const u8 *key_id, bool peer_holds, const u64 *start,
		    struct netlink_ext_ack *extack);
int kr_flow_confirm(struct kr_flow *flow, const u8 *key_id,
		    struct netlink_ext_ack *extack);
int kr_flow_withdraw(struct kr_flow *flow, const u8 *key_id,
		     struct netlink_ext_ack *extack);
void kr_flow_request_rekey(struct kr_flow *flow);
void kr_flow_set_peer_gone(struct kr_flow *flow);
int kr_flow_set_down(struct kr_flow *flow);
void kr_flow_kick(struct kr_flow *flow);
void kr_flow_default_cfg(struct kr_flow_cfg *cfg);
u64 kr_now(void);

static inline struct kr_flow *kr_flow_get(struct kr_flow *flow)
{
	kref_get(&flow->ref);
	return flow;
}

static inline bool kr_flow_is_down(struct kr_flow *flow)
{
	return test_bit(KR_FLOW_DOWN, &flow->state);
}

/* timers.c APIs: */
void kr_timers_work(struct work_struct *work);
void kr_timers_schedule(struct kr_flow *flow, u64 delay_ns);

#endif /* _KR_FLOW_H */
