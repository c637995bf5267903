// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * Epochs: spec section 6 (install, confirmation, switch-over, retirement)
 * and section 7 (when to re-key).  See epoch.h.
 *
 * The three slots change only under es->lock.  Packet paths find an epoch
 * under RCU and take a reference; the last reference frees it, with its
 * keys, in process context.
 */

#include "epoch.h"
#include "keytree.h"
#include "replay.h"

#include "../uapi/keyrot.h"

#include <crypto/algapi.h>
#include <linux/minmax.h>
#include <linux/random.h>
#include <linux/slab.h>

/* Frees epochs (their key trees must be destroyed in process context). */
static struct workqueue_struct *epoch_wq;

static void epoch_free(struct kr_epoch *e)
{
	kr_keytree_destroy(e->tree);
	kr_replay_free(e->rx);
	kfree(e);
}

static void epoch_free_work(struct work_struct *work)
{
	epoch_free(container_of(to_rcu_work(work), struct kr_epoch, free_rwork));
}

static void epoch_release(struct kref *ref)
{
	struct kr_epoch *e = container_of(ref, struct kr_epoch, ref);

	/*
	 * Packet paths find epochs under RCU and may still be looking at this
	 * one: free it after a grace period, in process context.
	 */
	queue_rcu_work(epoch_wq, &e->free_rwork);
}

/**
 * kr_epoch_put() - drop a reference to an epoch
 * @e: the epoch, or NULL
 *
 * Context: Any context.
 */
void kr_epoch_put(struct kr_epoch *e)
{
	if (e)
		kref_put(&e->ref, epoch_release);
}

/* The epoch in a slot, for a holder of es->lock. */
static struct kr_epoch *locked(struct kr_epochs *es,
			       struct kr_epoch __rcu *const *slot)
{
	return rcu_dereference_protected(*slot, lockdep_is_held(&es->lock));
}

static struct kr_epoch *epoch_get_rcu(struct kr_epoch __rcu **p)
{
	struct kr_epoch *e;

	rcu_read_lock_bh();
	e = rcu_dereference_bh(*p);
	if (e && !kref_get_unless_zero(&e->ref))
		e = NULL;
	rcu_read_unlock_bh();
	return e;
}

/**
 * kr_epochs_tx_get() - the transmit epoch
 * @es: the epochs
 *
 * Context: Any context.
 * Return: the transmit epoch with a reference, or NULL before the first seed
 * is confirmed.
 */
struct kr_epoch *kr_epochs_tx_get(struct kr_epochs *es)
{
	return epoch_get_rcu(&es->tx);
}

/**
 * kr_epochs_next_get() - the pending next epoch
 * @es: the epochs
 *
 * Context: Any context.
 * Return: the next epoch with a reference, or NULL if none is pending.
 */
struct kr_epoch *kr_epochs_next_get(struct kr_epochs *es)
{
	return epoch_get_rcu(&es->next);
}

/**
 * kr_epochs_rx_get() - the live epoch a received packet names
 * @es: the epochs
 * @number: the packet's epoch byte
 *
 * Context: Any context.
 * Return: the epoch with a reference, or NULL if no live epoch has @number.
 */
struct kr_epoch *kr_epochs_rx_get(struct kr_epochs *es, u8 number)
{
	struct kr_epoch __rcu **slots[] = { &es->tx, &es->next, &es->prev };
	struct kr_epoch *e = NULL;
	unsigned int i;

	rcu_read_lock_bh();
	for (i = 0; i < ARRAY_SIZE(slots); i++) {
		e = rcu_dereference_bh(*slots[i]);
		if (e && e->number == number && kref_get_unless_zero(&e->ref))
			break;
		e = NULL;
	}
	rcu_read_unlock_bh();
	return e;
}

/**
 * kr_epochs_started() - whether a transmit epoch exists
 * @es: the epochs
 *
 * Context: Any context.
 * Return: true once the first seed was confirmed.
 */
