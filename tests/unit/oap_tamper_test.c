// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * Tampering (docs/oap.md 13): for each of the six messages, every single
 * bit flip in every field, truncation at every length, one trailing byte
 * and an oversize datagram are refused by the end that receives it, with a
 * reason, and change nothing there: no install, no cache entry, the
 * requester still waiting, and the genuine message still accepted after.
 */
#include "oap_cache.h"
#include "oap_fixture.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

/* A field's bytes [from, to); negative counts from the end, END is it. */
struct field {
	const char *name;
	int from, to;
};

enum { END = 1 << 20 };

#define HDR_FIELDS \
	{ "magic", 0, 2 }, { "version", 2, 3 }, { "type", 3, 4 },	\
	{ "length", 4, 6 }, { "flags", 6, 7 }, { "reserved_hdr", 7, 8 },\
	{ "nonce", 8, 24 }, { "timestamp", 24, 32 },			\
	{ "sender", 32, 64 }, { "receiver", 64, 96 }

static const struct field alloc_req[] = {
	HDR_FIELDS, { "flow_id", 96, 100 }, { "cipher", 100, 101 },
	{ "epoch", 101, 102 }, { "port", 102, 104 },
	{ "start_d0", 104, 112 }, { "start_d1", 112, 120 },
	{ "eph", 120, 152 }, { "name_len", 152, 153 }, { "name", 153, -64 },
	{ "signature", -64, END }, { NULL, 0, 0 }
};
static const struct field alloc_ans[] = {
	HDR_FIELDS, { "req_nonce", 96, 112 }, { "status", 112, 113 },
	{ "reserved", 113, 114 }, { "port", 114, 116 },
	{ "flow_id", 116, 120 }, { "eph", 120, 152 },
	{ "signature", -64, END }, { NULL, 0, 0 }
};
static const struct field rekey_req[] = {
	HDR_FIELDS, { "flow_id", 96, 100 }, { "peer_flow_id", 100, 104 },
	{ "role", 104, 105 }, { "cipher", 105, 106 }, { "epoch", 106, 107 },
	{ "reserved", 107, 108 }, { "start_d0", 108, 116 },
	{ "start_d1", 116, 124 }, { "eph", 124, 156 },
	{ "signature", -64, END }, { NULL, 0, 0 }
};
static const struct field rekey_ans[] = {
	HDR_FIELDS, { "req_nonce", 96, 112 }, { "status", 112, 113 },
	{ "reserved", 113, 116 }, { "eph", 116, 148 },
	{ "signature", -64, END }, { NULL, 0, 0 }
};
static const struct field holds_req[] = {
	HDR_FIELDS, { "flow_id", 96, 100 }, { "peer_flow_id", 100, 104 },
	{ "epoch", 104, 105 }, { "reserved", 105, 108 },
	{ "key_id", 108, 116 }, { "exchange", 116, 132 },
	{ "signature", -64, END }, { NULL, 0, 0 }
};
static const struct field holds_ans[] = {
	HDR_FIELDS, { "req_nonce", 96, 112 }, { "status", 112, 113 },
	{ "reserved", 113, 116 }, { "signature", -64, END }, { NULL, 0, 0 }
};

static struct fx_end A, B;
static const char *why;

/* The receiving side of one message, as a predicate "refused cleanly". */
struct target {
	const char *msg;
	bool request;			/* B opens it; else A completes it */
	struct fx_end *to;
	struct kr_oap_req *q;		/* answers: the waiting requester */
	uint64_t now;
};

static size_t cache_n(const struct fx_end *e)
{
	return e->cache.n;
}

static bool refused(const struct target *t, const uint8_t *buf, size_t len)
{
	size_t n = cache_n(t->to);
	int installs = t->to->installs;
	struct kr_oap_resp r;
	int ret;

	why = NULL;
	if (t->request)
		ret = kr_oap_resp_open(&r, &t->to->ctx, buf, len, t->now, &why);
	else
		ret = kr_oap_req_complete(t->q, buf, len, t->now, fx_install,
					  t->to, &why);
	return ret < 0 && why && cache_n(t->to) == n &&
	       t->to->installs == installs &&
	       (t->request || t->q->state == KR_OAP_REQ_SENT);
}

static int at(int off, size_t len)
{
	return off == END ? (int)len : off < 0 ? (int)len + off : off;
}

static void tamper(const struct target *t, const struct field *f,
		   const uint8_t *msg, size_t len)
{
	uint8_t buf[KR_OAP_MSG_MAX + 8];
	char name[96];
	int from, to, i, b, covered = 0;
	bool ok;

	for (; f->name; f++) {
		from = at(f->from, len);
		to = at(f->to, len);
		ok = to > from;
		if (from == covered)
			covered = to;
		for (i = from; i < to; i++)
			for (b = 0; b < 8; b++) {
				memcpy(buf, msg, len);
				buf[i] ^= (uint8_t)(1 << b);
				if (!refused(t, buf, len))
					ok = false;
			}
		snprintf(name, sizeof(name), "%s_bitflip_%s", t->msg, f->name);
		UNIT_CASE(name, ok);
	}
	snprintf(name, sizeof(name), "%s_fields_cover_every_byte", t->msg);
	UNIT_CASE(name, covered == (int)len);

	ok = true;
	for (i = 0; i < (int)len; i++)
		if (!refused(t, msg, (size_t)i))
			ok = false;
	snprintf(name, sizeof(name), "%s_truncated_every_length", t->msg);
	UNIT_CASE(name, ok);

	memcpy(buf, msg, len);
	buf[len] = 0;
	snprintf(name, sizeof(name), "%s_trailing_byte", t->msg);
	UNIT_CASE(name, refused(t, buf, len + 1));
	memset(buf + len, 0, sizeof(buf) - len);
	snprintf(name, sizeof(name), "%s_oversize", t->msg);
	UNIT_CASE(name, refused(t, buf, KR_OAP_MSG_MAX + 1) &&
		  !strcmp(why, "oversize datagram"));
}

