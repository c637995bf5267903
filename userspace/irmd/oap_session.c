// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "oap_session.h"
#include "identity.h"
#include "oap_cache.h"
#include "oap_crypto.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

static uint64_t window_ms(const struct kr_oap_ctx *ctx)
{
	return ctx->window_ms ? ctx->window_ms : KR_OAP_DEFAULT_WINDOW_MS;
}

static int get_random(const struct kr_oap_ctx *ctx, uint8_t *buf,
		      size_t len, bool secret)
{
	if (ctx->rand)
		return ctx->rand(ctx->rand_arg, buf, len, secret);
	if (secret)
		return RAND_priv_bytes(buf, (int)len) == 1 ? 0 : -EIO;
	return RAND_bytes(buf, (int)len) == 1 ? 0 : -EIO;
}

static const struct kr_oap_peer *find_peer(const struct kr_oap_ctx *ctx,
					   const uint8_t pub[KR_OAP_PUB_LEN])
{
	size_t i;

	for (i = 0; i < ctx->npeers; i++)
		if (!memcmp(ctx->peers[i].pub, pub, KR_OAP_PUB_LEN))
			return &ctx->peers[i];
	return NULL;
}

/* docs/oap.md 7: |ts - now| <= window, both ways. */
static int check_time(const struct kr_oap_ctx *ctx, uint64_t ts,
		      uint64_t now, const char **why)
{
	if (now > ts && now - ts > window_ms(ctx)) {
		*why = "timestamp too old";
		return -ESTALE;
	}
	if (ts > now && ts - now > window_ms(ctx)) {
		*why = "timestamp in the future";
		return -ESTALE;
	}
	return 0;
}

static int new_eph(const struct kr_oap_ctx *ctx, EVP_PKEY **eph,
		   uint8_t pub[KR_OAP_PUB_LEN])
{
	uint8_t priv[KR_OAP_PUB_LEN];
	int ret;

	ret = get_random(ctx, priv, sizeof(priv), true);
	if (!ret)
		ret = kr_oap_crypto_eph_new(eph, pub, priv);
	OPENSSL_cleanse(priv, sizeof(priv));
	return ret;
}

static int fill_hdr(struct kr_oap_hdr *h, const struct kr_oap_ctx *ctx,
		    uint8_t type, const uint8_t peer[KR_OAP_PUB_LEN],
		    uint64_t now_ms)
{
	h->type = type;
	h->ts_ms = now_ms;
	memcpy(h->sender, ctx->me->pub, KR_OAP_PUB_LEN);
	memcpy(h->receiver, peer, KR_OAP_PUB_LEN);
	return get_random(ctx, h->nonce, KR_OAP_NONCE_LEN, false);
}

/*
 * Encode @m and sign it: the signature covers the transcript so far,
 * SHA-256(@prefix || this message without its signature) (docs/oap.md 5).
 */
static int seal(const struct kr_oap_ctx *ctx, struct kr_oap_msg *m,
		const uint8_t *prefix, size_t plen, uint8_t *buf,
		size_t size, size_t *len, uint8_t th[KR_OAP_HASH_LEN],
		const char **why)
{
	int n, ret;

	n = kr_oap_msg_encode(m, buf, size, why);
	if (n < 0)
		return n;
	ret = kr_oap_crypto_th(th, prefix, plen, buf,
			       (size_t)n - KR_OAP_SIG_LEN);
	if (!ret)
		ret = kr_oap_crypto_sign(ctx->me->key, th,
					 buf + n - KR_OAP_SIG_LEN);
	if (ret) {
		*why = "cannot sign";
		return ret;
	}
	memcpy(m->sig, buf + n - KR_OAP_SIG_LEN, KR_OAP_SIG_LEN);
	*len = (size_t)n;
	return 0;
}

/* Requester */

