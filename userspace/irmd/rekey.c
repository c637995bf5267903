// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * Re-keys and holds? queries, both ends (docs/oap.md 8.2, 9, 10;
 * docs/irmd.md "Re-key state machine"), driven by the kernel's events.
 * The decisions are reg.c's; this file carries them out: OAP sessions,
 * netlink requests, the log.
 */
#include "irmd.h"
#include "clock.h"
#include "kr_hex.h"
#include "kr_names.h"
#include "log.h"
#include "oap_msg.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* 16 hex digits of a key id, for logs. */
static const char *kid(const uint8_t id[KEYROT_KEY_ID_LEN], char *buf)
{
	kr_hex_encode(buf, id, KEYROT_KEY_ID_LEN);
	return buf;
}

/* The first 4 bytes of an exchange id, enough to follow one in a log. */
static const char *xid(const uint8_t x[KR_OAP_NONCE_LEN], char *buf)
{
	kr_hex_encode(buf, x, 4);
	return buf;
}

static const uint8_t *peer_pub(const struct kr_irmd *d,
			       const struct kr_reg_flow *f)
{
	return d->cfg.peers[f->peer].pub;
}

static struct kr_oap_flow oap_flow(const struct kr_reg_flow *f, uint8_t tx)
{
	struct kr_oap_flow of = {
		.flow_id = f->id,
		.peer_flow_id = f->peer_id,
		.role = f->role,
		.cipher = f->cipher,
		.tx_epoch = tx,
		.in_flight = kr_rk_in_flight(f),
	};

	return of;
}

void kr_rekey_forget(struct kr_irmd *d, struct kr_reg_flow *f,
		     const char *why)
{
	if (f->state == KR_REG_ALLOCATING) {
		if (f->client >= 0)
			kr_ctl_fail(&d->ctl, f->client, -EPIPE,
				    "the flow went down during the allocation");
		if (f->fd >= 0)
			close(f->fd);
		f->fd = -1;
	}
	kr_info("flow %u: forgotten: %s", f->id, why);
	kr_reg_del(&d->reg, f);
}

/* An errno for a non-ok re-key answer, for status and logs. */
static int status_errno(uint8_t status)
{
	switch (status) {
	case KR_OAP_ST_BUSY:		return -EAGAIN;
	case KR_OAP_ST_COLLISION:	return -EALREADY;
	case KR_OAP_ST_NO_FLOW:		return -ENOENT;
	case KR_OAP_ST_BAD_EPOCH:	return -ERANGE;
	case KR_OAP_ST_BAD_PARAMS:	return -EINVAL;
	case KR_OAP_ST_REFUSED:		return -EPERM;
	default:			return -EIO;
	}
}

static void act(struct kr_irmd *d, struct kr_reg_flow *f, int action);

/* Build @f's request of @kind into its session (the last one ended). */
static void send_rekey(struct kr_irmd *d, struct kr_reg_flow *f)
{
	const uint64_t *start = d->cfg.flow.has_rekey_start ?
				d->cfg.flow.rekey_start : NULL;
	struct kr_oap_flow of = oap_flow(f, f->epoch);
	char need[64], x[12];
	const char *why = "";
	int ret;

	of.in_flight = false;
	kr_oap_req_kill(&f->req);
	f->kind = KR_XCHG_NONE;
	ret = kr_oap_req_rekey(&f->req, &d->oap, peer_pub(d, f), &of, start,
			       kr_real_ms(), &why);
	if (ret) {
		kr_err("flow %u: cannot build a rekey-req: %s", f->id, why);
		act(d, f, kr_rk_on_failed(f, ret, why, kr_mono_ms(),
					  kr_irmd_rand1000()));
		return;
	}
	f->kind = KR_XCHG_REKEY;
	kr_name_flags(need, sizeof(need), f->rk.need, kr_reason_names,
		      kr_reason_count);
	kr_info("flow %u: re-key started: epoch %u -> %u (need %s), rekey-req to %s, exchange %s",
		f->id, f->epoch, f->rk.pending, need,
		kr_peer_name(d, f->peer), xid(kr_oap_req_id(&f->req), x));
	kr_xchg_start(d, f);
	kr_fail_point("rekey-req-sent");
}

