// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The generic netlink family "keyrot" (uapi/keyrot.yaml): configure flows,
 * install, confirm and withdraw seeds, read non-secret state, and events on
 * the "events" group.  Every operation, reads and dumps too, needs
 * CAP_NET_ADMIN over the namespace of the flows (GENL_UNS_ADMIN_PERM); so
 * does joining the group.  Policies are strict: exact lengths, ranges,
 * unknown attributes refused; every refusal carries an extack message.  No
 * key leaves the kernel: seeds are wiped from the request once copied.
 */

#include "aead.h"
#include "compat.h"
#include "epoch.h"
#include "flow.h"
#include "keytree.h"
#include "netlink.h"
#include "packet.h"

#include "../uapi/keyrot.h"

#include <linux/in6.h>
#include <linux/log2.h>
#include <net/genetlink.h>
#include <net/netlink.h>

static struct genl_family kr_family;

enum kr_mcgrps {
	KR_MCGRP_EVENTS,
};

static const struct genl_multicast_group kr_mcgrps[] = {
	[KR_MCGRP_EVENTS] = {
		.name = KEYROT_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static int validate_addr(const struct nlattr *attr,
			 struct netlink_ext_ack *extack)
{
	if (nla_len(attr) == sizeof(struct in_addr) ||
	    nla_len(attr) == sizeof(struct in6_addr))
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, attr, "peer-addr is 4 (IPv4) or 16 (IPv6) bytes");
	return -EINVAL;
}

static struct netlink_range_validation payload_range = {
	.min = 1, .max = KEYROT_MAX_PAYLOAD_LIMIT,
};

static struct netlink_range_validation queue_range = {
	.min = 1, .max = 65536,
};

static struct netlink_range_validation window_range = {
	.min = 8192, .max = 65536,
};

static struct netlink_range_validation seq_range = {
	.min = 0, .max = KEYROT_SEQ_LIMIT - 1,
};

static const struct nla_policy flow_set_policy[KEYROT_A_FLOW_MAX + 1] = {
	[KEYROT_A_FLOW_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KEYROT_A_FLOW_COOKIE] = { .type = NLA_U64 },
	[KEYROT_A_FLOW_PEER_ADDR] = NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							   validate_addr, 16),
	[KEYROT_A_FLOW_PEER_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
	[KEYROT_A_FLOW_PEER_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KEYROT_A_FLOW_ROLE] = NLA_POLICY_MAX(NLA_U8, KEYROT_ROLE_RESPONDER),
	[KEYROT_A_FLOW_CIPHER] = NLA_POLICY_MAX(NLA_U8, KEYROT_CIPHER_MAX),
	[KEYROT_A_FLOW_MAX_PAYLOAD] = NLA_POLICY_FULL_RANGE(NLA_U32,
							    &payload_range),
	[KEYROT_A_FLOW_RX_QUEUE_LEN] = NLA_POLICY_FULL_RANGE(NLA_U32,
							     &queue_range),
	[KEYROT_A_FLOW_TX_QUEUE_LEN] = NLA_POLICY_FULL_RANGE(NLA_U32,
							     &queue_range),
	[KEYROT_A_FLOW_REPLAY_WINDOW] = NLA_POLICY_FULL_RANGE(NLA_U32,
							      &window_range),
	[KEYROT_A_FLOW_WATERMARK] = NLA_POLICY_MAX(NLA_U32, 8191),
	[KEYROT_A_FLOW_REKEY_INTERVAL_MS] = NLA_POLICY_MIN(NLA_U32, 1),
	[KEYROT_A_FLOW_REKEY_JITTER_PCT] = NLA_POLICY_MAX(NLA_U8, 50),
	[KEYROT_A_FLOW_GRACE_MS] = NLA_POLICY_MIN(NLA_U32, 1),
	[KEYROT_A_FLOW_RETIRE_MS] = NLA_POLICY_MIN(NLA_U32, 1),
	[KEYROT_A_FLOW_CONFIRM_MS] = NLA_POLICY_MIN(NLA_U32, 1),
	[KEYROT_A_FLOW_EVENT_MS] = NLA_POLICY_MIN(NLA_U32, 1),
	[KEYROT_A_FLOW_KEEPALIVE_MS] = NLA_POLICY_MIN(NLA_U32, 1),
	[KEYROT_A_FLOW_PEER_TIMEOUT_MS] = NLA_POLICY_MIN(NLA_U32, 1),
	[KEYROT_A_FLOW_TRIAL_MS] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy flow_id_policy[KEYROT_A_FLOW_MAX + 1] = {
	[KEYROT_A_FLOW_ID] = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy flow_state_policy[KEYROT_A_FLOW_MAX + 1] = {
	[KEYROT_A_FLOW_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KEYROT_A_FLOW_DOWN] = { .type = NLA_FLAG },
	[KEYROT_A_FLOW_PEER_GONE] = { .type = NLA_FLAG },
};

static const struct nla_policy seed_install_policy[KEYROT_A_SEED_MAX + 1] = {
	[KEYROT_A_SEED_FLOW_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KEYROT_A_SEED_EPOCH] = { .type = NLA_U8 },
	[KEYROT_A_SEED_SEED] = NLA_POLICY_EXACT_LEN(KEYROT_SEED_LEN),
	[KEYROT_A_SEED_KEY_ID] = NLA_POLICY_EXACT_LEN(KEYROT_KEY_ID_LEN),
	[KEYROT_A_SEED_PEER_HOLDS] = { .type = NLA_FLAG },
	[KEYROT_A_SEED_SEQ_START_D0] = NLA_POLICY_FULL_RANGE(NLA_U64,
							     &seq_range),
	[KEYROT_A_SEED_SEQ_START_D1] = NLA_POLICY_FULL_RANGE(NLA_U64,
							     &seq_range),
};

static const struct nla_policy seed_key_id_policy[KEYROT_A_SEED_MAX + 1] = {
	[KEYROT_A_SEED_FLOW_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[KEYROT_A_SEED_KEY_ID] = NLA_POLICY_EXACT_LEN(KEYROT_KEY_ID_LEN),
};

static const struct nla_policy netns_set_policy[KEYROT_A_NETNS_MAX + 1] = {
	[KEYROT_A_NETNS_PORT] = NLA_POLICY_MIN(NLA_U16, 1),
};

static const struct nla_policy netns_get_policy[KEYROT_A_NETNS_MAX + 1] = {
};

/*
 * The flow a request names, in the requester's namespace, with a reference;
 * or ERR_PTR(-EINVAL) without the attribute, -ENOENT without the flow.
 */
static struct kr_flow *flow_of(struct genl_info *info, unsigned int attr)
{
	struct kr_flow *flow;

	if (GENL_REQ_ATTR_CHECK(info, attr))
		return ERR_PTR(-EINVAL);
	flow = kr_flow_find(genl_info_net(info),
			    nla_get_u32(info->attrs[attr]));
	if (!flow) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[attr],
				    "no such flow in this network namespace");
		return ERR_PTR(-ENOENT);
	}
	return flow;
}

static u64 ms_since(u64 then, u64 now)
{
	return now > then ? div_u64(now - then, NSEC_PER_MSEC) : 0;
}

/* flow-set: the settings given, over the flow's current ones. */
static int parse_settings(struct genl_info *info, struct kr_flow *flow,
			  struct kr_flow_settings *set)
{
	struct nlattr **a = info->attrs;
	struct kr_flow_cfg *cfg = &set->cfg;
	unsigned int i;

	memset(set, 0, sizeof(*set));
	set->cfg = flow->cfg;
	for (i = 1; i <= KEYROT_A_FLOW_MAX; i++)
		if (a[i])
			set->has |= BIT_ULL(i);

	if (!a[KEYROT_A_FLOW_PEER_ADDR] != !a[KEYROT_A_FLOW_PEER_PORT]) {
		NL_SET_ERR_MSG_MOD(info->extack, "peer-addr and peer-port go together");
		return -EINVAL;
	}
	if (a[KEYROT_A_FLOW_PEER_ADDR]) {
		const struct nlattr *addr = a[KEYROT_A_FLOW_PEER_ADDR];
		__be16 port = htons(nla_get_u16(a[KEYROT_A_FLOW_PEER_PORT]));

		if (nla_len(addr) == sizeof(struct in_addr)) {
			set->peer.addr4.sin_family = AF_INET;
			set->peer.addr4.sin_port = port;
			memcpy(&set->peer.addr4.sin_addr, nla_data(addr),
			       sizeof(struct in_addr));
		} else {
			set->peer.addr6.sin6_family = AF_INET6;
			set->peer.addr6.sin6_port = port;
			memcpy(&set->peer.addr6.sin6_addr, nla_data(addr),
			       sizeof(struct in6_addr));
		}
	}
	if (a[KEYROT_A_FLOW_REPLAY_WINDOW] &&
	    !is_power_of_2(nla_get_u32(a[KEYROT_A_FLOW_REPLAY_WINDOW]))) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[KEYROT_A_FLOW_REPLAY_WINDOW],
				    "replay-window must be a power of two");
		return -EINVAL;
	}
	if (a[KEYROT_A_FLOW_PEER_ID])
		set->peer_id = nla_get_u32(a[KEYROT_A_FLOW_PEER_ID]);
	if (a[KEYROT_A_FLOW_ROLE])
		set->role = nla_get_u8(a[KEYROT_A_FLOW_ROLE]);
	if (a[KEYROT_A_FLOW_CIPHER])
		set->cipher = nla_get_u8(a[KEYROT_A_FLOW_CIPHER]);
	if (a[KEYROT_A_FLOW_COOKIE])
		set->cookie = nla_get_u64(a[KEYROT_A_FLOW_COOKIE]);
	if (a[KEYROT_A_FLOW_MAX_PAYLOAD])
		cfg->max_payload = nla_get_u32(a[KEYROT_A_FLOW_MAX_PAYLOAD]);
	if (a[KEYROT_A_FLOW_RX_QUEUE_LEN])
		cfg->rx_queue_len = nla_get_u32(a[KEYROT_A_FLOW_RX_QUEUE_LEN]);
	if (a[KEYROT_A_FLOW_TX_QUEUE_LEN])
		cfg->tx_queue_len = nla_get_u32(a[KEYROT_A_FLOW_TX_QUEUE_LEN]);
	if (a[KEYROT_A_FLOW_KEEPALIVE_MS])
		cfg->keepalive_ms = nla_get_u32(a[KEYROT_A_FLOW_KEEPALIVE_MS]);
	if (a[KEYROT_A_FLOW_PEER_TIMEOUT_MS])
		cfg->peer_timeout_ms =
			nla_get_u32(a[KEYROT_A_FLOW_PEER_TIMEOUT_MS]);
	if (a[KEYROT_A_FLOW_TRIAL_MS])
		cfg->trial_ms = nla_get_u32(a[KEYROT_A_FLOW_TRIAL_MS]);
	if (a[KEYROT_A_FLOW_REPLAY_WINDOW])
		cfg->epoch.window = nla_get_u32(a[KEYROT_A_FLOW_REPLAY_WINDOW]);
	if (a[KEYROT_A_FLOW_WATERMARK])
		cfg->epoch.watermark = nla_get_u32(a[KEYROT_A_FLOW_WATERMARK]);
	if (a[KEYROT_A_FLOW_REKEY_INTERVAL_MS])
		cfg->epoch.rekey_interval = (u64)NSEC_PER_MSEC *
			nla_get_u32(a[KEYROT_A_FLOW_REKEY_INTERVAL_MS]);
	if (a[KEYROT_A_FLOW_REKEY_JITTER_PCT])
		cfg->epoch.jitter_pct =
			nla_get_u8(a[KEYROT_A_FLOW_REKEY_JITTER_PCT]);
	if (a[KEYROT_A_FLOW_GRACE_MS])
		cfg->epoch.grace = (u64)NSEC_PER_MSEC *
				   nla_get_u32(a[KEYROT_A_FLOW_GRACE_MS]);
	if (a[KEYROT_A_FLOW_RETIRE_MS])
		cfg->epoch.retire = (u64)NSEC_PER_MSEC *
				    nla_get_u32(a[KEYROT_A_FLOW_RETIRE_MS]);
	if (a[KEYROT_A_FLOW_CONFIRM_MS])
		cfg->epoch.confirm = (u64)NSEC_PER_MSEC *
				     nla_get_u32(a[KEYROT_A_FLOW_CONFIRM_MS]);
	if (a[KEYROT_A_FLOW_EVENT_MS])
		cfg->epoch.event = (u64)NSEC_PER_MSEC *
				   nla_get_u32(a[KEYROT_A_FLOW_EVENT_MS]);
	return 0;
}

