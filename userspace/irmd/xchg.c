// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * OAP datagrams: each one read from the peer socket goes to the exchange
 * of this end it answers, or is opened as a request (docs/oap.md 15); and
 * this end's requests go out, again on their retry schedule, until
 * answered or given up (docs/oap.md 12).
 */
#include "irmd.h"
#include "clock.h"
#include "log.h"
#include "oap_msg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
	DGRAM_ROOM	= KR_OAP_MSG_MAX + 64,	/* an oversize one shows */
	BURST		= 64,	/* datagrams per wake-up, then others' turn */
	NONCE_OFF	= KR_OAP_HDR_LEN,	/* an answer's request nonce */
};

static const char *kind_name(int kind)
{
	switch (kind) {
	case KR_XCHG_ALLOC:	return "alloc-req";
	case KR_XCHG_REKEY:	return "rekey-req";
	case KR_XCHG_HOLDS:	return "holds-req";
	default:		return "request";
	}
}

static void send_req(struct kr_irmd *d, struct kr_reg_flow *f)
{
	const struct kr_cfg_peer *p = &d->cfg.peers[f->peer];
	char text[KR_ADDR_TEXT_LEN];
	const uint8_t *buf;
	size_t len;
	int ret;

	buf = kr_oap_req_msg(&f->req, &len);
	ret = kr_peer_send(&d->ps, &p->addr, buf, len);
	f->rk.sends++;
	if (ret)
		kr_warn("flow %u: cannot send %s to %s at %s: %s (retried)",
			f->id, kind_name(f->kind), p->name,
			kr_addr_text(&p->addr, text, sizeof(text)),
			strerror(-ret));
	else if (f->rk.sends > 1)
		kr_dbg("flow %u: %s sent again to %s (send %u)", f->id,
		       kind_name(f->kind), p->name, f->rk.sends);
}

int kr_xchg_start(struct kr_irmd *d, struct kr_reg_flow *f)
{
	uint64_t now = kr_mono_ms();

	f->rk.sends = 0;
	kr_oap_retry_start(&f->retry, now, f->grace_ms);
	if (kr_oap_retry_poll(&f->retry, now) == 1)
		send_req(d, f);
	return 0;
}

void kr_xchg_timer(struct kr_irmd *d, uint64_t now_ms)
{
	struct kr_reg_flow *f, *next;
	int ret;

	for (f = d->reg.head; f; f = next) {
		next = f->next;		/* a timeout may delete @f */
		if (f->kind == KR_XCHG_NONE || f->req.state != KR_OAP_REQ_SENT)
			continue;
		ret = kr_oap_retry_poll(&f->retry, now_ms);
		if (ret == 1) {
			send_req(d, f);
			continue;
		}
		if (ret != -ETIMEDOUT)
			continue;
		/* Given up: a late answer is refused as "exchange over". */
		kr_oap_req_kill(&f->req);
		if (f->kind == KR_XCHG_ALLOC)
			kr_alloc_on_timeout(d, f);
		else
			kr_rekey_on_timeout(d, f);
	}
}

uint64_t kr_xchg_next_ms(const struct kr_irmd *d)
{
	const struct kr_reg_flow *f;
	uint64_t next = UINT64_MAX;

	for (f = d->reg.head; f; f = f->next)
		if (f->kind != KR_XCHG_NONE &&
		    f->req.state == KR_OAP_REQ_SENT && f->retry.next_ms < next)
			next = f->retry.next_ms;
	return next;
}

int kr_xchg_answer(struct kr_irmd *d, const struct kr_oap_resp *r,
		   const struct sockaddr_storage *to)
{
	char text[KR_ADDR_TEXT_LEN];
	int ret;

	if (!r->ans_len)
		return 0;
	ret = kr_peer_send(&d->ps, to, r->ans, r->ans_len);
	if (ret)
		kr_warn("cannot send %s to %s: %s (the peer asks again)",
			kr_oap_type_name(r->msg.h.type + 1),
			kr_addr_text(to, text, sizeof(text)), strerror(-ret));
	return ret;
}

int kr_xchg_complete(struct kr_irmd *d, struct kr_reg_flow *f,
		     const uint8_t *buf, size_t len,
		     const struct sockaddr_storage *from,
		     struct kr_install_ctx *x, const char **why)
{
	int before = f->req.state, ret;