static void send_holds(struct kr_irmd *d, struct kr_reg_flow *f)
{
	struct kr_oap_flow of = oap_flow(f, f->epoch);
	const char *why = "";
	char k[20];
	int ret;

	kr_oap_req_kill(&f->req);
	f->kind = KR_XCHG_NONE;
	ret = kr_oap_req_holds(&f->req, &d->oap, peer_pub(d, f), &of,
			       f->rk.pending, f->rk.key_id, f->rk.exchange,
			       kr_real_ms(), &why);
	if (ret) {
		kr_err("flow %u: cannot build a holds-req: %s", f->id, why);
		kr_rk_on_holds_timeout(f, "holds?: cannot build the query");
		return;
	}
	f->kind = KR_XCHG_HOLDS;
	kr_info("flow %u: holds? asked: does %s hold epoch %u key %s%s",
		f->id, kr_peer_name(d, f->peer), f->rk.pending,
		kid(f->rk.key_id, k),
		f->rk.exchange_known ? "" : " (exchange not known here: a stand-in id)");
	kr_xchg_start(d, f);
	kr_fail_point("holds-req-sent");
}

/* Carry out what the state machine decided. */
static void act(struct kr_irmd *d, struct kr_reg_flow *f, int action)
{
	char why[KR_NLC_WHY_LEN], k[20];
	int ret;

	switch (action) {
	case KR_RK_SEND_REKEY:
		send_rekey(d, f);
		return;
	case KR_RK_SEND_HOLDS:
		send_holds(d, f);
		return;
	case KR_RK_CONFIRM:
		ret = kr_nlc_epoch_confirm(&d->nlc, f->id, f->rk.key_id, why);
		if (ret) {
			kr_warn("flow %u: holds? yes, but %s", f->id, why);
			kr_rk_on_withdrawn(f);
			return;
		}
		kr_info("flow %u: holds? yes: epoch %u key %s confirmed",
			f->id, f->rk.pending, kid(f->rk.key_id, k));
		return;
	case KR_RK_WITHDRAW:
		ret = kr_nlc_epoch_withdraw(&d->nlc, f->id, f->rk.key_id, why);
		if (ret)
			kr_warn("flow %u: withdraw: %s", f->id, why);
		else
			kr_info("flow %u: holds? no: epoch %u key %s withdrawn (the peer does not hold it); a new exchange follows if the need lasts",
				f->id, f->rk.pending, kid(f->rk.key_id, k));
		/* Its answer is dropped: a late copy of the request is a replay. */
		if (f->rk.exchange_known)
			kr_oap_cache_kill(&d->cache, f->rk.exchange);
		kr_rk_on_withdrawn(f);
		return;
	case KR_RK_DELETE:
		kr_warn("flow %u: the peer does not hold its first seed: the allocation failed at its end: flow deleted",
			f->id);
		if (f->rk.exchange_known)
			kr_oap_cache_kill(&d->cache, f->rk.exchange);
		ret = kr_nlc_flow_del(&d->nlc, f->id, why);
		if (ret && ret != -ENOENT)
			kr_warn("flow %u: %s", f->id, why);
		kr_rekey_forget(d, f, "first seed not held by the peer");
		return;
	case KR_RK_DOWN:
		kr_warn("flow %u: %s has no such flow: marked down", f->id,
			kr_peer_name(d, f->peer));
		ret = kr_nlc_flow_down(&d->nlc, f->id, why);
		if (ret && ret != -ENODEV)
			kr_warn("flow %u: %s", f->id, why);
		return;
	default:
		return;
	}
}

