/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_OAP_SESSION_H
#define KR_OAP_SESSION_H

/*
 * One OAP exchange at each end (docs/oap.md 8-11).
 *
 * The requester builds a request (flow allocation, re-key or holds?),
 * sends kr_oap_req_msg() and resends the same bytes on the retry schedule
 * (oap_retry.h) until kr_oap_req_complete() takes an answer or it gives up
 * (kr_oap_req_kill()).  On an "ok" exchange answer, complete derives the
 * seed, hands it to the install callback with "peer holds it" (it is the
 * completing end, spec section 6 (b)) and wipes it.
 *
 * The responder opens each request with kr_oap_resp_open(): refused
 * (nothing changes), a retransmission (the cached answer, byte for byte,
 * nothing else happens), or new.  For a new one the daemon decides (service
 * known? which flow?) and calls exactly one of kr_oap_resp_alloc(),
 * _rekey(), _holds() or _refuse(); on "ok" the seed goes to the install
 * callback BEFORE the answer exists (the answering end installs before it
 * answers); then the answer is cached and left in r->ans to send.
 *
 * A built requester session holds an ephemeral key until it ends: by
 * kr_oap_req_complete() taking an authenticated answer, or by
 * kr_oap_req_kill().  Building into a session that has not ended leaks it.
 *
 * Everything is synchronous and single-threaded.  Every secret (ephemeral
 * private key, X25519 secret, seed) lives only inside the structures below
 * and is wiped before any of these functions returns, on every path.
 */
#include "oap.h"
#include "oap_msg.h"

#include <openssl/evp.h>

/**
 * struct kr_oap_flow - what the daemon knows of an existing flow
 * @flow_id: this end's flow id
 * @peer_flow_id: the peer's
 * @role: this end's role (enum keyrot_role)
 * @cipher: the flow's cipher
 * @tx_epoch: this end's transmit epoch (a re-key is for @tx_epoch + 1)
 * @in_flight: this end has its own re-key request for @tx_epoch + 1 out
 *	(the collision rule needs it, docs/oap.md 10)
 */
struct kr_oap_flow {
	uint32_t flow_id;
	uint32_t peer_flow_id;
	uint8_t role;
	uint8_t cipher;
	uint8_t tx_epoch;
	bool in_flight;
};

/**
 * struct kr_oap_alloc_params - a flow allocation the initiator asks for
 * @service: the service name at the peer (1 to 64 printable ASCII bytes)
 * @flow_id: the initiator's new flow id
 * @cipher: enum keyrot_cipher
 * @epoch: the first epoch (any; tests like 200)
 * @port: the initiator's keyrot UDP port
 * @has_start: send @start (test setups; the peer must allow it)
 * @start: start values of direction 0 and 1
 */
struct kr_oap_alloc_params {
	const char *service;
	uint32_t flow_id;
	uint8_t cipher;
	uint8_t epoch;
	uint16_t port;
	bool has_start;
	uint64_t start[2];
};

enum kr_oap_req_state {
	KR_OAP_REQ_IDLE,	/* zeroed: nothing built */
	KR_OAP_REQ_SENT,	/* request built, waiting for its answer */
	KR_OAP_REQ_DONE,	/* an authenticated answer was taken */
	KR_OAP_REQ_DEAD,	/* given up, killed, or the install failed */
};

/**
 * struct kr_oap_req - the requester's side of one exchange
 * @ctx: the end's context
 * @state: enum kr_oap_req_state
 * @status: after DONE, the answer's status (enum kr_oap_status)
 * @role: this end's role in the flow (re-key; 0 for an allocation)
 * @peer: the pinned identity the request is for
 * @msg: the request as built
 * @buf: the request on the wire; every retry sends these bytes
 * @len: their length
 * @eph: the ephemeral X25519 key (exchanges only; freed when done)
 * @shared: scratch for the X25519 secret: always zero between calls
 * @seed: scratch for the seed: always zero between calls
 * @peer_flow_id: after an "ok" allocation, the responder's flow id
 * @key_id: after an "ok" exchange, the installed seed's key id
 */
struct kr_oap_req {
	const struct kr_oap_ctx *ctx;
	int state;
	uint8_t status;
	uint8_t role;
	uint8_t peer[KR_OAP_PUB_LEN];
	struct kr_oap_msg msg;
	uint8_t buf[KR_OAP_REQ_MAX];
	size_t len;
	EVP_PKEY *eph;
	uint8_t shared[KR_OAP_PUB_LEN];
	uint8_t seed[KEYROT_SEED_LEN];
	uint32_t peer_flow_id;
	uint8_t key_id[KEYROT_KEY_ID_LEN];
};

/**
 * kr_oap_req_alloc() - build a flow allocation request (role 0 asks)
 * @q: the session (any contents; overwritten)
 * @ctx: the end's context
 * @peer: the peer's pinned identity
 * @p: what to ask for
 * @now_ms: the time to stamp
 * @why: receives a reason on failure
 *
 * Return: 0 (send kr_oap_req_msg()), -EINVAL (a parameter the peer would
 * refuse), -ENOKEY (@peer not pinned), -ENOMEM, -EIO.
 */
