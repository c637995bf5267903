// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "kr_keyid.h"

#include <errno.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

/* RFC 5869 section 2.3, one block: T(1) = HMAC(PRK, info || 0x01). */
int kr_keyid_compute(unsigned char key_id[KEYROT_KEY_ID_LEN],
		     const unsigned char seed[KEYROT_SEED_LEN])
{
	static const char info[] = "keyrot v1 id";
	unsigned char in[sizeof(info)];	/* info without NUL, then 0x01 */
	unsigned char t[EVP_MAX_MD_SIZE];
	unsigned int tlen = 0;
	int ret = 0;

	memcpy(in, info, sizeof(info) - 1);
	in[sizeof(info) - 1] = 0x01;
	if (!HMAC(EVP_sha256(), seed, KEYROT_SEED_LEN, in, sizeof(in), t,
		  &tlen) || tlen < KEYROT_KEY_ID_LEN) {
		ret = -EIO;
		goto out_wipe;
	}
	memcpy(key_id, t, KEYROT_KEY_ID_LEN);
out_wipe:
	OPENSSL_cleanse(t, sizeof(t));
	return ret;
}
