// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "reg.h"
#include "kr_hex.h"
#include "kr_names.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

int kr_reg_add(struct kr_reg *reg, uint32_t id, int peer,
	       struct kr_reg_flow **f)
{
	struct kr_reg_flow *n;

	if (kr_reg_find(reg, id))
		return -EEXIST;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	n->id = id;
	n->peer = peer;
	n->fd = -1;
	n->client = -1;
	n->next = reg->head;
	reg->head = n;
	reg->n++;
	*f = n;
	return 0;
}

void kr_reg_del(struct kr_reg *reg, struct kr_reg_flow *f)
{
	struct kr_reg_flow **pp;

	for (pp = &reg->head; *pp; pp = &(*pp)->next) {
		if (*pp != f)
			continue;
		*pp = f->next;
		reg->n--;
		break;
	}
	/* Frees the ephemeral key; the session's bytes go with the wipe. */
	kr_oap_req_kill(&f->req);
	OPENSSL_cleanse(f, sizeof(*f));
	free(f);
}

struct kr_reg_flow *kr_reg_find(const struct kr_reg *reg, uint32_t id)
{
	struct kr_reg_flow *f;

	for (f = reg->head; f; f = f->next)
		if (f->id == id)
			return f;
	return NULL;
}

struct kr_reg_flow *kr_reg_find_req(const struct kr_reg *reg,
				    const uint8_t nonce[KR_OAP_NONCE_LEN])
{
	struct kr_reg_flow *f;

	for (f = reg->head; f; f = f->next)
		if (f->kind != KR_XCHG_NONE &&
		    !memcmp(kr_oap_req_id(&f->req), nonce, KR_OAP_NONCE_LEN))
			return f;
	return NULL;
}

void kr_reg_free(struct kr_reg *reg)
{
	while (reg->head)
		kr_reg_del(reg, reg->head);
}

static void set_why(struct kr_rk *rk, int err, const char *why)
{
	rk->last_err = err;
	snprintf(rk->last_why, sizeof(rk->last_why), "%s", why);
}

/* docs/oap.md 12: 0.5 to 1.5 event periods before a new exchange. */
static void back_off(struct kr_reg_flow *f, uint64_t now_ms, unsigned int rnd)
{
	f->rk.not_before_ms = now_ms +
		(uint64_t)f->event_ms * (500 + rnd % 1000) / 1000;
}

/* The pending epoch became the transmit epoch. */
static bool switched_to_pending(const struct kr_reg_flow *f, uint8_t tx)
{
	switch (f->rk.phase) {
	case KR_RK_INSTALLED:
	case KR_RK_ANSWERED:
	case KR_RK_HOLDS:
	case KR_RK_CONFIRMING:
		return tx == f->rk.pending;
	default:
		return false;
	}
}

int kr_rk_on_need(struct kr_reg_flow *f, uint32_t reasons, bool has_tx,
		  uint8_t tx, bool next_pending, uint64_t now_ms)
{
	struct kr_rk *rk = &f->rk;

	if (has_tx && switched_to_pending(f, tx))
		kr_rk_on_switched(f, tx);
	rk->need = reasons;
	if (has_tx) {
		f->has_epoch = true;
		f->epoch = tx;
	}
	if (rk->phase != KR_RK_IDLE || next_pending || !f->has_epoch ||
	    f->state != KR_REG_ALLOCATED || now_ms < rk->not_before_ms)
		return KR_RK_NOTHING;
	rk->phase = KR_RK_REQUESTING;
	rk->by_us = true;
	rk->pending = (uint8_t)(f->epoch + 1);
	rk->first = false;
	rk->sends = 0;
	return KR_RK_SEND_REKEY;
}