static void req_wipe(struct kr_oap_req *q)
{
	EVP_PKEY_free(q->eph);
	q->eph = NULL;
	OPENSSL_cleanse(q->shared, sizeof(q->shared));
	OPENSSL_cleanse(q->seed, sizeof(q->seed));
}

void kr_oap_req_kill(struct kr_oap_req *q)
{
	req_wipe(q);
	q->state = KR_OAP_REQ_DEAD;
}

static int req_begin(struct kr_oap_req *q, const struct kr_oap_ctx *ctx,
		     const uint8_t peer[KR_OAP_PUB_LEN], uint8_t type,
		     uint64_t now_ms, const char **why)
{
	int ret;

	memset(q, 0, sizeof(*q));
	q->ctx = ctx;
	if (!find_peer(ctx, peer)) {
		*why = "peer not pinned";
		return -ENOKEY;
	}
	memcpy(q->peer, peer, KR_OAP_PUB_LEN);
	ret = fill_hdr(&q->msg.h, ctx, type, peer, now_ms);
	if (ret)
		*why = "no random bytes";
	return ret;
}

static int req_finish(struct kr_oap_req *q, const char **why)
{
	uint8_t th[KR_OAP_HASH_LEN];
	int ret;

	ret = seal(q->ctx, &q->msg, NULL, 0, q->buf, sizeof(q->buf), &q->len,
		   th, why);
	if (ret) {
		kr_oap_req_kill(q);
		return ret;
	}
	q->state = KR_OAP_REQ_SENT;
	return 0;
}

static int req_eph(struct kr_oap_req *q, uint8_t pub[KR_OAP_PUB_LEN],
		   const char **why)
{
	int ret = new_eph(q->ctx, &q->eph, pub);

	if (ret)
		*why = "cannot make an ephemeral key";
	return ret;
}

int kr_oap_req_alloc(struct kr_oap_req *q, const struct kr_oap_ctx *ctx,
		     const uint8_t peer[KR_OAP_PUB_LEN],
		     const struct kr_oap_alloc_params *p, uint64_t now_ms,
		     const char **why)
{
	struct kr_oap_alloc_req *b = &q->msg.alloc_req;
	size_t n = p->service ? strlen(p->service) : 0;
	int ret;

	ret = req_begin(q, ctx, peer, KR_OAP_ALLOC_REQ, now_ms, why);
	if (ret)
		return ret;
	if (n < 1 || n > KR_OAP_NAME_MAX) {
		*why = "service name length out of range";
		return -EINVAL;
	}
	b->flow_id = p->flow_id;
	b->cipher = p->cipher;
	b->epoch = p->epoch;
	b->port = p->port;
	if (p->has_start) {
		q->msg.h.flags |= KR_OAP_F_START;
		b->start[0] = p->start[0];
		b->start[1] = p->start[1];
	}
	b->name_len = (uint8_t)n;
	memcpy(b->name, p->service, n);
	q->role = KEYROT_ROLE_INITIATOR;
	ret = req_eph(q, b->eph, why);
	if (ret)
		return ret;
	return req_finish(q, why);
}

int kr_oap_req_rekey(struct kr_oap_req *q, const struct kr_oap_ctx *ctx,
		     const uint8_t peer[KR_OAP_PUB_LEN],
		     const struct kr_oap_flow *f, const uint64_t *start,
		     uint64_t now_ms, const char **why)
{
	struct kr_oap_rekey_req *b = &q->msg.rekey_req;
	int ret;

	ret = req_begin(q, ctx, peer, KR_OAP_REKEY_REQ, now_ms, why);
	if (ret)
		return ret;
	b->flow_id = f->flow_id;
	b->peer_flow_id = f->peer_flow_id;
	b->role = f->role;
	b->cipher = f->cipher;
	b->epoch = (uint8_t)(f->tx_epoch + 1);
	if (start) {
		q->msg.h.flags |= KR_OAP_F_START;
		b->start[0] = start[0];
		b->start[1] = start[1];
	}
	q->role = f->role;
	ret = req_eph(q, b->eph, why);
	if (ret)
		return ret;
	return req_finish(q, why);
}

