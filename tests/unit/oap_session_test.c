// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * OAP exchanges between ends in memory (docs/oap.md 8-11): allocation,
 * re-key from either end, holds?, the kernel's install order and flags,
 * retransmissions answered from the cache, freshness, replay, identities,
 * statuses, the collision rule, a dead exchange at both ends, and secrets
 * wiped where the API says.
 */
#include "kr_keyid.h"
#include "oap_cache.h"
#include "oap_crypto.h"
#include "oap_fixture.h"
#include "unit.h"

#include <errno.h>
#include <string.h>

static struct fx_end A, B, C;	/* C: pinned by A, unknown to B */
static const char *why;

static void setup(void)
{
	fx_init(&A, 0);
	fx_init(&B, 0);
	fx_init(&C, 0);
	fx_pin(&A, &B);
	fx_pin(&B, &A);
	fx_pin(&A, &C);
	fx_pin(&C, &A);
}

static void teardown(void)
{
	fx_free(&A);
	fx_free(&B);
	fx_free(&C);
}

static void reset_installs(void)
{
	A.installs = B.installs = C.installs = 0;
	A.install_ret = B.install_ret = C.install_ret = 0;
}

static void allocation(void)
{
	struct kr_oap_req q;
	struct kr_oap_resp r;
	uint8_t kid[8];
	int st;

	setup();
	st = fx_alloc(&A, &B, &q, &r, FX_NOW);
	UNIT_CASE("alloc_ok", st == KR_OAP_ST_OK && q.state == KR_OAP_REQ_DONE &&
		  r.state == KR_OAP_RESP_ANSWERED);
	UNIT_CASE("alloc_both_installed_once", A.installs == 1 &&
		  B.installs == 1);
	UNIT_CASE("alloc_same_seed", !memcmp(A.seed, B.seed, 32) &&
		  !fx_zero(A.seed, 32));
	UNIT_CASE("alloc_same_key_id", !memcmp(A.last.key_id, B.last.key_id, 8) &&
		  !kr_keyid_compute(kid, A.seed) && !memcmp(kid, A.last.key_id, 8));
	UNIT_CASE("alloc_responder_installs_before_answering",
		  !B.answered_before_install);
	UNIT_CASE("alloc_completing_end_peer_holds",
		  A.last.peer_holds && !B.last.peer_holds);
	UNIT_CASE("alloc_roles", A.last.role == KEYROT_ROLE_INITIATOR &&
		  B.last.role == KEYROT_ROLE_RESPONDER);
	UNIT_CASE("alloc_flow_ids_cross", A.last.flow_id == 0x11111111 &&
		  A.last.peer_flow_id == 0x22222222 &&
		  B.last.flow_id == 0x22222222 &&
		  B.last.peer_flow_id == 0x11111111 &&
		  q.peer_flow_id == 0x22222222);
	UNIT_CASE("alloc_first_epoch_200", A.last.first && B.last.first &&
		  A.last.epoch == 200 && B.last.epoch == 200);
	UNIT_CASE("alloc_service_cipher_ports",
		  !strcmp(B.last.service, "echo") &&
		  !strcmp(A.last.service, "echo") &&
		  A.last.cipher == 0 && B.last.cipher == 0 &&
		  A.last.peer_port == 51819 && B.last.peer_port == 51819);
	UNIT_CASE("alloc_exchange_id_both", !memcmp(A.last.exchange,
		  kr_oap_req_id(&q), 16) && !memcmp(B.last.exchange,
		  kr_oap_req_id(&q), 16));
	UNIT_CASE("alloc_no_start", !A.last.has_start && !B.last.has_start);
	/* the library's seed buffers were what it handed over, now zero */
	UNIT_CASE("alloc_seed_wiped_requester", A.last.seed == q.seed &&
		  fx_zero(q.seed, 32) && fx_zero(q.shared, 32) && !q.eph);
	UNIT_CASE("alloc_seed_wiped_responder", B.last.seed == r.seed &&
		  fx_zero(r.seed, 32) && fx_zero(r.shared, 32));
	UNIT_CASE("alloc_cached", B.cache.n == 1 && B.cache.entries[0].ans_len ==
		  r.ans_len && !memcmp(B.cache.entries[0].ans, r.ans, r.ans_len));
	teardown();
}

