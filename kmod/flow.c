// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * Flows: creation, the per-namespace tables, settings, the control-plane
 * operations on a flow, and teardown.  See flow.h for lifetime and locking.
 */

#include "flow.h"
#include "netlink.h"
#include "packet.h"

#include "../uapi/keyrot.h"

#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

/* Serialises the control plane; see flow.h. */
DEFINE_MUTEX(kr_ctl_lock);

/* The flows' timers; process context, flushed at unload. */
struct workqueue_struct *kr_flow_wq;

/* Flows not yet freed: unload waits for none (packets in crypto hold some). */
static atomic_t flows_live = ATOMIC_INIT(0);

static unsigned int kr_net_id __read_mostly;

/* A closed flow's id, kept from reuse while its packets may still come. */
struct quarantined {
	struct list_head node;
	u32 id;
	unsigned long until;	/* jiffies */
};

/**
 * kr_now() - the clock of every keyrot timer
 *
 * Context: Any context.
 * Return: boot time in nanoseconds (it counts through suspend).
 */
u64 kr_now(void)
{
	return ktime_get_boottime_ns();
}

/**
 * kr_net_get() - keyrot's state in a namespace
 * @net: the namespace
 *
 * Context: Any context, while @net lives.
 * Return: the state, never NULL.
 */
struct kr_net *kr_net_get(struct net *net)
{
	return net_generic(net, kr_net_id);
}

/**
 * kr_flow_default_cfg() - spec section 9's defaults, and ours
 * @cfg: filled in
 *
 * Context: Any context.
 */
void kr_flow_default_cfg(struct kr_flow_cfg *cfg)
{
	*cfg = (struct kr_flow_cfg) {
		.max_payload = KEYROT_DEFAULT_MAX_PAYLOAD,
		.rx_queue_len = 1024,
		.tx_queue_len = 256,
		.keepalive_ms = 10 * MSEC_PER_SEC,
		.peer_timeout_ms = 30 * MSEC_PER_SEC,
		.trial_ms = 100,
		.epoch = {
			.window = 8192,
			.watermark = 2048,
			.rekey_interval = 120 * NSEC_PER_SEC,
			.jitter_pct = 10,
			.grace = 5 * NSEC_PER_SEC,
			.retire = 2 * NSEC_PER_SEC,
			.confirm = 100 * NSEC_PER_MSEC,
			.event = NSEC_PER_SEC,
		},
	};
}

/**
 * kr_flow_lookup_rcu() - an attached flow by id
 * @kn: the namespace's state
 * @id: the flow id
 *
 * Context: Under rcu_read_lock() or rcu_read_lock_bh(), or kr_ctl_lock.
 * Return: the flow without a reference, or NULL.
 */
struct kr_flow *kr_flow_lookup_rcu(struct kr_net *kn, u32 id)
{
	struct kr_flow *flow;

	hash_for_each_possible_rcu(kn->table, flow, hnode, id,
				   lockdep_is_held(&kr_ctl_lock))
		if (flow->id == id)
			return flow;
	return NULL;
}

/**
 * kr_flow_find() - an attached flow of a namespace by id
 * @net: the namespace
 * @id: the flow id
 *
 * Context: Process context.
 * Return: the flow with a reference the caller puts, or NULL.
 */
struct kr_flow *kr_flow_find(struct net *net, u32 id)
{
	struct kr_flow *flow;

	rcu_read_lock();
	flow = kr_flow_lookup_rcu(kr_net_get(net), id);
	if (flow && !kref_get_unless_zero(&flow->ref))
		flow = NULL;
	rcu_read_unlock();
	return flow;
}

static void flow_free_rcu(struct rcu_head *rcu)
{
	struct kr_flow *flow = container_of(rcu, struct kr_flow, rcu);

	/* Detach purged both, and nothing refills them once down. */
	WARN_ON_ONCE(!skb_queue_empty(&flow->rxq) || flow->trial);
	dst_cache_destroy(&flow->dst_cache);
	kr_stats_free(flow->stats);
	kfree(flow);
	if (atomic_dec_and_test(&flows_live))
		wake_up_var(&flows_live);
}

