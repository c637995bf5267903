/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_OAP_FIXTURE_H
#define KR_OAP_FIXTURE_H

/*
 * Two (or three) OAP ends in memory for the unit tests: identities, each
 * pinning the others, caches, and an install callback that records what it
 * was given (a copy of the seed too, so tests can compare the two ends).
 */
#include "identity.h"
#include "oap.h"
#include "oap_cache.h"
#include "oap_msg.h"
#include "oap_session.h"

#include <stdbool.h>
#include <stdint.h>

/* 2026-05-28, in ms: the tests' "now". */
#define FX_NOW 1780000000000ULL

struct fx_end {
	struct kr_ident id;
	struct kr_oap_cache cache;
	struct kr_oap_peer peers[4];
	struct kr_oap_ctx ctx;

	/* install callback record */
	int installs;
	int install_ret;		/* what the callback returns */
	struct kr_oap_install last;	/* .seed points at the library's */
	uint8_t seed[KEYROT_SEED_LEN];	/* copy taken during the call */
	const struct kr_oap_resp *watch; /* if set: check install-first */
	/* ... whether the answer was committed before the install */
	bool answered_before_install;

	/* deterministic randomness, when ctx.rand = fx_rand */
	uint8_t nonce_byte;
	uint8_t eph_byte;
};

/* Identities from 32-byte seeds of @a_byte etc.; 0 means random. */
void fx_init(struct fx_end *e, uint8_t seed_byte);
void fx_pin(struct fx_end *e, const struct fx_end *peer);
void fx_free(struct fx_end *e);

int fx_install(void *arg, const struct kr_oap_install *in);
int fx_rand(void *arg, uint8_t *buf, size_t len, bool secret);

bool fx_zero(const void *p, size_t n);

/* A standard allocation request from @a to @b (service "echo", epoch 200). */
int fx_req_alloc(struct kr_oap_req *q, struct fx_end *a, struct fx_end *b,
		 uint64_t now);

/* The flow records of both ends after an allocation @q / @r. */
void fx_flows(const struct kr_oap_req *q, const struct kr_oap_resp *r,
	      struct kr_oap_flow *fa, struct kr_oap_flow *fb);

/*
 * A whole allocation from @a (initiator) to @b: returns the status the
 * requester saw, or a negative error from any step.
 */
int fx_alloc(struct fx_end *a, struct fx_end *b, struct kr_oap_req *q,
	     struct kr_oap_resp *r, uint64_t now);

#endif /* KR_OAP_FIXTURE_H */
