/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_KEYID_H
#define KR_KEYID_H

#include "keyrot.h"	/* uapi/: the key and key id lengths */

/**
 * kr_keyid_compute() - the key id of a root seed (spec section 2)
 * @key_id: receives KEYROT_KEY_ID_LEN bytes
 * @seed: the KEYROT_SEED_LEN-byte root seed; only read
 *
 * key id = HKDF-Expand(PRK = seed, info = "keyrot v1 id", L = 8) with
 * SHA-256: the first 8 bytes of HMAC-SHA256(seed, info || 0x01).  Every
 * intermediate is wiped before return, on every path.
 *
 * Return: 0, or -EIO if the HMAC failed.
 */
int kr_keyid_compute(unsigned char key_id[KEYROT_KEY_ID_LEN],
		     const unsigned char seed[KEYROT_SEED_LEN]);

#endif /* KR_KEYID_H */