static void flow_release(struct kref *ref)
{
	struct kr_flow *flow = container_of(ref, struct kr_flow, ref);

	/* Detached before the last put: no keys, no queued packets. */
	WARN_ON_ONCE(!test_bit(KR_FLOW_DETACHED, &flow->state));
	call_rcu(&flow->rcu, flow_free_rcu);
}

/**
 * kr_flow_put() - drop a reference to a flow
 * @flow: the flow, or NULL
 *
 * Context: Any context.
 */
void kr_flow_put(struct kr_flow *flow)
{
	if (flow)
		kref_put(&flow->ref, flow_release);
}

/* Must hold kr_ctl_lock.  Whether @id is free in @kn, expiring old ids. */
static bool id_free(struct kr_net *kn, u32 id)
{
	struct quarantined *q, *tmp;

	lockdep_assert_held(&kr_ctl_lock);
	if (!id || kr_flow_lookup_rcu(kn, id))
		return false;
	list_for_each_entry_safe(q, tmp, &kn->quarantine, node) {
		if (time_after(jiffies, q->until)) {
			list_del(&q->node);
			kfree(q);
		} else if (q->id == id) {
			return false;
		}
	}
	return true;
}

static void quarantine(struct kr_net *kn, u32 id)
{
	struct quarantined *q = kmalloc(sizeof(*q), GFP_KERNEL);

	/* Without memory the id is merely free again: one in 2^32 to meet. */
	if (!q)
		return;
	q->id = id;
	q->until = jiffies + KR_QUARANTINE_SECS * HZ;
	list_add_tail(&q->node, &kn->quarantine);
}

/**
 * kr_flow_create() - a new flow in @net, for a new descriptor
 * @net: the opener's namespace
 * @access: RB_RD and RB_WR, from the open mode
 *
 * Spec section 1: a fresh, random, non-zero id, unique in the namespace.
 *
 * Context: Process context.
 * Return: the attached flow with the descriptor's reference, or ERR_PTR().
 */
struct kr_flow *kr_flow_create(struct net *net, u8 access)
{
	struct kr_flow *flow;
	struct kr_net *kn;
	int ret;

	flow = kzalloc(sizeof(*flow), GFP_KERNEL);
	if (!flow)
		return ERR_PTR(-ENOMEM);
	flow->stats = kr_stats_alloc();
	if (!flow->stats) {
		ret = -ENOMEM;
		goto err_free_flow;
	}
	ret = dst_cache_init(&flow->dst_cache, GFP_KERNEL);
	if (ret)
		goto err_free_stats;

	kref_init(&flow->ref);
	flow->access = access;
	kr_flow_default_cfg(&flow->cfg);
	kr_epochs_init(&flow->epochs, KEYROT_ROLE_INITIATOR,
		       KEYROT_CIPHER_AES_256_GCM, &flow->cfg.epoch);
	rwlock_init(&flow->peer_lock);
	skb_queue_head_init(&flow->rxq);
	kr_cryptq_init(&flow->rx_crypt);
	kr_cryptq_init(&flow->tx_crypt);
	init_waitqueue_head(&flow->wait);
	INIT_DELAYED_WORK(&flow->work, kr_timers_work);
	flow->last_rx = kr_now();
	flow->last_tx = flow->last_rx;

	mutex_lock(&kr_ctl_lock);
	kn = kr_net_get(net);
	if (kn->dead) {
		mutex_unlock(&kr_ctl_lock);
		ret = -ENODEV;
		goto err_free_cache;
	}
	do {
		flow->id = get_random_u32();
	} while (!id_free(kn, flow->id));
	flow->net = net;
	rcu_assign_pointer(flow->kn, kn);
	hash_add_rcu(kn->table, &flow->hnode, flow->id);
	list_add_tail(&flow->node, &kn->flows);
	kn->gen++;
	atomic_inc(&flows_live);
	mutex_unlock(&kr_ctl_lock);
	return flow;

err_free_cache:
	dst_cache_destroy(&flow->dst_cache);
err_free_stats:
	kr_stats_free(flow->stats);
err_free_flow:
	kfree(flow);
	return ERR_PTR(ret);
}

