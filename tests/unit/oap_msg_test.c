// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * OAP wire format (docs/oap.md 4): every message round-trips, and the
 * decoder refuses every malformed datagram: truncated at every length,
 * trailing bytes, oversize, unknown version or type, reserved bytes, flags
 * and every field out of range.  Signatures are oap_tamper_test's.
 */
#include "oap_msg.h"
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static void hdr(struct kr_oap_msg *m, uint8_t type)
{
	memset(m, 0, sizeof(*m));
	m->h.type = type;
	memset(m->h.nonce, 0x5a, sizeof(m->h.nonce));
	m->h.ts_ms = 0x0102030405060708ULL;
	memset(m->h.sender, 0xa5, sizeof(m->h.sender));
	memset(m->h.receiver, 0xb6, sizeof(m->h.receiver));
	memset(m->sig, 0xcc, sizeof(m->sig));
}

/* One valid message of each type, every field non-trivial. */
static void sample(struct kr_oap_msg *m, uint8_t type)
{
	hdr(m, type);
	switch (type) {
	case KR_OAP_ALLOC_REQ:
		m->h.flags = KR_OAP_F_START;
		m->alloc_req.flow_id = 0xdeadbeef;
		m->alloc_req.cipher = KEYROT_CIPHER_CHACHA20_POLY1305;
		m->alloc_req.epoch = 200;
		m->alloc_req.port = 51819;
		m->alloc_req.start[0] = KEYROT_SEQ_LIMIT - 1;
		m->alloc_req.start[1] = 0x12345;
		memset(m->alloc_req.eph, 0x77, KR_OAP_PUB_LEN);
		m->alloc_req.name_len = 4;
		memcpy(m->alloc_req.name, "echo", 5);
		break;
	case KR_OAP_ALLOC_ANS:
		memset(m->alloc_ans.req_nonce, 0x42, KR_OAP_NONCE_LEN);
		m->alloc_ans.status = KR_OAP_ST_OK;
		m->alloc_ans.port = 40000;
		m->alloc_ans.flow_id = 0xcafef00d;
		memset(m->alloc_ans.eph, 0x99, KR_OAP_PUB_LEN);
		break;
	case KR_OAP_REKEY_REQ:
		m->rekey_req.flow_id = 7;
		m->rekey_req.peer_flow_id = 0x80000000;
		m->rekey_req.role = KEYROT_ROLE_RESPONDER;
		m->rekey_req.cipher = KEYROT_CIPHER_AES_256_GCM;
		m->rekey_req.epoch = 0;
		memset(m->rekey_req.eph, 0x31, KR_OAP_PUB_LEN);
		break;
	case KR_OAP_REKEY_ANS:
		memset(m->rekey_ans.req_nonce, 0x43, KR_OAP_NONCE_LEN);
		m->rekey_ans.status = KR_OAP_ST_OK;
		memset(m->rekey_ans.eph, 0x32, KR_OAP_PUB_LEN);
		break;
	case KR_OAP_HOLDS_REQ:
		m->holds_req.flow_id = 1;
		m->holds_req.peer_flow_id = 0xffffffff;
		m->holds_req.epoch = 255;
		memset(m->holds_req.key_id, 0x0f, KEYROT_KEY_ID_LEN);
		memset(m->holds_req.exchange, 0xee, KR_OAP_NONCE_LEN);
		break;
	case KR_OAP_HOLDS_ANS:
		memset(m->holds_ans.req_nonce, 0x44, KR_OAP_NONCE_LEN);
		m->holds_ans.status = KR_OAP_ST_NOT_HELD;
		break;
	}
	m->h.len = (uint16_t)kr_oap_msg_len(m);
}

static const char *const tname[] = {
	"", "alloc_req", "alloc_ans", "rekey_req", "rekey_ans", "holds_req",
	"holds_ans",
};

static uint8_t buf[2048];

static int enc(const struct kr_oap_msg *m)
{
	const char *why;

	return kr_oap_msg_encode(m, buf, sizeof(buf), &why);
}

static int dec(size_t len)
{
	struct kr_oap_msg m;
	const char *why = NULL;
	int ret = kr_oap_msg_decode(&m, buf, len, &why);

	if (ret && !why)
		return -9999;	/* a refusal must say why */
	return ret;
}

static void roundtrip(uint8_t type)
{
	struct kr_oap_msg m, d;
	const char *why;
	char name[64];
	int n;

	sample(&m, type);
	n = enc(&m);
	snprintf(name, sizeof(name), "roundtrip_%s", tname[type]);
	UNIT_CASE(name, n == (int)kr_oap_msg_len(&m) &&
		  !kr_oap_msg_decode(&d, buf, (size_t)n, &why) &&
		  !memcmp(&d, &m, sizeof(m)));
	snprintf(name, sizeof(name), "length_field_%s", tname[type]);
	UNIT_CASE(name, n > 0 && (buf[4] << 8 | buf[5]) == n);
}