int kr_rk_on_unconfirmed(struct kr_reg_flow *f, uint8_t epoch,
			 const uint8_t key_id[KEYROT_KEY_ID_LEN])
{
	struct kr_rk *rk = &f->rk;

	rk->need |= KEYROT_REKEY_REASON_UNCONFIRMED;
	if (rk->phase != KR_RK_IDLE && rk->phase != KR_RK_ANSWERED)
		return KR_RK_NOTHING;
	if (rk->phase != KR_RK_ANSWERED || rk->pending != epoch ||
	    memcmp(rk->key_id, key_id, KEYROT_KEY_ID_LEN)) {
		/* Not a seed irmd recorded: name it by a stand-in. */
		rk->pending = epoch;
		memcpy(rk->key_id, key_id, KEYROT_KEY_ID_LEN);
		memcpy(rk->exchange, key_id, KEYROT_KEY_ID_LEN);
		memset(rk->exchange + KEYROT_KEY_ID_LEN, 0xff,
		       KR_OAP_NONCE_LEN - KEYROT_KEY_ID_LEN);
		rk->exchange_known = false;
		rk->first = !f->has_epoch;
		rk->by_us = false;
	}
	rk->phase = KR_RK_HOLDS;
	rk->sends = 0;
	return KR_RK_SEND_HOLDS;
}

int kr_rk_on_answered(struct kr_reg_flow *f, uint8_t epoch,
		      const uint8_t key_id[KEYROT_KEY_ID_LEN],
		      const uint8_t exchange[KR_OAP_NONCE_LEN], bool first,
		      bool yielded)
{
	struct kr_rk *rk = &f->rk;

	if (yielded)
		set_why(rk, -EALREADY,
			"collision: yielded to the initiator's exchange");
	rk->phase = KR_RK_ANSWERED;
	rk->by_us = false;
	rk->pending = epoch;
	rk->first = first;
	memcpy(rk->key_id, key_id, KEYROT_KEY_ID_LEN);
	memcpy(rk->exchange, exchange, KR_OAP_NONCE_LEN);
	rk->exchange_known = true;
	rk->sends = 0;
	return KR_RK_NOTHING;
}

int kr_rk_on_completed(struct kr_reg_flow *f, uint8_t epoch,
		       const uint8_t key_id[KEYROT_KEY_ID_LEN],
		       const uint8_t exchange[KR_OAP_NONCE_LEN])
{
	struct kr_rk *rk = &f->rk;

	rk->phase = KR_RK_INSTALLED;
	rk->by_us = true;
	rk->pending = epoch;
	memcpy(rk->key_id, key_id, KEYROT_KEY_ID_LEN);
	memcpy(rk->exchange, exchange, KR_OAP_NONCE_LEN);
	rk->exchange_known = true;
	return KR_RK_NOTHING;
}

int kr_rk_on_failed(struct kr_reg_flow *f, int err, const char *why,
		    uint64_t now_ms, unsigned int rnd)
{
	struct kr_rk *rk = &f->rk;

	if (rk->phase != KR_RK_REQUESTING)
		return KR_RK_NOTHING;
	rk->phase = KR_RK_IDLE;
	rk->failed++;
	set_why(rk, err, why);
	back_off(f, now_ms, rnd);
	return err == -ENOENT ? KR_RK_DOWN : KR_RK_NOTHING;
}

int kr_rk_on_holds_answer(struct kr_reg_flow *f, uint8_t status,
			  uint64_t now_ms, unsigned int rnd)
{
	struct kr_rk *rk = &f->rk;
	char why[96];

	if (rk->phase != KR_RK_HOLDS)
		return KR_RK_NOTHING;
	if (status == KR_OAP_ST_OK) {
		rk->phase = KR_RK_CONFIRMING;
		return KR_RK_CONFIRM;
	}
	rk->phase = KR_RK_IDLE;
	snprintf(why, sizeof(why), "holds?: the peer %s epoch %u: withdrawn",
		 status == KR_OAP_ST_NO_FLOW ? "has no such flow for" :
		 "does not hold", rk->pending);
	set_why(rk, -ENOKEY, why);
	if (rk->first)
		return KR_RK_DELETE;
	rk->failed++;
	back_off(f, now_ms, rnd);
	return KR_RK_WITHDRAW;
}

int kr_rk_on_holds_timeout(struct kr_reg_flow *f, const char *why)
{
	struct kr_rk *rk = &f->rk;

	if (rk->phase != KR_RK_HOLDS)
		return KR_RK_NOTHING;
	rk->phase = KR_RK_ANSWERED;
	rk->failed++;
	set_why(rk, -ETIMEDOUT, why);
	return KR_RK_NOTHING;
}