int kr_oap_req_alloc(struct kr_oap_req *q, const struct kr_oap_ctx *ctx,
		     const uint8_t peer[KR_OAP_PUB_LEN],
		     const struct kr_oap_alloc_params *p, uint64_t now_ms,
		     const char **why);

/**
 * kr_oap_req_rekey() - build a re-key request for @f's next epoch
 * @q: the session
 * @ctx: the end's context
 * @peer: the peer's pinned identity
 * @f: the flow; the request is for epoch @f->tx_epoch + 1 (mod 256)
 * @start: NULL, or start values of direction 0 and 1 (test setups)
 * @now_ms: the time to stamp
 * @why: receives a reason on failure
 *
 * Return: as kr_oap_req_alloc().
 */
int kr_oap_req_rekey(struct kr_oap_req *q, const struct kr_oap_ctx *ctx,
		     const uint8_t peer[KR_OAP_PUB_LEN],
		     const struct kr_oap_flow *f, const uint64_t *start,
		     uint64_t now_ms, const char **why);

/**
 * kr_oap_req_holds() - ask whether the peer holds a seed (docs/oap.md 9)
 * @q: the session
 * @ctx: the end's context
 * @peer: the peer's pinned identity
 * @f: the flow (ids)
 * @epoch: the seed's epoch
 * @key_id: its key id (from the kernel's "unconfirmed" event)
 * @exchange: the exchange that produced it (kr_oap_install.exchange)
 * @now_ms: the time to stamp
 * @why: receives a reason on failure
 *
 * Return: as kr_oap_req_alloc().
 */
int kr_oap_req_holds(struct kr_oap_req *q, const struct kr_oap_ctx *ctx,
		     const uint8_t peer[KR_OAP_PUB_LEN],
		     const struct kr_oap_flow *f, uint8_t epoch,
		     const uint8_t key_id[KEYROT_KEY_ID_LEN],
		     const uint8_t exchange[KR_OAP_NONCE_LEN],
		     uint64_t now_ms, const char **why);

/**
 * kr_oap_req_msg() - the request's bytes (send them, and again on retry)
 * @q: a built session
 * @len: receives their length
 *
 * Return: the bytes.
 */
const uint8_t *kr_oap_req_msg(const struct kr_oap_req *q, size_t *len);

/**
 * kr_oap_req_id() - the exchange id: the request's nonce
 * @q: a built session
 *
 * Answers echo it: the daemon finds the session of an answer by it.
 *
 * Return: KR_OAP_NONCE_LEN bytes.
 */
const uint8_t *kr_oap_req_id(const struct kr_oap_req *q);

/**
 * kr_oap_req_complete() - take the answer to @q
 * @q: a session in state SENT
 * @buf: the datagram
 * @len: its length
 * @now_ms: the time
 * @install: called once, on an "ok" exchange answer, with "peer holds it"
 * @arg: passed to @install
 * @why: receives the reason when the answer is refused or fails
 *
 * A refused answer (malformed, not for this exchange, not from the pinned
 * peer, stale, bad signature, exchange over) changes nothing: the genuine
 * answer may still come.  An authenticated answer ends the exchange (DONE,
 * @q->status says how it went).
 *
 * Return: 0 (DONE: the answer was taken, and on "ok" installed); a
 * refusal: -EMSGSIZE, -EBADMSG, -EPROTONOSUPPORT (malformed), -ENOENT (not
 * an answer to this request), -EALREADY (exchange over), -ENOKEY (wrong
 * sender), -EXDEV (not for this identity), -ESTALE (timestamp outside the
 * window), -EKEYREJECTED (bad signature); or a failure after which @q is
 * DEAD: -EKEYREJECTED (unusable ephemeral key), -EIO, or @install's error.
 */
int kr_oap_req_complete(struct kr_oap_req *q, const uint8_t *buf, size_t len,
			uint64_t now_ms, kr_oap_install_fn install, void *arg,
			const char **why);

/**
 * kr_oap_req_kill() - the exchange is over without an answer
 * @q: the session
 *
 * Called when the retries give up, when a holds? query names this
 * exchange and gets "not held" here, or when the daemon yields a re-key
 * collision.  Frees the ephemeral key; any later answer is refused.
 */
void kr_oap_req_kill(struct kr_oap_req *q);

enum kr_oap_resp_state {
	KR_OAP_RESP_IDLE,
	KR_OAP_RESP_OPEN,	/* a new request, waiting for the decision */
	KR_OAP_RESP_ANSWERED,	/* r->ans is the answer to send */
};

/**
 * struct kr_oap_resp - the responder's side of one request
 * @ctx: the end's context
 * @state: enum kr_oap_resp_state
 * @msg: the request, decoded and authenticated
 * @peer: the pinned peer that signed it
 * @buf: the request's bytes (the transcript starts with them)
 * @len: their length
 * @hash: SHA-256 of @buf, the answer cache's check
 * @now_ms: the time given to kr_oap_resp_open()
 * @status: the answer's status
 * @yielded: re-key collision lost: kill this end's own re-key request
 * @ans: the answer to send
 * @ans_len: its length (0: nothing to send)
 * @shared: scratch for the X25519 secret: always zero between calls
 * @seed: scratch for the seed: always zero between calls
 * @key_id: after an "ok" exchange, the installed seed's key id
 */