static void start_values(void)
{
	struct kr_oap_alloc_params p = {
		.service = "echo", .flow_id = 5, .cipher = 1, .epoch = 7,
		.port = 1, .has_start = true,
		.start = { KEYROT_SEQ_LIMIT - 100, 1ULL << 26 },
	};
	struct kr_oap_req q;
	struct kr_oap_resp r;
	int ret;

	setup();
	ret = kr_oap_req_alloc(&q, &A.ctx, B.id.pub, &p, FX_NOW, &why);
	ret = ret ?: kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW, &why);
	ret = ret ?: kr_oap_resp_alloc(&r, 9, 2, fx_install, &B, &why);
	ret = ret ?: kr_oap_req_complete(&q, r.ans, r.ans_len, FX_NOW,
					 fx_install, &A, &why);
	UNIT_CASE("start_values_both_ends", !ret && q.status == 0 &&
		  A.last.has_start && B.last.has_start &&
		  A.last.start[0] == KEYROT_SEQ_LIMIT - 100 &&
		  B.last.start[0] == KEYROT_SEQ_LIMIT - 100 &&
		  A.last.start[1] == 1ULL << 26 && B.last.start[1] == 1ULL << 26);
	UNIT_CASE("start_values_chacha", A.last.cipher == 1 && B.last.cipher == 1);

	/* a responder that does not allow them refuses, installs nothing */
	reset_installs();
	B.ctx.allow_start = false;
	ret = kr_oap_req_alloc(&q, &A.ctx, B.id.pub, &p, FX_NOW, &why);
	ret = ret ?: kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW, &why);
	ret = ret ?: kr_oap_resp_alloc(&r, 9, 2, fx_install, &B, &why);
	ret = ret ?: kr_oap_req_complete(&q, r.ans, r.ans_len, FX_NOW,
					 fx_install, &A, &why);
	UNIT_CASE("start_values_refused_when_not_allowed", !ret &&
		  q.status == KR_OAP_ST_REFUSED && !A.installs && !B.installs);
	p.start[0] = KEYROT_SEQ_LIMIT;
	UNIT_CASE("start_value_beyond_tree_not_built",
		  kr_oap_req_alloc(&q, &A.ctx, B.id.pub, &p, FX_NOW, &why) ==
		  -EINVAL && q.state == KR_OAP_REQ_DEAD);
	teardown();
}

static void statuses(void)
{
	struct kr_oap_req q;
	struct kr_oap_resp r, r2;
	int ret;

	setup();
	fx_req_alloc(&q, &A, &B, FX_NOW);
	kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW, &why);
	ret = kr_oap_resp_refuse(&r, KR_OAP_ST_NO_SERVICE);
	ret = ret ?: kr_oap_req_complete(&q, r.ans, r.ans_len, FX_NOW,
					 fx_install, &A, &why);
	UNIT_CASE("unknown_service_status", !ret &&
		  q.status == KR_OAP_ST_NO_SERVICE && q.state == KR_OAP_REQ_DONE &&
		  !A.installs && !B.installs && !q.eph);
	UNIT_CASE("unknown_service_answer_cached",
		  kr_oap_resp_open(&r2, &B.ctx, q.buf, q.len, FX_NOW + 9, &why) ==
		  1 && r2.ans_len == r.ans_len && !memcmp(r2.ans, r.ans, r.ans_len));
	UNIT_CASE("refuse_with_ok_is_misuse",
		  kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW, &why) == 1 &&
		  kr_oap_resp_refuse(&r, KR_OAP_ST_OK) == -EINVAL);
	fx_req_alloc(&q, &A, &B, FX_NOW);
	kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW, &why);
	UNIT_CASE("refuse_with_status_not_for_type",
		  kr_oap_resp_refuse(&r, KR_OAP_ST_COLLISION) == -EINVAL &&
		  r.ans_len == 0);

	kr_oap_req_kill(&q);	/* every session ends: done or killed */

	/* install refused by the kernel: "busy" or "error", nothing else */
	reset_installs();
	B.install_ret = -EBUSY;
	ret = fx_alloc(&A, &B, &q, &r, FX_NOW);
	UNIT_CASE("install_ebusy_answers_busy", ret == KR_OAP_ST_BUSY &&
		  B.installs == 1 && !A.installs && fx_zero(r.seed, 32));
	reset_installs();
	B.install_ret = -EAGAIN;
	UNIT_CASE("install_eagain_answers_busy",
		  fx_alloc(&A, &B, &q, &r, FX_NOW) == KR_OAP_ST_BUSY);
	reset_installs();
	B.install_ret = -EKEYREJECTED;
	UNIT_CASE("install_other_error_answers_error",
		  fx_alloc(&A, &B, &q, &r, FX_NOW) == KR_OAP_ST_ERROR &&
		  !A.installs);
	UNIT_CASE("busy_answer_retransmitted_same",
		  kr_oap_resp_open(&r2, &B.ctx, q.buf, q.len, FX_NOW, &why) == 1 &&
		  !memcmp(r2.ans, r.ans, r.ans_len) && B.installs == 1);

	/* the completing end's install fails: the exchange is dead there */
	reset_installs();
	A.install_ret = -EIO;
	UNIT_CASE("requester_install_failure_kills",
		  fx_alloc(&A, &B, &q, &r, FX_NOW) == -EIO &&
		  q.state == KR_OAP_REQ_DEAD && fx_zero(q.seed, 32) && !q.eph);
	teardown();
}