	*why = "";
	ret = kr_oap_req_complete(&f->req, buf, len, kr_real_ms(),
				  kr_install_cb, x, why);
	if (!ret && f->req.state == KR_OAP_REQ_DONE)
		return KR_ANS_TAKEN;
	if (before == KR_OAP_REQ_SENT && f->req.state == KR_OAP_REQ_DEAD)
		return KR_ANS_FAILED;
	if (ret == -EALREADY) {
		/* Expected after a yield or a give-up: not an attack. */
		kr_info("flow %u: late %s refused: exchange over", f->id,
			kr_oap_type_name(buf[3]));
		return KR_ANS_REFUSED;
	}
	/* Refused: nothing changed; the genuine answer may still come. */
	kr_peer_refused(&d->ps, from, kr_oap_type_name(buf[3]), *why);
	return KR_ANS_REFUSED;
}

/* An answer: to the exchange whose id it echoes. */
static void on_answer(struct kr_irmd *d, const uint8_t *buf, size_t len,
		      const struct sockaddr_storage *from)
{
	struct kr_reg_flow *f = NULL;
	struct kr_oap_msg m;
	const char *why;

	if (len >= NONCE_OFF + KR_OAP_NONCE_LEN)
		f = kr_reg_find_req(&d->reg, buf + NONCE_OFF);
	if (!f) {
		if (kr_oap_msg_decode(&m, buf, len, &why) == 0)
			why = "not an answer to any exchange of this irmd";
		kr_peer_refused(&d->ps, from, kr_oap_type_name(buf[3]), why);
		return;
	}
	if (f->kind == KR_XCHG_ALLOC)
		kr_alloc_on_answer(d, f, buf, len, from);
	else
		kr_rekey_on_answer(d, f, buf, len, from);
}

/* A request: refused, answered from the cache, or new. */
static void on_request(struct kr_irmd *d, struct kr_oap_resp *r,
		       const uint8_t *buf, size_t len,
		       const struct sockaddr_storage *from)
{
	const char *why = "";
	char text[KR_ADDR_TEXT_LEN];
	int ret;

	ret = kr_oap_resp_open(r, &d->oap, buf, len, kr_real_ms(), &why);
	if (ret < 0) {
		kr_peer_refused(&d->ps, from,
				len >= 4 ? kr_oap_type_name(buf[3]) :
				"datagram", why);
		return;
	}
	if (ret == 1) {
		kr_dbg("%s from %s again: answered from the cache",
		       kr_oap_type_name(r->msg.h.type),
		       kr_addr_text(from, text, sizeof(text)));
		kr_xchg_answer(d, r, from);
		return;
	}
	/*
	 * The replay cache died with the last irmd: a request stamped before
	 * this one started could be a replay it answered.  Refused (nothing
	 * changes; the requester starts a new exchange later).
	 */
	if (r->msg.h.ts_ms < d->start_real_ms) {
		kr_peer_refused(&d->ps, from, kr_oap_type_name(r->msg.h.type),
				"stamped before this irmd started (its replay cache is new)");
		return;
	}
	switch (r->msg.h.type) {
	case KR_OAP_ALLOC_REQ:
		if (kr_alloc_is_held(d, r)) {
			kr_dbg("alloc-req from %s again: still waiting for an acceptor",
			       kr_addr_text(from, text, sizeof(text)));
			return;
		}
		kr_alloc_on_request(d, r, from);
		break;
	case KR_OAP_REKEY_REQ:
		kr_rekey_on_request(d, r, from);
		break;
	default:
		kr_rekey_on_holds_request(d, r, from);
		break;
	}
}

void kr_xchg_on_readable(struct kr_irmd *d)
{
	static struct kr_oap_resp r;	/* one at a time; large */
	struct sockaddr_storage from;
	uint8_t buf[DGRAM_ROOM];
	ssize_t n;
	int i;

	for (i = 0; i < BURST; i++) {
		n = kr_peer_recv(&d->ps, buf, sizeof(buf), &from);
		if (n == -EAGAIN)
			return;
		if (n < 0) {
			kr_warn("peer socket: %s", strerror((int)-n));
			return;
		}
		if ((size_t)n > KR_OAP_MSG_MAX) {
			kr_peer_refused(&d->ps, &from, "datagram",
					"oversize datagram");
			continue;
		}
		if (n >= 4 && buf[3] >= KR_OAP_ALLOC_REQ &&
		    buf[3] <= KR_OAP_HOLDS_ANS && !(buf[3] & 1))
			on_answer(d, buf, (size_t)n, &from);
		else
			on_request(d, &r, buf, (size_t)n, &from);
	}
}
