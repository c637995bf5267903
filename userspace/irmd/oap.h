/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_OAP_H
#define KR_OAP_H

/*
 * OAP v1, the key exchange between two irmds (docs/oap.md): the constants
 * every piece shares, the end's context and what an exchange hands to the
 * kernel.  The functions live with their concern:
 *
 *   oap_msg.h      wire format: encode, strict decode (docs/oap.md 4)
 *   oap_crypto.h   Ed25519, X25519, transcript hash, HKDF, the seed (5, 6)
 *   oap_cache.h    replay and answer cache (7)
 *   oap_session.h  one exchange at each end (8-11)
 *   oap_retry.h    retransmission schedule against the grace period (12)
 *   identity.h     identity keys and their files (3)
 *   keycmd.h       irmd keygen / irmd pubkey (3)
 *
 * Nothing here touches a socket, netlink or a clock: time comes in as
 * milliseconds since the Unix epoch (CLOCK_REALTIME), so tests own it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyrot.h"	/* uapi/: seed and key id lengths, ciphers, roles */

struct kr_ident;
struct kr_oap_cache;

enum kr_oap_sizes {
	KR_OAP_VERSION		= 1,
	KR_OAP_MSG_MAX		= 1024,	/* no datagram above is even parsed */
	KR_OAP_HDR_LEN		= 96,
	KR_OAP_SIG_LEN		= 64,
	KR_OAP_NONCE_LEN	= 16,
	KR_OAP_PUB_LEN		= 32,	/* Ed25519 and X25519 public keys */
	KR_OAP_HASH_LEN		= 32,	/* SHA-256 */
	KR_OAP_NAME_MAX		= 64,	/* service name, bytes */
	KR_OAP_ALLOC_REQ_LEN	= 217,	/* + the service name's length */
	KR_OAP_ALLOC_ANS_LEN	= 216,
	KR_OAP_REKEY_REQ_LEN	= 220,
	KR_OAP_REKEY_ANS_LEN	= 212,
	KR_OAP_HOLDS_REQ_LEN	= 196,
	KR_OAP_HOLDS_ANS_LEN	= 180,
	KR_OAP_ANS_MAX		= 216,	/* longest answer: what a cache holds */
	KR_OAP_REQ_MAX		= KR_OAP_ALLOC_REQ_LEN + KR_OAP_NAME_MAX,
};

/* Defaults (docs/oap.md 7, 12); all are parameters. */
enum kr_oap_defaults {
	KR_OAP_DEFAULT_PORT	= 51818,	/* UDP, irmd to irmd */
	KR_OAP_DEFAULT_WINDOW_MS = 30000,	/* |timestamp - now| allowed */
	KR_OAP_DEFAULT_CACHE	= 4096,		/* replay/answer cache entries */
};

/* The first byte after the header's magic and version. */
enum kr_oap_type {
	KR_OAP_ALLOC_REQ	= 1,
	KR_OAP_ALLOC_ANS	= 2,
	KR_OAP_REKEY_REQ	= 3,
	KR_OAP_REKEY_ANS	= 4,
	KR_OAP_HOLDS_REQ	= 5,
	KR_OAP_HOLDS_ANS	= 6,
};

/* Header flags; a flag a type does not allow is refused. */
enum kr_oap_flags {
	KR_OAP_F_START		= 1,	/* requests: start values present */
	KR_OAP_F_ALL		= KR_OAP_F_START,
};

/* The status byte of an answer (docs/oap.md 4.9). */
enum kr_oap_status {
	KR_OAP_ST_OK		= 0,	/* accepted; holds?: yes */
	KR_OAP_ST_NO_SERVICE	= 1,	/* no such service */
	KR_OAP_ST_REFUSED	= 2,	/* policy: this peer, these values */
	KR_OAP_ST_NO_FLOW	= 3,	/* no flow with that pair of ids */
	KR_OAP_ST_BAD_EPOCH	= 4,	/* not the transmit epoch + 1 */
	KR_OAP_ST_BAD_PARAMS	= 5,	/* role or cipher not the flow's */
	KR_OAP_ST_BUSY		= 6,	/* try later: a seed is pending, ... */
	KR_OAP_ST_COLLISION	= 7,	/* both re-keyed: the initiator's wins */
	KR_OAP_ST_NOT_HELD	= 8,	/* holds?: no; that exchange is dead */
	KR_OAP_ST_ERROR		= 9,	/* the answering end failed */
	__KR_OAP_ST_MAX
};

