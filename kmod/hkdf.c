// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * HKDF-Expand, RFC 5869 section 2.3, with HMAC-SHA256 from the crypto API.
 * Linux gained a shared HKDF only in 6.15; 6.1 keeps fscrypt's private, so we
 * carry this small one (spec section 2).
 */

#include "hkdf.h"

#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/err.h>
#include <linux/minmax.h>
#include <linux/string.h>

enum { HKDF_MAX_BLOCKS = 255 };

/* T(i) = HMAC(PRK, T(i-1) || info || i), OKM = T(1) || T(2) || ... */
static int expand_blocks(struct shash_desc *desc, const u8 *info,
			 unsigned int info_len, u8 *okm, unsigned int okm_len)
{
	u8 t[SHA256_DIGEST_SIZE];
	unsigned int done = 0, n;
	u8 i;
	int ret = 0;

	for (i = 1; done < okm_len; i++) {
		ret = crypto_shash_init(desc);
		if (!ret && i > 1)
			ret = crypto_shash_update(desc, t, sizeof(t));
		if (!ret)
			ret = crypto_shash_update(desc, info, info_len);
		if (!ret)
			ret = crypto_shash_finup(desc, &i, 1, t);
		if (ret)
			break;
		n = min_t(unsigned int, okm_len - done, sizeof(t));
		memcpy(okm + done, t, n);
		done += n;
	}
	memzero_explicit(t, sizeof(t));
	return ret;
}

/**
 * kr_hkdf_expand() - HKDF-Expand with SHA-256
 * @prk: the pseudorandom key
 * @prk_len: its length in bytes
 * @info: context information, may be NULL when @info_len is 0
 * @info_len: its length in bytes
 * @okm: where to write the output keying material
 * @okm_len: how many bytes to write, 1 to 255 * 32
 *
 * A transform is allocated for the call and freed (with its key schedule
 * wiped) before returning, so no PRK outlives it inside the crypto API.
 *
 * Context: Process context; may sleep.
 * Return: 0, or -errno with @okm wiped.
 */
int kr_hkdf_expand(const u8 *prk, unsigned int prk_len, const u8 *info,
		   unsigned int info_len, u8 *okm, unsigned int okm_len)
{
	struct crypto_shash *hmac;
	int ret;

	might_sleep();
	if (!okm_len || okm_len > HKDF_MAX_BLOCKS * SHA256_DIGEST_SIZE)
		return -EINVAL;

	hmac = crypto_alloc_shash("hmac(sha256)", 0, 0);
	if (IS_ERR(hmac)) {
		ret = PTR_ERR(hmac);
		goto out_wipe;
	}
	ret = crypto_shash_setkey(hmac, prk, prk_len);
	if (!ret) {
		SHASH_DESC_ON_STACK(desc, hmac);

		desc->tfm = hmac;
		ret = expand_blocks(desc, info, info_len, okm, okm_len);
		shash_desc_zero(desc);
	}
	crypto_free_shash(hmac);
out_wipe:
	if (ret)
		memzero_explicit(okm, okm_len);
	return ret;
}

#if IS_ENABLED(CONFIG_KEYROT_KUNIT_TEST)
#include "tests/hkdf_test.c"
#endif