/* reason "unconfirmed": which seed, from the kernel. */
static void on_unconfirmed(struct kr_irmd *d, struct kr_reg_flow *f)
{
	const struct kr_nlc_epoch *next;
	char why[KR_NLC_WHY_LEN];
	struct kr_nlc_flow kf;
	int action, ret;

	ret = kr_nlc_flow_get(&d->nlc, f->id, &kf, why);
	if (ret) {
		if (ret == -ENOENT)
			kr_rekey_forget(d, f, "gone from the kernel");
		else
			kr_warn("flow %u: %s", f->id, why);
		return;
	}
	next = kr_nlc_next(&kf);
	if (!next || next->confirmed)
		return;		/* stale: it was confirmed meanwhile */
	action = kr_rk_on_unconfirmed(f, next->number, next->key_id);
	if (action == KR_RK_SEND_HOLDS)
		kr_info("flow %u: epoch %u still unconfirmed a grace period after its install",
			f->id, next->number);
	act(d, f, action);
}

void kr_rekey_on_event(void *arg, const struct kr_nlc_event *ev)
{
	struct kr_irmd *d = arg;
	struct kr_reg_flow *f = kr_reg_find(&d->reg, ev->flow_id);
	uint32_t reasons;
	char k[20];

	if (!f) {
		if (kr_irmd_cookie_peer(d, ev->cookie) != -2)
			kr_dbg("flow %u: %s event for a flow not in the registry",
			       ev->flow_id, kr_name_event(ev->cmd));
		return;
	}
	switch (ev->cmd) {
	case KEYROT_CMD_REKEY_NEEDED_NTF:
		if (f->state != KR_REG_ALLOCATED)
			return;
		if (ev->reason & KEYROT_REKEY_REASON_UNCONFIRMED) {
			on_unconfirmed(d, f);
			/* It may have been forgotten (gone from the kernel). */
			f = kr_reg_find(&d->reg, ev->flow_id);
			if (!f)
				return;
		}
		reasons = ev->reason & ~(uint32_t)KEYROT_REKEY_REASON_UNCONFIRMED;
		if (reasons)
			act(d, f, kr_rk_on_need(f, reasons, ev->has_epoch,
						ev->epoch, false,
						kr_mono_ms()));
		return;
	case KEYROT_CMD_EPOCH_SWITCHED_NTF:
		if (!ev->has_epoch)
			return;
		kr_rk_on_switched(f, ev->epoch);
		if (f->kind == KR_XCHG_HOLDS &&
		    f->req.state == KR_OAP_REQ_SENT)
			kr_oap_req_kill(&f->req);	/* the query is moot */
		if (ev->has_old)
			kr_info("flow %u: epoch switched %u -> %u key %s (re-keys %u)",
				f->id, ev->old_epoch, ev->epoch,
				ev->has_key_id ? kid(ev->key_id, k) : "?",
				f->rk.rekeys);
		else
			kr_info("flow %u: first epoch %u is the transmit epoch",
				f->id, ev->epoch);
		return;
	case KEYROT_CMD_EPOCH_CONFIRMED_NTF:
		kr_dbg("flow %u: epoch %u confirmed", f->id, ev->epoch);
		return;
	case KEYROT_CMD_FLOW_DOWN_NTF:
		kr_rekey_forget(d, f, "the flow went down");
		return;
	case KEYROT_CMD_PEER_GONE_NTF:
		f->peer_gone = true;
		kr_warn("flow %u: peer gone: no authenticated packet from %s for the peer timeout (data plane)",
			f->id, kr_peer_name(d, f->peer));
		return;
	}
}

/* The sender's flow @id, or NULL: another peer's flow is no flow to it. */
static struct kr_reg_flow *peer_flow(struct kr_irmd *d, uint32_t id, int pi,
				     struct kr_nlc_flow *kf)
{
	struct kr_reg_flow *f = kr_reg_find(&d->reg, id);
	char why[KR_NLC_WHY_LEN];
	int ret;

	if (!f || f->peer != pi || f->state != KR_REG_ALLOCATED)
		return NULL;
	ret = kr_nlc_flow_get(&d->nlc, f->id, kf, why);
	if (ret == -ENOENT) {
		kr_rekey_forget(d, f, "gone from the kernel");
		return NULL;
	}
	if (ret) {
		kr_warn("flow %u: %s", f->id, why);
		memset(kf, 0, sizeof(*kf));
	}
	return f;
}