static void retransmission(void)
{
	struct kr_oap_req q;
	struct kr_oap_resp r, r2;
	const uint64_t w = KR_OAP_DEFAULT_WINDOW_MS;
	size_t n;

	setup();
	fx_alloc(&A, &B, &q, &r, FX_NOW);
	n = B.cache.n;
	UNIT_CASE("retransmit_gets_same_answer",
		  kr_oap_resp_open(&r2, &B.ctx, q.buf, q.len, FX_NOW + 1000,
				   &why) == 1 &&
		  r2.ans_len == r.ans_len && !memcmp(r2.ans, r.ans, r.ans_len));
	UNIT_CASE("retransmit_no_new_seed", B.installs == 1 && B.cache.n == n);
	UNIT_CASE("retransmit_at_window_edge_still_cached",
		  kr_oap_resp_open(&r2, &B.ctx, q.buf, q.len, FX_NOW + w,
				   &why) == 1 && !memcmp(r2.ans, r.ans, r.ans_len));
	UNIT_CASE("duplicate_answer_refused_by_requester",
		  kr_oap_req_complete(&q, r2.ans, r2.ans_len, FX_NOW + 6,
				      fx_install, &A, &why) == -EALREADY &&
		  A.installs == 1);
	UNIT_CASE("retransmit_after_expiry_stale",
		  kr_oap_resp_open(&r2, &B.ctx, q.buf, q.len, FX_NOW + w + 1,
				   &why) == -ESTALE && B.installs == 1);
	kr_oap_cache_prune(&B.cache, FX_NOW + w + 1);
	UNIT_CASE("retransmit_after_prune_still_stale",
		  B.cache.n == 0 &&
		  kr_oap_resp_open(&r2, &B.ctx, q.buf, q.len, FX_NOW + w + 1,
				   &why) == -ESTALE);
	teardown();
}

static void freshness(void)
{
	const uint64_t w = KR_OAP_DEFAULT_WINDOW_MS;
	struct kr_oap_req q;
	struct kr_oap_resp r;

	setup();
	fx_req_alloc(&q, &A, &B, FX_NOW);
	UNIT_CASE("stale_request_refused",
		  kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW + w + 1,
				   &why) == -ESTALE && !strcmp(why, "timestamp too old"));
	UNIT_CASE("future_request_refused",
		  kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW - w - 1,
				   &why) == -ESTALE &&
		  !strcmp(why, "timestamp in the future"));
	UNIT_CASE("refusals_change_nothing", B.cache.n == 0 && !B.installs);
	UNIT_CASE("window_edge_past_accepted",
		  kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW + w, &why) ==
		  0);
	UNIT_CASE("window_edge_future_accepted",
		  kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW - w, &why) ==
		  0);
	B.ctx.window_ms = 1000;
	UNIT_CASE("window_is_a_parameter",
		  kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW + 1001,
				   &why) == -ESTALE);
	B.ctx.window_ms = 0;

	/* a stale answer is refused; the fresh one still completes */
	kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW, &why);
	kr_oap_resp_alloc(&r, 3, 3, fx_install, &B, &why);
	UNIT_CASE("stale_answer_refused",
		  kr_oap_req_complete(&q, r.ans, r.ans_len, FX_NOW + w + 1,
				      fx_install, &A, &why) == -ESTALE &&
		  q.state == KR_OAP_REQ_SENT && !A.installs);
	UNIT_CASE("future_answer_refused",
		  kr_oap_req_complete(&q, r.ans, r.ans_len, FX_NOW - w - 1,
				      fx_install, &A, &why) == -ESTALE &&
		  q.state == KR_OAP_REQ_SENT);
	UNIT_CASE("answer_after_refusals_taken",
		  !kr_oap_req_complete(&q, r.ans, r.ans_len, FX_NOW + 1,
				       fx_install, &A, &why) &&
		  A.installs == 1 && !memcmp(A.seed, B.seed, 32));
	teardown();
}

