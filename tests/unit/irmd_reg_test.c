// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * irmd's registry and re-key state machine (userspace/irmd/reg.c): every
 * transition of docs/irmd.md "Re-key state machine": a need starts one
 * exchange and only one; completion, answer and switch; failures back off
 * for 0.5 to 1.5 event periods; a peer without the flow marks it down;
 * "unconfirmed" asks holds? once, and yes confirms, no withdraws (or
 * deletes a first seed), no answer keeps the seed; the peer's query about
 * this end's exchange kills it; a lost switch event is recovered; a flow
 * going down mid re-key kills its exchange.  And a collision played with
 * real OAP sessions: the initiator answers "collision", the responder
 * yields, one seed results, the late answer is refused.
 */
#include "oap_fixture.h"
#include "reg.h"
#include "unit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const uint8_t KID[KEYROT_KEY_ID_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t XCH[KR_OAP_NONCE_LEN] = { 9, 9, 9, 9, 9, 9, 9, 9,
					       9, 9, 9, 9, 9, 9, 9, 9 };
static const uint32_t WM = KEYROT_REKEY_REASON_WATERMARK;
static const uint32_t IV = KEYROT_REKEY_REASON_INTERVAL;

/* An allocated flow on transmit epoch @epoch, event period 1000 ms. */
static struct kr_reg_flow *flow(struct kr_reg *reg, uint32_t id,
				uint8_t role, uint8_t epoch)
{
	struct kr_reg_flow *f;

	if (kr_reg_add(reg, id, 0, &f))
		return NULL;
	f->state = KR_REG_ALLOCATED;
	f->role = role;
	f->peer_id = id + 1000;
	f->has_epoch = true;
	f->epoch = epoch;
	f->event_ms = 1000;
	f->grace_ms = 2000;
	return f;
}

static void registry(void)
{
	struct kr_reg reg = { 0 };
	struct kr_reg_flow *f, *g;

	UNIT_CASE("reg_add", !kr_reg_add(&reg, 7, 0, &f) && reg.n == 1 &&
		  f->fd == -1 && f->client == -1 && f->rk.phase == KR_RK_IDLE);
	UNIT_CASE("reg_add_twice_eexist", kr_reg_add(&reg, 7, 1, &g) == -EEXIST);
	UNIT_CASE("reg_add_second", !kr_reg_add(&reg, 8, 1, &g) && reg.n == 2);
	UNIT_CASE("reg_find", kr_reg_find(&reg, 7) == f &&
		  kr_reg_find(&reg, 8) == g && !kr_reg_find(&reg, 9));
	UNIT_CASE("reg_find_req_none", !kr_reg_find_req(&reg, XCH));
	kr_reg_del(&reg, f);
	UNIT_CASE("reg_del", reg.n == 1 && !kr_reg_find(&reg, 7) &&
		  kr_reg_find(&reg, 8) == g);
	kr_reg_free(&reg);
	UNIT_CASE("reg_free", reg.n == 0 && !reg.head);
}