void kr_rekey_on_request(struct kr_irmd *d, struct kr_oap_resp *r,
			 const struct sockaddr_storage *from)
{
	const struct kr_oap_rekey_req *b = &r->msg.rekey_req;
	int pi = (int)(r->peer - d->peers);
	const char *peer = kr_peer_name(d, pi), *why = "";
	struct kr_install_ctx x = {
		.d = d,
		.peer = pi,
		.peer_addr = from,
		.fail_after = "rekey-resp-installed",
	};
	const struct kr_nlc_epoch *tx;
	struct kr_oap_flow of = { 0 };
	struct kr_nlc_flow kf;
	struct kr_reg_flow *f;
	char xs[12];
	int ret;

	f = peer_flow(d, b->peer_flow_id, pi, &kf);
	if (f) {
		tx = kr_nlc_tx(&kf);
		of = oap_flow(f, tx ? tx->number :
			      f->has_epoch ? f->epoch : f->rk.pending);
	}
	kr_fail_point("rekey-resp-opened");
	ret = kr_oap_resp_rekey(r, f ? &of : NULL, kr_install_cb, &x, &why);
	if (ret) {
		kr_err("rekey-req from %s: no answer could be made: %s", peer,
		       why);
		return;
	}
	if (r->yielded && f) {
		kr_oap_req_kill(&f->req);
		kr_info("flow %u: collision: both ends re-keyed epoch %u; this end (responder) yields to the initiator's exchange",
			f->id, b->epoch);
		if (r->status != KR_OAP_ST_OK)
			kr_rk_on_failed(f, -EALREADY,
					"collision: yielded to the initiator's exchange",
					kr_mono_ms(), kr_irmd_rand1000());
	}
	if (f && r->status == KR_OAP_ST_OK)
		kr_rk_on_answered(f, x.in.epoch, x.in.key_id, x.in.exchange,
				  false, r->yielded);
	kr_xchg_answer(d, r, from);
	switch (r->status) {
	case KR_OAP_ST_OK:
		kr_info("flow %u: re-key answered: epoch %u installed, pending until the peer's first packet on it (%s requested, exchange %s)",
			f->id, x.in.epoch, peer, xid(r->msg.h.nonce, xs));
		break;
	case KR_OAP_ST_COLLISION:
		kr_info("flow %u: collision: both ends re-keyed epoch %u; this end (initiator) wins: answered collision",
			f->id, b->epoch);
		break;
	default:
		kr_warn("rekey-req from %s for flow %u epoch %u: answered %s: %s%s%s",
			peer, b->peer_flow_id, b->epoch,
			kr_oap_status_name(r->status), why,
			x.why[0] ? ": " : "", x.why);
		break;
	}
	kr_fail_point("rekey-resp-answered");
}

void kr_rekey_on_holds_request(struct kr_irmd *d, struct kr_oap_resp *r,
			       const struct sockaddr_storage *from)
{
	const struct kr_oap_holds_req *b = &r->msg.holds_req;
	int pi = (int)(r->peer - d->peers);
	const char *why = "";
	struct kr_nlc_flow kf;
	struct kr_oap_flow of = { 0 };
	struct kr_reg_flow *f;
	bool holds = false;
	char k[20], xs[12];
	int ret;

	f = peer_flow(d, b->peer_flow_id, pi, &kf);
	if (f) {
		of = oap_flow(f, f->epoch);
		holds = kr_nlc_holds(&kf, b->epoch, b->key_id);
		/* docs/oap.md 9: not held here: that exchange is dead here. */
		if (!holds && kr_rk_on_peer_holds_query(f, b->exchange,
							kr_mono_ms(),
							kr_irmd_rand1000())) {
			kr_oap_req_kill(&f->req);
			kr_info("flow %u: %s asks about this end's exchange %s, whose seed it does not hold: exchange killed",
				f->id, kr_peer_name(d, pi), xid(b->exchange, xs));
		}
	}
	ret = kr_oap_resp_holds(r, f ? &of : NULL, holds, &why);
	if (ret) {
		kr_err("holds-req from %s: no answer could be made: %s",
		       kr_peer_name(d, pi), why);
		return;
	}
	kr_xchg_answer(d, r, from);
	kr_info("flow %u: holds? from %s about epoch %u key %s: answered %s",
		b->peer_flow_id, kr_peer_name(d, pi), b->epoch,
		kid(b->key_id, k), kr_oap_status_name(r->status));
	kr_fail_point("holds-resp-answered");
}