static void identities(void)
{
	struct kr_oap_req q, qc;
	struct kr_oap_resp r;
	struct fx_end D;

	setup();
	fx_init(&D, 0);
	/* C is pinned by A but not by B */
	fx_req_alloc(&qc, &C, &A, FX_NOW);
	UNIT_CASE("requester_refuses_unpinned_peer",
		  fx_req_alloc(&q, &A, &D, FX_NOW) == -ENOKEY);
	{
		struct kr_oap_alloc_params p = {
			.service = "x", .flow_id = 1, .port = 1,
		};
		fx_pin(&C, &B);	/* C knows B, B does not know C */
		kr_oap_req_kill(&qc);
		UNIT_CASE("responder_refuses_unpinned_sender",
			  !kr_oap_req_alloc(&qc, &C.ctx, B.id.pub, &p, FX_NOW,
					    &why) &&
			  kr_oap_resp_open(&r, &B.ctx, qc.buf, qc.len, FX_NOW,
					   &why) == -ENOKEY &&
			  !strcmp(why, "sender not pinned"));
	}
	/* a request meant for A is not B's */
	kr_oap_req_kill(&qc);
	fx_req_alloc(&qc, &C, &A, FX_NOW);
	UNIT_CASE("request_for_other_identity_refused",
		  kr_oap_resp_open(&r, &B.ctx, qc.buf, qc.len, FX_NOW, &why) ==
		  -EXDEV);
	/* A's name on it, C's signature: the signature fails */
	fx_req_alloc(&q, &A, &B, FX_NOW);
	{
		uint8_t th[32];

		kr_oap_crypto_th(th, NULL, 0, q.buf, q.len - 64);
		kr_oap_crypto_sign(C.id.key, th, q.buf + q.len - 64);
		UNIT_CASE("signed_by_other_key_refused",
			  kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW,
					   &why) == -EKEYREJECTED &&
			  B.cache.n == 0);
	}
	/* an answer from C (pinned at A, but not the peer asked) */
	kr_oap_req_kill(&q);
	fx_req_alloc(&q, &A, &B, FX_NOW);
	{
		struct kr_oap_req qa;
		struct kr_oap_resp rc;

		/* C answers A's request to C with A's nonce... for another q */
		fx_req_alloc(&qa, &A, &C, FX_NOW);
		kr_oap_resp_open(&rc, &C.ctx, qa.buf, qa.len, FX_NOW, &why);
		kr_oap_resp_alloc(&rc, 4, 4, fx_install, &C, &why);
		/* graft it onto q: same nonce echo, then re-sign as C */
		memcpy(rc.ans + 96, kr_oap_req_id(&q), 16);
		{
			uint8_t th[32];

			kr_oap_crypto_th(th, q.buf, q.len, rc.ans, rc.ans_len - 64);
			kr_oap_crypto_sign(C.id.key, th, rc.ans + rc.ans_len - 64);
		}
		UNIT_CASE("answer_from_other_pinned_identity_refused",
			  kr_oap_req_complete(&q, rc.ans, rc.ans_len, FX_NOW,
					      fx_install, &A, &why) == -ENOKEY &&
			  q.state == KR_OAP_REQ_SENT);
		kr_oap_req_kill(&qa);
	}
	kr_oap_req_kill(&q);
	kr_oap_req_kill(&qc);
	fx_free(&D);
	teardown();
}