static void need(void)
{
	struct kr_reg reg = { 0 };
	struct kr_reg_flow *f = flow(&reg, 1, KEYROT_ROLE_INITIATOR, 255);
	int a;

	a = kr_rk_on_need(f, IV, true, 255, false, 0);
	UNIT_CASE("need_idle_starts_rekey", a == KR_RK_SEND_REKEY &&
		  f->rk.phase == KR_RK_REQUESTING && f->rk.by_us &&
		  kr_rk_in_flight(f));
	UNIT_CASE("need_epoch_wraps", f->rk.pending == 0);
	UNIT_CASE("need_records_reasons", f->rk.need == IV);
	UNIT_CASE("need_while_requesting_nothing",
		  kr_rk_on_need(f, IV | WM, true, 255, false, 10) ==
		  KR_RK_NOTHING && f->rk.phase == KR_RK_REQUESTING);
	kr_rk_on_completed(f, 0, KID, XCH);
	UNIT_CASE("need_while_installed_nothing",
		  kr_rk_on_need(f, IV, true, 255, false, 20) == KR_RK_NOTHING);
	kr_rk_on_switched(f, 0);
	kr_rk_on_answered(f, 1, KID, XCH, false, false);
	UNIT_CASE("need_while_answered_nothing",
		  kr_rk_on_need(f, IV, true, 0, false, 30) == KR_RK_NOTHING);
	kr_rk_on_unconfirmed(f, 1, KID);
	UNIT_CASE("need_while_holds_nothing",
		  kr_rk_on_need(f, IV, true, 0, false, 40) == KR_RK_NOTHING);
	kr_rk_on_holds_answer(f, KR_OAP_ST_OK, 50, 0);
	UNIT_CASE("need_while_confirming_nothing",
		  f->rk.phase == KR_RK_CONFIRMING &&
		  kr_rk_on_need(f, IV, true, 0, false, 60) == KR_RK_NOTHING);
	kr_reg_free(&reg);

	f = flow(&reg, 2, KEYROT_ROLE_RESPONDER, 3);
	UNIT_CASE("need_with_next_pending_nothing",
		  kr_rk_on_need(f, IV, true, 3, true, 0) == KR_RK_NOTHING &&
		  f->rk.phase == KR_RK_IDLE);
	f->state = KR_REG_ALLOCATING;
	UNIT_CASE("need_while_allocating_nothing",
		  kr_rk_on_need(f, IV, true, 3, false, 0) == KR_RK_NOTHING);
	f->state = KR_REG_ALLOCATED;
	f->has_epoch = false;
	UNIT_CASE("need_without_epoch_nothing",
		  kr_rk_on_need(f, IV, false, 0, false, 0) == KR_RK_NOTHING);
	UNIT_CASE("need_takes_event_epoch",
		  kr_rk_on_need(f, IV, true, 9, false, 0) == KR_RK_SEND_REKEY &&
		  f->epoch == 9 && f->rk.pending == 10);
	kr_reg_free(&reg);
}

static void done_and_switch(void)
{
	struct kr_reg reg = { 0 };
	struct kr_reg_flow *f = flow(&reg, 1, KEYROT_ROLE_INITIATOR, 10);
	int a;

	kr_rk_on_need(f, IV, true, 10, false, 0);
	kr_rk_on_failed(f, -EAGAIN, "b answered busy", 0, 0);
	kr_rk_on_need(f, IV, true, 10, false, 5000);
	kr_rk_on_completed(f, 11, KID, XCH);
	UNIT_CASE("completed_installed", f->rk.phase == KR_RK_INSTALLED &&
		  f->rk.by_us && f->rk.pending == 11 && f->rk.exchange_known &&
		  !memcmp(f->rk.key_id, KID, sizeof(KID)));
	kr_rk_on_switched(f, 11);
	UNIT_CASE("switched_idle_counted", f->rk.phase == KR_RK_IDLE &&
		  f->epoch == 11 && f->rk.rekeys == 1 && f->rk.failed == 0 &&
		  !f->rk.last_err && !f->rk.last_why[0] && !f->rk.need);

	/* The peer asked: this end answered; the kernel switches later. */
	kr_rk_on_answered(f, 12, KID, XCH, false, false);
	UNIT_CASE("answered_pending", f->rk.phase == KR_RK_ANSWERED &&
		  !f->rk.by_us && f->rk.pending == 12 && !f->rk.first);
	kr_rk_on_switched(f, 12);
	UNIT_CASE("answered_switched_idle", f->rk.phase == KR_RK_IDLE &&
		  f->rk.rekeys == 2);

	/* The switch event lost: the next need names the new epoch. */
	kr_rk_on_need(f, IV, true, 12, false, 0);
	kr_rk_on_completed(f, 13, KID, XCH);
	a = kr_rk_on_need(f, WM, true, 13, false, 0);
	UNIT_CASE("lost_switch_recovered_by_need", a == KR_RK_SEND_REKEY &&
		  f->epoch == 13 && f->rk.rekeys == 3 && f->rk.pending == 14);

	/* The first epoch: a switch from nothing is not a re-key. */
	f = flow(&reg, 2, KEYROT_ROLE_RESPONDER, 0);
	f->has_epoch = false;
	kr_rk_on_answered(f, 200, KID, XCH, true, false);
	kr_rk_on_switched(f, 200);
	UNIT_CASE("first_switch_not_a_rekey", f->rk.rekeys == 0 &&
		  f->has_epoch && f->epoch == 200 &&
		  f->rk.phase == KR_RK_IDLE);
	kr_reg_free(&reg);
}

