// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * The test vector of docs/oap.md 14: an allocation, a re-key started by the
 * responder and a holds? query, with fixed keys, nonces and times, so that
 * every byte is reproducible.  Expected values come on standard input as
 * "name hex" lines (run.sh feeds tests/vectors/oap-v1.json); each must
 * match, and all must be there.  With --print, prints the computed lines.
 */
#include "kr_hex.h"
#include "oap_crypto.h"
#include "oap_fixture.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

struct line {
	char name[32];
	char hex[2 * KR_OAP_MSG_MAX + 1];
};

static struct line got[32];
static int ngot;

static void put(const char *name, const uint8_t *p, size_t n)
{
	struct line *l = &got[ngot++];

	snprintf(l->name, sizeof(l->name), "%s", name);
	kr_hex_encode(l->hex, p, n);
}

static void set_rand(struct fx_end *e, uint8_t nonce, uint8_t eph)
{
	e->ctx.rand = fx_rand;
	e->ctx.rand_arg = e;
	e->nonce_byte = nonce;
	e->eph_byte = eph;
}

/* The transcript hash of @q and its answer @ans, as both ends compute it. */
static void put_th(const char *name, const struct kr_oap_req *q,
		   const uint8_t *ans, size_t len)
{
	uint8_t th[32];

	kr_oap_crypto_th(th, q->buf, q->len, ans, len - KR_OAP_SIG_LEN);
	put(name, th, 32);
}

static void compute(void)
{
	static const uint64_t t0 = FX_NOW;
	struct fx_end A, B;
	struct kr_oap_alloc_params p = {
		.service = "echo", .flow_id = 0x11111111,
		.cipher = KEYROT_CIPHER_AES_256_GCM, .epoch = 200,
		.port = 51819,
	};
	struct kr_oap_flow fa, fb;
	struct kr_oap_req q;
	struct kr_oap_resp r;
	const char *why;
	int ok = 1;

	fx_init(&A, 0x0a);
	fx_init(&B, 0x0b);
	fx_pin(&A, &B);
	fx_pin(&B, &A);
	put("a_identity", A.id.pub, 32);
	put("b_identity", B.id.pub, 32);

	/* 1. allocation, A (initiator) to B */
	set_rand(&A, 0xa1, 0xa2);
	set_rand(&B, 0xb1, 0xb2);
	ok &= !kr_oap_req_alloc(&q, &A.ctx, B.id.pub, &p, t0, &why);
	ok &= !kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, t0 + 7, &why);
	ok &= !kr_oap_resp_alloc(&r, 0x22222222, 51819, fx_install, &B, &why);
	ok &= !kr_oap_req_complete(&q, r.ans, r.ans_len, t0 + 9, fx_install,
				   &A, &why);
	ok &= q.status == KR_OAP_ST_OK && !memcmp(A.seed, B.seed, 32);
	put("alloc_req", q.buf, q.len);
	put("alloc_ans", r.ans, r.ans_len);
	put_th("alloc_th", &q, r.ans, r.ans_len);
	put("alloc_seed", A.seed, 32);
	put("alloc_key_id", A.last.key_id, 8);
	fx_flows(&q, &r, &fa, &fb);

	/* 2. re-key started by B (role 1), epoch 201 */
	set_rand(&A, 0xa3, 0xa4);
	set_rand(&B, 0xb3, 0xb4);
	ok &= !kr_oap_req_rekey(&q, &B.ctx, A.id.pub, &fb, NULL, t0 + 60000,
				&why);
	ok &= !kr_oap_resp_open(&r, &A.ctx, q.buf, q.len, t0 + 60005, &why);
	ok &= !kr_oap_resp_rekey(&r, &fa, fx_install, &A, &why);
	ok &= !kr_oap_req_complete(&q, r.ans, r.ans_len, t0 + 60006,
				   fx_install, &B, &why);
	ok &= q.status == KR_OAP_ST_OK && !memcmp(A.seed, B.seed, 32);
	put("rekey_req", q.buf, q.len);
	put("rekey_ans", r.ans, r.ans_len);
	put_th("rekey_th", &q, r.ans, r.ans_len);
	put("rekey_seed", A.seed, 32);
	put("rekey_key_id", A.last.key_id, 8);

	/* 3. B asks whether A holds the re-key's seed: yes */
	set_rand(&A, 0xa5, 0xa6);
	set_rand(&B, 0xb5, 0xb6);
	ok &= !kr_oap_req_holds(&q, &B.ctx, A.id.pub, &fb, 201, B.last.key_id,
				B.last.exchange, t0 + 70000, &why);
	ok &= !kr_oap_resp_open(&r, &A.ctx, q.buf, q.len, t0 + 70001, &why);
	ok &= !kr_oap_resp_holds(&r, &fa, true, &why);
	ok &= !kr_oap_req_complete(&q, r.ans, r.ans_len, t0 + 70002,
				   fx_install, &B, &why);
	ok &= q.status == KR_OAP_ST_OK;
	put("holds_req", q.buf, q.len);
	put("holds_ans", r.ans, r.ans_len);

	UNIT_CASE("vector_exchanges_run", ok);
	fx_free(&A);
	fx_free(&B);
}

int main(int argc, char **argv)
{
	static char name[64], hex[2 * KR_OAP_MSG_MAX + 2], tc[96];
	bool seen[32] = { false };
	int i, all = 1;

	compute();
	if (argc > 1 && !strcmp(argv[1], "--print")) {
		for (i = 0; i < ngot; i++)
			printf("%s %s\n", got[i].name, got[i].hex);
		return 0;
	}
	while (scanf("%63s %2049s", name, hex) == 2) {
		for (i = 0; i < ngot; i++)
			if (!strcmp(got[i].name, name))
				break;
		snprintf(tc, sizeof(tc), "vector_%s", name);
		UNIT_CASE(tc, i < ngot && !strcmp(got[i].hex, hex));
		if (i < ngot)
			seen[i] = true;
	}
	for (i = 0; i < ngot; i++)
		all &= seen[i];
	UNIT_CASE("vector_every_value_checked", all);
	return unit_done();
}