static void rekeys(void)
{
	struct kr_oap_flow fa, fb;
	struct kr_oap_req q;
	struct kr_oap_resp r;
	uint8_t first[32], second[32];
	int ret;

	setup();
	fx_alloc(&A, &B, &q, &r, FX_NOW);
	memcpy(first, A.seed, 32);
	fx_flows(&q, &r, &fa, &fb);
	reset_installs();

	/* the initiator re-keys: epoch 201 */
	ret = kr_oap_req_rekey(&q, &A.ctx, B.id.pub, &fa, NULL, FX_NOW + 100,
			       &why);
	ret = ret ?: kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW + 100,
				      &why);
	B.watch = &r;
	ret = ret ?: kr_oap_resp_rekey(&r, &fb, fx_install, &B, &why);
	B.watch = NULL;
	ret = ret ?: kr_oap_req_complete(&q, r.ans, r.ans_len, FX_NOW + 101,
					 fx_install, &A, &why);
	UNIT_CASE("rekey_by_initiator_ok", !ret && q.status == KR_OAP_ST_OK &&
		  A.installs == 1 && B.installs == 1);
	UNIT_CASE("rekey_same_new_seed", !memcmp(A.seed, B.seed, 32) &&
		  memcmp(A.seed, first, 32) &&
		  !memcmp(A.last.key_id, B.last.key_id, 8));
	UNIT_CASE("rekey_epoch_201_not_first", A.last.epoch == 201 &&
		  B.last.epoch == 201 && !A.last.first && !B.last.first);
	UNIT_CASE("rekey_install_order_and_flags",
		  !B.answered_before_install && A.last.peer_holds &&
		  !B.last.peer_holds);
	UNIT_CASE("rekey_roles_kept", A.last.role == 0 && B.last.role == 1 &&
		  A.last.flow_id == fa.flow_id && B.last.flow_id == fb.flow_id);
	UNIT_CASE("rekey_secrets_wiped", fx_zero(q.seed, 32) &&
		  fx_zero(q.shared, 32) && fx_zero(r.seed, 32) &&
		  fx_zero(r.shared, 32) && !q.eph);
	memcpy(second, A.seed, 32);
	fa.tx_epoch = fb.tx_epoch = 201;

	/* the responder re-keys: roles stay the flow's */
	reset_installs();
	ret = kr_oap_req_rekey(&q, &B.ctx, A.id.pub, &fb, NULL, FX_NOW + 200,
			       &why);
	ret = ret ?: kr_oap_resp_open(&r, &A.ctx, q.buf, q.len, FX_NOW + 200,
				      &why);
	ret = ret ?: kr_oap_resp_rekey(&r, &fa, fx_install, &A, &why);
	ret = ret ?: kr_oap_req_complete(&q, r.ans, r.ans_len, FX_NOW + 201,
					 fx_install, &B, &why);
	UNIT_CASE("rekey_by_responder_ok", !ret && q.status == 0 &&
		  !memcmp(A.seed, B.seed, 32) && memcmp(A.seed, second, 32) &&
		  memcmp(A.seed, first, 32));
	UNIT_CASE("rekey_by_responder_roles", A.last.role == 0 &&
		  B.last.role == 1 && B.last.peer_holds && !A.last.peer_holds &&
		  A.last.epoch == 202);
	fa.tx_epoch = fb.tx_epoch = 202;

	/* epoch wraps mod 256 */
	fa.tx_epoch = fb.tx_epoch = 255;
	reset_installs();
	ret = kr_oap_req_rekey(&q, &A.ctx, B.id.pub, &fa, NULL, FX_NOW, &why);
	ret = ret ?: kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW, &why);
	ret = ret ?: kr_oap_resp_rekey(&r, &fb, fx_install, &B, &why);
	ret = ret ?: kr_oap_req_complete(&q, r.ans, r.ans_len, FX_NOW,
					 fx_install, &A, &why);
	UNIT_CASE("rekey_epoch_wraps_to_0", !ret && q.status == 0 &&
		  A.last.epoch == 0 && B.last.epoch == 0);
	fa.tx_epoch = fb.tx_epoch = 202;

	/* start values in a re-key (requester's config) */
	{
		const uint64_t st[2] = { 100, 200 };

		reset_installs();
		ret = kr_oap_req_rekey(&q, &A.ctx, B.id.pub, &fa, st, FX_NOW,
				       &why);
		ret = ret ?: kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW,
					      &why);
		ret = ret ?: kr_oap_resp_rekey(&r, &fb, fx_install, &B, &why);
		ret = ret ?: kr_oap_req_complete(&q, r.ans, r.ans_len, FX_NOW,
						 fx_install, &A, &why);
		UNIT_CASE("rekey_start_values", !ret && A.last.has_start &&
			  B.last.has_start && A.last.start[1] == 200 &&
			  B.last.start[0] == 100);
	}
	teardown();
}

/* A re-key request from @from about @fq, answered by @to with flow @ft. */
static int rekey_status(struct fx_end *from, struct fx_end *to,
			const struct kr_oap_flow *fq,
			const struct kr_oap_flow *ft, struct kr_oap_resp *r)
{
	struct kr_oap_req q;
	int ret;

	ret = kr_oap_req_rekey(&q, &from->ctx, to->id.pub, fq, NULL, FX_NOW,
			       &why);
	ret = ret ?: kr_oap_resp_open(r, &to->ctx, q.buf, q.len, FX_NOW, &why);
	ret = ret ?: kr_oap_resp_rekey(r, ft, fx_install, to, &why);
	ret = ret ?: kr_oap_req_complete(&q, r->ans, r->ans_len, FX_NOW,
					 fx_install, from, &why);
	return ret ?: q.status;
}

