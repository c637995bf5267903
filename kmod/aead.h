/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 */
#ifndef _KR_AEAD_H
#define _KR_AEAD_H

#include <linux/types.h>

struct crypto_aead;

/* Spec section 4. */
enum kr_aead_sizes {
	KR_AEAD_KEY_LEN = 32,
	KR_AEAD_NONCE_LEN = 12,
	KR_AEAD_TAG_LEN = 16,
};

struct crypto_aead *kr_aead_tfm_new(u8 cipher, const u8 *key);
struct crypto_aead *kr_aead_tfm_new_sync(u8 cipher, const u8 *key);
void kr_aead_tfm_free(struct crypto_aead *tfm);
bool kr_aead_cipher_valid(u8 cipher);

/* aead.c counters, for stats and tests: */
long kr_aead_tfms_live(void);
u64 kr_aead_setkeys(void);

#endif /* _KR_AEAD_H */