bool kr_epochs_started(struct kr_epochs *es)
{
	return rcu_access_pointer(es->tx);
}

/**
 * kr_epochs_exhausted() - whether the transmit direction is used up
 * @es: the epochs
 *
 * Context: Any context.
 * Return: true if the transmit epoch's sequence numbers reached 2^33.
 */
bool kr_epochs_exhausted(struct kr_epochs *es)
{
	struct kr_epoch *tx = kr_epochs_tx_get(es);
	bool done = tx && kr_keytree_seq(tx->tree, es->role) >= KR_SEQ_LIMIT;

	kr_epoch_put(tx);
	return done;
}

/* Must hold es->lock.  Spec section 6: what a new seed must wait for. */
static int install_allowed(struct kr_epochs *es, u8 number, const char **why)
{
	struct kr_epoch *tx = locked(es, &es->tx);

	lockdep_assert_held(&es->lock);
	if (locked(es, &es->next)) {
		*why = "a next epoch is pending: confirm or withdraw it first";
		return -EBUSY;
	}
	if (!tx)
		return 0;
	if (number != (u8)(tx->number + 1)) {
		*why = "epoch is not the transmit epoch + 1";
		return -EINVAL;
	}
	if (!tx->peer_seen) {
		*why = "the peer has not been seen on the transmit epoch yet";
		return -EAGAIN;
	}
	return 0;
}

static u64 rekey_delay(const struct kr_epoch_cfg *cfg)
{
	u64 jitter = 0;

	if (cfg->jitter_pct)
		jitter = div_u64(cfg->rekey_interval *
				 get_random_u32_below(cfg->jitter_pct + 1), 100);
	return cfg->rekey_interval + jitter;
}

/*
 * Must hold es->lock.  The confirmed next epoch becomes the transmit epoch at
 * once; the old one stays receivable as the previous one.  Moved by a packet
 * from the peer (section 6 (a)), the peer is seen on it already; moved by the
 * install or the control plane ((b), (c)), key confirmations repeat until it
 * is, for at most the grace period.
 */
static void promote(struct kr_epochs *es, u64 now, bool by_packet)
{
	struct kr_epoch *next = locked(es, &es->next), *old = locked(es, &es->tx);

	lockdep_assert_held(&es->lock);
	next->confirmed = true;
	next->tx_since = now;
	next->rekey_at = now + rekey_delay(&es->cfg);
	es->had_tx = old;
	if (old)
		es->switched_from = old->number;
	rcu_assign_pointer(es->prev, old);
	rcu_assign_pointer(es->tx, next);
	RCU_INIT_POINTER(es->next, NULL);
	es->requested = false;
	es->events |= KR_EPOCH_EV_CONFIRMED | KR_EPOCH_EV_SWITCHED |
		      KR_EPOCH_EV_CONFIRM;
	if (by_packet) {
		WRITE_ONCE(next->peer_seen, true);
		next->peer_seen_at = now;
		es->confirm_until = 0;
	} else {
		es->confirm_until = now + es->cfg.grace;
		es->confirm_next = now + es->cfg.confirm;
	}
}

