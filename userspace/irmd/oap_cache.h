/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_OAP_CACHE_H
#define KR_OAP_CACHE_H

/*
 * The answering end's memory of requests (docs/oap.md 7): one table that is
 * both the replay cache (every request nonce answered, until its timestamp
 * leaves the freshness window) and the answer cache (the encoded answer
 * sent for it, so that a retransmitted request gets the same bytes again
 * and causes nothing new).  An answer holds no secret: the seed is never
 * cached.  Fixed capacity, allocated once; the daemon is single-threaded
 * here (no locking).
 */
#include "oap.h"

/**
 * struct kr_oap_cache_entry - one answered request
 * @nonce: the request's nonce (the key)
 * @req_hash: SHA-256 of the whole request: only the same bytes get @ans
 * @expires_ms: the request's timestamp + window; gone after that
 * @ans_len: length of @ans; 0 once the exchange is dead (replays refused)
 * @ans: the encoded, signed answer
 */
struct kr_oap_cache_entry {
	uint8_t nonce[KR_OAP_NONCE_LEN];
	uint8_t req_hash[KR_OAP_HASH_LEN];
	uint64_t expires_ms;
	uint16_t ans_len;
	uint8_t ans[KR_OAP_ANS_MAX];
};

/**
 * struct kr_oap_cache - the table
 * @entries: @cap slots, the first @n in use (unordered)
 * @n: entries in use
 * @cap: capacity
 */
struct kr_oap_cache {
	struct kr_oap_cache_entry *entries;
	size_t n;
	size_t cap;
};

/**
 * kr_oap_cache_init() - allocate a cache of @cap entries
 * @c: the cache
 * @cap: entries; 0 means KR_OAP_DEFAULT_CACHE
 *
 * Return: 0, or -ENOMEM.
 */
int kr_oap_cache_init(struct kr_oap_cache *c, size_t cap);

/**
 * kr_oap_cache_free() - free the table
 * @c: the cache (may be uninitialised-zero)
 */
void kr_oap_cache_free(struct kr_oap_cache *c);

/**
 * kr_oap_cache_prune() - forget every entry expired at @now_ms
 * @c: the cache
 * @now_ms: the time
 */
void kr_oap_cache_prune(struct kr_oap_cache *c, uint64_t now_ms);

/**
 * kr_oap_cache_find() - the live entry of a request nonce
 * @c: the cache
 * @nonce: the request's nonce
 * @now_ms: entries expired at this time are not found
 *
 * Return: the entry, or NULL.
 */
const struct kr_oap_cache_entry *
kr_oap_cache_find(const struct kr_oap_cache *c,
		  const uint8_t nonce[KR_OAP_NONCE_LEN], uint64_t now_ms);

/**
 * kr_oap_cache_has_room() - can one more entry be added at @now_ms?
 * @c: the cache
 * @now_ms: expired entries are pruned first
 *
 * Return: true if kr_oap_cache_add() will find room.
 */
bool kr_oap_cache_has_room(struct kr_oap_cache *c, uint64_t now_ms);

/**
 * kr_oap_cache_add() - remember an answered request and its answer
 * @c: the cache
 * @nonce: the request's nonce
 * @req_hash: SHA-256 of the whole request
 * @expires_ms: when to forget it
 * @ans: the answer's bytes
 * @ans_len: at most KR_OAP_ANS_MAX
 * @now_ms: the time (expired entries are pruned to make room)
 *
 * Return: 0, -EEXIST (the nonce is there), -ENOSPC (full), -EINVAL.
 */
int kr_oap_cache_add(struct kr_oap_cache *c,
		     const uint8_t nonce[KR_OAP_NONCE_LEN],
		     const uint8_t req_hash[KR_OAP_HASH_LEN],
		     uint64_t expires_ms, const uint8_t *ans, size_t ans_len,
		     uint64_t now_ms);

/**
 * kr_oap_cache_kill() - the exchange of @nonce is dead: drop its answer
 * @c: the cache
 * @nonce: the exchange id (its request's nonce)
 *
 * The nonce stays until it expires, so a late retransmission of the
 * request is refused as a replay instead of answered or run again.
 *
 * Return: 0, or -ENOENT.
 */
int kr_oap_cache_kill(struct kr_oap_cache *c,
		      const uint8_t nonce[KR_OAP_NONCE_LEN]);

#endif /* KR_OAP_CACHE_H */
