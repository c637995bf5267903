// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The flow's timers: one delayed work item per flow that runs the timed
 * rules of the epochs (retirement, key-confirmation repeats, the re-key
 * need and its repeated event), keepalives and the peer timeout (spec
 * section 9), and what the packet paths defer to process context: events,
 * key confirmations, far-ahead trials.  It runs whenever one of those falls
 * due, and at once when a packet path or the control plane kicks it.
 */

#include "epoch.h"
#include "flow.h"
#include "keytree.h"
#include "netlink.h"
#include "packet.h"

#include "../uapi/keyrot.h"

#include <linux/jiffies.h>
#include <linux/minmax.h>

/**
 * kr_timers_schedule() - run the flow's timers after @delay_ns at the latest
 * @flow: the flow
 * @delay_ns: nanoseconds from now
 *
 * Context: Any context.
 */
void kr_timers_schedule(struct kr_flow *flow, u64 delay_ns)
{
	unsigned long delay = min_t(u64, nsecs_to_jiffies64(delay_ns),
				    MAX_JIFFY_OFFSET);

	if (test_bit(KR_FLOW_DETACHED, &flow->state))
		return;
	/* An earlier deadline already queued stays. */
	kr_flow_get(flow);
	if (!queue_delayed_work(kr_flow_wq, &flow->work, delay))
		kr_flow_put(flow);
}

static void report_epochs(struct kr_flow *flow, const struct kr_epoch_tick *t)
{
	unsigned long events = t->events;
	struct kr_epoch *tx;

	if (!(events & (KR_EPOCH_EV_CONFIRMED | KR_EPOCH_EV_SWITCHED)))
		return;
	tx = kr_epochs_tx_get(&flow->epochs);
	if (!tx)
		return;
	if (events & KR_EPOCH_EV_CONFIRMED)
		kr_netlink_notify_epoch(flow, KEYROT_CMD_EPOCH_CONFIRMED_NTF,
					tx->number, tx->tree->key_id, -1);
	if (events & KR_EPOCH_EV_SWITCHED)
		kr_netlink_notify_epoch(flow, KEYROT_CMD_EPOCH_SWITCHED_NTF,
					tx->number, tx->tree->key_id,
					t->old_epoch);
	kr_epoch_put(tx);
	/* Writers wait for the first transmit epoch. */
	wake_up_interruptible_poll(&flow->wait, EPOLLOUT);
}

static void run_need(struct kr_flow *flow, const struct kr_epoch_tick *t)
{
	if (t->need_changed) {
		if (t->need)
			set_bit(KR_FLOW_REKEY, &flow->state);
		else
			clear_bit(KR_FLOW_REKEY, &flow->state);
		/* EPOLLPRI is a level: pollers look again either way. */
		wake_up_interruptible_poll(&flow->wait, EPOLLPRI);
	}
	if (t->emit_need) {
		kr_stats_inc(flow->stats, KEYROT_A_STATS_REKEY_EVENTS);
		kr_netlink_notify_rekey(flow, t->need);
	}
}

/* Spec section 9: keepalives and the peer timeout.  Returns a deadline. */
static u64 run_liveness(struct kr_flow *flow, u64 now)
{
	u64 keepalive = (u64)READ_ONCE(flow->cfg.keepalive_ms) * NSEC_PER_MSEC;
	u64 timeout = (u64)READ_ONCE(flow->cfg.peer_timeout_ms) * NSEC_PER_MSEC;
	u64 when = U64_MAX;

	if (!kr_epochs_started(&flow->epochs))
		return when;
	when = READ_ONCE(flow->last_tx) + keepalive;
	/* One that cannot go now (keys exhausted) is tried a period later. */
	if (now >= when && kr_send_empty(flow, KEYROT_A_STATS_TX_KEEPALIVES))
		when = now + keepalive;
	else if (now >= when)
		when = READ_ONCE(flow->last_tx) + keepalive;
	if (!test_bit(KR_FLOW_PEER_GONE, &flow->state)) {
		if (now >= READ_ONCE(flow->last_rx) + timeout)
			kr_flow_set_peer_gone(flow);
		else
			when = min(when, READ_ONCE(flow->last_rx) + timeout);
	}
	return when;
}

/**
 * kr_timers_work() - the flow's timers
 * @work: the flow's work item, which holds a reference on it
 *
 * Context: Process context (kr_flow_wq).
 */
void kr_timers_work(struct work_struct *work)
{
	struct kr_flow *flow = container_of(to_delayed_work(work),
					    struct kr_flow, work);
	struct kr_epoch_tick t;
	u64 now, when;

	if (test_bit(KR_FLOW_DETACHED, &flow->state) ||
	    kr_flow_is_down(flow))
		goto out;

	kr_receive_trial(flow);
	now = kr_now();
	kr_epochs_tick(&flow->epochs, now, &t);
	report_epochs(flow, &t);
	if (t.events & KR_EPOCH_EV_CONFIRM)
		kr_send_empty(flow, KEYROT_A_STATS_TX_CONFIRMATIONS);
	if (t.events & KR_EPOCH_EV_RETIRED)
		kr_stats_inc(flow->stats, KEYROT_A_STATS_EPOCHS_RETIRED);
	run_need(flow, &t);
	when = min(t.deadline, run_liveness(flow, now));
	if (when != U64_MAX)
		kr_timers_schedule(flow, when > now ? when - now : 0);
out:
	kr_flow_put(flow);
}
