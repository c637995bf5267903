// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The AEAD of spec section 4 through the kernel crypto API: one transform per
 * leaf key, allocated and keyed once in process context, freed (which wipes
 * its key schedule) when the leaf retires.
 */

#include "aead.h"

#include "../uapi/keyrot.h"

#include <crypto/aead.h>
#include <linux/atomic.h>
#include <linux/err.h>

static const char *const cipher_names[__KEYROT_CIPHER_MAX] = {
	[KEYROT_CIPHER_AES_256_GCM] = "gcm(aes)",
	[KEYROT_CIPHER_CHACHA20_POLY1305] = "rfc7539(chacha20,poly1305)",
};

static atomic_long_t tfms_live = ATOMIC_LONG_INIT(0);
static atomic64_t setkeys = ATOMIC64_INIT(0);

bool kr_aead_cipher_valid(u8 cipher)
{
	return cipher < __KEYROT_CIPHER_MAX;
}

/**
 * kr_aead_tfm_new() - a transform keyed with one leaf key
 * @cipher: enum keyrot_cipher
 * @key: KR_AEAD_KEY_LEN bytes; the caller wipes its copy
 *
 * Context: Process context; may sleep.
 * Return: the transform, or an ERR_PTR().
 */
struct crypto_aead *kr_aead_tfm_new(u8 cipher, const u8 *key)
{
	struct crypto_aead *tfm;
	int ret;

	might_sleep();
	if (!kr_aead_cipher_valid(cipher))
		return ERR_PTR(-EINVAL);

	tfm = crypto_alloc_aead(cipher_names[cipher], 0, 0);
	if (IS_ERR(tfm))
		return tfm;
	if (WARN_ON_ONCE(crypto_aead_ivsize(tfm) != KR_AEAD_NONCE_LEN)) {
		ret = -EINVAL;
		goto err_free_tfm;
	}
	ret = crypto_aead_setkey(tfm, key, KR_AEAD_KEY_LEN);
	if (ret)
		goto err_free_tfm;
	atomic64_inc(&setkeys);
	ret = crypto_aead_setauthsize(tfm, KR_AEAD_TAG_LEN);
	if (ret)
		goto err_free_tfm;
	atomic_long_inc(&tfms_live);
	return tfm;

err_free_tfm:
	crypto_free_aead(tfm);
	return ERR_PTR(ret);
}

/**
 * kr_aead_tfm_free() - free a leaf transform and the key inside it
 * @tfm: from kr_aead_tfm_new(), or NULL
 *
 * Context: Process context.
 */
void kr_aead_tfm_free(struct crypto_aead *tfm)
{
	if (!tfm)
		return;
	crypto_free_aead(tfm);
	atomic_long_dec(&tfms_live);
}

/* Transforms alive now: each holds one leaf key. */
long kr_aead_tfms_live(void)
{
	return atomic_long_read(&tfms_live);
}

/* Keys set since load: one per leaf ever prepared. */
u64 kr_aead_setkeys(void)
{
	return atomic64_read(&setkeys);
}