/* Must hold kr_ctl_lock.  Unpublish @flow; returns its namespace state. */
static struct kr_net *unpublish(struct kr_flow *flow)
{
	struct kr_net *kn = rcu_dereference_protected(flow->kn,
					lockdep_is_held(&kr_ctl_lock));

	lockdep_assert_held(&kr_ctl_lock);
	if (!kn)
		return NULL;
	if (!test_and_set_bit(KR_FLOW_DOWN, &flow->state))
		kr_netlink_notify_flow(flow, KEYROT_CMD_FLOW_DOWN_NTF);
	hash_del_rcu(&flow->hnode);
	list_del(&flow->node);
	quarantine(kn, flow->id);
	kn->gen++;
	atomic_inc(&kn->detaching);
	set_bit(KR_FLOW_DETACHED, &flow->state);
	RCU_INIT_POINTER(flow->kn, NULL);
	return kn;
}

/* Down, for good: wipe the keys, drop what is queued, wake everyone. */
static void shut_down(struct kr_flow *flow)
{
	kr_epochs_destroy(&flow->epochs);
	kr_receive_drop_trial(flow);
	clear_bit(KR_FLOW_REKEY, &flow->state);
	kr_send_flush(flow);
	wake_up_interruptible_poll(&flow->wait,
				   EPOLLHUP | EPOLLIN | EPOLLOUT | EPOLLPRI);
}

/*
 * After unpublish() and a grace period (no packet path can find the flow
 * any more): stop its timers, wipe its keys, drop what it holds.
 */
static void detach(struct kr_flow *flow, struct kr_net *kn)
{
	if (cancel_delayed_work_sync(&flow->work))
		kr_flow_put(flow);
	shut_down(flow);
	kr_receive_purge(flow);
	if (atomic_dec_and_test(&kn->detaching))
		wake_up_var(&kn->detaching);
}

/**
 * kr_flow_detach() - take a flow down and out of its namespace
 * @flow: the flow
 *
 * Its id goes into quarantine, its keys are wiped, its descriptor reads 0
 * once drained.  Doing it twice does nothing more.
 *
 * Context: Process context; takes kr_ctl_lock.
 */
void kr_flow_detach(struct kr_flow *flow)
{
	struct kr_net *kn;

	mutex_lock(&kr_ctl_lock);
	kn = unpublish(flow);
	mutex_unlock(&kr_ctl_lock);
	if (!kn)
		return;
	synchronize_net();
	detach(flow, kn);
}

/**
 * kr_flow_close() - the descriptor's last close
 * @flow: the flow; the descriptor's reference is dropped
 *
 * Context: Process context.
 */
void kr_flow_close(struct kr_flow *flow)
{
	kr_flow_detach(flow);
	kr_flow_put(flow);
}

/**
 * kr_flow_set_down() - mark a flow down (flow-state)
 * @flow: the flow
 *
 * Its keys are wiped and its traffic stops, but it stays listed until its
 * descriptor closes or flow-del.
 *
 * Context: Process context; holds kr_ctl_lock.
 * Return: 0, or -ENODEV if it was down already.
 */
int kr_flow_set_down(struct kr_flow *flow)
{
	lockdep_assert_held(&kr_ctl_lock);
	if (test_and_set_bit(KR_FLOW_DOWN, &flow->state))
		return -ENODEV;
	kr_netlink_notify_flow(flow, KEYROT_CMD_FLOW_DOWN_NTF);
	shut_down(flow);
	return 0;
}

/**
 * kr_flow_set_peer_gone() - mark a flow's peer gone
 * @flow: the flow
 *
 * RB_FLOWPEER stays until a packet from the peer authenticates.
 *
 * Context: Process context.
 */
void kr_flow_set_peer_gone(struct kr_flow *flow)
{
	if (test_and_set_bit(KR_FLOW_PEER_GONE, &flow->state))
		return;
	kr_netlink_notify_flow(flow, KEYROT_CMD_PEER_GONE_NTF);
	wake_up_interruptible_poll(&flow->wait, EPOLLRDHUP);
}

/**
 * kr_flow_flags() - the flags word of a flow (enum keyrot_rb)
 * @flow: the flow
 *
 * Context: Any context.
 * Return: the access bits of its descriptor and its state bits.
 */
