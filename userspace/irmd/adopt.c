// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * Flows irmd finds in the kernel (docs/irmd.md "Restart").
 *
 * At start, every flow of the namespace whose cookie is irmd's is adopted:
 * the cookie names the peer (6 bytes of its key), the kernel tells the
 * rest (peer flow id, role, cipher, epochs).  A flow whose cookie names no
 * configured peer is torn down (flow-del): nobody could re-key it.  Other
 * flows (no irmd cookie: krctl's, another control plane's) are left alone.
 *
 * After lost events (the events socket overflowed) the registry is
 * compared with the kernel the same way: flows gone are forgotten, epochs
 * switched unseen are taken in.
 */
#include "irmd.h"
#include "clock.h"
#include "kr_hex.h"
#include "kr_names.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct adopt_ctx {
	struct kr_irmd *d;
	unsigned int adopted, torn, others;
};

/* The registry's idea of @f from the kernel's @kf. */
static void take_state(struct kr_reg_flow *f, const struct kr_nlc_flow *kf)
{
	const struct kr_nlc_epoch *tx = kr_nlc_tx(kf), *next = kr_nlc_next(kf);
	uint8_t standin[KR_OAP_NONCE_LEN];

	if (tx && (!f->has_epoch || f->epoch != tx->number))
		kr_rk_on_switched(f, tx->number);
	if (next && !next->confirmed && f->rk.phase == KR_RK_IDLE) {
		/* A seed this end answered for: pending until confirmed. */
		memcpy(standin, next->key_id, KEYROT_KEY_ID_LEN);
		memset(standin + KEYROT_KEY_ID_LEN, 0xff,
		       KR_OAP_NONCE_LEN - KEYROT_KEY_ID_LEN);
		kr_rk_on_answered(f, next->number, next->key_id, standin, !tx,
				  false);
		f->rk.exchange_known = false;
	}
}

static int adopt_one(void *arg, const struct kr_nlc_flow *kf)
{
	struct adopt_ctx *a = arg;
	struct kr_irmd *d = a->d;
	const struct kr_nlc_epoch *tx = kr_nlc_tx(kf), *next = kr_nlc_next(kf);
	char why[KR_NLC_WHY_LEN], pend[40] = "", txt[8] = "none";
	struct kr_reg_flow *f;
	int pi, ret;

	f = kr_reg_find(&d->reg, kf->id);
	if (f) {
		f->mark = true;
		if (f->state == KR_REG_ALLOCATED)
			take_state(f, kf);
		return 0;
	}
	pi = kr_irmd_cookie_peer(d, kf->cookie);
	if (pi == -2) {
		a->others++;
		return 0;
	}
	if (kf->flags & RB_FLOWDOWN)
		return 0;	/* gone when its descriptor closes */
	if (pi < 0 || !kf->peer_id) {
		ret = kr_nlc_flow_del(&d->nlc, kf->id, why);
		if (ret && ret != -ENOENT)
			kr_warn("flow %u: %s", kf->id, why);
		kr_warn("flow %u: irmd's mark names no configured peer: torn down (nobody could re-key it)",
			kf->id);
		a->torn++;
		return 0;
	}
	ret = kr_reg_add(&d->reg, kf->id, pi, &f);
	if (ret)
		return ret;
	f->mark = true;
	f->state = KR_REG_ALLOCATED;
	f->adopted = true;
	f->peer_id = kf->peer_id;
	f->role = kf->role;
	f->cipher = kf->cipher;
	f->grace_ms = kf->grace_ms ? kf->grace_ms : d->cfg.flow.grace_ms;
	f->event_ms = kf->event_ms ? kf->event_ms : d->cfg.flow.event_ms;
	f->created_ms = kr_mono_ms();
	take_state(f, kf);
	f->rk.rekeys = 0;
	if (next && !next->confirmed)
		snprintf(pend, sizeof(pend), ", epoch %u pending",
			 next->number);
	if (tx)
		snprintf(txt, sizeof(txt), "%u", tx->number);
	kr_info("flow %u: adopted: peer %s, role %s, peer flow %u, transmit epoch %s%s",
		f->id, kr_peer_name(d, pi), kr_name_role(f->role),
		f->peer_id, txt, pend);
	a->adopted++;
	return 0;
}

int kr_adopt_at_start(struct kr_irmd *d)
{
	struct adopt_ctx a = { .d = d };
	char why[KR_NLC_WHY_LEN];
	int ret;

	ret = kr_nlc_flow_dump(&d->nlc, adopt_one, &a, why);
	if (ret) {
		kr_err("cannot list the kernel's flows: %s", why);
		return ret;
	}
	kr_info("restart: %u flows adopted, %u torn down, %u not irmd's left alone",
		a.adopted, a.torn, a.others);
	return 0;
}

void kr_adopt_resync(struct kr_irmd *d)
{
	struct adopt_ctx a = { .d = d };
	struct kr_reg_flow *f, *next;
	char why[KR_NLC_WHY_LEN];
	int ret;

	for (f = d->reg.head; f; f = f->next)
		f->mark = false;
	ret = kr_nlc_flow_dump(&d->nlc, adopt_one, &a, why);
	if (ret) {
		kr_err("events were lost and the kernel's flows cannot be listed: %s",
		       why);
		return;
	}
	for (f = d->reg.head; f; f = next) {
		next = f->next;
		if (!f->mark && f->state == KR_REG_ALLOCATED)
			kr_rekey_forget(d, f, "gone from the kernel (seen after lost events)");
	}
	d->resync = false;
	kr_info("events were lost: registry compared with the kernel (%u adopted)",
		a.adopted);
}