struct kr_oap_resp {
	const struct kr_oap_ctx *ctx;
	int state;
	struct kr_oap_msg msg;
	const struct kr_oap_peer *peer;
	uint8_t buf[KR_OAP_REQ_MAX];
	size_t len;
	uint8_t hash[KR_OAP_HASH_LEN];
	uint64_t now_ms;
	uint8_t status;
	bool yielded;
	uint8_t ans[KR_OAP_ANS_MAX];
	size_t ans_len;
	uint8_t shared[KR_OAP_PUB_LEN];
	uint8_t seed[KEYROT_SEED_LEN];
	uint8_t key_id[KEYROT_KEY_ID_LEN];
};

/**
 * kr_oap_resp_open() - validate and authenticate a request
 * @r: the session (any contents; overwritten)
 * @ctx: the end's context (its cache is consulted, not changed)
 * @buf: the datagram
 * @len: its length
 * @now_ms: the time
 * @why: receives the reason when refused
 *
 * Return: 0 a new request (decide, then one of the answer calls below);
 * 1 a retransmission of an answered request: @r->ans holds the same
 * answer as before, send it and do nothing else; or a refusal, after
 * which nothing has changed and nothing is sent: -EMSGSIZE, -EBADMSG,
 * -EPROTONOSUPPORT (malformed), -EPROTO (not a request), -EXDEV (for
 * another identity), -ENOKEY (sender not pinned), -ESTALE (timestamp
 * outside the window), -EKEYREJECTED (bad signature), -EALREADY (a
 * replay: the nonce was answered with other bytes, or its exchange is
 * dead), -ENOSPC (cache full).
 */
int kr_oap_resp_open(struct kr_oap_resp *r, const struct kr_oap_ctx *ctx,
		     const uint8_t *buf, size_t len, uint64_t now_ms,
		     const char **why);

/**
 * kr_oap_resp_alloc() - accept an allocation request
 * @r: an OPEN session of type KR_OAP_ALLOC_REQ
 * @flow_id: this end's new flow id for it
 * @port: this end's keyrot UDP port
 * @install: called with the first seed before the answer is made
 * @arg: passed to @install
 * @why: receives a reason for a non-ok answer
 *
 * Answers "refused" (start values not allowed), "ok" (installed), "busy"
 * (@install said -EBUSY/-EAGAIN) or "error".
 *
 * Return: 0, the answer in @r->ans; -EINVAL on misuse; -errno if no
 * answer could be made (nothing to send, nothing installed or cached).
 */
int kr_oap_resp_alloc(struct kr_oap_resp *r, uint32_t flow_id,
		      uint16_t port, kr_oap_install_fn install, void *arg,
		      const char **why);

/**
 * kr_oap_resp_rekey() - answer a re-key request for flow @f
 * @r: an OPEN session of type KR_OAP_REKEY_REQ
 * @f: the flow the request names (by this end's id), NULL if none
 * @install: called with the next seed before the answer is made
 * @arg: passed to @install
 * @why: receives a reason for a non-ok answer
 *
 * The checks, in order (docs/oap.md 8.2, 10): no flow or other peer flow id
 * "no-flow"; role or cipher not the flow's "bad-params"; epoch not
 * @f->tx_epoch + 1 "bad-epoch"; a collision (@f->in_flight) "collision"
 * when this end is the initiator, else this end yields (@r->yielded) and
 * goes on; start values not allowed "refused"; then as an allocation.
 *
 * Return: as kr_oap_resp_alloc().
 */
int kr_oap_resp_rekey(struct kr_oap_resp *r, const struct kr_oap_flow *f,
		      kr_oap_install_fn install, void *arg, const char **why);

/**
 * kr_oap_resp_holds() - answer a holds? query
 * @r: an OPEN session of type KR_OAP_HOLDS_REQ
 * @f: the flow the query names, NULL if none
 * @holds: this end holds the seed (the kernel lists @r->msg.holds_req's
 *	key id at its epoch for the flow)
 * @why: receives a reason for a non-ok answer
 *
 * On "not held" the exchange the query names is dead here too: the daemon
 * kills its requester session of that id, if any (kr_oap_req_kill()).
 *
 * Return: as kr_oap_resp_alloc().
 */
int kr_oap_resp_holds(struct kr_oap_resp *r, const struct kr_oap_flow *f,
		      bool holds, const char **why);

/**
 * kr_oap_resp_refuse() - answer a request with a non-ok status
 * @r: an OPEN session
 * @status: one its answer type allows (e.g. "no-service", "refused",
 *	"busy" for an allocation)
 *
 * Return: as kr_oap_resp_alloc().
 */
int kr_oap_resp_refuse(struct kr_oap_resp *r, uint8_t status);

#endif /* KR_OAP_SESSION_H */