static struct kr_epoch *epoch_create(struct kr_epochs *es, u8 number,
				     u8 *seed, const u8 *key_id,
				     const u64 *start, u64 now,
				     const char **why)
{
	struct kr_epoch *e;
	unsigned int d;
	int ret;

	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e) {
		memzero_explicit(seed, KEYROT_SEED_LEN);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&e->ref);
	INIT_RCU_WORK(&e->free_rwork, epoch_free_work);
	e->number = number;
	e->installed = now;

	e->tree = kr_keytree_create(seed, es->cipher);
	if (IS_ERR(e->tree)) {
		ret = PTR_ERR(e->tree);
		e->tree = NULL;
		*why = "cannot derive the key tree";
		goto err_free;
	}
	if (crypto_memneq(e->tree->key_id, key_id, KEYROT_KEY_ID_LEN)) {
		ret = -EKEYREJECTED;
		*why = "key id does not match the seed";
		goto err_free;
	}
	for (d = 0; d < KR_DIRS; d++) {
		ret = kr_keytree_seek(e->tree, d, start[d]);
		if (ret) {
			*why = "start value beyond the key tree";
			goto err_free;
		}
	}
	ret = kr_keytree_prepare(e->tree);
	if (ret) {
		*why = "cannot prepare the first leaf keys";
		goto err_free;
	}
	/* The three prepared leaves of a receive direction need this. */
	BUILD_BUG_ON(BIT_ULL(KR_LEAF_SHIFT) <= KR_REPLAY_MAX);
	e->rx = kr_replay_alloc(es->cfg.window, start[!es->role], GFP_KERNEL);
	if (IS_ERR(e->rx)) {
		ret = PTR_ERR(e->rx);
		e->rx = NULL;
		*why = "cannot allocate the replay window";
		goto err_free;
	}
	return e;

err_free:
	/* Nobody else has seen it: free it here, in process context. */
	epoch_free(e);
	return ERR_PTR(ret);
}

/**
 * kr_epochs_install() - install a root seed as the first or next epoch
 * @es: the epochs
 * @number: its epoch byte
 * @seed: KEYROT_SEED_LEN bytes; wiped before return, on every path
 * @key_id: the key id the control plane expects of @seed
 * @peer_holds: the peer already holds it (spec section 6 (b))
 * @start: the start value of direction 0 and of direction 1
 * @now: the time, ns
 * @why: set to a reason on refusal, for the control plane
 *
 * Spec section 6: the first seed may carry any epoch; each later one the
 * transmit epoch + 1, only with no next epoch pending and once the peer was
 * seen on the transmit epoch, which lets a previous epoch still live retire
 * at once.  With @peer_holds the seed becomes the transmit epoch now.
 *
 * Context: Process context; may sleep.
 * Return: 0, or -errno with nothing changed.
 */
int kr_epochs_install(struct kr_epochs *es, u8 number, u8 *seed,
		      const u8 *key_id, bool peer_holds, const u64 *start,
		      u64 now, const char **why)
{
	struct kr_epoch *e, *retired = NULL;
	int ret;

	might_sleep();
	/* Refuse before deriving anything if we can already tell. */
	spin_lock_bh(&es->lock);
	ret = install_allowed(es, number, why);
	spin_unlock_bh(&es->lock);
	if (ret) {
		memzero_explicit(seed, KEYROT_SEED_LEN);
		return ret;
	}

	e = epoch_create(es, number, seed, key_id, start, now, why);
	if (IS_ERR(e))
		return PTR_ERR(e);

	spin_lock_bh(&es->lock);
	ret = install_allowed(es, number, why);
	if (!ret) {
		retired = locked(es, &es->prev);
		RCU_INIT_POINTER(es->prev, NULL);
		if (retired)
			es->events |= KR_EPOCH_EV_RETIRED;
		rcu_assign_pointer(es->next, e);
		if (peer_holds)
			promote(es, now, false);
		e = NULL;
	}
	spin_unlock_bh(&es->lock);
	kr_epoch_put(retired);
	kr_epoch_put(e);
	return ret;
}

/* Must hold es->lock.  The pending next epoch, if its key id is @key_id. */
static struct kr_epoch *next_by_key_id(struct kr_epochs *es, const u8 *key_id)
{
	struct kr_epoch *next = locked(es, &es->next);

	if (next && !crypto_memneq(next->tree->key_id, key_id,
				   KEYROT_KEY_ID_LEN))
		return next;
	return NULL;
}