u32 kr_flow_flags(struct kr_flow *flow)
{
	unsigned long state = READ_ONCE(flow->state);
	u32 flags = flow->access;

	if (state & BIT(KR_FLOW_DOWN))
		flags |= RB_FLOWDOWN;
	if (state & BIT(KR_FLOW_PEER_GONE))
		flags |= RB_FLOWPEER;
	/* A down flow needs no re-key, whatever a late timer last saw. */
	if ((state & BIT(KR_FLOW_REKEY)) && !(state & BIT(KR_FLOW_DOWN)))
		flags |= RB_REKEY;
	return flags;
}

/**
 * kr_flow_kick() - run the flow's timers now
 * @flow: the flow
 *
 * Context: Any context.
 */
void kr_flow_kick(struct kr_flow *flow)
{
	if (test_bit(KR_FLOW_DETACHED, &flow->state))
		return;
	/* A queued work item holds a reference; one already queued has one. */
	kr_flow_get(flow);
	if (mod_delayed_work(kr_flow_wq, &flow->work, 0))
		kr_flow_put(flow);
}

/* Packet paths read each setting with READ_ONCE(): write each once. */
static void set_cfg(struct kr_flow_cfg *cfg, const struct kr_flow_cfg *new)
{
	WRITE_ONCE(cfg->max_payload, new->max_payload);
	WRITE_ONCE(cfg->rx_queue_len, new->rx_queue_len);
	WRITE_ONCE(cfg->tx_queue_len, new->tx_queue_len);
	WRITE_ONCE(cfg->keepalive_ms, new->keepalive_ms);
	WRITE_ONCE(cfg->peer_timeout_ms, new->peer_timeout_ms);
	WRITE_ONCE(cfg->trial_ms, new->trial_ms);
	/* The epochs keep their own copy, under their lock. */
	cfg->epoch = new->epoch;
}

/* Must hold kr_ctl_lock.  Refuse what cannot change once seeded. */
static int check_fixed(struct kr_flow *flow, const struct kr_flow_settings *set,
		       struct netlink_ext_ack *extack)
{
	bool seeded = test_bit(KR_FLOW_SEEDED, &flow->state);

	if (seeded && (set->has & BIT_ULL(KEYROT_A_FLOW_ROLE)) &&
	    set->role != flow->epochs.role) {
		NL_SET_ERR_MSG_MOD(extack, "role is fixed once a seed is installed");
		return -EBUSY;
	}
	if (seeded && (set->has & BIT_ULL(KEYROT_A_FLOW_CIPHER)) &&
	    set->cipher != flow->epochs.cipher) {
		NL_SET_ERR_MSG_MOD(extack, "cipher is fixed once a seed is installed");
		return -EBUSY;
	}
	return 0;
}

/**
 * kr_flow_configure() - apply a flow-set request
 * @flow: the flow
 * @set: the settings given, validated by netlink.c
 * @extack: for the reason of a refusal
 *
 * The namespace's UDP socket opens with the first configured flow.  A
 * refusal changes nothing.
 *
 * Context: Process context; holds kr_ctl_lock.
 * Return: 0 or -errno.
 */
int kr_flow_configure(struct kr_flow *flow, const struct kr_flow_settings *set,
		      struct netlink_ext_ack *extack)
{
	struct kr_net *kn = rcu_dereference_protected(flow->kn,
					lockdep_is_held(&kr_ctl_lock));
	int ret;

	lockdep_assert_held(&kr_ctl_lock);
	if (!kn || kr_flow_is_down(flow)) {
		NL_SET_ERR_MSG_MOD(extack, "flow is down");
		return -ENODEV;
	}
	ret = check_fixed(flow, set, extack);
	if (ret)
		return ret;
	if (!rcu_access_pointer(kn->sock)) {
		ret = kr_udp_open(kn, kn->port, NULL);
		if (ret) {
			NL_SET_ERR_MSG_MOD(extack, "cannot open the namespace's UDP socket");
			return ret;
		}
	}