/* Every prefix of a valid message is refused; so is one byte more. */
static void truncation(uint8_t type)
{
	struct kr_oap_msg m;
	bool all = true;
	char name[64];
	int n, i;

	sample(&m, type);
	n = enc(&m);
	for (i = 0; i < n; i++)
		if (dec((size_t)i) != -EBADMSG)
			all = false;
	snprintf(name, sizeof(name), "truncated_every_length_%s", tname[type]);
	UNIT_CASE(name, n > 0 && all);

	buf[n] = 0;
	snprintf(name, sizeof(name), "trailing_byte_%s", tname[type]);
	UNIT_CASE(name, dec((size_t)n + 1) == -EBADMSG);
	/* ... even with the length field saying so */
	buf[4] = (uint8_t)((n + 1) >> 8);
	buf[5] = (uint8_t)(n + 1);
	snprintf(name, sizeof(name), "trailing_byte_length_adjusted_%s",
		 tname[type]);
	UNIT_CASE(name, dec((size_t)n + 1) == -EBADMSG);
}

/* Each reserved byte of each type, set. */
static void reserved(uint8_t type, const int *offs)
{
	struct kr_oap_msg m;
	bool all = true;
	char name[64];
	int n, i;

	sample(&m, type);
	for (i = 0; offs[i]; i++) {
		n = enc(&m);
		buf[offs[i]] = 0x01;
		if (dec((size_t)n) != -EBADMSG)
			all = false;
	}
	snprintf(name, sizeof(name), "reserved_bytes_%s", tname[type]);
	UNIT_CASE(name, all);
}

/* @m is invalid: encode refuses it and decode refuses its bytes. */
static bool both_refuse(struct kr_oap_msg *m, int off, uint8_t val)
{
	struct kr_oap_msg good;
	const char *why;
	int n;

	if (kr_oap_msg_encode(m, buf, sizeof(buf), &why) != -EINVAL)
		return false;
	if (off < 0)
		return true;
	/* the same fault on the wire: patch a valid message's byte */
	sample(&good, m->h.type);
	n = enc(&good);
	buf[off] = val;
	return dec((size_t)n) == -EBADMSG;
}

#define INVALID(type, stmt, off, val) do {				\
		struct kr_oap_msg m_;					\
		char n_[96];						\
		sample(&m_, type);					\
		{ struct kr_oap_msg *m = &m_; stmt; }			\
		snprintf(n_, sizeof(n_), "invalid_%s_%s", tname[type],	\
			 #stmt);					\
		for (char *c_ = n_; *c_; c_++)				\
			if (!((*c_ >= 'a' && *c_ <= 'z') ||		\
			      (*c_ >= '0' && *c_ <= '9')))		\
				*c_ = '_';				\
		UNIT_CASE(n_, both_refuse(&m_, off, val));		\
	} while (0)