static void requests(void)
{
	struct kr_oap_flow fa, fb;
	struct kr_oap_req q;
	struct kr_oap_resp r;
	struct target t = { .request = true, .now = FX_NOW };

	fx_alloc(&A, &B, &q, &r, FX_NOW);
	fx_flows(&q, &r, &fa, &fb);

	{
		struct kr_oap_alloc_params p = {
			.service = "video-call.example", .flow_id = 77,
			.cipher = 1, .epoch = 3, .port = 9, .has_start = true,
			.start = { 1000, 2000 },
		};
		kr_oap_req_alloc(&q, &A.ctx, B.id.pub, &p, FX_NOW, &why);
	}
	t.msg = "alloc_req";
	t.to = &B;
	tamper(&t, alloc_req, q.buf, q.len);
	UNIT_CASE("alloc_req_genuine_after_tampering",
		  !kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW, &why));

	kr_oap_req_kill(&q);
	kr_oap_req_rekey(&q, &A.ctx, B.id.pub, &fa, NULL, FX_NOW, &why);
	t.msg = "rekey_req";
	tamper(&t, rekey_req, q.buf, q.len);
	UNIT_CASE("rekey_req_genuine_after_tampering",
		  !kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW, &why));

	kr_oap_req_kill(&q);
	kr_oap_req_holds(&q, &B.ctx, A.id.pub, &fb, 200, B.last.key_id,
			 B.last.exchange, FX_NOW, &why);
	t.msg = "holds_req";
	t.to = &A;
	tamper(&t, holds_req, q.buf, q.len);
	UNIT_CASE("holds_req_genuine_after_tampering",
		  !kr_oap_resp_open(&r, &A.ctx, q.buf, q.len, FX_NOW, &why));
	kr_oap_req_kill(&q);
}

static void answers(void)
{
	struct kr_oap_flow fa, fb;
	struct kr_oap_req q;
	struct kr_oap_resp r;
	struct target t = { .request = false, .now = FX_NOW, .q = &q };
	int before;

	fx_alloc(&A, &B, &q, &r, FX_NOW);
	fx_flows(&q, &r, &fa, &fb);

	fx_req_alloc(&q, &A, &B, FX_NOW);
	kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW, &why);
	kr_oap_resp_alloc(&r, 0x2468, 4242, fx_install, &B, &why);
	t.msg = "alloc_ans";
	t.to = &A;
	before = A.installs;
	tamper(&t, alloc_ans, r.ans, r.ans_len);
	UNIT_CASE("alloc_ans_genuine_after_tampering",
		  !kr_oap_req_complete(&q, r.ans, r.ans_len, FX_NOW, fx_install,
				       &A, &why) && A.installs == before + 1 &&
		  !memcmp(A.seed, B.seed, 32));

	kr_oap_req_rekey(&q, &A.ctx, B.id.pub, &fa, NULL, FX_NOW, &why);
	kr_oap_resp_open(&r, &B.ctx, q.buf, q.len, FX_NOW, &why);
	kr_oap_resp_rekey(&r, &fb, fx_install, &B, &why);
	t.msg = "rekey_ans";
	before = A.installs;
	tamper(&t, rekey_ans, r.ans, r.ans_len);
	UNIT_CASE("rekey_ans_genuine_after_tampering",
		  !kr_oap_req_complete(&q, r.ans, r.ans_len, FX_NOW, fx_install,
				       &A, &why) && A.installs == before + 1 &&
		  !memcmp(A.seed, B.seed, 32));

	kr_oap_req_holds(&q, &B.ctx, A.id.pub, &fb, 201, B.last.key_id,
			 B.last.exchange, FX_NOW, &why);
	kr_oap_resp_open(&r, &A.ctx, q.buf, q.len, FX_NOW, &why);
	kr_oap_resp_holds(&r, &fa, true, &why);
	t.msg = "holds_ans";
	t.to = &B;
	tamper(&t, holds_ans, r.ans, r.ans_len);
	UNIT_CASE("holds_ans_genuine_after_tampering",
		  !kr_oap_req_complete(&q, r.ans, r.ans_len, FX_NOW, fx_install,
				       &B, &why) && q.status == KR_OAP_ST_OK);
}

int main(void)
{
	fx_init(&A, 0);
	fx_init(&B, 0);
	fx_pin(&A, &B);
	fx_pin(&B, &A);
	requests();
	answers();
	fx_free(&A);
	fx_free(&B);
	return unit_done();
}