/**
 * kr_epochs_confirm() - the control plane learnt the peer holds a seed
 * @es: the epochs
 * @key_id: the key id of the pending next epoch
 * @now: the time, ns
 * @why: set to a reason on refusal
 *
 * Spec section 6 (c): the next epoch is confirmed and becomes the transmit
 * epoch.
 *
 * Context: Any context.
 * Return: 0, or -ENOENT if no pending epoch has @key_id.
 */
int kr_epochs_confirm(struct kr_epochs *es, const u8 *key_id, u64 now,
		      const char **why)
{
	int ret = 0;

	spin_lock_bh(&es->lock);
	if (next_by_key_id(es, key_id)) {
		promote(es, now, false);
	} else {
		*why = "no pending epoch has this key id";
		ret = -ENOENT;
	}
	spin_unlock_bh(&es->lock);
	return ret;
}

/**
 * kr_epochs_withdraw() - withdraw the pending next epoch
 * @es: the epochs
 * @key_id: its key id
 * @why: set to a reason on refusal
 *
 * Spec section 6: a pending seed is withdrawn by key id, never replaced in
 * place.  Its keys are wiped once packets in flight on it are done.
 *
 * Context: Any context.
 * Return: 0, or -ENOENT if no pending epoch has @key_id.
 */
int kr_epochs_withdraw(struct kr_epochs *es, const u8 *key_id,
		       const char **why)
{
	struct kr_epoch *next;

	spin_lock_bh(&es->lock);
	next = next_by_key_id(es, key_id);
	if (next)
		RCU_INIT_POINTER(es->next, NULL);
	spin_unlock_bh(&es->lock);
	if (!next) {
		*why = "no pending epoch has this key id";
		return -ENOENT;
	}
	kr_epoch_put(next);
	return 0;
}

/**
 * kr_epochs_request() - ask for a re-key (spec section 7, "it is asked to")
 * @es: the epochs
 *
 * Context: Any context.
 */
void kr_epochs_request(struct kr_epochs *es)
{
	spin_lock_bh(&es->lock);
	es->requested = true;
	es->event_next = 0;
	spin_unlock_bh(&es->lock);
}

/**
 * kr_epochs_authenticated() - a packet from the peer authenticated on @e
 * @es: the epochs
 * @e: the epoch it named
 * @now: the time, ns
 *
 * Spec section 6: on a pending next epoch this confirms it (a) and makes it
 * the transmit epoch; on the transmit epoch, the first such packet starts
 * the previous epoch's retirement and ends key-confirmation repeats.
 *
 * Context: Any context.
 * Return: true if something changed that the flow should act on soon.
 */
bool kr_epochs_authenticated(struct kr_epochs *es, struct kr_epoch *e,
			     u64 now)
{
	bool changed = false;

	/* The common case, read without the lock: nothing to do. */
	if (READ_ONCE(e->peer_seen))
		return false;

	spin_lock_bh(&es->lock);
	if (e == locked(es, &es->next)) {
		promote(es, now, true);
		changed = true;
	} else if (e == locked(es, &es->tx) && !e->peer_seen) {
		WRITE_ONCE(e->peer_seen, true);
		e->peer_seen_at = now;
		es->confirm_until = 0;
		changed = true;
	}
	spin_unlock_bh(&es->lock);
	return changed;
}

/* Must hold es->lock.  Spec section 7: why a re-key is needed now. */
static u32 compute_need(struct kr_epochs *es, u64 now)
{
	struct kr_epoch *tx = locked(es, &es->tx), *next = locked(es, &es->next);
	u32 need = 0;

	lockdep_assert_held(&es->lock);
	if (next) {
		/* Only "unconfirmed" is raised while a next epoch is pending. */
		if (!next->confirmed && now >= next->installed + es->cfg.grace)
			need |= KEYROT_REKEY_REASON_UNCONFIRMED;
		return need;
	}
	if (!tx)
		return 0;
	if (kr_keytree_leaves_remaining(tx->tree, es->role) <
	    es->cfg.watermark ||
	    kr_keytree_seq(tx->tree, es->role) >= KR_SEQ_LIMIT)
		need |= KEYROT_REKEY_REASON_WATERMARK;
	if (now >= tx->rekey_at)
		need |= KEYROT_REKEY_REASON_INTERVAL;
	if (es->requested)
		need |= KEYROT_REKEY_REASON_REQUEST;
	return need;
}