bool kr_rk_on_peer_holds_query(struct kr_reg_flow *f,
			       const uint8_t exchange[KR_OAP_NONCE_LEN],
			       uint64_t now_ms, unsigned int rnd)
{
	if (f->rk.phase != KR_RK_REQUESTING || f->kind != KR_XCHG_REKEY ||
	    memcmp(kr_oap_req_id(&f->req), exchange, KR_OAP_NONCE_LEN))
		return false;
	kr_rk_on_failed(f, -EPIPE,
			"the peer does not hold this exchange's seed: exchange dead",
			now_ms, rnd);
	return true;
}

int kr_rk_on_switched(struct kr_reg_flow *f, uint8_t epoch)
{
	struct kr_rk *rk = &f->rk;

	if (f->has_epoch && f->epoch != epoch)
		rk->rekeys++;
	f->has_epoch = true;
	f->epoch = epoch;
	if (switched_to_pending(f, epoch))
		rk->phase = KR_RK_IDLE;
	rk->failed = 0;
	rk->not_before_ms = 0;
	rk->need = 0;
	set_why(rk, 0, "");
	f->peer_gone = false;
	return KR_RK_NOTHING;
}

int kr_rk_on_withdrawn(struct kr_reg_flow *f)
{
	switch (f->rk.phase) {
	case KR_RK_ANSWERED:
	case KR_RK_HOLDS:
	case KR_RK_CONFIRMING:
		f->rk.phase = KR_RK_IDLE;
		break;
	}
	return KR_RK_NOTHING;
}

bool kr_rk_in_flight(const struct kr_reg_flow *f)
{
	return f->rk.phase == KR_RK_REQUESTING;
}

const char *kr_rk_phase_name(int phase)
{
	static const char *const names[] = {
		[KR_RK_IDLE] = "idle",
		[KR_RK_REQUESTING] = "requesting",
		[KR_RK_INSTALLED] = "installed",
		[KR_RK_ANSWERED] = "answered",
		[KR_RK_HOLDS] = "holds",
		[KR_RK_CONFIRMING] = "confirming",
	};

	if (phase < 0 || phase > KR_RK_CONFIRMING)
		return "?";
	return names[phase];
}

const char *kr_rk_action_name(int action)
{
	static const char *const names[] = {
		[KR_RK_NOTHING] = "nothing",
		[KR_RK_SEND_REKEY] = "send-rekey",
		[KR_RK_SEND_HOLDS] = "send-holds",
		[KR_RK_CONFIRM] = "confirm",
		[KR_RK_WITHDRAW] = "withdraw",
		[KR_RK_DELETE] = "delete",
		[KR_RK_DOWN] = "down",
	};

	if (action < 0 || action > KR_RK_DOWN)
		return "?";
	return names[action];
}

char *kr_reg_flow_status(const struct kr_reg_flow *f, const char *peer,
			 const char *extra, char *buf, size_t len)
{
	const struct kr_rk *rk = &f->rk;
	char epoch[8] = "-", pending[8] = "-", need[64];
	const char *role = kr_name_role(f->role);
	const char *cipher = kr_name_cipher(f->cipher);

	if (f->has_epoch)
		snprintf(epoch, sizeof(epoch), "%u", f->epoch);
	if (rk->phase != KR_RK_IDLE)
		snprintf(pending, sizeof(pending), "%u", rk->pending);
	kr_name_flags(need, sizeof(need), rk->need, kr_reason_names,
		      kr_reason_count);
	snprintf(buf, len,
		 "flow=%u peer=%s service=%s role=%s cipher=%s state=%s epoch=%s rekeys=%u phase=%s by=%s pending=%s need=%s sends=%u failed=%u peer-gone=%s%s%s error=%s",
		 f->id, peer, f->service[0] ? f->service : "-",
		 role ? role : "?", cipher ? cipher : "?",
		 f->state == KR_REG_ALLOCATING ? "allocating" :
		 f->adopted ? "adopted" : "allocated",
		 epoch, rk->rekeys, kr_rk_phase_name(rk->phase),
		 rk->phase == KR_RK_IDLE ? "-" : rk->by_us ? "us" : "peer",
		 pending, need, rk->sends, rk->failed,
		 f->peer_gone ? "yes" : "no", extra ? " " : "",
		 extra ? extra : "", rk->last_why[0] ? rk->last_why : "-");
	return buf;
}