static int flow_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kr_flow_settings set;
	struct kr_flow *flow;
	int ret;

	flow = flow_of(info, KEYROT_A_FLOW_ID);
	if (IS_ERR(flow))
		return PTR_ERR(flow);
	mutex_lock(&kr_ctl_lock);
	ret = parse_settings(info, flow, &set);
	if (!ret)
		ret = kr_flow_configure(flow, &set, info->extack);
	mutex_unlock(&kr_ctl_lock);
	kr_flow_put(flow);
	return ret;
}

static int put_ms(struct sk_buff *skb, int attr, u64 ns)
{
	return nla_put_u32(skb, attr, div_u64(ns, NSEC_PER_MSEC));
}

static int put_settings(struct sk_buff *skb, struct kr_flow *flow)
{
	const struct kr_flow_cfg *cfg = &flow->cfg;
	const struct kr_epoch_cfg *e = &cfg->epoch;

	if (nla_put_u8(skb, KEYROT_A_FLOW_ROLE, flow->epochs.role) ||
	    nla_put_u8(skb, KEYROT_A_FLOW_CIPHER, flow->epochs.cipher) ||
	    nla_put_u32(skb, KEYROT_A_FLOW_MAX_PAYLOAD, cfg->max_payload) ||
	    nla_put_u32(skb, KEYROT_A_FLOW_RX_QUEUE_LEN, cfg->rx_queue_len) ||
	    nla_put_u32(skb, KEYROT_A_FLOW_TX_QUEUE_LEN, cfg->tx_queue_len) ||
	    nla_put_u32(skb, KEYROT_A_FLOW_REPLAY_WINDOW, e->window) ||
	    nla_put_u32(skb, KEYROT_A_FLOW_WATERMARK, e->watermark) ||
	    put_ms(skb, KEYROT_A_FLOW_REKEY_INTERVAL_MS, e->rekey_interval) ||
	    nla_put_u8(skb, KEYROT_A_FLOW_REKEY_JITTER_PCT, e->jitter_pct) ||
	    put_ms(skb, KEYROT_A_FLOW_GRACE_MS, e->grace) ||
	    put_ms(skb, KEYROT_A_FLOW_RETIRE_MS, e->retire) ||
	    put_ms(skb, KEYROT_A_FLOW_CONFIRM_MS, e->confirm) ||
	    put_ms(skb, KEYROT_A_FLOW_EVENT_MS, e->event) ||
	    nla_put_u32(skb, KEYROT_A_FLOW_KEEPALIVE_MS, cfg->keepalive_ms) ||
	    nla_put_u32(skb, KEYROT_A_FLOW_PEER_TIMEOUT_MS,
			cfg->peer_timeout_ms) ||
	    nla_put_u32(skb, KEYROT_A_FLOW_TRIAL_MS, cfg->trial_ms))
		return -EMSGSIZE;
	return 0;
}