/*
 * Must hold es->lock.  The previous epoch retires the retire interval after
 * the peer's first packet on the new transmit epoch.
 */
static struct kr_epoch *retire_due(struct kr_epochs *es, u64 now, u64 *when)
{
	struct kr_epoch *tx = locked(es, &es->tx), *prev = locked(es, &es->prev);

	lockdep_assert_held(&es->lock);
	if (!prev || !tx)
		return NULL;
	if (!tx->peer_seen)
		return NULL;
	if (now < tx->peer_seen_at + es->cfg.retire) {
		*when = min(*when, tx->peer_seen_at + es->cfg.retire);
		return NULL;
	}
	RCU_INIT_POINTER(es->prev, NULL);
	es->events |= KR_EPOCH_EV_RETIRED;
	return prev;
}

/**
 * kr_epochs_tick() - run the timed rules
 * @es: the epochs
 * @now: the time, ns
 * @t: filled with what the caller must do, and when to tick again
 *
 * Retires the previous epoch when due, repeats key confirmations, and keeps
 * the re-key need (a level) with its event repeated while it lasts.
 *
 * Context: Process context (a retired epoch is freed here).
 */
void kr_epochs_tick(struct kr_epochs *es, u64 now, struct kr_epoch_tick *t)
{
	struct kr_epoch *retired, *tx, *next;
	u64 when = U64_MAX;
	u32 need;

	memset(t, 0, sizeof(*t));
	spin_lock_bh(&es->lock);
	retired = retire_due(es, now, &when);
	tx = locked(es, &es->tx);
	next = locked(es, &es->next);

	/* Key confirmation repeats (section 6), bounded by the grace period. */
	if (es->confirm_until) {
		if (!tx || tx->peer_seen || now >= es->confirm_until) {
			es->confirm_until = 0;
		} else if (now >= es->confirm_next) {
			es->events |= KR_EPOCH_EV_CONFIRM;
			es->confirm_next = now + es->cfg.confirm;
		}
		if (es->confirm_until)
			when = min(when, es->confirm_next);
	}

	need = compute_need(es, now);
	t->need_changed = need != es->need;
	es->need = need;
	t->need = need;
	if (!need) {
		es->event_next = 0;
	} else if (now >= es->event_next) {
		t->emit_need = true;
		es->event_next = now + es->cfg.event;
	}
	if (need)
		when = min(when, es->event_next);

	/* The next time a rule may start to hold. */
	if (next && !next->confirmed &&
	    !(need & KEYROT_REKEY_REASON_UNCONFIRMED))
		when = min(when, next->installed + es->cfg.grace);
	if (tx && !next && !(need & KEYROT_REKEY_REASON_INTERVAL))
		when = min(when, tx->rekey_at);

	t->events = es->events;
	es->events = 0;
	t->old_epoch = es->had_tx ? es->switched_from : -1;
	t->deadline = when;
	spin_unlock_bh(&es->lock);
	kr_epoch_put(retired);
}

static void view_one(struct kr_epochs *es, struct kr_epoch *e, u32 state,
		     struct kr_epoch_view *v)
{
	v->number = e->number;
	memcpy(v->key_id, e->tree->key_id, sizeof(v->key_id));
	v->state = state;
	v->confirmed = e->confirmed;
	v->peer_seen = e->peer_seen;
	v->tx_seq = kr_keytree_seq(e->tree, es->role);
	v->rx_seq = kr_keytree_seq(e->tree, !es->role);
	v->leaves_remaining = kr_keytree_leaves_remaining(e->tree, es->role);
	v->installed = e->installed;
}