static void failures(void)
{
	struct kr_reg reg = { 0 };
	struct kr_reg_flow *f = flow(&reg, 1, KEYROT_ROLE_INITIATOR, 10);
	int a;

	kr_rk_on_need(f, IV, true, 10, false, 1000);
	a = kr_rk_on_failed(f, -ETIMEDOUT, "no answer from b after 4 sends",
			    1000, 0);
	UNIT_CASE("timeout_backs_off", a == KR_RK_NOTHING &&
		  f->rk.phase == KR_RK_IDLE && f->rk.failed == 1 &&
		  f->rk.not_before_ms == 1500 && f->rk.last_err == -ETIMEDOUT &&
		  strstr(f->rk.last_why, "no answer"));
	UNIT_CASE("need_during_backoff_nothing",
		  kr_rk_on_need(f, IV, true, 10, false, 1499) == KR_RK_NOTHING);
	UNIT_CASE("need_after_backoff_retries",
		  kr_rk_on_need(f, IV, true, 10, false, 1500) ==
		  KR_RK_SEND_REKEY);
	kr_rk_on_failed(f, -EAGAIN, "b answered busy", 2000, 999);
	UNIT_CASE("backoff_at_most_1_5_periods", f->rk.not_before_ms == 3499 &&
		  f->rk.failed == 2);
	UNIT_CASE("stale_failure_ignored",
		  kr_rk_on_failed(f, -EIO, "x", 2000, 0) == KR_RK_NOTHING &&
		  f->rk.failed == 2 && f->rk.last_err == -EAGAIN);
	kr_rk_on_need(f, IV, true, 10, false, 4000);
	UNIT_CASE("no_flow_marks_down",
		  kr_rk_on_failed(f, -ENOENT, "b answered no-flow", 4000, 0) ==
		  KR_RK_DOWN && f->rk.phase == KR_RK_IDLE);
	kr_rk_on_need(f, IV, true, 10, false, 9000);
	kr_rk_on_failed(f, -EIO, "install failed", 9000, 0);
	UNIT_CASE("install_failure_backs_off", f->rk.phase == KR_RK_IDLE &&
		  f->rk.failed == 4);
	kr_reg_free(&reg);
}