static void rekey_refusals(void)
{
	struct kr_oap_flow fa, fb, f;
	struct kr_oap_req q;
	struct kr_oap_resp r;

	setup();
	fx_alloc(&A, &B, &q, &r, FX_NOW);
	fx_flows(&q, &r, &fa, &fb);
	reset_installs();

	f = fa;
	f.tx_epoch = 201;	/* asks for 202, B transmits on 200 */
	UNIT_CASE("rekey_wrong_epoch_ahead",
		  rekey_status(&A, &B, &f, &fb, &r) == KR_OAP_ST_BAD_EPOCH);
	f.tx_epoch = 199;	/* asks for 200 again */
	UNIT_CASE("rekey_wrong_epoch_same",
		  rekey_status(&A, &B, &f, &fb, &r) == KR_OAP_ST_BAD_EPOCH);
	UNIT_CASE("rekey_wrong_epoch_no_install", !A.installs && !B.installs);
	UNIT_CASE("rekey_no_flow",
		  rekey_status(&A, &B, &fa, NULL, &r) == KR_OAP_ST_NO_FLOW);
	f = fb;
	f.peer_flow_id = 0x33333333;
	UNIT_CASE("rekey_other_peer_flow",
		  rekey_status(&A, &B, &fa, &f, &r) == KR_OAP_ST_NO_FLOW);
	f = fb;
	f.role = KEYROT_ROLE_INITIATOR;	/* B wrongly believes role 0 */
	UNIT_CASE("rekey_both_claim_role0",
		  rekey_status(&A, &B, &fa, &f, &r) == KR_OAP_ST_BAD_PARAMS);
	f = fb;
	f.cipher = 1;
	UNIT_CASE("rekey_cipher_mismatch",
		  rekey_status(&A, &B, &fa, &f, &r) == KR_OAP_ST_BAD_PARAMS);
	UNIT_CASE("rekey_refusals_no_install", !A.installs && !B.installs);
	teardown();
}

/*
 * Both ends start a re-key at once (docs/oap.md 10): the initiator answers
 * the responder's "collision", the responder yields and answers the
 * initiator's; one seed results.
 */
static void collision(void)
{
	struct kr_oap_flow fa, fb;
	struct kr_oap_req q, qa, qb;
	struct kr_oap_resp r, ra, rb;
	int ret;

	setup();
	fx_alloc(&A, &B, &q, &r, FX_NOW);
	fx_flows(&q, &r, &fa, &fb);
	reset_installs();

	ret = kr_oap_req_rekey(&qa, &A.ctx, B.id.pub, &fa, NULL, FX_NOW, &why);
	ret = ret ?: kr_oap_req_rekey(&qb, &B.ctx, A.id.pub, &fb, NULL,
				      FX_NOW, &why);
	fa.in_flight = fb.in_flight = true;
	/* B's request reaches A */
	ret = ret ?: kr_oap_resp_open(&ra, &A.ctx, qb.buf, qb.len, FX_NOW,
				      &why);
	ret = ret ?: kr_oap_resp_rekey(&ra, &fa, fx_install, &A, &why);
	UNIT_CASE("collision_initiator_answers_collision", !ret &&
		  ra.status == KR_OAP_ST_COLLISION && !ra.yielded &&
		  !A.installs);
	/* A's request reaches B */
	ret = kr_oap_resp_open(&rb, &B.ctx, qa.buf, qa.len, FX_NOW, &why);
	ret = ret ?: kr_oap_resp_rekey(&rb, &fb, fx_install, &B, &why);
	UNIT_CASE("collision_responder_yields_and_accepts", !ret &&
		  rb.status == KR_OAP_ST_OK && rb.yielded && B.installs == 1);
	kr_oap_req_kill(&qb);	/* the daemon acts on rb.yielded */
	ret = kr_oap_req_complete(&qa, rb.ans, rb.ans_len, FX_NOW, fx_install,
				  &A, &why);
	UNIT_CASE("collision_initiators_exchange_completes", !ret &&
		  qa.status == KR_OAP_ST_OK && A.installs == 1 &&
		  !memcmp(A.seed, B.seed, 32));
	UNIT_CASE("collision_answer_to_yielded_request_refused",
		  kr_oap_req_complete(&qb, ra.ans, ra.ans_len, FX_NOW,
				      fx_install, &B, &why) == -EALREADY &&
		  B.installs == 1);
	/* had B not killed it, it would read "collision" and install nothing */
	{
		struct kr_oap_req qb2;

		kr_oap_req_rekey(&qb2, &B.ctx, A.id.pub, &fb, NULL, FX_NOW, &why);
		kr_oap_resp_open(&ra, &A.ctx, qb2.buf, qb2.len, FX_NOW, &why);
		kr_oap_resp_rekey(&ra, &fa, fx_install, &A, &why);
		UNIT_CASE("collision_status_reaches_yielder",
			  !kr_oap_req_complete(&qb2, ra.ans, ra.ans_len, FX_NOW,
					       fx_install, &B, &why) &&
			  qb2.status == KR_OAP_ST_COLLISION && B.installs == 1);
	}
	teardown();
}