int kr_oap_req_holds(struct kr_oap_req *q, const struct kr_oap_ctx *ctx,
		     const uint8_t peer[KR_OAP_PUB_LEN],
		     const struct kr_oap_flow *f, uint8_t epoch,
		     const uint8_t key_id[KEYROT_KEY_ID_LEN],
		     const uint8_t exchange[KR_OAP_NONCE_LEN],
		     uint64_t now_ms, const char **why)
{
	struct kr_oap_holds_req *b = &q->msg.holds_req;
	int ret;

	ret = req_begin(q, ctx, peer, KR_OAP_HOLDS_REQ, now_ms, why);
	if (ret)
		return ret;
	b->flow_id = f->flow_id;
	b->peer_flow_id = f->peer_flow_id;
	b->epoch = epoch;
	memcpy(b->key_id, key_id, KEYROT_KEY_ID_LEN);
	memcpy(b->exchange, exchange, KR_OAP_NONCE_LEN);
	q->role = f->role;
	return req_finish(q, why);
}

const uint8_t *kr_oap_req_msg(const struct kr_oap_req *q, size_t *len)
{
	*len = q->len;
	return q->buf;
}

const uint8_t *kr_oap_req_id(const struct kr_oap_req *q)
{
	return q->msg.h.nonce;
}

/* The completing end: seed from the answer, installed with "peer holds". */
static int req_install(struct kr_oap_req *q, const struct kr_oap_msg *a,
		       const uint8_t th[KR_OAP_HASH_LEN],
		       kr_oap_install_fn install, void *arg, const char **why)
{
	const struct kr_oap_msg *m = &q->msg;
	struct kr_oap_install in = { .peer_holds = true, .service = "" };
	struct kr_oap_seed_in sin = { 0 };
	const uint8_t *peer_eph;
	int mine = q->role, ret;

	if (m->h.type == KR_OAP_ALLOC_REQ) {
		peer_eph = a->alloc_ans.eph;
		in.flow_id = m->alloc_req.flow_id;
		in.peer_flow_id = a->alloc_ans.flow_id;
		in.peer_port = a->alloc_ans.port;
		in.service = m->alloc_req.name;
		in.cipher = m->alloc_req.cipher;
		in.epoch = m->alloc_req.epoch;
		in.first = true;
		in.start[0] = m->alloc_req.start[0];
		in.start[1] = m->alloc_req.start[1];
	} else {
		peer_eph = a->rekey_ans.eph;
		in.flow_id = m->rekey_req.flow_id;
		in.peer_flow_id = m->rekey_req.peer_flow_id;
		in.cipher = m->rekey_req.cipher;
		in.epoch = m->rekey_req.epoch;
		in.start[0] = m->rekey_req.start[0];
		in.start[1] = m->rekey_req.start[1];
	}
	in.role = (uint8_t)mine;
	in.has_start = m->h.flags & KR_OAP_F_START;
	memcpy(in.exchange, m->h.nonce, KR_OAP_NONCE_LEN);

	ret = kr_oap_crypto_dh(q->eph, peer_eph, q->shared);
	if (ret) {
		*why = "peer's ephemeral key unusable";
		return ret;
	}
	/* docs/oap.md 6: identities and flow ids in role order. */
	sin.shared = q->shared;
	sin.req_nonce = m->h.nonce;
	sin.ans_nonce = a->h.nonce;
	sin.id[mine] = q->ctx->me->pub;
	sin.id[!mine] = q->peer;
	sin.flow[mine] = in.flow_id;
	sin.flow[!mine] = in.peer_flow_id;
	sin.epoch = in.epoch;
	sin.cipher = in.cipher;
	sin.th = th;
	ret = kr_oap_crypto_seed(q->seed, q->key_id, &sin);
	OPENSSL_cleanse(q->shared, sizeof(q->shared));
	if (ret) {
		*why = "cannot derive the seed";
		return ret;
	}
	in.seed = q->seed;
	memcpy(in.key_id, q->key_id, KEYROT_KEY_ID_LEN);
	ret = install(arg, &in);
	OPENSSL_cleanse(q->seed, sizeof(q->seed));
	if (ret)
		*why = "install failed";
	return ret;
}