static int put_peer(struct sk_buff *skb, struct kr_flow *flow)
{
	union kr_endpoint peer;
	int ret = 0;

	read_lock_bh(&flow->peer_lock);
	peer = flow->peer;
	read_unlock_bh(&flow->peer_lock);
	if (peer.addr.sa_family == AF_INET)
		ret = nla_put(skb, KEYROT_A_FLOW_PEER_ADDR,
			      sizeof(struct in_addr), &peer.addr4.sin_addr) ||
		      nla_put_u16(skb, KEYROT_A_FLOW_PEER_PORT,
				  ntohs(peer.addr4.sin_port));
	else if (peer.addr.sa_family == AF_INET6)
		ret = nla_put(skb, KEYROT_A_FLOW_PEER_ADDR,
			      sizeof(struct in6_addr), &peer.addr6.sin6_addr) ||
		      nla_put_u16(skb, KEYROT_A_FLOW_PEER_PORT,
				  ntohs(peer.addr6.sin6_port));
	if (!ret && flow->peer_id)
		ret = nla_put_u32(skb, KEYROT_A_FLOW_PEER_ID, flow->peer_id);
	return ret ? -EMSGSIZE : 0;
}

static int put_stats(struct sk_buff *skb, int attr, const u64 *sum)
{
	struct nlattr *nest = nla_nest_start(skb, attr);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 1; i <= KEYROT_A_STATS_MAX; i++) {
		if (i == KEYROT_A_STATS_PAD)
			continue;
		if (nla_put_u64_64bit(skb, i, sum[i], KEYROT_A_STATS_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int put_epochs(struct sk_buff *skb, struct kr_flow *flow, u64 now)
{
	struct kr_epoch_view v[3];
	unsigned int n, i;
	struct nlattr *nest;

	n = kr_epochs_view(&flow->epochs, v);
	for (i = 0; i < n; i++) {
		nest = nla_nest_start(skb, KEYROT_A_FLOW_EPOCH);
		if (!nest ||
		    nla_put_u8(skb, KEYROT_A_EPOCH_NUMBER, v[i].number) ||
		    nla_put(skb, KEYROT_A_EPOCH_KEY_ID, KEYROT_KEY_ID_LEN,
			    v[i].key_id) ||
		    nla_put_u32(skb, KEYROT_A_EPOCH_STATE, v[i].state) ||
		    (v[i].confirmed &&
		     nla_put_flag(skb, KEYROT_A_EPOCH_CONFIRMED)) ||
		    (v[i].peer_seen &&
		     nla_put_flag(skb, KEYROT_A_EPOCH_PEER_SEEN)) ||
		    nla_put_u64_64bit(skb, KEYROT_A_EPOCH_TX_SEQ, v[i].tx_seq,
				      KEYROT_A_EPOCH_PAD) ||
		    nla_put_u64_64bit(skb, KEYROT_A_EPOCH_RX_SEQ, v[i].rx_seq,
				      KEYROT_A_EPOCH_PAD) ||
		    nla_put_u32(skb, KEYROT_A_EPOCH_LEAVES_REMAINING,
				v[i].leaves_remaining) ||
		    nla_put_u64_64bit(skb, KEYROT_A_EPOCH_AGE_MS,
				      ms_since(v[i].installed, now),
				      KEYROT_A_EPOCH_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

/* One flow's settings and non-secret state: never a key. */
static int put_flow(struct sk_buff *skb, struct kr_flow *flow)
{
	u64 sum[KEYROT_A_STATS_MAX + 1] = {};
	u64 now = kr_now();

	kr_stats_sum(flow->stats, sum);
	if (nla_put_u32(skb, KEYROT_A_FLOW_ID, flow->id) ||
	    nla_put_u64_64bit(skb, KEYROT_A_FLOW_COOKIE, READ_ONCE(flow->cookie),
			      KEYROT_A_FLOW_PAD) ||
	    put_peer(skb, flow) || put_settings(skb, flow) ||
	    nla_put_u32(skb, KEYROT_A_FLOW_FLAGS, kr_flow_flags(flow)) ||
	    nla_put_u32(skb, KEYROT_A_FLOW_REKEY_NEED,
			kr_epochs_need(&flow->epochs)) ||
	    nla_put_u64_64bit(skb, KEYROT_A_FLOW_LAST_RX_MS,
			      ms_since(READ_ONCE(flow->last_rx), now),
			      KEYROT_A_FLOW_PAD) ||
	    put_epochs(skb, flow, now) ||
	    put_stats(skb, KEYROT_A_FLOW_STATS, sum))
		return -EMSGSIZE;
	return 0;
}

static int flow_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kr_flow *flow;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	flow = flow_of(info, KEYROT_A_FLOW_ID);
	if (IS_ERR(flow))
		return PTR_ERR(flow);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out_put;
	}
	hdr = genlmsg_put_reply(msg, info, &kr_family, 0, KEYROT_CMD_FLOW_GET);
	mutex_lock(&kr_ctl_lock);
	ret = hdr ? put_flow(msg, flow) : -EMSGSIZE;
	mutex_unlock(&kr_ctl_lock);
	if (ret) {
		nlmsg_free(msg);
		goto out_put;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out_put:
	kr_flow_put(flow);
	return ret;
}

/* The dump cursor: how many flows of the namespace's list were sent. */
struct dump_ctx {
	unsigned long index;
};

static int flow_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx *ctx = (struct dump_ctx *)cb->ctx;
	struct kr_net *kn = kr_net_get(sock_net(skb->sk));
	unsigned long i = 0;
	struct kr_flow *flow;
	void *hdr;
	int ret = 0;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof(cb->ctx));
	mutex_lock(&kr_ctl_lock);
	cb->seq = kn->gen;
	list_for_each_entry(flow, &kn->flows, node) {
		if (i++ < ctx->index)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &kr_family, NLM_F_MULTI,
				  KEYROT_CMD_FLOW_GET);
		if (!hdr) {
			ret = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		ret = put_flow(skb, flow);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		ctx->index++;
	}
	mutex_unlock(&kr_ctl_lock);
	/* A full message: go on in the next one; nothing sent: an error. */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret ?: skb->len;
}

static int flow_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kr_flow *flow = flow_of(info, KEYROT_A_FLOW_ID);

	if (IS_ERR(flow))
		return PTR_ERR(flow);
	kr_flow_detach(flow);
	kr_flow_put(flow);
	return 0;
}

static int flow_state_doit(struct sk_buff *skb, struct genl_info *info)
{
	bool down = nla_get_flag(info->attrs[KEYROT_A_FLOW_DOWN]);
	bool gone = nla_get_flag(info->attrs[KEYROT_A_FLOW_PEER_GONE]);
	struct kr_flow *flow;
	int ret = 0;

	if (!down && !gone) {
		NL_SET_ERR_MSG_MOD(info->extack, "nothing to set: give down or peer-gone");
		return -EINVAL;
	}
	flow = flow_of(info, KEYROT_A_FLOW_ID);
	if (IS_ERR(flow))
		return PTR_ERR(flow);
	mutex_lock(&kr_ctl_lock);
	if (gone)
		kr_flow_set_peer_gone(flow);
	if (down && kr_flow_set_down(flow)) {
		NL_SET_ERR_MSG_MOD(info->extack, "flow is down already");
		ret = -ENODEV;
	}
	mutex_unlock(&kr_ctl_lock);
	kr_flow_put(flow);
	return ret;
}

static int seed_install_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	u8 seed[KEYROT_SEED_LEN];
	u64 start[2] = {};
	struct kr_flow *flow;
	int ret;

	/* First of all, take the seed out of the request and wipe it there. */
	if (GENL_REQ_ATTR_CHECK(info, KEYROT_A_SEED_SEED))
		return -EINVAL;
	memcpy(seed, nla_data(a[KEYROT_A_SEED_SEED]), sizeof(seed));
	memzero_explicit(nla_data(a[KEYROT_A_SEED_SEED]), sizeof(seed));

	if (GENL_REQ_ATTR_CHECK(info, KEYROT_A_SEED_EPOCH) ||
	    GENL_REQ_ATTR_CHECK(info, KEYROT_A_SEED_KEY_ID)) {
		ret = -EINVAL;
		goto out_wipe;
	}
	if (a[KEYROT_A_SEED_SEQ_START_D0])
		start[0] = nla_get_u64(a[KEYROT_A_SEED_SEQ_START_D0]);
	if (a[KEYROT_A_SEED_SEQ_START_D1])
		start[1] = nla_get_u64(a[KEYROT_A_SEED_SEQ_START_D1]);
	flow = flow_of(info, KEYROT_A_SEED_FLOW_ID);
	if (IS_ERR(flow)) {
		ret = PTR_ERR(flow);
		goto out_wipe;
	}
	mutex_lock(&kr_ctl_lock);
	ret = kr_flow_install(flow, nla_get_u8(a[KEYROT_A_SEED_EPOCH]), seed,
			      nla_data(a[KEYROT_A_SEED_KEY_ID]),
			      nla_get_flag(a[KEYROT_A_SEED_PEER_HOLDS]), start,
			      info->extack);
	mutex_unlock(&kr_ctl_lock);
	kr_flow_put(flow);
out_wipe:
	memzero_explicit(seed, sizeof(seed));
	return ret;
}

static int epoch_key_id_doit(struct sk_buff *skb, struct genl_info *info,
			     bool confirm)
{
	struct kr_flow *flow;
	const u8 *key_id;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, KEYROT_A_SEED_KEY_ID))
		return -EINVAL;
	key_id = nla_data(info->attrs[KEYROT_A_SEED_KEY_ID]);
	flow = flow_of(info, KEYROT_A_SEED_FLOW_ID);
	if (IS_ERR(flow))
		return PTR_ERR(flow);
	mutex_lock(&kr_ctl_lock);
	if (confirm)
		ret = kr_flow_confirm(flow, key_id, info->extack);
	else
		ret = kr_flow_withdraw(flow, key_id, info->extack);
	mutex_unlock(&kr_ctl_lock);
	kr_flow_put(flow);
	return ret;
}