/*
 * The "unconfirmed" path (docs/oap.md 9): the answer is lost, the requester
 * gives up, the answering end asks "holds?", hears "no", withdraws; the
 * exchange is dead at both ends.
 */
static void holds(void)
{
	struct kr_oap_flow fa, fb;
	struct kr_oap_req q, qr, qh;
	struct kr_oap_resp r, rr, rh, again;
	uint8_t kid[8], xid[16];
	int ret;

	setup();
	fx_alloc(&A, &B, &q, &r, FX_NOW);
	fx_flows(&q, &r, &fa, &fb);

	/* yes: A holds the allocation's seed */
	ret = kr_oap_req_holds(&qh, &B.ctx, A.id.pub, &fb, 200, B.last.key_id,
			       B.last.exchange, FX_NOW + 6000, &why);
	ret = ret ?: kr_oap_resp_open(&rh, &A.ctx, qh.buf, qh.len,
				      FX_NOW + 6000, &why);
	UNIT_CASE("holds_query_fields", !ret &&
		  rh.msg.holds_req.epoch == 200 &&
		  !memcmp(rh.msg.holds_req.key_id, A.last.key_id, 8) &&
		  !memcmp(rh.msg.holds_req.exchange, kr_oap_req_id(&q), 16));
	ret = ret ?: kr_oap_resp_holds(&rh, &fa, true, &why);
	ret = ret ?: kr_oap_req_complete(&qh, rh.ans, rh.ans_len, FX_NOW + 6001,
					 fx_install, &B, &why);
	UNIT_CASE("holds_yes", !ret && qh.status == KR_OAP_ST_OK &&
		  qh.state == KR_OAP_REQ_DONE);

	/* a re-key whose answer is lost */
	reset_installs();
	ret = kr_oap_req_rekey(&qr, &A.ctx, B.id.pub, &fa, NULL, FX_NOW + 10000,
			       &why);
	ret = ret ?: kr_oap_resp_open(&rr, &B.ctx, qr.buf, qr.len,
				      FX_NOW + 10000, &why);
	ret = ret ?: kr_oap_resp_rekey(&rr, &fb, fx_install, &B, &why);
	UNIT_CASE("lost_answer_responder_installed", !ret && B.installs == 1 &&
		  !B.last.peer_holds);
	memcpy(kid, B.last.key_id, 8);
	memcpy(xid, B.last.exchange, 16);
	kr_oap_req_kill(&qr);	/* retries exhausted (oap_retry.h) */
	UNIT_CASE("given_up_wiped", qr.state == KR_OAP_REQ_DEAD && !qr.eph);

	/* after the grace period B asks; A does not hold it */
	ret = kr_oap_req_holds(&qh, &B.ctx, A.id.pub, &fb, 201, kid, xid,
			       FX_NOW + 15000, &why);
	ret = ret ?: kr_oap_resp_open(&rh, &A.ctx, qh.buf, qh.len,
				      FX_NOW + 15000, &why);
	ret = ret ?: kr_oap_resp_holds(&rh, &fa, false, &why);
	/* the daemon kills its session of that exchange id, if alive */
	if (!memcmp(rh.msg.holds_req.exchange, kr_oap_req_id(&qr), 16))
		kr_oap_req_kill(&qr);
	ret = ret ?: kr_oap_req_complete(&qh, rh.ans, rh.ans_len,
					 FX_NOW + 15001, fx_install, &B, &why);
	UNIT_CASE("holds_no", !ret && qh.status == KR_OAP_ST_NOT_HELD);
	/* B withdraws the seed (netlink) and drops the cached answer */
	UNIT_CASE("dead_exchange_cache_killed", !kr_oap_cache_kill(&B.cache,
								      xid));
	UNIT_CASE("dead_exchange_late_answer_refused_at_requester",
		  kr_oap_req_complete(&qr, rr.ans, rr.ans_len, FX_NOW + 15002,
				      fx_install, &A, &why) == -EALREADY &&
		  !A.installs);
	UNIT_CASE("dead_exchange_late_request_refused_at_responder",
		  kr_oap_resp_open(&again, &B.ctx, qr.buf, qr.len,
				   FX_NOW + 15003, &why) == -EALREADY &&
		  !strcmp(why, "replay: exchange dropped") && B.installs == 1);
	/* the holds? answer itself is cached like any other */
	UNIT_CASE("holds_answer_retransmitted_same",
		  kr_oap_resp_open(&again, &A.ctx, qh.buf, qh.len,
				   FX_NOW + 15004, &why) == 1 &&
		  again.ans_len == rh.ans_len &&
		  !memcmp(again.ans, rh.ans, rh.ans_len));

	/* no such flow */
	ret = kr_oap_req_holds(&qh, &B.ctx, A.id.pub, &fb, 201, kid, xid,
			       FX_NOW, &why);
	ret = ret ?: kr_oap_resp_open(&rh, &A.ctx, qh.buf, qh.len, FX_NOW,
				      &why);
	ret = ret ?: kr_oap_resp_holds(&rh, NULL, true, &why);
	ret = ret ?: kr_oap_req_complete(&qh, rh.ans, rh.ans_len, FX_NOW,
					 fx_install, &B, &why);
	UNIT_CASE("holds_no_flow", !ret && qh.status == KR_OAP_ST_NO_FLOW);
	UNIT_CASE("answered_session_takes_no_second_answer",
		  kr_oap_resp_open(&rh, &B.ctx, q.buf, q.len, FX_NOW, &why) == 1 &&
		  kr_oap_resp_holds(&rh, &fb, true, &why) == -EINVAL &&
		  kr_oap_resp_refuse(&rh, KR_OAP_ST_BUSY) == -EINVAL);
	fx_req_alloc(&q, &A, &B, FX_NOW);
	UNIT_CASE("holds_answer_to_allocation_is_misuse",
		  !kr_oap_resp_open(&rh, &B.ctx, q.buf, q.len, FX_NOW, &why) &&
		  kr_oap_resp_holds(&rh, &fb, true, &why) == -EINVAL &&
		  kr_oap_resp_rekey(&rh, &fb, fx_install, &B, &why) == -EINVAL &&
		  rh.state == KR_OAP_RESP_OPEN);
	kr_oap_req_kill(&q);
	teardown();
}