int kr_oap_req_complete(struct kr_oap_req *q, const uint8_t *buf, size_t len,
			uint64_t now_ms, kr_oap_install_fn install, void *arg,
			const char **why)
{
	const struct kr_oap_ctx *ctx = q->ctx;
	uint8_t th[KR_OAP_HASH_LEN];
	const uint8_t *nonce;
	struct kr_oap_msg a;
	int ret;

	ret = kr_oap_msg_decode(&a, buf, len, why);
	if (ret)
		return ret;
	nonce = kr_oap_msg_req_nonce(&a);
	if (!nonce || a.h.type != q->msg.h.type + 1 ||
	    memcmp(nonce, q->msg.h.nonce, KR_OAP_NONCE_LEN)) {
		*why = "not an answer to this request";
		return -ENOENT;
	}
	if (q->state != KR_OAP_REQ_SENT) {
		*why = "exchange over";
		return -EALREADY;
	}
	if (memcmp(a.h.sender, q->peer, KR_OAP_PUB_LEN)) {
		*why = "answer from another identity";
		return -ENOKEY;
	}
	if (memcmp(a.h.receiver, ctx->me->pub, KR_OAP_PUB_LEN)) {
		*why = "answer for another identity";
		return -EXDEV;
	}
	ret = check_time(ctx, a.h.ts_ms, now_ms, why);
	if (ret)
		return ret;
	ret = kr_oap_crypto_th(th, q->buf, q->len, buf, len - KR_OAP_SIG_LEN);
	if (ret) {
		*why = "cannot hash";
		return ret;
	}
	ret = kr_oap_crypto_verify(q->peer, th, a.sig);
	if (ret) {
		*why = "bad signature";
		return ret;
	}

	/* Authenticated: the exchange ends here, whatever happens next. */
	switch (a.h.type) {
	case KR_OAP_ALLOC_ANS:
		q->status = a.alloc_ans.status;
		q->peer_flow_id = a.alloc_ans.flow_id;
		break;
	case KR_OAP_REKEY_ANS:
		q->status = a.rekey_ans.status;
		break;
	default:
		q->status = a.holds_ans.status;
		break;
	}
	if (a.h.type == KR_OAP_HOLDS_ANS || q->status != KR_OAP_ST_OK) {
		req_wipe(q);
		q->state = KR_OAP_REQ_DONE;
		return 0;
	}
	ret = req_install(q, &a, th, install, arg, why);
	if (ret) {
		kr_oap_req_kill(q);
		return ret;
	}
	req_wipe(q);
	q->state = KR_OAP_REQ_DONE;
	return 0;
}

/* Responder */