/**
 * struct kr_oap_peer - a pinned peer (a "known host")
 * @name: for logs and policy; NUL-terminated
 * @pub: its Ed25519 public key
 */
struct kr_oap_peer {
	char name[64];
	uint8_t pub[KR_OAP_PUB_LEN];
};

/**
 * typedef kr_oap_rand_fn - a source of random bytes
 * @arg: the context's @rand_arg
 * @buf: fill this
 * @len: with this many bytes
 * @secret: true for an ephemeral private key, false for a nonce
 *
 * Return: 0, or -errno.
 */
typedef int (*kr_oap_rand_fn)(void *arg, uint8_t *buf, size_t len,
			      bool secret);

/**
 * struct kr_oap_ctx - one end: who it is, whom it trusts, what it remembers
 * @me: this host's identity (identity.h)
 * @peers: the pinned peers; a message from any other key is refused
 * @npeers: how many
 * @cache: replay and answer cache of this end's responder side
 * @window_ms: timestamps farther than this from now (either way) are
 *	refused; 0 means KR_OAP_DEFAULT_WINDOW_MS
 * @allow_start: accept requests carrying start values (test setups only)
 * @rand: NULL for OpenSSL's RAND_bytes()/RAND_priv_bytes(); tests and the
 *	test vector set it to reproduce exchanges byte for byte
 * @rand_arg: passed to @rand
 */
struct kr_oap_ctx {
	const struct kr_ident *me;
	const struct kr_oap_peer *peers;
	size_t npeers;
	struct kr_oap_cache *cache;
	uint32_t window_ms;
	bool allow_start;
	kr_oap_rand_fn rand;
	void *rand_arg;
};

/**
 * struct kr_oap_install - what one end installs (netlink seed-install)
 * @seed: KEYROT_SEED_LEN bytes inside the session; wiped as soon as the
 *	install callback returns: copy nothing you do not wipe
 * @key_id: the seed's key id (spec section 2)
 * @exchange: the exchange id (request nonce): name it to the cache or in a
 *	holds? query about this seed
 * @flow_id: this end's flow id
 * @peer_flow_id: the peer's flow id
 * @peer_port: allocation only: the peer's keyrot UDP port (else 0)
 * @service: allocation only: the service name (else "")
 * @role: this end's role (enum keyrot_role)
 * @cipher: the flow's cipher (enum keyrot_cipher)
 * @epoch: the seed's epoch
 * @first: the flow's first seed (allocation): configure the flow first
 * @peer_holds: install with "peer holds it" (the completing end)
 * @has_start: install with @start
 * @start: start values of direction 0 and 1 (test use)
 */
struct kr_oap_install {
	const uint8_t *seed;
	uint8_t key_id[KEYROT_KEY_ID_LEN];
	uint8_t exchange[KR_OAP_NONCE_LEN];
	uint32_t flow_id;
	uint32_t peer_flow_id;
	uint16_t peer_port;
	const char *service;
	uint8_t role;
	uint8_t cipher;
	uint8_t epoch;
	bool first;
	bool peer_holds;
	bool has_start;
	uint64_t start[2];
};

/**
 * typedef kr_oap_install_fn - install a seed in the kernel, synchronously
 * @arg: the caller's
 * @in: what to install; @in->seed is valid only during the call
 *
 * The answering end calls it before it answers: 0 lets it answer "ok";
 * -EBUSY or -EAGAIN (the kernel's "next epoch pending", "peer not seen on
 * the transmit epoch yet") make it answer "busy"; any other error "error".
 *
 * Return: 0, or -errno.
 */
typedef int (*kr_oap_install_fn)(void *arg, const struct kr_oap_install *in);

#endif /* KR_OAP_H */