static void replay_and_room(void)
{
	struct kr_oap_req q, q2;
	struct kr_oap_resp r;
	struct fx_end *ends[] = { &A };
	int ret;

	setup();
	/* same nonce, other bytes: only a broken or hostile signer does it */
	A.ctx.rand = fx_rand;
	A.ctx.rand_arg = &A;
	A.nonce_byte = 0x5c;
	A.eph_byte = 0x10;
	fx_alloc(&A, &B, &q, &r, FX_NOW);
	A.eph_byte = 0x11;
	ret = fx_req_alloc(&q2, &A, &B, FX_NOW + 1);
	UNIT_CASE("nonce_reuse_refused", !ret &&
		  kr_oap_resp_open(&r, &B.ctx, q2.buf, q2.len, FX_NOW + 1,
				   &why) == -EALREADY && B.installs == 1);
	A.ctx.rand = NULL;
	(void)ends;
	kr_oap_req_kill(&q2);

	/* a full cache refuses before anything happens */
	kr_oap_cache_free(&B.cache);
	kr_oap_cache_init(&B.cache, 1);
	reset_installs();
	fx_alloc(&A, &B, &q, &r, FX_NOW);
	fx_req_alloc(&q2, &A, &B, FX_NOW);
	UNIT_CASE("cache_full_refused",
		  kr_oap_resp_open(&r, &B.ctx, q2.buf, q2.len, FX_NOW, &why) ==
		  -ENOSPC && B.installs == 1);
	kr_oap_req_kill(&q2);
	UNIT_CASE("cache_room_after_window",
		  !fx_alloc(&A, &B, &q, &r,
			    FX_NOW + KR_OAP_DEFAULT_WINDOW_MS + 1) &&
		  B.installs == 2);
	teardown();
}

/* Two allocations with the same parameters never share a seed. */
static void fresh_seeds(void)
{
	struct kr_oap_req q;
	struct kr_oap_resp r;
	uint8_t s1[32];

	setup();
	fx_alloc(&A, &B, &q, &r, FX_NOW);
	memcpy(s1, A.seed, 32);
	fx_alloc(&A, &B, &q, &r, FX_NOW);
	UNIT_CASE("same_parameters_new_seed", memcmp(s1, A.seed, 32) &&
		  !memcmp(A.seed, B.seed, 32));
	teardown();
}

int main(void)
{
	allocation();
	start_values();
	statuses();
	retransmission();
	freshness();
	identities();
	rekeys();
	rekey_refusals();
	collision();
	holds();
	replay_and_room();
	fresh_seeds();
	return unit_done();
}