	if (set->has & BIT_ULL(KEYROT_A_FLOW_PEER_ADDR)) {
		write_lock_bh(&flow->peer_lock);
		flow->peer = set->peer;
		dst_cache_reset(&flow->dst_cache);
		write_unlock_bh(&flow->peer_lock);
	}
	if (set->has & BIT_ULL(KEYROT_A_FLOW_PEER_ID))
		WRITE_ONCE(flow->peer_id, set->peer_id);
	if (set->has & BIT_ULL(KEYROT_A_FLOW_COOKIE))
		WRITE_ONCE(flow->cookie, set->cookie);
	if (set->has & BIT_ULL(KEYROT_A_FLOW_ROLE))
		flow->epochs.role = set->role;
	if (set->has & BIT_ULL(KEYROT_A_FLOW_CIPHER))
		flow->epochs.cipher = set->cipher;
	set_cfg(&flow->cfg, &set->cfg);
	kr_epochs_set_cfg(&flow->epochs, &set->cfg.epoch);
	read_lock_bh(&flow->peer_lock);
	if (flow->peer.addr.sa_family && flow->peer_id)
		set_bit(KR_FLOW_CONFIGURED, &flow->state);
	read_unlock_bh(&flow->peer_lock);
	kr_flow_kick(flow);
	return 0;
}

/* Must hold kr_ctl_lock.  Control operations need a live, configured flow. */
static int check_live(struct kr_flow *flow, struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&kr_ctl_lock);
	if (kr_flow_is_down(flow)) {
		NL_SET_ERR_MSG_MOD(extack, "flow is down");
		return -ENODEV;
	}
	if (!test_bit(KR_FLOW_CONFIGURED, &flow->state)) {
		NL_SET_ERR_MSG_MOD(extack, "flow has no peer yet: flow-set first");
		return -ENOTCONN;
	}
	return 0;
}

/* Set the reason a lower room gave, a static string, as the extack. */
static void set_why(struct netlink_ext_ack *extack, const char *why)
{
	if (extack && why)
		extack->_msg = why;
}

/**
 * kr_flow_install() - install a root seed (seed-install)
 * @flow: the flow
 * @epoch: its epoch byte
 * @seed: KEYROT_SEED_LEN bytes; wiped before return, on every path
 * @key_id: its key id
 * @peer_holds: spec section 6 (b)
 * @start: start values of directions 0 and 1
 * @extack: for the reason of a refusal
 *
 * Context: Process context; holds kr_ctl_lock.
 * Return: 0 or -errno, with nothing changed.
 */
int kr_flow_install(struct kr_flow *flow, u8 epoch, u8 *seed,
		    const u8 *key_id, bool peer_holds, const u64 *start,
		    struct netlink_ext_ack *extack)
{
	const char *why = NULL;
	int ret;

	lockdep_assert_held(&kr_ctl_lock);
	ret = check_live(flow, extack);
	if (ret) {
		memzero_explicit(seed, KEYROT_SEED_LEN);
		return ret;
	}
	ret = kr_epochs_install(&flow->epochs, epoch, seed, key_id, peer_holds,
				start, kr_now(), &why);
	if (ret) {
		set_why(extack, why);
		return ret;
	}
	/* The peer's silence counts from the first seed. */
	if (!test_and_set_bit(KR_FLOW_SEEDED, &flow->state))
		WRITE_ONCE(flow->last_rx, kr_now());
	kr_stats_inc(flow->stats, KEYROT_A_STATS_EPOCHS_INSTALLED);
	kr_flow_kick(flow);
	return 0;
}

/**
 * kr_flow_confirm() - the peer holds the pending seed (epoch-confirm)
 * @flow: the flow
 * @key_id: the pending seed's key id
 * @extack: for the reason of a refusal
 *
 * Context: Process context; holds kr_ctl_lock.
 * Return: 0 or -errno.
 */
int kr_flow_confirm(struct kr_flow *flow, const u8 *key_id,
		    struct netlink_ext_ack *extack)
{
	const char *why = NULL;
	int ret;

	ret = check_live(flow, extack);
	if (ret)
		return ret;
	ret = kr_epochs_confirm(&flow->epochs, key_id, kr_now(), &why);
	if (ret) {
		set_why(extack, why);
		return ret;
	}
	kr_flow_kick(flow);
	return 0;
}

