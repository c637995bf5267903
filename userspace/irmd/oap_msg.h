/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_OAP_MSG_H
#define KR_OAP_MSG_H

/*
 * OAP v1 messages on the wire (docs/oap.md 4): big-endian, one datagram
 * each, the length of each type fixed (an allocation request's grows with
 * its service name).  Pure: no crypto, no allocation.
 */
#include "oap.h"

/**
 * struct kr_oap_hdr - the 96-byte header every message starts with
 * @type: enum kr_oap_type
 * @flags: enum kr_oap_flags
 * @len: the whole message's length, signature included
 * @nonce: random; names this message (a request's names its exchange)
 * @ts_ms: sender's clock, ms since the Unix epoch
 * @sender: sender's Ed25519 identity
 * @receiver: the identity it is meant for
 */
struct kr_oap_hdr {
	uint8_t type;
	uint8_t flags;
	uint16_t len;
	uint8_t nonce[KR_OAP_NONCE_LEN];
	uint64_t ts_ms;
	uint8_t sender[KR_OAP_PUB_LEN];
	uint8_t receiver[KR_OAP_PUB_LEN];
};

/* Flow allocation request: the flow's initiator (role 0) asks. */
struct kr_oap_alloc_req {
	uint32_t flow_id;		/* the initiator's */
	uint8_t cipher;
	uint8_t epoch;			/* the first epoch */
	uint16_t port;			/* the initiator's keyrot UDP port */
	uint64_t start[2];		/* with KR_OAP_F_START, else 0 */
	uint8_t eph[KR_OAP_PUB_LEN];	/* X25519 */
	uint8_t name_len;
	char name[KR_OAP_NAME_MAX + 1];	/* NUL-terminated copy */
};

struct kr_oap_alloc_ans {
	uint8_t req_nonce[KR_OAP_NONCE_LEN];
	uint8_t status;
	uint16_t port;			/* the responder's; 0 unless ok */
	uint32_t flow_id;		/* the responder's; 0 unless ok */
	uint8_t eph[KR_OAP_PUB_LEN];	/* zero unless ok */
};

/* Re-key request: either end; roles stay the flow's. */
struct kr_oap_rekey_req {
	uint32_t flow_id;		/* the requester's */
	uint32_t peer_flow_id;		/* the receiver's */
	uint8_t role;			/* the requester's */
	uint8_t cipher;
	uint8_t epoch;			/* requester's transmit epoch + 1 */
	uint64_t start[2];
	uint8_t eph[KR_OAP_PUB_LEN];
};

struct kr_oap_rekey_ans {
	uint8_t req_nonce[KR_OAP_NONCE_LEN];
	uint8_t status;
	uint8_t eph[KR_OAP_PUB_LEN];	/* zero unless ok */
};

/* "Do you hold key id K of flow F at epoch E (from exchange X)?" */
struct kr_oap_holds_req {
	uint32_t flow_id;		/* the asker's */
	uint32_t peer_flow_id;		/* the receiver's */
	uint8_t epoch;
	uint8_t key_id[KEYROT_KEY_ID_LEN];
	uint8_t exchange[KR_OAP_NONCE_LEN];
};

struct kr_oap_holds_ans {
	uint8_t req_nonce[KR_OAP_NONCE_LEN];
	uint8_t status;			/* ok (yes), not-held, no-flow */
};

/**
 * struct kr_oap_msg - one decoded message
 * @h: the header
 * @alloc_req: body of a KR_OAP_ALLOC_REQ (and so on by @h.type)
 * @alloc_ans: body of a KR_OAP_ALLOC_ANS
 * @rekey_req: body of a KR_OAP_REKEY_REQ
 * @rekey_ans: body of a KR_OAP_REKEY_ANS
 * @holds_req: body of a KR_OAP_HOLDS_REQ
 * @holds_ans: body of a KR_OAP_HOLDS_ANS
 * @sig: the Ed25519 signature, the message's last 64 bytes
 */
struct kr_oap_msg {
	struct kr_oap_hdr h;
	union {
		struct kr_oap_alloc_req alloc_req;
		struct kr_oap_alloc_ans alloc_ans;
		struct kr_oap_rekey_req rekey_req;
		struct kr_oap_rekey_ans rekey_ans;
		struct kr_oap_holds_req holds_req;
		struct kr_oap_holds_ans holds_ans;
	};
	uint8_t sig[KR_OAP_SIG_LEN];
};

/**
 * kr_oap_msg_len() - the wire length of @m (from its type and name)
 * @m: the message
 *
 * Return: the length, 0 for an unknown type.
 */
size_t kr_oap_msg_len(const struct kr_oap_msg *m);

/**
 * kr_oap_msg_encode() - write @m (signature field included) to @buf
 * @m: the message; @m->h.len is ignored (computed)
 * @buf: the output
 * @size: room in @buf
 * @why: receives a reason on failure (a static string)
 *
 * Refuses to write what kr_oap_msg_decode() would refuse, so an end never
 * sends what its peer must drop.
 *
 * Return: the length written, or -EINVAL (invalid field), -EMSGSIZE
 * (@size too small).
 */
int kr_oap_msg_encode(const struct kr_oap_msg *m, uint8_t *buf, size_t size,
		      const char **why);

/**
 * kr_oap_msg_decode() - parse and validate one datagram
 * @m: receives the message (zeroed first; garbage-free on failure)
 * @buf: the datagram
 * @len: its length as received
 * @why: receives the reason on failure (a static string, safe to log)
 *
 * Strict: every length, range, reserved byte and flag is checked; the
 * length field must equal @len (no truncation, no trailing bytes).
 * Signatures are not checked here (oap_session.h does).
 *
 * Return: 0, -EMSGSIZE (above KR_OAP_MSG_MAX), -EPROTONOSUPPORT (unknown
 * version), -EBADMSG (anything else malformed).
 */
int kr_oap_msg_decode(struct kr_oap_msg *m, const uint8_t *buf, size_t len,
		      const char **why);

/**
 * kr_oap_msg_is_request() - a request type (1, 3, 5)?
 * @type: enum kr_oap_type
 *
 * Return: true for a known request type.
 */
bool kr_oap_msg_is_request(uint8_t type);

/**
 * kr_oap_msg_req_nonce() - the request nonce an answer echoes
 * @m: a decoded answer
 *
 * Return: the 16 bytes, or NULL if @m is not an answer.
 */
const uint8_t *kr_oap_msg_req_nonce(const struct kr_oap_msg *m);

/**
 * kr_oap_status_name() - a status as a word for logs ("ok", "busy", ...)
 * @status: enum kr_oap_status
 *
 * Return: a static string; "unknown" for a value out of range.
 */
const char *kr_oap_status_name(uint8_t status);

/**
 * kr_oap_type_name() - a message type as a word for logs
 * @type: enum kr_oap_type
 *
 * Return: a static string; "unknown" for a value out of range.
 */
const char *kr_oap_type_name(uint8_t type);

#endif /* KR_OAP_MSG_H */