int kr_oap_resp_open(struct kr_oap_resp *r, const struct kr_oap_ctx *ctx,
		     const uint8_t *buf, size_t len, uint64_t now_ms,
		     const char **why)
{
	const struct kr_oap_cache_entry *e;
	uint8_t th[KR_OAP_HASH_LEN];
	int ret;

	memset(r, 0, sizeof(*r));
	r->ctx = ctx;
	ret = kr_oap_msg_decode(&r->msg, buf, len, why);
	if (ret)
		return ret;
	if (!kr_oap_msg_is_request(r->msg.h.type)) {
		*why = "not a request";
		return -EPROTO;
	}
	if (memcmp(r->msg.h.receiver, ctx->me->pub, KR_OAP_PUB_LEN)) {
		*why = "request for another identity";
		return -EXDEV;
	}
	r->peer = find_peer(ctx, r->msg.h.sender);
	if (!r->peer) {
		*why = "sender not pinned";
		return -ENOKEY;
	}
	ret = check_time(ctx, r->msg.h.ts_ms, now_ms, why);
	if (ret)
		return ret;
	ret = kr_oap_crypto_th(th, NULL, 0, buf, len - KR_OAP_SIG_LEN);
	if (!ret)
		ret = kr_oap_crypto_th(r->hash, buf, len, NULL, 0);
	if (ret) {
		*why = "cannot hash";
		return ret;
	}
	ret = kr_oap_crypto_verify(r->msg.h.sender, th, r->msg.sig);
	if (ret) {
		*why = "bad signature";
		return ret;
	}

	/* docs/oap.md 7: same bytes again get the same answer, nothing else. */
	e = kr_oap_cache_find(ctx->cache, r->msg.h.nonce, now_ms);
	if (e) {
		if (memcmp(e->req_hash, r->hash, KR_OAP_HASH_LEN)) {
			*why = "replay: nonce already used by another request";
			return -EALREADY;
		}
		if (!e->ans_len) {
			*why = "replay: exchange dropped";
			return -EALREADY;
		}
		memcpy(r->ans, e->ans, e->ans_len);
		r->ans_len = e->ans_len;
		r->state = KR_OAP_RESP_ANSWERED;
		return 1;
	}
	if (!kr_oap_cache_has_room(ctx->cache, now_ms)) {
		*why = "replay cache full";
		return -ENOSPC;
	}
	memcpy(r->buf, buf, len);
	r->len = len;
	r->now_ms = now_ms;
	r->state = KR_OAP_RESP_OPEN;
	return 0;
}

/* Build and sign the answer in r->ans; @th receives its transcript hash. */
static int resp_answer(struct kr_oap_resp *r, uint8_t status,
		       const uint8_t *eph, uint32_t flow_id, uint16_t port,
		       uint8_t th[KR_OAP_HASH_LEN], const char **why)
{
	const struct kr_oap_ctx *ctx = r->ctx;
	struct kr_oap_msg a = { 0 };
	int ret;

	ret = fill_hdr(&a.h, ctx, r->msg.h.type + 1, r->msg.h.sender,
		       r->now_ms);
	if (ret) {
		*why = "no random bytes";
		return ret;
	}
	switch (a.h.type) {
	case KR_OAP_ALLOC_ANS:
		memcpy(a.alloc_ans.req_nonce, r->msg.h.nonce, KR_OAP_NONCE_LEN);
		a.alloc_ans.status = status;
		if (status == KR_OAP_ST_OK) {
			a.alloc_ans.port = port;
			a.alloc_ans.flow_id = flow_id;
			memcpy(a.alloc_ans.eph, eph, KR_OAP_PUB_LEN);
		}
		break;
	case KR_OAP_REKEY_ANS:
		memcpy(a.rekey_ans.req_nonce, r->msg.h.nonce, KR_OAP_NONCE_LEN);
		a.rekey_ans.status = status;
		if (status == KR_OAP_ST_OK)
			memcpy(a.rekey_ans.eph, eph, KR_OAP_PUB_LEN);
		break;
	default:
		memcpy(a.holds_ans.req_nonce, r->msg.h.nonce, KR_OAP_NONCE_LEN);
		a.holds_ans.status = status;
		break;
	}
	ret = seal(ctx, &a, r->buf, r->len, r->ans, sizeof(r->ans),
		   &r->ans_len, th, why);
	if (ret) {
		r->ans_len = 0;
		return ret;
	}
	r->status = status;
	return 0;
}

/* Remember the answer (the room was checked by kr_oap_resp_open()). */
static int resp_commit(struct kr_oap_resp *r)
{
	r->state = KR_OAP_RESP_ANSWERED;
	return kr_oap_cache_add(r->ctx->cache, r->msg.h.nonce, r->hash,
				r->msg.h.ts_ms + window_ms(r->ctx), r->ans,
				r->ans_len, r->now_ms);
}