static int epoch_confirm_doit(struct sk_buff *skb, struct genl_info *info)
{
	return epoch_key_id_doit(skb, info, true);
}

static int epoch_withdraw_doit(struct sk_buff *skb, struct genl_info *info)
{
	return epoch_key_id_doit(skb, info, false);
}

static int rekey_request_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kr_flow *flow = flow_of(info, KEYROT_A_FLOW_ID);
	int ret = 0;

	if (IS_ERR(flow))
		return PTR_ERR(flow);
	if (kr_flow_is_down(flow)) {
		NL_SET_ERR_MSG_MOD(info->extack, "flow is down");
		ret = -ENODEV;
	} else {
		kr_flow_request_rekey(flow);
	}
	kr_flow_put(flow);
	return ret;
}

static int netns_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kr_net *kn = kr_net_get(genl_info_net(info));
	struct socket *old = NULL;
	u16 port;
	int ret = 0;

	if (GENL_REQ_ATTR_CHECK(info, KEYROT_A_NETNS_PORT))
		return -EINVAL;
	port = nla_get_u16(info->attrs[KEYROT_A_NETNS_PORT]);
	mutex_lock(&kr_ctl_lock);
	if (rcu_access_pointer(kn->sock)) {
		ret = kr_udp_open(kn, port, &old);
		if (ret)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[KEYROT_A_NETNS_PORT],
					    "cannot bind that port");
	} else {
		kn->port = port;
	}
	mutex_unlock(&kr_ctl_lock);
	kr_udp_release(old);
	return ret;
}