static void fields(void)
{
	/* header */
	INVALID(KR_OAP_ALLOC_REQ, memset(m->h.nonce, 0, 16), -1, 0);
	INVALID(KR_OAP_REKEY_ANS,
		memcpy(m->h.receiver, m->h.sender, 32), -1, 0);
	INVALID(KR_OAP_ALLOC_REQ, m->h.flags = 2, 6, 3);
	INVALID(KR_OAP_ALLOC_ANS, m->h.flags = KR_OAP_F_START, 6, 1);
	INVALID(KR_OAP_HOLDS_REQ, m->h.flags = KR_OAP_F_START, 6, 1);
	INVALID(KR_OAP_HOLDS_ANS, m->h.flags = 0x80, 6, 0x80);
	/* allocation request */
	INVALID(KR_OAP_ALLOC_REQ, m->alloc_req.flow_id = 0, -1, 0);
	INVALID(KR_OAP_ALLOC_REQ, m->alloc_req.cipher = 2, 100, 2);
	INVALID(KR_OAP_ALLOC_REQ, m->alloc_req.cipher = 255, 100, 255);
	INVALID(KR_OAP_ALLOC_REQ, m->alloc_req.port = 0, -1, 0);
	INVALID(KR_OAP_ALLOC_REQ,
		m->alloc_req.start[0] = KEYROT_SEQ_LIMIT, 107, 2);
	INVALID(KR_OAP_ALLOC_REQ,
		m->alloc_req.start[1] = UINT64_MAX, 112, 0xff);
	INVALID(KR_OAP_ALLOC_REQ, m->h.flags = 0, 6, 0);
	INVALID(KR_OAP_ALLOC_REQ, memset(m->alloc_req.eph, 0, 32), -1, 0);
	INVALID(KR_OAP_ALLOC_REQ, m->alloc_req.name_len = 0, -1, 0);
	INVALID(KR_OAP_ALLOC_REQ, m->alloc_req.name_len = 65, 152, 65);
	INVALID(KR_OAP_ALLOC_REQ, m->alloc_req.name[1] = ' ', 154, ' ');
	INVALID(KR_OAP_ALLOC_REQ, m->alloc_req.name[3] = 0x7f, 156, 0x7f);
	INVALID(KR_OAP_ALLOC_REQ, m->alloc_req.name[0] = (char)0xc3, 153,
		0xc3);
	/* allocation answer */
	INVALID(KR_OAP_ALLOC_ANS, m->alloc_ans.status = 10, 112, 10);
	INVALID(KR_OAP_ALLOC_ANS,
		m->alloc_ans.status = KR_OAP_ST_NOT_HELD, 112, 8);
	INVALID(KR_OAP_ALLOC_ANS,
		m->alloc_ans.status = KR_OAP_ST_COLLISION, 112, 7);
	INVALID(KR_OAP_ALLOC_ANS, m->alloc_ans.port = 0, -1, 0);
	INVALID(KR_OAP_ALLOC_ANS, m->alloc_ans.flow_id = 0, -1, 0);
	INVALID(KR_OAP_ALLOC_ANS, memset(m->alloc_ans.eph, 0, 32), -1, 0);
	INVALID(KR_OAP_ALLOC_ANS,
		m->alloc_ans.status = KR_OAP_ST_BUSY, 112, 6);
	INVALID(KR_OAP_ALLOC_ANS,
		memset(m->alloc_ans.req_nonce, 0, 16), -1, 0);
	/* re-key request */
	INVALID(KR_OAP_REKEY_REQ, m->rekey_req.flow_id = 0, -1, 0);
	INVALID(KR_OAP_REKEY_REQ, m->rekey_req.peer_flow_id = 0, -1, 0);
	INVALID(KR_OAP_REKEY_REQ, m->rekey_req.role = 2, 104, 2);
	INVALID(KR_OAP_REKEY_REQ, m->rekey_req.cipher = 2, 105, 2);
	INVALID(KR_OAP_REKEY_REQ, m->rekey_req.start[0] = 1, 115, 1);
	INVALID(KR_OAP_REKEY_REQ, memset(m->rekey_req.eph, 0, 32), -1, 0);
	/* re-key answer */
	INVALID(KR_OAP_REKEY_ANS,
		m->rekey_ans.status = KR_OAP_ST_NO_SERVICE, 112, 1);
	INVALID(KR_OAP_REKEY_ANS,
		m->rekey_ans.status = KR_OAP_ST_NOT_HELD, 112, 8);
	INVALID(KR_OAP_REKEY_ANS, memset(m->rekey_ans.eph, 0, 32), -1, 0);
	INVALID(KR_OAP_REKEY_ANS,
		m->rekey_ans.status = KR_OAP_ST_COLLISION, 112, 7);
	/* holds? */
	INVALID(KR_OAP_HOLDS_REQ, m->holds_req.flow_id = 0, -1, 0);
	INVALID(KR_OAP_HOLDS_REQ, m->holds_req.peer_flow_id = 0, -1, 0);
	INVALID(KR_OAP_HOLDS_REQ,
		memset(m->holds_req.exchange, 0, 16), -1, 0);
	INVALID(KR_OAP_HOLDS_ANS,
		m->holds_ans.status = KR_OAP_ST_BUSY, 112, 6);
	INVALID(KR_OAP_HOLDS_ANS,
		m->holds_ans.status = 200, 112, 200);
}

