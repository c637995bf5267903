// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "oap_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fx_init(struct fx_end *e, uint8_t seed_byte)
{
	uint8_t seed[32];

	memset(e, 0, sizeof(*e));
	if (seed_byte) {
		memset(seed, seed_byte, sizeof(seed));
		if (kr_ident_from_seed(&e->id, seed))
			abort();
	} else if (kr_ident_generate(&e->id)) {
		abort();
	}
	if (kr_oap_cache_init(&e->cache, 64))
		abort();
	e->ctx.me = &e->id;
	e->ctx.peers = e->peers;
	e->ctx.cache = &e->cache;
	e->ctx.allow_start = true;
}

void fx_pin(struct fx_end *e, const struct fx_end *peer)
{
	struct kr_oap_peer *p = &e->peers[e->ctx.npeers++];

	snprintf(p->name, sizeof(p->name), "peer%zu", e->ctx.npeers);
	memcpy(p->pub, peer->id.pub, KR_OAP_PUB_LEN);
}

void fx_free(struct fx_end *e)
{
	kr_ident_free(&e->id);
	kr_oap_cache_free(&e->cache);
}

int fx_install(void *arg, const struct kr_oap_install *in)
{
	struct fx_end *e = arg;

	e->installs++;
	e->last = *in;
	memcpy(e->seed, in->seed, KEYROT_SEED_LEN);
	/* nothing to send yet: still open, nothing in the answer cache */
	if (e->watch)
		e->answered_before_install =
			e->watch->state != KR_OAP_RESP_OPEN ||
			kr_oap_cache_find(&e->cache, e->watch->msg.h.nonce, 0);
	return e->install_ret;
}

int fx_rand(void *arg, uint8_t *buf, size_t len, bool secret)
{
	struct fx_end *e = arg;

	memset(buf, secret ? e->eph_byte : e->nonce_byte, len);
	return 0;
}

bool fx_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return false;
	return true;
}

int fx_req_alloc(struct kr_oap_req *q, struct fx_end *a, struct fx_end *b,
		 uint64_t now)
{
	struct kr_oap_alloc_params p = {
		.service = "echo", .flow_id = 0x11111111,
		.cipher = KEYROT_CIPHER_AES_256_GCM, .epoch = 200,
		.port = 51819,
	};
	const char *why;

	return kr_oap_req_alloc(q, &a->ctx, b->id.pub, &p, now, &why);
}

void fx_flows(const struct kr_oap_req *q, const struct kr_oap_resp *r,
	      struct kr_oap_flow *fa, struct kr_oap_flow *fb)
{
	const struct kr_oap_alloc_req *b = &q->msg.alloc_req;
	struct kr_oap_msg ans;
	const char *why;

	kr_oap_msg_decode(&ans, r->ans, r->ans_len, &why);
	memset(fa, 0, sizeof(*fa));
	memset(fb, 0, sizeof(*fb));
	fa->flow_id = b->flow_id;
	fa->peer_flow_id = ans.alloc_ans.flow_id;
	fa->role = KEYROT_ROLE_INITIATOR;
	fa->cipher = b->cipher;
	fa->tx_epoch = b->epoch;
	fb->flow_id = ans.alloc_ans.flow_id;
	fb->peer_flow_id = b->flow_id;
	fb->role = KEYROT_ROLE_RESPONDER;
	fb->cipher = b->cipher;
	fb->tx_epoch = b->epoch;
}

int fx_alloc(struct fx_end *a, struct fx_end *b, struct kr_oap_req *q,
	     struct kr_oap_resp *r, uint64_t now)
{
	const char *why;
	int ret;

	ret = fx_req_alloc(q, a, b, now);
	if (ret)
		return ret;
	ret = kr_oap_resp_open(r, &b->ctx, q->buf, q->len, now, &why);
	if (ret)
		return ret < 0 ? ret : -1000;
	b->watch = r;
	ret = kr_oap_resp_alloc(r, 0x22222222, 51819, fx_install, b, &why);
	b->watch = NULL;
	if (ret)
		return ret;
	ret = kr_oap_req_complete(q, r->ans, r->ans_len, now + 5, fx_install,
				  a, &why);
	if (ret)
		return ret;
	return q->status;
}