static void holds(void)
{
	struct kr_reg reg = { 0 };
	struct kr_reg_flow *f = flow(&reg, 1, KEYROT_ROLE_RESPONDER, 10);
	uint8_t other[KEYROT_KEY_ID_LEN] = { 0xaa };
	unsigned int n;
	int a;

	kr_rk_on_answered(f, 11, KID, XCH, false, false);
	a = kr_rk_on_unconfirmed(f, 11, KID);
	UNIT_CASE("unconfirmed_asks_holds", a == KR_RK_SEND_HOLDS &&
		  f->rk.phase == KR_RK_HOLDS && f->rk.exchange_known &&
		  !memcmp(f->rk.exchange, XCH, sizeof(XCH)));
	UNIT_CASE("unconfirmed_again_no_second_query",
		  kr_rk_on_unconfirmed(f, 11, KID) == KR_RK_NOTHING);
	a = kr_rk_on_holds_answer(f, KR_OAP_ST_OK, 0, 0);
	UNIT_CASE("holds_yes_confirms", a == KR_RK_CONFIRM &&
		  f->rk.phase == KR_RK_CONFIRMING);
	UNIT_CASE("unconfirmed_while_confirming_nothing",
		  kr_rk_on_unconfirmed(f, 11, KID) == KR_RK_NOTHING);
	kr_rk_on_switched(f, 11);
	UNIT_CASE("confirmed_switch_idle", f->rk.phase == KR_RK_IDLE &&
		  f->rk.rekeys == 1);

	kr_rk_on_answered(f, 12, KID, XCH, false, false);
	kr_rk_on_unconfirmed(f, 12, KID);
	a = kr_rk_on_holds_answer(f, KR_OAP_ST_NOT_HELD, 100, 500);
	UNIT_CASE("holds_no_withdraws", a == KR_RK_WITHDRAW &&
		  f->rk.phase == KR_RK_IDLE && f->rk.failed == 1 &&
		  f->rk.not_before_ms == 1100 &&
		  strstr(f->rk.last_why, "withdrawn"));
	UNIT_CASE("after_withdraw_need_restarts",
		  kr_rk_on_need(f, IV, true, 11, false, 1100) ==
		  KR_RK_SEND_REKEY && f->rk.pending == 12);
	kr_rk_on_failed(f, -EAGAIN, "busy", 1100, 0);

	kr_rk_on_answered(f, 12, KID, XCH, false, false);
	kr_rk_on_unconfirmed(f, 12, KID);
	UNIT_CASE("holds_no_flow_withdraws",
		  kr_rk_on_holds_answer(f, KR_OAP_ST_NO_FLOW, 0, 0) ==
		  KR_RK_WITHDRAW);

	kr_rk_on_answered(f, 12, KID, XCH, false, false);
	kr_rk_on_unconfirmed(f, 12, KID);
	n = f->rk.failed;
	a = kr_rk_on_holds_timeout(f, "no answer from b after 4 sends");
	UNIT_CASE("holds_no_answer_keeps_seed", a == KR_RK_NOTHING &&
		  f->rk.phase == KR_RK_ANSWERED &&
		  f->rk.last_err == -ETIMEDOUT);
	UNIT_CASE("holds_no_answer_counted", f->rk.failed == n + 1 &&
		  !strcmp(f->rk.last_why, "no answer from b after 4 sends"));
	UNIT_CASE("holds_timeout_only_in_holds",
		  kr_rk_on_holds_timeout(f, "x") == KR_RK_NOTHING &&
		  f->rk.failed == n + 1 && f->rk.phase == KR_RK_ANSWERED);
	UNIT_CASE("holds_asked_again_same_exchange",
		  kr_rk_on_unconfirmed(f, 12, KID) == KR_RK_SEND_HOLDS &&
		  f->rk.exchange_known &&
		  !memcmp(f->rk.exchange, XCH, sizeof(XCH)));
	kr_rk_on_switched(f, 12);
	UNIT_CASE("holds_answer_after_switch_ignored",
		  kr_rk_on_holds_answer(f, KR_OAP_ST_NOT_HELD, 0, 0) ==
		  KR_RK_NOTHING && f->rk.phase == KR_RK_IDLE);

	/* A seed irmd did not record (adopted after a restart). */
	a = kr_rk_on_unconfirmed(f, 13, other);
	UNIT_CASE("unrecorded_seed_stand_in_exchange",
		  a == KR_RK_SEND_HOLDS && !f->rk.exchange_known &&
		  !fx_zero(f->rk.exchange, sizeof(f->rk.exchange)) &&
		  !memcmp(f->rk.key_id, other, sizeof(other)) &&
		  f->rk.pending == 13);
	kr_rk_on_holds_answer(f, KR_OAP_ST_OK, 0, 0);
	kr_rk_on_withdrawn(f);
	UNIT_CASE("confirm_failed_back_to_idle", f->rk.phase == KR_RK_IDLE);

	/* Another key id than the one recorded: the kernel's word wins. */
	kr_rk_on_answered(f, 13, KID, XCH, false, false);
	kr_rk_on_unconfirmed(f, 13, other);
	UNIT_CASE("other_key_id_stand_in", !f->rk.exchange_known &&
		  !memcmp(f->rk.key_id, other, sizeof(other)));
	kr_reg_free(&reg);

	/* A first seed the peer does not hold: the allocation failed there. */
	f = flow(&reg, 2, KEYROT_ROLE_RESPONDER, 0);
	f->has_epoch = false;
	kr_rk_on_answered(f, 200, KID, XCH, true, false);
	kr_rk_on_unconfirmed(f, 200, KID);
	UNIT_CASE("first_seed_not_held_deletes",
		  kr_rk_on_holds_answer(f, KR_OAP_ST_NOT_HELD, 0, 0) ==
		  KR_RK_DELETE);
	f->rk.phase = KR_RK_IDLE;
	kr_rk_on_unconfirmed(f, 201, KID);
	UNIT_CASE("unrecorded_first_seed_is_first", f->rk.first);
	kr_rk_on_holds_answer(f, KR_OAP_ST_OK, 0, 0);
	kr_reg_free(&reg);

	f = flow(&reg, 3, KEYROT_ROLE_INITIATOR, 10);
	kr_rk_on_need(f, IV, true, 10, false, 0);
	UNIT_CASE("unconfirmed_while_requesting_nothing",
		  kr_rk_on_unconfirmed(f, 11, KID) == KR_RK_NOTHING &&
		  f->rk.phase == KR_RK_REQUESTING);
	kr_reg_free(&reg);
}

