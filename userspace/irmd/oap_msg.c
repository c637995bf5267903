// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "oap_msg.h"

#include <errno.h>
#include <string.h>

/* docs/oap.md 4.1: "OA", then the version. */
enum { MAGIC0 = 0x4f, MAGIC1 = 0x41 };

/* Which statuses each answer may carry (docs/oap.md 4.9). */
#define ST(s) (1u << (s))
static const unsigned int alloc_statuses = ST(KR_OAP_ST_OK) |
	ST(KR_OAP_ST_NO_SERVICE) | ST(KR_OAP_ST_REFUSED) |
	ST(KR_OAP_ST_BUSY) | ST(KR_OAP_ST_ERROR);
static const unsigned int rekey_statuses = ST(KR_OAP_ST_OK) |
	ST(KR_OAP_ST_REFUSED) | ST(KR_OAP_ST_NO_FLOW) |
	ST(KR_OAP_ST_BAD_EPOCH) | ST(KR_OAP_ST_BAD_PARAMS) |
	ST(KR_OAP_ST_BUSY) | ST(KR_OAP_ST_COLLISION) | ST(KR_OAP_ST_ERROR);
static const unsigned int holds_statuses = ST(KR_OAP_ST_OK) |
	ST(KR_OAP_ST_NOT_HELD) | ST(KR_OAP_ST_NO_FLOW);

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v >> 32);
	put32(p + 4, v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n--)
		acc |= *p++;
	return !acc;
}

size_t kr_oap_msg_len(const struct kr_oap_msg *m)
{
	switch (m->h.type) {
	case KR_OAP_ALLOC_REQ:
		return KR_OAP_ALLOC_REQ_LEN + m->alloc_req.name_len;
	case KR_OAP_ALLOC_ANS:
		return KR_OAP_ALLOC_ANS_LEN;
	case KR_OAP_REKEY_REQ:
		return KR_OAP_REKEY_REQ_LEN;
	case KR_OAP_REKEY_ANS:
		return KR_OAP_REKEY_ANS_LEN;
	case KR_OAP_HOLDS_REQ:
		return KR_OAP_HOLDS_REQ_LEN;
	case KR_OAP_HOLDS_ANS:
		return KR_OAP_HOLDS_ANS_LEN;
	}
	return 0;
}

bool kr_oap_msg_is_request(uint8_t type)
{
	return type == KR_OAP_ALLOC_REQ || type == KR_OAP_REKEY_REQ ||
	       type == KR_OAP_HOLDS_REQ;
}

const uint8_t *kr_oap_msg_req_nonce(const struct kr_oap_msg *m)
{
	switch (m->h.type) {
	case KR_OAP_ALLOC_ANS:
		return m->alloc_ans.req_nonce;
	case KR_OAP_REKEY_ANS:
		return m->rekey_ans.req_nonce;
	case KR_OAP_HOLDS_ANS:
		return m->holds_ans.req_nonce;
	}
	return NULL;
}

const char *kr_oap_status_name(uint8_t status)
{
	static const char *const names[] = {
		[KR_OAP_ST_OK] = "ok",
		[KR_OAP_ST_NO_SERVICE] = "no-service",
		[KR_OAP_ST_REFUSED] = "refused",
		[KR_OAP_ST_NO_FLOW] = "no-flow",
		[KR_OAP_ST_BAD_EPOCH] = "bad-epoch",
		[KR_OAP_ST_BAD_PARAMS] = "bad-params",
		[KR_OAP_ST_BUSY] = "busy",
		[KR_OAP_ST_COLLISION] = "collision",
		[KR_OAP_ST_NOT_HELD] = "not-held",
		[KR_OAP_ST_ERROR] = "error",
	};

	return status < __KR_OAP_ST_MAX ? names[status] : "unknown";
}

const char *kr_oap_type_name(uint8_t type)
{
	static const char *const names[] = {
		[KR_OAP_ALLOC_REQ] = "alloc-req",
		[KR_OAP_ALLOC_ANS] = "alloc-ans",
		[KR_OAP_REKEY_REQ] = "rekey-req",
		[KR_OAP_REKEY_ANS] = "rekey-ans",
		[KR_OAP_HOLDS_REQ] = "holds-req",
		[KR_OAP_HOLDS_ANS] = "holds-ans",
	};

	return type >= KR_OAP_ALLOC_REQ && type <= KR_OAP_HOLDS_ANS ?
	       names[type] : "unknown";
}