/**
 * kr_epochs_view() - the live epochs, for the control plane
 * @es: the epochs
 * @v: room for three views
 *
 * Context: Any context.
 * Return: how many were filled: transmit, then next or previous.
 */
unsigned int kr_epochs_view(struct kr_epochs *es, struct kr_epoch_view *v)
{
	unsigned int n = 0;

	spin_lock_bh(&es->lock);
	if (locked(es, &es->tx))
		view_one(es, locked(es, &es->tx), KEYROT_EPOCH_STATE_TRANSMIT, &v[n++]);
	if (locked(es, &es->next))
		view_one(es, locked(es, &es->next), KEYROT_EPOCH_STATE_NEXT, &v[n++]);
	if (locked(es, &es->prev))
		view_one(es, locked(es, &es->prev), KEYROT_EPOCH_STATE_PREVIOUS,
			 &v[n++]);
	spin_unlock_bh(&es->lock);
	return n;
}

/**
 * kr_epochs_need() - the re-key need as of the last tick
 * @es: the epochs
 *
 * Context: Any context.
 * Return: enum keyrot_rekey_reason bits, 0 if none.
 */
u32 kr_epochs_need(struct kr_epochs *es)
{
	return READ_ONCE(es->need);
}

/**
 * kr_epochs_init() - set up the epochs of a flow end
 * @es: the epochs
 * @role: this end's role
 * @cipher: enum keyrot_cipher
 * @cfg: the settings
 *
 * Context: Any context.
 */
void kr_epochs_init(struct kr_epochs *es, u8 role, u8 cipher,
		    const struct kr_epoch_cfg *cfg)
{
	memset(es, 0, sizeof(*es));
	spin_lock_init(&es->lock);
	es->role = role;
	es->cipher = cipher;
	es->cfg = *cfg;
}

/**
 * kr_epochs_set_cfg() - change the settings
 * @es: the epochs
 * @cfg: the new settings; a new window size applies to later epochs
 *
 * Context: Any context.
 */
void kr_epochs_set_cfg(struct kr_epochs *es, const struct kr_epoch_cfg *cfg)
{
	spin_lock_bh(&es->lock);
	es->cfg = *cfg;
	es->event_next = 0;
	spin_unlock_bh(&es->lock);
}

/**
 * kr_epochs_destroy() - drop every epoch
 * @es: the epochs
 *
 * Their keys are wiped once the packets in flight on them are done.
 *
 * Context: Any context.
 */
void kr_epochs_destroy(struct kr_epochs *es)
{
	struct kr_epoch *tx, *next, *prev;

	spin_lock_bh(&es->lock);
	tx = locked(es, &es->tx);
	next = locked(es, &es->next);
	prev = locked(es, &es->prev);
	RCU_INIT_POINTER(es->tx, NULL);
	RCU_INIT_POINTER(es->next, NULL);
	RCU_INIT_POINTER(es->prev, NULL);
	es->need = 0;
	spin_unlock_bh(&es->lock);
	kr_epoch_put(tx);
	kr_epoch_put(next);
	kr_epoch_put(prev);
}

/**
 * kr_epoch_init() - module-wide set-up of epochs
 *
 * Context: Process context, at module load.
 * Return: 0 or -ENOMEM.
 */
int kr_epoch_init(void)
{
	epoch_wq = alloc_workqueue("keyrot_epochs", WQ_UNBOUND, 0);
	return epoch_wq ? 0 : -ENOMEM;
}

/**
 * kr_epoch_uninit() - wait for every dropped epoch to be freed
 *
 * Context: Process context, at module unload.
 */
void kr_epoch_uninit(void)
{
	/* Frees queued after a grace period are queued by then. */
	rcu_barrier();
	destroy_workqueue(epoch_wq);
}

#if IS_ENABLED(CONFIG_KEYROT_KUNIT_TEST)
#include "tests/epoch_test.c"
#endif