/**
 * kr_flow_withdraw() - withdraw the pending seed (epoch-withdraw)
 * @flow: the flow
 * @key_id: the pending seed's key id
 * @extack: for the reason of a refusal
 *
 * Context: Process context; holds kr_ctl_lock.
 * Return: 0 or -errno.
 */
int kr_flow_withdraw(struct kr_flow *flow, const u8 *key_id,
		     struct netlink_ext_ack *extack)
{
	const char *why = NULL;
	int ret;

	ret = check_live(flow, extack);
	if (ret)
		return ret;
	ret = kr_epochs_withdraw(&flow->epochs, key_id, &why);
	if (ret) {
		set_why(extack, why);
		return ret;
	}
	kr_flow_kick(flow);
	return 0;
}

/**
 * kr_flow_request_rekey() - ask for a re-key (ioctl or rekey-request)
 * @flow: the flow
 *
 * Context: Any context.
 */
void kr_flow_request_rekey(struct kr_flow *flow)
{
	kr_epochs_request(&flow->epochs);
	kr_flow_kick(flow);
}

static int __net_init kr_net_init(struct net *net)
{
	struct kr_net *kn = kr_net_get(net);

	kn->stats = kr_stats_alloc();
	if (!kn->stats)
		return -ENOMEM;
	kn->net = net;
	kn->port = KEYROT_DEFAULT_PORT;
	atomic_set(&kn->detaching, 0);
	INIT_LIST_HEAD(&kn->flows);
	INIT_LIST_HEAD(&kn->quarantine);
	hash_init(kn->table);
	return 0;
}

/*
 * The namespace goes while descriptors may still hold its flows: detach
 * them (they read 0, poll EPOLLHUP) and close the socket.
 */
static void __net_exit kr_net_exit(struct net *net)
{
	struct kr_net *kn = kr_net_get(net);
	struct quarantined *q, *tmp;
	struct kr_flow *flow, *next;
	struct socket *sock;
	LIST_HEAD(gone);

	/* Unpublish every flow at once, then one grace period for them all. */
	mutex_lock(&kr_ctl_lock);
	kn->dead = true;
	list_for_each_entry_safe(flow, next, &kn->flows, node) {
		kr_flow_get(flow);
		unpublish(flow);
		list_add_tail(&flow->node, &gone);
	}
	mutex_unlock(&kr_ctl_lock);
	synchronize_net();
	list_for_each_entry_safe(flow, next, &gone, node) {
		list_del(&flow->node);
		detach(flow, kn);
		kr_flow_put(flow);
	}
	/* Flows a close or flow-del unpublished still have timers to stop. */
	wait_var_event(&kn->detaching, !atomic_read(&kn->detaching));

	mutex_lock(&kr_ctl_lock);
	sock = kr_udp_close(kn);
	list_for_each_entry_safe(q, tmp, &kn->quarantine, node)
		kfree(q);
	mutex_unlock(&kr_ctl_lock);
	kr_udp_release(sock);
	kr_stats_free(kn->stats);
}

static struct pernet_operations kr_net_ops = {
	.init = kr_net_init,
	.exit = kr_net_exit,
	.id = &kr_net_id,
	.size = sizeof(struct kr_net),
};

/**
 * kr_flow_init() - register keyrot's per-namespace state
 *
 * Context: Process context, at module load.
 * Return: 0 or -errno.
 */
int kr_flow_init(void)
{
	int ret;

	kr_flow_wq = alloc_workqueue("keyrot_flows", WQ_UNBOUND, 0);
	if (!kr_flow_wq)
		return -ENOMEM;
	ret = register_pernet_subsys(&kr_net_ops);
	if (ret)
		destroy_workqueue(kr_flow_wq);
	return ret;
}

/**
 * kr_flow_uninit() - unregister it once every flow is freed
 *
 * Descriptors are closed (they hold the module), but packets still in
 * crypto may hold flows: wait for the last, then for its RCU free.
 *
 * Context: Process context, at module unload.
 */
void kr_flow_uninit(void)
{
	unregister_pernet_subsys(&kr_net_ops);
	wait_var_event(&flows_live, !atomic_read(&flows_live));
	rcu_barrier();
	destroy_workqueue(kr_flow_wq);
}
