// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "oap_cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/*
 * A linear table: only requests that passed their signature check from a
 * pinned peer enter it, so it holds a few entries per exchange in the last
 * window, and a scan of a few thousand 16-byte keys costs less than the
 * signature check in front of it.
 */
int kr_oap_cache_init(struct kr_oap_cache *c, size_t cap)
{
	if (!cap)
		cap = KR_OAP_DEFAULT_CACHE;
	c->entries = calloc(cap, sizeof(*c->entries));
	if (!c->entries)
		return -ENOMEM;
	c->n = 0;
	c->cap = cap;
	return 0;
}

void kr_oap_cache_free(struct kr_oap_cache *c)
{
	free(c->entries);
	c->entries = NULL;
	c->n = 0;
	c->cap = 0;
}

static void remove_at(struct kr_oap_cache *c, size_t i)
{
	c->entries[i] = c->entries[--c->n];
	memset(&c->entries[c->n], 0, sizeof(c->entries[c->n]));
}

void kr_oap_cache_prune(struct kr_oap_cache *c, uint64_t now_ms)
{
	size_t i = 0;

	while (i < c->n) {
		if (c->entries[i].expires_ms < now_ms)
			remove_at(c, i);
		else
			i++;
	}
}

static struct kr_oap_cache_entry *
lookup(const struct kr_oap_cache *c, const uint8_t nonce[KR_OAP_NONCE_LEN])
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!memcmp(c->entries[i].nonce, nonce, KR_OAP_NONCE_LEN))
			return &c->entries[i];
	return NULL;
}

const struct kr_oap_cache_entry *
kr_oap_cache_find(const struct kr_oap_cache *c,
		  const uint8_t nonce[KR_OAP_NONCE_LEN], uint64_t now_ms)
{
	const struct kr_oap_cache_entry *e = lookup(c, nonce);

	return e && e->expires_ms >= now_ms ? e : NULL;
}

bool kr_oap_cache_has_room(struct kr_oap_cache *c, uint64_t now_ms)
{
	if (c->n == c->cap)
		kr_oap_cache_prune(c, now_ms);
	return c->n < c->cap;
}

int kr_oap_cache_add(struct kr_oap_cache *c,
		     const uint8_t nonce[KR_OAP_NONCE_LEN],
		     const uint8_t req_hash[KR_OAP_HASH_LEN],
		     uint64_t expires_ms, const uint8_t *ans, size_t ans_len,
		     uint64_t now_ms)
{
	struct kr_oap_cache_entry *e;

	if (ans_len > KR_OAP_ANS_MAX || (ans_len && !ans))
		return -EINVAL;
	e = lookup(c, nonce);
	if (e && e->expires_ms >= now_ms)
		return -EEXIST;
	if (!e) {
		if (!kr_oap_cache_has_room(c, now_ms))
			return -ENOSPC;
		e = &c->entries[c->n++];
	}
	memcpy(e->nonce, nonce, KR_OAP_NONCE_LEN);
	memcpy(e->req_hash, req_hash, KR_OAP_HASH_LEN);
	e->expires_ms = expires_ms;
	e->ans_len = (uint16_t)ans_len;
	memset(e->ans, 0, sizeof(e->ans));
	if (ans_len)
		memcpy(e->ans, ans, ans_len);
	return 0;
}

int kr_oap_cache_kill(struct kr_oap_cache *c,
		      const uint8_t nonce[KR_OAP_NONCE_LEN])
{
	struct kr_oap_cache_entry *e = lookup(c, nonce);

	if (!e)
		return -ENOENT;
	e->ans_len = 0;
	memset(e->ans, 0, sizeof(e->ans));
	return 0;
}