void kr_rekey_on_answer(struct kr_irmd *d, struct kr_reg_flow *f,
			const uint8_t *buf, size_t len,
			const struct sockaddr_storage *from)
{
	struct kr_install_ctx x = {
		.d = d,
		.peer = f->peer,
		.fail_before = "rekey-req-answered",
		.fail_after = "rekey-req-installed",
	};
	const char *peer = kr_peer_name(d, f->peer), *why;
	char text[KR_NLC_WHY_LEN + 64], xs[12];
	uint8_t status;
	int res, action;

	res = kr_xchg_complete(d, f, buf, len, from, &x, &why);
	if (res == KR_ANS_REFUSED)
		return;
	if (f->kind == KR_XCHG_HOLDS) {
		status = f->req.status;
		kr_info("flow %u: holds? %s answered %s about epoch %u", f->id,
			peer, kr_oap_status_name(status), f->rk.pending);
		kr_fail_point("holds-req-answered");
		act(d, f, kr_rk_on_holds_answer(f, status, kr_mono_ms(),
						kr_irmd_rand1000()));
		return;
	}
	if (res == KR_ANS_FAILED) {
		snprintf(text, sizeof(text), "install failed: %s",
			 x.why[0] ? x.why : why);
		kr_warn("flow %u: re-key of epoch %u: %s answered ok, but %s; retry after backoff",
			f->id, f->rk.pending, peer, text);
		act(d, f, kr_rk_on_failed(f, x.err ? x.err : -EIO, text,
					  kr_mono_ms(), kr_irmd_rand1000()));
		return;
	}
	status = f->req.status;
	if (status == KR_OAP_ST_OK) {
		kr_rk_on_completed(f, x.in.epoch, x.in.key_id, x.in.exchange);
		kr_info("flow %u: re-key done: epoch %u installed, the peer holds it (exchange %s)",
			f->id, x.in.epoch, xid(x.in.exchange, xs));
		return;
	}
	snprintf(text, sizeof(text), "%s answered %s", peer,
		 kr_oap_status_name(status));
	kr_warn("flow %u: re-key of epoch %u: %s; retry after backoff",
		f->id, f->rk.pending, text);
	action = kr_rk_on_failed(f, status_errno(status), text, kr_mono_ms(),
				 kr_irmd_rand1000());
	act(d, f, action);
}

void kr_rekey_on_timeout(struct kr_irmd *d, struct kr_reg_flow *f)
{
	char text[160];

	snprintf(text, sizeof(text), "no answer from %s after %u sends",
		 kr_peer_name(d, f->peer), f->rk.sends);
	if (f->kind == KR_XCHG_HOLDS) {
		kr_warn("flow %u: holds?: %s: epoch %u stays pending, asked again on the next unconfirmed event",
			f->id, text, f->rk.pending);
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 " (holds? about pending epoch %u)", f->rk.pending);
		kr_rk_on_holds_timeout(f, text);
		return;
	}
	kr_warn("flow %u: re-key of epoch %u: %s; retry after backoff (data flows on epoch %u meanwhile)",
		f->id, f->rk.pending, text, f->epoch);
	act(d, f, kr_rk_on_failed(f, -ETIMEDOUT, text, kr_mono_ms(),
				  kr_irmd_rand1000()));
}