/*
 * The collision rule and a dead exchange, with real OAP sessions: A (the
 * flow's initiator) and B both re-key epoch 201 at once.
 */
static void collision(void)
{
	static struct fx_end A, B;
	static struct kr_oap_req q;
	static struct kr_oap_resp r, ra, rb;
	struct kr_oap_flow fa, fb;
	struct kr_reg reg = { 0 };
	struct kr_reg_flow *a, *b;
	uint8_t seed_b[KEYROT_SEED_LEN];
	const char *why;
	int ret;

	fx_init(&A, 0x0a);
	fx_init(&B, 0x0b);
	fx_pin(&A, &B);
	fx_pin(&B, &A);
	ret = fx_alloc(&A, &B, &q, &r, FX_NOW);
	fx_flows(&q, &r, &fa, &fb);
	a = flow(&reg, fa.flow_id, KEYROT_ROLE_INITIATOR, 200);
	b = flow(&reg, fb.flow_id, KEYROT_ROLE_RESPONDER, 200);
	UNIT_CASE("collision_setup", !ret && a && b);

	UNIT_CASE("collision_both_request",
		  kr_rk_on_need(a, IV, true, 200, false, 0) == KR_RK_SEND_REKEY &&
		  kr_rk_on_need(b, IV, true, 200, false, 0) == KR_RK_SEND_REKEY);
	fa.tx_epoch = fb.tx_epoch = 200;
	kr_oap_req_rekey(&a->req, &A.ctx, B.id.pub, &fa, NULL, FX_NOW, &why);
	a->kind = KR_XCHG_REKEY;
	kr_oap_req_rekey(&b->req, &B.ctx, A.id.pub, &fb, NULL, FX_NOW, &why);
	b->kind = KR_XCHG_REKEY;
	UNIT_CASE("collision_find_req",
		  kr_reg_find_req(&reg, kr_oap_req_id(&a->req)) == a &&
		  kr_reg_find_req(&reg, kr_oap_req_id(&b->req)) == b);

	/* A gets B's request while its own is in flight: "collision". */
	fa.in_flight = kr_rk_in_flight(a);
	ret = kr_oap_resp_open(&ra, &A.ctx, b->req.buf, b->req.len, FX_NOW,
			       &why) ?:
	      kr_oap_resp_rekey(&ra, &fa, fx_install, &A, &why);
	UNIT_CASE("collision_initiator_answers_collision", !ret &&
		  ra.status == KR_OAP_ST_COLLISION && !ra.yielded &&
		  a->rk.phase == KR_RK_REQUESTING && A.installs == 1);

	/* B gets A's: it yields, kills its own, installs, answers ok. */
	fb.in_flight = kr_rk_in_flight(b);
	B.installs = 0;
	ret = kr_oap_resp_open(&rb, &B.ctx, a->req.buf, a->req.len, FX_NOW,
			       &why) ?:
	      kr_oap_resp_rekey(&rb, &fb, fx_install, &B, &why);
	if (rb.yielded)
		kr_oap_req_kill(&b->req);
	kr_rk_on_answered(b, B.last.epoch, B.last.key_id, B.last.exchange,
			  false, rb.yielded);
	memcpy(seed_b, B.seed, sizeof(seed_b));
	UNIT_CASE("collision_responder_yields", !ret &&
		  rb.status == KR_OAP_ST_OK && rb.yielded && B.installs == 1 &&
		  b->rk.phase == KR_RK_ANSWERED && !b->rk.by_us &&
		  b->rk.pending == 201 && b->rk.last_err == -EALREADY &&
		  b->req.state == KR_OAP_REQ_DEAD);

	/* A completes: one seed, the same at both ends. */
	A.installs = 0;
	ret = kr_oap_req_complete(&a->req, rb.ans, rb.ans_len, FX_NOW + 1,
				  fx_install, &A, &why);
	kr_rk_on_completed(a, A.last.epoch, A.last.key_id, A.last.exchange);
	UNIT_CASE("collision_initiator_completes", !ret &&
		  a->req.status == KR_OAP_ST_OK && A.installs == 1 &&
		  A.last.peer_holds && a->rk.phase == KR_RK_INSTALLED &&
		  !memcmp(A.seed, seed_b, sizeof(seed_b)) &&
		  !memcmp(a->rk.key_id, b->rk.key_id, KEYROT_KEY_ID_LEN));

	/* The collision answer reaches B's dead exchange: refused. */
	ret = kr_oap_req_complete(&b->req, ra.ans, ra.ans_len, FX_NOW + 1,
				  fx_install, &B, &why);
	UNIT_CASE("collision_late_answer_exchange_over", ret == -EALREADY);
	kr_rk_on_switched(a, 201);
	kr_rk_on_switched(b, 201);
	UNIT_CASE("collision_both_idle_on_201",
		  a->rk.phase == KR_RK_IDLE && b->rk.phase == KR_RK_IDLE &&
		  a->epoch == 201 && b->epoch == 201);

	/* A dead exchange: B asks whether A holds the seed of A's exchange. */
	kr_rk_on_need(a, IV, true, 201, false, 0);
	fa.tx_epoch = 201;
	fa.in_flight = false;
	kr_oap_req_rekey(&a->req, &A.ctx, B.id.pub, &fa, NULL, FX_NOW + 2,
			 &why);
	UNIT_CASE("dead_exchange_other_id_untouched",
		  !kr_rk_on_peer_holds_query(a, XCH, 0, 0) &&
		  a->rk.phase == KR_RK_REQUESTING);
	UNIT_CASE("dead_exchange_killed",
		  kr_rk_on_peer_holds_query(a, kr_oap_req_id(&a->req), 0, 0) &&
		  a->rk.phase == KR_RK_IDLE && a->rk.failed == 1 &&
		  a->rk.last_err == -EPIPE);

	/* A flow going down mid re-key: its exchange dies with it. */
	kr_rk_on_need(b, IV, true, 201, false, 0);
	fb.tx_epoch = 201;
	kr_oap_req_rekey(&b->req, &B.ctx, A.id.pub, &fb, NULL, FX_NOW + 3,
			 &why);
	memcpy(seed_b, kr_oap_req_id(&b->req), KR_OAP_NONCE_LEN);
	kr_reg_del(&reg, b);
	UNIT_CASE("down_mid_rekey_forgotten", reg.n == 1 &&
		  !kr_reg_find(&reg, fb.flow_id) &&
		  !kr_reg_find_req(&reg, seed_b));
	kr_reg_free(&reg);
	kr_oap_req_kill(&q);
	fx_free(&A);
	fx_free(&B);
}