/* Valid values at the edges of their ranges are kept. */
static void edges(void)
{
	struct kr_oap_msg m, d;
	const char *why;
	int n;

	sample(&m, KR_OAP_ALLOC_REQ);
	m.alloc_req.name_len = 64;
	memset(m.alloc_req.name, '~', 64);
	m.alloc_req.name[64] = '\0';
	n = enc(&m);
	UNIT_CASE("name_64_printable_kept", n == KR_OAP_REQ_MAX &&
		  !kr_oap_msg_decode(&d, buf, (size_t)n, &why) &&
		  !strcmp(d.alloc_req.name, m.alloc_req.name));
	sample(&m, KR_OAP_ALLOC_REQ);
	m.alloc_req.name_len = 1;
	strcpy(m.alloc_req.name, "!");
	n = enc(&m);
	UNIT_CASE("name_1_kept", n == KR_OAP_ALLOC_REQ_LEN + 1 &&
		  !kr_oap_msg_decode(&d, buf, (size_t)n, &why));
	sample(&m, KR_OAP_ALLOC_REQ);
	m.h.flags = 0;
	m.alloc_req.start[0] = m.alloc_req.start[1] = 0;
	n = enc(&m);
	UNIT_CASE("no_start_kept", n > 0 &&
		  !kr_oap_msg_decode(&d, buf, (size_t)n, &why) &&
		  !d.h.flags);
	sample(&m, KR_OAP_REKEY_ANS);
	m.rekey_ans.status = KR_OAP_ST_COLLISION;
	memset(m.rekey_ans.eph, 0, 32);
	n = enc(&m);
	UNIT_CASE("collision_answer_kept", n > 0 &&
		  !kr_oap_msg_decode(&d, buf, (size_t)n, &why) &&
		  d.rekey_ans.status == KR_OAP_ST_COLLISION);
}

static void envelope(void)
{
	struct kr_oap_msg m;
	bool all = true;
	int n, t;

	sample(&m, KR_OAP_REKEY_REQ);
	n = enc(&m);
	memset(buf + n, 0, sizeof(buf) - n);
	UNIT_CASE("oversize_1025", dec(KR_OAP_MSG_MAX + 1) == -EMSGSIZE);
	UNIT_CASE("oversize_2048", dec(2048) == -EMSGSIZE);
	buf[4] = 0x04;
	buf[5] = 0x00;
	UNIT_CASE("max_1024_but_not_a_message", dec(KR_OAP_MSG_MAX) ==
		  -EBADMSG);
	n = enc(&m);
	buf[2] = 2;
	UNIT_CASE("unknown_version", dec((size_t)n) == -EPROTONOSUPPORT);
	buf[2] = 0;
	UNIT_CASE("version_zero", dec((size_t)n) == -EPROTONOSUPPORT);
	n = enc(&m);
	buf[0] = 'K';
	UNIT_CASE("bad_magic", dec((size_t)n) == -EBADMSG);
	for (t = 0; t < 256; t++) {
		if (t >= KR_OAP_ALLOC_REQ && t <= KR_OAP_HOLDS_ANS)
			continue;
		n = enc(&m);
		buf[3] = (uint8_t)t;
		if (dec((size_t)n) != -EBADMSG)
			all = false;
	}
	UNIT_CASE("unknown_types", all);
	/* a rekey request's bytes under every other known type */
	all = true;
	for (t = KR_OAP_ALLOC_REQ; t <= KR_OAP_HOLDS_ANS; t++) {
		if (t == KR_OAP_REKEY_REQ)
			continue;
		n = enc(&m);
		buf[3] = (uint8_t)t;
		if (dec((size_t)n) != -EBADMSG)
			all = false;
	}
	UNIT_CASE("other_known_types_wrong_length", all);
	UNIT_CASE("encode_small_buffer",
		  kr_oap_msg_encode(&m, buf, KR_OAP_REKEY_REQ_LEN - 1,
				    &(const char *){ 0 }) == -EMSGSIZE);
	UNIT_CASE("status_names", !strcmp(kr_oap_status_name(7), "collision") &&
		  !strcmp(kr_oap_status_name(99), "unknown") &&
		  !strcmp(kr_oap_type_name(5), "holds-req"));
}

int main(void)
{
	static const int res_hdr[] = { 7, 0 };
	static const int res_alloc_ans[] = { 7, 113, 0 };
	static const int res_rekey_req[] = { 7, 107, 0 };
	static const int res_rekey_ans[] = { 7, 113, 114, 115, 0 };
	static const int res_holds_req[] = { 7, 105, 106, 107, 0 };
	static const int res_holds_ans[] = { 7, 113, 114, 115, 0 };
	uint8_t t;

	for (t = KR_OAP_ALLOC_REQ; t <= KR_OAP_HOLDS_ANS; t++) {
		roundtrip(t);
		truncation(t);
	}
	reserved(KR_OAP_ALLOC_REQ, res_hdr);
	reserved(KR_OAP_ALLOC_ANS, res_alloc_ans);
	reserved(KR_OAP_REKEY_REQ, res_rekey_req);
	reserved(KR_OAP_REKEY_ANS, res_rekey_ans);
	reserved(KR_OAP_HOLDS_REQ, res_holds_req);
	reserved(KR_OAP_HOLDS_ANS, res_holds_ans);
	fields();
	edges();
	envelope();
	return unit_done();
}