static int netns_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kr_net *kn = kr_net_get(genl_info_net(info));
	u64 sum[KEYROT_A_STATS_MAX + 1] = {};
	struct kr_flow *flow;
	struct sk_buff *msg;
	u32 flows = 0;
	void *hdr;
	int ret;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &kr_family, 0, KEYROT_CMD_NETNS_GET);
	mutex_lock(&kr_ctl_lock);
	kr_stats_sum(kn->stats, sum);
	list_for_each_entry(flow, &kn->flows, node) {
		kr_stats_sum(flow->stats, sum);
		flows++;
	}
	/* Transforms are counted module wide: the host's business only. */
	ret = !hdr || nla_put_u16(msg, KEYROT_A_NETNS_PORT, kn->port) ||
	      nla_put_u32(msg, KEYROT_A_NETNS_FLOWS, flows) ||
	      put_stats(msg, KEYROT_A_NETNS_STATS, sum) ||
	      (net_eq(genl_info_net(info), &init_net) &&
	       netlink_capable(skb, CAP_NET_ADMIN) &&
	       nla_put_u64_64bit(msg, KEYROT_A_NETNS_TFMS,
				 kr_aead_tfms_live(), KEYROT_A_NETNS_PAD));
	mutex_unlock(&kr_ctl_lock);
	if (ret) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const struct genl_ops kr_ops[] = {
	{
		.cmd = KEYROT_CMD_FLOW_SET,
		.doit = flow_set_doit,
		.policy = flow_set_policy,
		.maxattr = KEYROT_A_FLOW_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KEYROT_CMD_FLOW_GET,
		.doit = flow_get_doit,
		.dumpit = flow_get_dumpit,
		.policy = flow_id_policy,
		.maxattr = KEYROT_A_FLOW_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KEYROT_CMD_FLOW_DEL,
		.doit = flow_del_doit,
		.policy = flow_id_policy,
		.maxattr = KEYROT_A_FLOW_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KEYROT_CMD_FLOW_STATE,
		.doit = flow_state_doit,
		.policy = flow_state_policy,
		.maxattr = KEYROT_A_FLOW_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KEYROT_CMD_SEED_INSTALL,
		.doit = seed_install_doit,
		.policy = seed_install_policy,
		.maxattr = KEYROT_A_SEED_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KEYROT_CMD_EPOCH_CONFIRM,
		.doit = epoch_confirm_doit,
		.policy = seed_key_id_policy,
		.maxattr = KEYROT_A_SEED_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KEYROT_CMD_EPOCH_WITHDRAW,
		.doit = epoch_withdraw_doit,
		.policy = seed_key_id_policy,
		.maxattr = KEYROT_A_SEED_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KEYROT_CMD_REKEY_REQUEST,
		.doit = rekey_request_doit,
		.policy = flow_id_policy,
		.maxattr = KEYROT_A_FLOW_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KEYROT_CMD_NETNS_SET,
		.doit = netns_set_doit,
		.policy = netns_set_policy,
		.maxattr = KEYROT_A_NETNS_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KEYROT_CMD_NETNS_GET,
		.doit = netns_get_doit,
		.policy = netns_get_policy,
		.maxattr = KEYROT_A_NETNS_MAX,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family kr_family __ro_after_init = {
	.name = KEYROT_GENL_NAME,
	.version = KEYROT_GENL_VERSION,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = kr_ops,
	.n_ops = ARRAY_SIZE(kr_ops),
	.mcgrps = kr_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kr_mcgrps),
};

/* An event message for @flow, or NULL when nobody listens. */
static struct sk_buff *event_new(struct kr_flow *flow, u8 cmd, void **hdr)
{
	struct sk_buff *msg;

	if (!genl_has_listeners(&kr_family, flow->net, KR_MCGRP_EVENTS))
		return NULL;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &kr_family, 0, cmd);
	if (!*hdr ||
	    nla_put_u32(msg, KEYROT_A_EVENT_FLOW_ID, flow->id) ||
	    nla_put_u64_64bit(msg, KEYROT_A_EVENT_COOKIE,
			      READ_ONCE(flow->cookie),
			      KEYROT_A_EVENT_PAD)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void event_send(struct kr_flow *flow, struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&kr_family, flow->net, msg, 0, KR_MCGRP_EVENTS,
				GFP_KERNEL);
}

/**
 * kr_netlink_notify_rekey() - the re-key-needed event (spec section 7)
 * @flow: an attached flow
 * @need: enum keyrot_rekey_reason bits
 *
 * The event names the epoch it is about: for "unconfirmed" the pending
 * seed the control plane must ask the peer about, else the transmit epoch.
 *
 * Context: Process context.
 */
void kr_netlink_notify_rekey(struct kr_flow *flow, u32 need)
{
	struct kr_epoch *tx = need & KEYROT_REKEY_REASON_UNCONFIRMED ?
			      kr_epochs_next_get(&flow->epochs) :
			      kr_epochs_tx_get(&flow->epochs);
	struct sk_buff *msg;
	void *hdr;

	msg = event_new(flow, KEYROT_CMD_REKEY_NEEDED_NTF, &hdr);
	if (!msg)
		goto out;
	if (nla_put_u32(msg, KEYROT_A_EVENT_REASON, need) ||
	    (tx && (nla_put_u8(msg, KEYROT_A_EVENT_EPOCH, tx->number) ||
		    nla_put(msg, KEYROT_A_EVENT_KEY_ID, KEYROT_KEY_ID_LEN,
			    tx->tree->key_id)))) {
		nlmsg_free(msg);
		goto out;
	}
	event_send(flow, msg, hdr);
out:
	kr_epoch_put(tx);
}

/**
 * kr_netlink_notify_epoch() - an epoch was confirmed or switched to
 * @flow: an attached flow
 * @cmd: KEYROT_CMD_EPOCH_CONFIRMED_NTF or KEYROT_CMD_EPOCH_SWITCHED_NTF
 * @epoch: the epoch
 * @key_id: its key id
 * @old: the previous transmit epoch, or -1
 *
 * Context: Process context.
 */
void kr_netlink_notify_epoch(struct kr_flow *flow, u8 cmd, u8 epoch,
			     const u8 *key_id, int old)
{
	struct sk_buff *msg;
	void *hdr;

	msg = event_new(flow, cmd, &hdr);
	if (!msg)
		return;
	if (nla_put_u8(msg, KEYROT_A_EVENT_EPOCH, epoch) ||
	    nla_put(msg, KEYROT_A_EVENT_KEY_ID, KEYROT_KEY_ID_LEN, key_id) ||
	    (old >= 0 && nla_put_u8(msg, KEYROT_A_EVENT_OLD_EPOCH, old))) {
		nlmsg_free(msg);
		return;
	}
	event_send(flow, msg, hdr);
}

/**
 * kr_netlink_notify_flow() - a flow went down, or its peer is gone
 * @flow: an attached flow
 * @cmd: KEYROT_CMD_FLOW_DOWN_NTF or KEYROT_CMD_PEER_GONE_NTF
 *
 * Context: Process context.
 */
void kr_netlink_notify_flow(struct kr_flow *flow, u8 cmd)
{
	struct sk_buff *msg;
	void *hdr;

	msg = event_new(flow, cmd, &hdr);
	if (msg)
		event_send(flow, msg, hdr);
}

/**
 * kr_netlink_init() - register the family; userspace may call in at once
 *
 * Context: Process context, at module load, last.
 * Return: 0 or -errno.
 */
int kr_netlink_init(void)
{
	return genl_register_family(&kr_family);
}

/**
 * kr_netlink_uninit() - unregister the family
 *
 * Context: Process context, at module unload, first.
 */
void kr_netlink_uninit(void)
{
	genl_unregister_family(&kr_family);
}