static void status_line(void)
{
	struct kr_reg reg = { 0 };
	struct kr_reg_flow *f = flow(&reg, 42, KEYROT_ROLE_RESPONDER, 7);
	char line[512];

	snprintf(f->service, sizeof(f->service), "echo");
	kr_rk_on_need(f, IV | WM, true, 7, false, 0);
	kr_rk_on_failed(f, -ETIMEDOUT, "no answer from b after 4 sends", 0, 0);
	kr_reg_flow_status(f, "b", "kflags=rd,wr,rekey kneed=interval", line,
			   sizeof(line));
	UNIT_CASE("status_line", !strcmp(line,
		  "flow=42 peer=b service=echo role=responder cipher=aes-256-gcm state=allocated epoch=7 rekeys=0 phase=idle by=- pending=- need=watermark,interval sends=0 failed=1 peer-gone=no kflags=rd,wr,rekey kneed=interval error=no answer from b after 4 sends"));
	kr_rk_on_need(f, IV, true, 7, false, 5000);
	kr_reg_flow_status(f, "b", NULL, line, sizeof(line));
	UNIT_CASE("status_line_requesting",
		  strstr(line, " phase=requesting by=us pending=8 ") &&
		  strstr(line, "peer-gone=no error="));
	kr_reg_free(&reg);
}

int main(void)
{
	registry();
	need();
	done_and_switch();
	failures();
	holds();
	collision();
	status_line();
	return unit_done();
}