static int refuse(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

static int check_start(const struct kr_oap_msg *m, const uint64_t start[2],
		       const char **why)
{
	if (!(m->h.flags & KR_OAP_F_START) && (start[0] || start[1]))
		return refuse(why, "start values without the start flag");
	if (start[0] >= KEYROT_SEQ_LIMIT || start[1] >= KEYROT_SEQ_LIMIT)
		return refuse(why, "start value beyond the key tree");
	return 0;
}

static int check_status(uint8_t status, unsigned int allowed,
			const char **why)
{
	if (status >= 32 || !(allowed & ST(status)))
		return refuse(why, "status not allowed for this answer");
	return 0;
}

/* The meaning of every field (docs/oap.md 4); shared by encode and decode. */
static int check_fields(const struct kr_oap_msg *m, const char **why)
{
	const struct kr_oap_hdr *h = &m->h;
	unsigned int flags_ok = 0;
	size_t i;
	int ret = 0;

	if (all_zero(h->nonce, sizeof(h->nonce)))
		return refuse(why, "zero nonce");
	if (!memcmp(h->sender, h->receiver, KR_OAP_PUB_LEN))
		return refuse(why, "sender and receiver are the same identity");
	if (h->type == KR_OAP_ALLOC_REQ || h->type == KR_OAP_REKEY_REQ)
		flags_ok = KR_OAP_F_START;
	if (h->flags & ~flags_ok)
		return refuse(why, "unknown flag");

	switch (h->type) {
	case KR_OAP_ALLOC_REQ: {
		const struct kr_oap_alloc_req *b = &m->alloc_req;

		if (!b->flow_id)
			return refuse(why, "zero flow id");
		if (b->cipher > KEYROT_CIPHER_MAX)
			return refuse(why, "unknown cipher");
		if (!b->port)
			return refuse(why, "zero port");
		ret = check_start(m, b->start, why);
		if (ret)
			return ret;
		if (all_zero(b->eph, KR_OAP_PUB_LEN))
			return refuse(why, "zero ephemeral key");
		if (b->name_len < 1 || b->name_len > KR_OAP_NAME_MAX)
			return refuse(why, "service name length out of range");
		for (i = 0; i < b->name_len; i++)
			if (b->name[i] < 0x21 || b->name[i] > 0x7e)
				return refuse(why, "service name not printable ASCII");
		break;
	}
	case KR_OAP_ALLOC_ANS: {
		const struct kr_oap_alloc_ans *b = &m->alloc_ans;
		bool ok = b->status == KR_OAP_ST_OK;

		ret = check_status(b->status, alloc_statuses, why);
		if (ret)
			return ret;
		if (all_zero(b->req_nonce, KR_OAP_NONCE_LEN))
			return refuse(why, "zero request nonce");
		if (ok != !!b->port || ok != !!b->flow_id ||
		    ok == all_zero(b->eph, KR_OAP_PUB_LEN))
			return refuse(why, "port, flow id and key must be set exactly when ok");
		break;
	}
	case KR_OAP_REKEY_REQ: {
		const struct kr_oap_rekey_req *b = &m->rekey_req;

		if (!b->flow_id || !b->peer_flow_id)
			return refuse(why, "zero flow id");
		if (b->role > KEYROT_ROLE_RESPONDER)
			return refuse(why, "unknown role");
		if (b->cipher > KEYROT_CIPHER_MAX)
			return refuse(why, "unknown cipher");
		ret = check_start(m, b->start, why);
		if (ret)
			return ret;
		if (all_zero(b->eph, KR_OAP_PUB_LEN))
			return refuse(why, "zero ephemeral key");
		break;
	}
	case KR_OAP_REKEY_ANS: {
		const struct kr_oap_rekey_ans *b = &m->rekey_ans;

		ret = check_status(b->status, rekey_statuses, why);
		if (ret)
			return ret;
		if (all_zero(b->req_nonce, KR_OAP_NONCE_LEN))
			return refuse(why, "zero request nonce");
		if ((b->status == KR_OAP_ST_OK) ==
		    all_zero(b->eph, KR_OAP_PUB_LEN))
			return refuse(why, "key must be set exactly when ok");
		break;
	}
	case KR_OAP_HOLDS_REQ: {
		const struct kr_oap_holds_req *b = &m->holds_req;

		if (!b->flow_id || !b->peer_flow_id)
			return refuse(why, "zero flow id");
		if (all_zero(b->exchange, KR_OAP_NONCE_LEN))
			return refuse(why, "zero exchange id");
		break;
	}
	case KR_OAP_HOLDS_ANS:
		ret = check_status(m->holds_ans.status, holds_statuses, why);
		if (ret)
			return ret;
		if (all_zero(m->holds_ans.req_nonce, KR_OAP_NONCE_LEN))
			return refuse(why, "zero request nonce");
		break;
	default:
		return refuse(why, "unknown message type");
	}
	return 0;
}

int kr_oap_msg_encode(const struct kr_oap_msg *m, uint8_t *buf, size_t size,
		      const char **why)
{
	const struct kr_oap_hdr *h = &m->h;
	size_t len;
	uint8_t *p;
	int ret;

	ret = check_fields(m, why);
	if (ret)
		return ret;
	len = kr_oap_msg_len(m);
	if (len > size) {
		*why = "buffer too small";
		return -EMSGSIZE;
	}
	memset(buf, 0, len);
	buf[0] = MAGIC0;
	buf[1] = MAGIC1;
	buf[2] = KR_OAP_VERSION;
	buf[3] = h->type;
	put16(buf + 4, (uint16_t)len);
	buf[6] = h->flags;
	memcpy(buf + 8, h->nonce, KR_OAP_NONCE_LEN);
	put64(buf + 24, h->ts_ms);
	memcpy(buf + 32, h->sender, KR_OAP_PUB_LEN);
	memcpy(buf + 64, h->receiver, KR_OAP_PUB_LEN);
	p = buf + KR_OAP_HDR_LEN;

	switch (h->type) {
	case KR_OAP_ALLOC_REQ: {
		const struct kr_oap_alloc_req *b = &m->alloc_req;

		put32(p, b->flow_id);
		p[4] = b->cipher;
		p[5] = b->epoch;
		put16(p + 6, b->port);
		put64(p + 8, b->start[0]);
		put64(p + 16, b->start[1]);
		memcpy(p + 24, b->eph, KR_OAP_PUB_LEN);
		p[56] = b->name_len;
		memcpy(p + 57, b->name, b->name_len);
		break;
	}
	case KR_OAP_ALLOC_ANS: {
		const struct kr_oap_alloc_ans *b = &m->alloc_ans;

		memcpy(p, b->req_nonce, KR_OAP_NONCE_LEN);
		p[16] = b->status;
		put16(p + 18, b->port);
		put32(p + 20, b->flow_id);
		memcpy(p + 24, b->eph, KR_OAP_PUB_LEN);
		break;
	}
	case KR_OAP_REKEY_REQ: {
		const struct kr_oap_rekey_req *b = &m->rekey_req;

		put32(p, b->flow_id);
		put32(p + 4, b->peer_flow_id);
		p[8] = b->role;
		p[9] = b->cipher;
		p[10] = b->epoch;
		put64(p + 12, b->start[0]);
		put64(p + 20, b->start[1]);
		memcpy(p + 28, b->eph, KR_OAP_PUB_LEN);
		break;
	}
	case KR_OAP_REKEY_ANS:
		memcpy(p, m->rekey_ans.req_nonce, KR_OAP_NONCE_LEN);
		p[16] = m->rekey_ans.status;
		memcpy(p + 20, m->rekey_ans.eph, KR_OAP_PUB_LEN);
		break;
	case KR_OAP_HOLDS_REQ: {
		const struct kr_oap_holds_req *b = &m->holds_req;

		put32(p, b->flow_id);
		put32(p + 4, b->peer_flow_id);
		p[8] = b->epoch;
		memcpy(p + 12, b->key_id, KEYROT_KEY_ID_LEN);
		memcpy(p + 20, b->exchange, KR_OAP_NONCE_LEN);
		break;
	}
	case KR_OAP_HOLDS_ANS:
		memcpy(p, m->holds_ans.req_nonce, KR_OAP_NONCE_LEN);
		p[16] = m->holds_ans.status;
		break;
	}
	memcpy(buf + len - KR_OAP_SIG_LEN, m->sig, KR_OAP_SIG_LEN);
	return (int)len;
}

static int malformed(const char **why, const char *reason)
{
	*why = reason;
	return -EBADMSG;
}

static int decode(struct kr_oap_msg *m, const uint8_t *buf, size_t len,
		  const char **why)
{
	struct kr_oap_hdr *h = &m->h;
	const uint8_t *p = buf + KR_OAP_HDR_LEN;
	size_t want;

	if (len > KR_OAP_MSG_MAX) {
		*why = "oversize datagram";
		return -EMSGSIZE;
	}
	if (len < KR_OAP_HDR_LEN + KR_OAP_SIG_LEN)
		return malformed(why, "shorter than header and signature");
	if (buf[0] != MAGIC0 || buf[1] != MAGIC1)
		return malformed(why, "bad magic");
	if (buf[2] != KR_OAP_VERSION) {
		*why = "unknown version";
		return -EPROTONOSUPPORT;
	}
	h->type = buf[3];
	h->len = get16(buf + 4);
	h->flags = buf[6];
	if (buf[7])
		return malformed(why, "reserved header byte not zero");
	if (h->len != len)
		return malformed(why, "length field is not the datagram's length");
	memcpy(h->nonce, buf + 8, KR_OAP_NONCE_LEN);
	h->ts_ms = get64(buf + 24);
	memcpy(h->sender, buf + 32, KR_OAP_PUB_LEN);
	memcpy(h->receiver, buf + 64, KR_OAP_PUB_LEN);

	/* Each body at its exact length; the name's length byte first. */
	switch (h->type) {
	case KR_OAP_ALLOC_REQ: {
		struct kr_oap_alloc_req *b = &m->alloc_req;

		if (len < KR_OAP_ALLOC_REQ_LEN + 1)
			return malformed(why, "allocation request too short");
		b->name_len = p[56];
		want = KR_OAP_ALLOC_REQ_LEN + b->name_len;
		if (b->name_len > KR_OAP_NAME_MAX)
			return malformed(why, "service name too long");
		if (len != want)
			return malformed(why, "length does not match the service name");
		b->flow_id = get32(p);
		b->cipher = p[4];
		b->epoch = p[5];
		b->port = get16(p + 6);
		b->start[0] = get64(p + 8);
		b->start[1] = get64(p + 16);
		memcpy(b->eph, p + 24, KR_OAP_PUB_LEN);
		memcpy(b->name, p + 57, b->name_len);
		b->name[b->name_len] = '\0';
		break;
	}
	case KR_OAP_ALLOC_ANS: {
		struct kr_oap_alloc_ans *b = &m->alloc_ans;

		if (len != KR_OAP_ALLOC_ANS_LEN)
			return malformed(why, "wrong length for an allocation answer");
		memcpy(b->req_nonce, p, KR_OAP_NONCE_LEN);
		b->status = p[16];
		if (p[17])
			return malformed(why, "reserved byte not zero");
		b->port = get16(p + 18);
		b->flow_id = get32(p + 20);
		memcpy(b->eph, p + 24, KR_OAP_PUB_LEN);
		break;
	}
	case KR_OAP_REKEY_REQ: {
		struct kr_oap_rekey_req *b = &m->rekey_req;

		if (len != KR_OAP_REKEY_REQ_LEN)
			return malformed(why, "wrong length for a re-key request");
		b->flow_id = get32(p);
		b->peer_flow_id = get32(p + 4);
		b->role = p[8];
		b->cipher = p[9];
		b->epoch = p[10];
		if (p[11])
			return malformed(why, "reserved byte not zero");
		b->start[0] = get64(p + 12);
		b->start[1] = get64(p + 20);
		memcpy(b->eph, p + 28, KR_OAP_PUB_LEN);
		break;
	}
	case KR_OAP_REKEY_ANS: {
		struct kr_oap_rekey_ans *b = &m->rekey_ans;

		if (len != KR_OAP_REKEY_ANS_LEN)
			return malformed(why, "wrong length for a re-key answer");
		memcpy(b->req_nonce, p, KR_OAP_NONCE_LEN);
		b->status = p[16];
		if (p[17] || p[18] || p[19])
			return malformed(why, "reserved byte not zero");
		memcpy(b->eph, p + 20, KR_OAP_PUB_LEN);
		break;
	}
	case KR_OAP_HOLDS_REQ: {
		struct kr_oap_holds_req *b = &m->holds_req;

		if (len != KR_OAP_HOLDS_REQ_LEN)
			return malformed(why, "wrong length for a holds? query");
		b->flow_id = get32(p);
		b->peer_flow_id = get32(p + 4);
		b->epoch = p[8];
		if (p[9] || p[10] || p[11])
			return malformed(why, "reserved byte not zero");
		memcpy(b->key_id, p + 12, KEYROT_KEY_ID_LEN);
		memcpy(b->exchange, p + 20, KR_OAP_NONCE_LEN);
		break;
	}
	case KR_OAP_HOLDS_ANS: {
		struct kr_oap_holds_ans *b = &m->holds_ans;

		if (len != KR_OAP_HOLDS_ANS_LEN)
			return malformed(why, "wrong length for a holds? answer");
		memcpy(b->req_nonce, p, KR_OAP_NONCE_LEN);
		b->status = p[16];
		if (p[17] || p[18] || p[19])
			return malformed(why, "reserved byte not zero");
		break;
	}
	default:
		return malformed(why, "unknown message type");
	}
	memcpy(m->sig, buf + len - KR_OAP_SIG_LEN, KR_OAP_SIG_LEN);
	return check_fields(m, why) ? -EBADMSG : 0;
}

int kr_oap_msg_decode(struct kr_oap_msg *m, const uint8_t *buf, size_t len,
		      const char **why)
{
	int ret;

	memset(m, 0, sizeof(*m));
	ret = decode(m, buf, len, why);
	if (ret)
		memset(m, 0, sizeof(*m));
	return ret;
}