static int resp_final(struct kr_oap_resp *r, uint8_t status,
		      const char **why)
{
	uint8_t th[KR_OAP_HASH_LEN];
	int ret;

	ret = resp_answer(r, status, NULL, 0, 0, th, why);
	if (ret)
		return ret;
	return resp_commit(r);
}

int kr_oap_resp_refuse(struct kr_oap_resp *r, uint8_t status)
{
	const char *why;

	if (r->state != KR_OAP_RESP_OPEN ||
	    (status == KR_OAP_ST_OK && r->msg.h.type != KR_OAP_HOLDS_REQ))
		return -EINVAL;
	return resp_final(r, status, &why);
}

/*
 * The answering end of an exchange: seed, install (without "peer holds
 * it", spec section 6 (b)), and only then the answer.  @in says what to
 * install (@in->role is this end's); @my_port goes in an allocation answer.
 */
static int resp_accept(struct kr_oap_resp *r, struct kr_oap_install *in,
		       const uint8_t *peer_eph, uint16_t my_port,
		       kr_oap_install_fn install, void *arg, const char **why)
{
	const struct kr_oap_ctx *ctx = r->ctx;
	struct kr_oap_seed_in sin = { 0 };
	uint8_t pub[KR_OAP_PUB_LEN];
	uint8_t th[KR_OAP_HASH_LEN];
	EVP_PKEY *eph = NULL;
	int mine = in->role, ret;

	ret = new_eph(ctx, &eph, pub);
	if (ret) {
		*why = "cannot make an ephemeral key";
		return resp_final(r, KR_OAP_ST_ERROR, why);
	}
	ret = kr_oap_crypto_dh(eph, peer_eph, r->shared);
	EVP_PKEY_free(eph);
	if (ret) {
		*why = "requester's ephemeral key unusable";
		return resp_final(r, KR_OAP_ST_ERROR, why);
	}
	ret = resp_answer(r, KR_OAP_ST_OK, pub, in->flow_id, my_port, th,
			  why);
	if (ret)
		goto out_wipe;

	sin.shared = r->shared;
	sin.req_nonce = r->msg.h.nonce;
	sin.ans_nonce = r->ans + 8;	/* the answer header's nonce */
	sin.id[mine] = ctx->me->pub;
	sin.id[!mine] = r->msg.h.sender;
	sin.flow[mine] = in->flow_id;
	sin.flow[!mine] = in->peer_flow_id;
	sin.epoch = in->epoch;
	sin.cipher = in->cipher;
	sin.th = th;
	ret = kr_oap_crypto_seed(r->seed, r->key_id, &sin);
	OPENSSL_cleanse(r->shared, sizeof(r->shared));
	if (ret) {
		*why = "cannot derive the seed";
		return resp_final(r, KR_OAP_ST_ERROR, why);
	}
	in->seed = r->seed;
	memcpy(in->key_id, r->key_id, KEYROT_KEY_ID_LEN);
	memcpy(in->exchange, r->msg.h.nonce, KR_OAP_NONCE_LEN);
	ret = install(arg, in);
	OPENSSL_cleanse(r->seed, sizeof(r->seed));
	if (ret) {
		*why = "install failed";
		memset(r->key_id, 0, sizeof(r->key_id));
		return resp_final(r, ret == -EBUSY || ret == -EAGAIN ?
				  KR_OAP_ST_BUSY : KR_OAP_ST_ERROR, why);
	}
	return resp_commit(r);

out_wipe:
	OPENSSL_cleanse(r->shared, sizeof(r->shared));
	return ret;
}

