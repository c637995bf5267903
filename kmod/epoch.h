/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The epochs of one flow end (spec sections 6 and 7): at most two live ones,
 * the transmit epoch and either a next one (installed, not transmitted on) or
 * a previous one (still receivable while it retires); confirmation, the
 * switch-over, retirement and the re-key need.
 *
 * This file knows nothing of sockets, descriptors or netlink, and reads no
 * clock: every entry point takes the time, in nanoseconds, from its caller,
 * so KUnit drives two ends on a fake clock.
 */
#ifndef _KR_EPOCH_H
#define _KR_EPOCH_H

#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct kr_keytree;
struct kr_replay;

/**
 * struct kr_epoch - one installed root seed
 * @ref: held by the epoch slots and by each packet in flight on it; the
 *	last put frees the epoch after an RCU grace period
 * @tree: its key tree; the key id is @tree->key_id
 * @rx: the replay window of the receive direction
 * @free_rwork: frees the epoch in process context after the last put
 * @number: the epoch byte of its packets
 * @confirmed: the peer is known to hold the seed (under the epochs lock)
 * @peer_seen: a packet from the peer authenticated on it (epochs lock)
 * @installed: when it was installed
 * @tx_since: when it became the transmit epoch
 * @peer_seen_at: when @peer_seen became true
 * @rekey_at: @tx_since plus the re-key interval and this epoch's jitter
 */
struct kr_epoch {
	struct kref ref;
	struct kr_keytree *tree;
	struct kr_replay *rx;
	struct rcu_work free_rwork;
	u8 number;
	bool confirmed;
	bool peer_seen;
	u64 installed;
	u64 tx_since;
	u64 peer_seen_at;
	u64 rekey_at;
};

/**
 * struct kr_epoch_cfg - the section 9 settings the epochs follow
 * @window: replay window, packets
 * @watermark: re-key when fewer transmit leaves remain
 * @rekey_interval: nanoseconds
 * @jitter_pct: up to this much of @rekey_interval is added, per epoch
 * @grace: an unconfirmed next epoch raises "unconfirmed" after this
 * @retire: the previous epoch goes this long after the peer's first
 *	packet on the new transmit epoch
 * @confirm: key confirmations repeat at this period
 * @event: the re-key event repeats at this period while the need lasts
 */
struct kr_epoch_cfg {
	u32 window;
	u32 watermark;
	u64 rekey_interval;
	u8 jitter_pct;
	u64 grace;
	u64 retire;
	u64 confirm;
	u64 event;
};

/* What happened, for the flow to report (struct kr_epochs @events). */
enum kr_epoch_events {
	KR_EPOCH_EV_CONFIRMED = BIT(0),	/* a next epoch was confirmed */
	KR_EPOCH_EV_SWITCHED = BIT(1),	/* a new transmit epoch */
	KR_EPOCH_EV_CONFIRM = BIT(2),	/* send a key confirmation now */
	KR_EPOCH_EV_RETIRED = BIT(3),	/* the previous epoch retired */
};

/**
 * struct kr_epochs - the epochs of one flow end
 * @lock: protects everything below; taken from softirq, so _bh.  Readers
 *	of the three slots may use RCU instead.
 * @tx: the transmit epoch, always confirmed; NULL before the first
 * @next: an installed epoch not transmitted on yet; never with @prev
 * @prev: the previous transmit epoch, receivable until it retires
 * @role: this end's role; it transmits under direction @role
 * @cipher: enum keyrot_cipher, for every epoch
 * @cfg: the settings
 * @requested: a re-key was asked for (reason "request")
 * @need: enum keyrot_rekey_reason bits, as of the last tick
 * @events: enum kr_epoch_events not yet taken by kr_epochs_tick()
 * @switched_from: the old transmit epoch number of the last switch
 * @had_tx: @switched_from is meaningful
 * @confirm_until: key confirmations repeat until then; 0 when not
 * @confirm_next: the next repeat is due then
 * @event_next: the re-key event is next due then; 0 to send at once
 */
struct kr_epochs {
	spinlock_t lock;	/* see above */
	struct kr_epoch __rcu *tx;
	struct kr_epoch __rcu *next;
	struct kr_epoch __rcu *prev;
	u8 role;
	u8 cipher;
	struct kr_epoch_cfg cfg;
	bool requested;
	u32 need;
	unsigned long events;
	u8 switched_from;
	bool had_tx;
	u64 confirm_until;
	u64 confirm_next;
	u64 event_next;
};

/**
 * struct kr_epoch_tick - what kr_epochs_tick() asks of its caller
 * @events: enum kr_epoch_events that happened since the last tick
 * @emit_need: send the re-key event now (the need is in @need)
 * @need: the re-key need, enum keyrot_rekey_reason bits
 * @need_changed: @need differs from the previous tick
 * @old_epoch: with KR_EPOCH_EV_SWITCHED, the transmit epoch before, or -1
 * @deadline: tick again at this time at the latest (U64_MAX: no need)
 */
struct kr_epoch_tick {
	unsigned long events;
	bool emit_need;
	u32 need;
	bool need_changed;
	int old_epoch;
	u64 deadline;
};

/**
 * struct kr_epoch_view - what the control plane may see of a live epoch
 * @number: its epoch byte
 * @key_id: its key id, which names the seed without revealing it
 * @state: enum keyrot_epoch_state
 * @confirmed: the peer holds it
 * @peer_seen: a packet from the peer authenticated on it
 * @tx_seq: next sequence number this end sends on it
 * @rx_seq: one above the highest received on it
 * @leaves_remaining: transmit leaves not yet entered
 * @installed: when it was installed, ns
 */
struct kr_epoch_view {
	u8 number;
	u8 key_id[8];
	u32 state;
	bool confirmed;
	bool peer_seen;
	u64 tx_seq;
	u64 rx_seq;
	u32 leaves_remaining;
	u64 installed;
};

/* epoch.c APIs: */
int kr_epoch_init(void);
void kr_epoch_uninit(void);

void kr_epochs_init(struct kr_epochs *es, u8 role, u8 cipher,
		    const struct kr_epoch_cfg *cfg);
void kr_epochs_set_cfg(struct kr_epochs *es, const struct kr_epoch_cfg *cfg);
void kr_epochs_destroy(struct kr_epochs *es);
int kr_epochs_install(struct kr_epochs *es, u8 number, u8 *seed,
		      const u8 *key_id, bool peer_holds, const u64 *start,
		      u64 now, const char **why);
int kr_epochs_confirm(struct kr_epochs *es, const u8 *key_id, u64 now,
		      const char **why);
int kr_epochs_withdraw(struct kr_epochs *es, const u8 *key_id,
		       const char **why);
void kr_epochs_request(struct kr_epochs *es);
bool kr_epochs_authenticated(struct kr_epochs *es, struct kr_epoch *e,
			     u64 now);
void kr_epochs_tick(struct kr_epochs *es, u64 now, struct kr_epoch_tick *t);
bool kr_epochs_started(struct kr_epochs *es);
bool kr_epochs_exhausted(struct kr_epochs *es);
unsigned int kr_epochs_view(struct kr_epochs *es, struct kr_epoch_view *v);
u32 kr_epochs_need(struct kr_epochs *es);

struct kr_epoch *kr_epochs_tx_get(struct kr_epochs *es);
struct kr_epoch *kr_epochs_next_get(struct kr_epochs *es);
struct kr_epoch *kr_epochs_rx_get(struct kr_epochs *es, u8 number);
void kr_epoch_put(struct kr_epoch *e);

#endif /* _KR_EPOCH_H */
