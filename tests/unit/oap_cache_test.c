// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * The replay and answer cache (docs/oap.md 7): found until its expiry and
 * not after, a full table refuses until something expires, a killed entry
 * keeps its nonce (replays refused) but loses its answer.
 */
#include "oap_cache.h"
#include "unit.h"

#include <errno.h>
#include <string.h>

static uint8_t nonce[4][KR_OAP_NONCE_LEN], hash[KR_OAP_HASH_LEN];
static uint8_t ans[KR_OAP_ANS_MAX];

int main(void)
{
	const struct kr_oap_cache_entry *e;
	struct kr_oap_cache c;
	int i;

	for (i = 0; i < 4; i++)
		memset(nonce[i], 0x10 + i, KR_OAP_NONCE_LEN);
	memset(hash, 0x77, sizeof(hash));
	for (i = 0; i < KR_OAP_ANS_MAX; i++)
		ans[i] = (uint8_t)i;

	UNIT_CASE("init", !kr_oap_cache_init(&c, 2) && c.cap == 2);
	UNIT_CASE("empty_finds_nothing", !kr_oap_cache_find(&c, nonce[0], 0));
	UNIT_CASE("add", !kr_oap_cache_add(&c, nonce[0], hash, 1000, ans,
					   KR_OAP_ANS_MAX, 0));
	e = kr_oap_cache_find(&c, nonce[0], 1000);
	UNIT_CASE("found_until_expiry_inclusive", e && e->ans_len ==
		  KR_OAP_ANS_MAX && !memcmp(e->ans, ans, KR_OAP_ANS_MAX) &&
		  !memcmp(e->req_hash, hash, KR_OAP_HASH_LEN));
	UNIT_CASE("not_found_after_expiry", !kr_oap_cache_find(&c, nonce[0],
								1001));
	UNIT_CASE("other_nonce_not_found", !kr_oap_cache_find(&c, nonce[1],
							       0));
	UNIT_CASE("same_nonce_twice_refused",
		  kr_oap_cache_add(&c, nonce[0], hash, 2000, ans, 10, 500) ==
		  -EEXIST);
	UNIT_CASE("oversize_answer_refused",
		  kr_oap_cache_add(&c, nonce[1], hash, 2000, ans,
				   KR_OAP_ANS_MAX + 1, 0) == -EINVAL);
	UNIT_CASE("second", !kr_oap_cache_add(&c, nonce[1], hash, 3000, ans,
					      10, 0));
	UNIT_CASE("full_refused", kr_oap_cache_add(&c, nonce[2], hash, 3000,
						   ans, 10, 1000) == -ENOSPC &&
		  !kr_oap_cache_has_room(&c, 1000) && c.n == 2);
	UNIT_CASE("room_after_expiry", kr_oap_cache_has_room(&c, 1001) &&
		  c.n == 1 && !kr_oap_cache_add(&c, nonce[2], hash, 3000,
						 ans, 10, 1001));
	UNIT_CASE("pruned_entry_gone_survivor_kept",
		  !kr_oap_cache_find(&c, nonce[0], 0) &&
		  kr_oap_cache_find(&c, nonce[1], 1001) &&
		  kr_oap_cache_find(&c, nonce[2], 1001));
	UNIT_CASE("kill", !kr_oap_cache_kill(&c, nonce[1]));
	e = kr_oap_cache_find(&c, nonce[1], 1001);
	UNIT_CASE("killed_keeps_nonce_drops_answer", e && e->ans_len == 0 &&
		  !e->ans[0] && !e->ans[9]);
	UNIT_CASE("killed_nonce_still_blocks_add",
		  kr_oap_cache_add(&c, nonce[1], hash, 5000, ans, 10, 1001) ==
		  -EEXIST);
	UNIT_CASE("kill_unknown", kr_oap_cache_kill(&c, nonce[3]) == -ENOENT);
	UNIT_CASE("expired_nonce_may_be_added_again",
		  !kr_oap_cache_add(&c, nonce[1], hash, 9000, ans, 10, 3001) &&
		  kr_oap_cache_find(&c, nonce[1], 9000)->ans_len == 10);
	kr_oap_cache_prune(&c, 9001);
	UNIT_CASE("prune_all", c.n == 0);
	kr_oap_cache_free(&c);
	UNIT_CASE("free", !c.entries && !c.cap);
	UNIT_CASE("default_capacity", !kr_oap_cache_init(&c, 0) &&
		  c.cap == KR_OAP_DEFAULT_CACHE);
	kr_oap_cache_free(&c);
	return unit_done();
}