int kr_oap_resp_alloc(struct kr_oap_resp *r, uint32_t flow_id,
		      uint16_t port, kr_oap_install_fn install, void *arg,
		      const char **why)
{
	const struct kr_oap_alloc_req *b = &r->msg.alloc_req;
	struct kr_oap_install in = { 0 };

	if (r->state != KR_OAP_RESP_OPEN ||
	    r->msg.h.type != KR_OAP_ALLOC_REQ || !flow_id || !port) {
		*why = "misuse";
		return -EINVAL;
	}
	if ((r->msg.h.flags & KR_OAP_F_START) && !r->ctx->allow_start) {
		*why = "start values not allowed";
		return resp_final(r, KR_OAP_ST_REFUSED, why);
	}
	in.flow_id = flow_id;
	in.peer_flow_id = b->flow_id;
	in.peer_port = b->port;
	in.service = b->name;
	in.role = KEYROT_ROLE_RESPONDER;
	in.cipher = b->cipher;
	in.epoch = b->epoch;
	in.first = true;
	in.has_start = r->msg.h.flags & KR_OAP_F_START;
	in.start[0] = b->start[0];
	in.start[1] = b->start[1];
	return resp_accept(r, &in, b->eph, port, install, arg, why);
}

int kr_oap_resp_rekey(struct kr_oap_resp *r, const struct kr_oap_flow *f,
		      kr_oap_install_fn install, void *arg, const char **why)
{
	const struct kr_oap_rekey_req *b = &r->msg.rekey_req;
	struct kr_oap_install in = { .service = "" };

	if (r->state != KR_OAP_RESP_OPEN || r->msg.h.type != KR_OAP_REKEY_REQ) {
		*why = "misuse";
		return -EINVAL;
	}
	if (!f || f->flow_id != b->peer_flow_id ||
	    f->peer_flow_id != b->flow_id) {
		*why = "no such flow";
		return resp_final(r, KR_OAP_ST_NO_FLOW, why);
	}
	if (b->role == f->role) {
		*why = "both ends claim the same role";
		return resp_final(r, KR_OAP_ST_BAD_PARAMS, why);
	}
	if (b->cipher != f->cipher) {
		*why = "cipher is not the flow's";
		return resp_final(r, KR_OAP_ST_BAD_PARAMS, why);
	}
	if (b->epoch != (uint8_t)(f->tx_epoch + 1)) {
		*why = "epoch is not the transmit epoch + 1";
		return resp_final(r, KR_OAP_ST_BAD_EPOCH, why);
	}
	/* docs/oap.md 10: the initiator's exchange wins a collision. */
	if (f->in_flight) {
		if (f->role == KEYROT_ROLE_INITIATOR) {
			*why = "collision: the initiator's exchange wins";
			return resp_final(r, KR_OAP_ST_COLLISION, why);
		}
		r->yielded = true;
	}
	if ((r->msg.h.flags & KR_OAP_F_START) && !r->ctx->allow_start) {
		*why = "start values not allowed";
		return resp_final(r, KR_OAP_ST_REFUSED, why);
	}
	in.flow_id = f->flow_id;
	in.peer_flow_id = f->peer_flow_id;
	in.role = f->role;
	in.cipher = f->cipher;
	in.epoch = b->epoch;
	in.has_start = r->msg.h.flags & KR_OAP_F_START;
	in.start[0] = b->start[0];
	in.start[1] = b->start[1];
	return resp_accept(r, &in, b->eph, 0, install, arg, why);
}

int kr_oap_resp_holds(struct kr_oap_resp *r, const struct kr_oap_flow *f,
		      bool holds, const char **why)
{
	const struct kr_oap_holds_req *b = &r->msg.holds_req;

	if (r->state != KR_OAP_RESP_OPEN || r->msg.h.type != KR_OAP_HOLDS_REQ) {
		*why = "misuse";
		return -EINVAL;
	}
	if (!f || f->flow_id != b->peer_flow_id ||
	    f->peer_flow_id != b->flow_id) {
		*why = "no such flow";
		return resp_final(r, KR_OAP_ST_NO_FLOW, why);
	}
	if (!holds)
		*why = "seed not held: its exchange is dead";
	return resp_final(r, holds ? KR_OAP_ST_OK : KR_OAP_ST_NOT_HELD, why);
}
