/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_OAP_CRYPTO_H
#define KR_OAP_CRYPTO_H

/*
 * The cryptography of OAP v1 (docs/oap.md 5, 6), over OpenSSL 3 libcrypto:
 * Ed25519 signatures over transcript hashes, X25519 with ephemeral keys,
 * SHA-256, HKDF-SHA256, and the root seed with its key id.  Every secret
 * intermediate is wiped before return, on every path.
 */
#include "oap.h"

#include <openssl/evp.h>

/* The ASCII labels, without NUL (docs/oap.md 5, 6). */
#define KR_OAP_SIG_LABEL	"keyrot oap v1 sig"
#define KR_OAP_SEED_LABEL	"keyrot oap v1 seed"

enum kr_oap_crypto_sizes {
	KR_OAP_SIG_LABEL_LEN	= sizeof(KR_OAP_SIG_LABEL) - 1,		/* 17 */
	KR_OAP_SEED_LABEL_LEN	= sizeof(KR_OAP_SEED_LABEL) - 1,	/* 18 */
	/* label, 2 x (role, identity, flow id), epoch, cipher, transcript */
	KR_OAP_SEED_INFO_LEN	= KR_OAP_SEED_LABEL_LEN +
				  2 * (1 + KR_OAP_PUB_LEN + 4) + 2 +
				  KR_OAP_HASH_LEN,			/* 126 */
};

/**
 * kr_oap_crypto_th() - transcript hash: SHA-256(@a || @b)
 * @th: receives 32 bytes
 * @a: first part (may be NULL when @alen is 0)
 * @alen: its length
 * @b: second part (may be NULL when @blen is 0)
 * @blen: its length
 *
 * Return: 0, or -EIO.
 */
int kr_oap_crypto_th(uint8_t th[KR_OAP_HASH_LEN], const uint8_t *a,
		     size_t alen, const uint8_t *b, size_t blen);

/**
 * kr_oap_crypto_sign() - Ed25519 over KR_OAP_SIG_LABEL || @th
 * @key: an Ed25519 private key
 * @th: the transcript hash the signature covers
 * @sig: receives 64 bytes
 *
 * Return: 0, or -EIO.
 */
int kr_oap_crypto_sign(EVP_PKEY *key, const uint8_t th[KR_OAP_HASH_LEN],
		       uint8_t sig[KR_OAP_SIG_LEN]);

/**
 * kr_oap_crypto_verify() - check a signature made by kr_oap_crypto_sign()
 * @pub: the signer's Ed25519 public key
 * @th: the transcript hash
 * @sig: the signature
 *
 * Return: 0 if it verifies, -EKEYREJECTED if not (or @pub is no key),
 * -ENOMEM.
 */
int kr_oap_crypto_verify(const uint8_t pub[KR_OAP_PUB_LEN],
			 const uint8_t th[KR_OAP_HASH_LEN],
			 const uint8_t sig[KR_OAP_SIG_LEN]);

/**
 * kr_oap_crypto_eph_new() - an ephemeral X25519 key pair
 * @eph: receives the key (EVP_PKEY_free() it, which wipes it)
 * @pub: receives its public key
 * @priv: 32 random bytes (the caller's; the caller wipes them)
 *
 * Return: 0, -ENOMEM or -EIO.
 */
int kr_oap_crypto_eph_new(EVP_PKEY **eph, uint8_t pub[KR_OAP_PUB_LEN],
			  const uint8_t priv[KR_OAP_PUB_LEN]);

/**
 * kr_oap_crypto_dh() - X25519 shared secret with the peer's ephemeral key
 * @eph: our ephemeral key
 * @peer: the peer's ephemeral public key
 * @shared: receives 32 bytes (wiped on failure)
 *
 * Return: 0, -EKEYREJECTED if the result is all zero (a small-order
 * point), -ENOMEM or -EIO.
 */
int kr_oap_crypto_dh(EVP_PKEY *eph, const uint8_t peer[KR_OAP_PUB_LEN],
		     uint8_t shared[KR_OAP_PUB_LEN]);

/**
 * kr_oap_crypto_hkdf() - HKDF-SHA256 (RFC 5869), extract then expand
 * @out: receives @outlen bytes (wiped on failure)
 * @outlen: at most 255 * 32
 * @salt: the salt
 * @saltlen: its length
 * @ikm: the input keying material
 * @ikmlen: its length
 * @info: the info string
 * @infolen: its length
 *
 * Return: 0, or -EIO.
 */
int kr_oap_crypto_hkdf(uint8_t *out, size_t outlen, const uint8_t *salt,
		       size_t saltlen, const uint8_t *ikm, size_t ikmlen,
		       const uint8_t *info, size_t infolen);

/**
 * struct kr_oap_seed_in - everything a seed is bound to (docs/oap.md 6)
 * @shared: the X25519 shared secret (IKM)
 * @req_nonce: the request's nonce
 * @ans_nonce: the answer's nonce
 * @id: Ed25519 identity of role 0 and of role 1, as this end believes
 * @flow: flow id of role 0 and of role 1
 * @epoch: the seed's epoch
 * @cipher: the flow's cipher
 * @th: the transcript hash (request || answer without its signature)
 */
struct kr_oap_seed_in {
	const uint8_t *shared;
	const uint8_t *req_nonce;
	const uint8_t *ans_nonce;
	const uint8_t *id[2];
	uint32_t flow[2];
	uint8_t epoch;
	uint8_t cipher;
	const uint8_t *th;
};

/**
 * kr_oap_crypto_seed_info() - the HKDF info string of a seed
 * @info: receives KR_OAP_SEED_INFO_LEN bytes
 * @in: the inputs (@in->shared is not read)
 */
void kr_oap_crypto_seed_info(uint8_t info[KR_OAP_SEED_INFO_LEN],
			     const struct kr_oap_seed_in *in);

/**
 * kr_oap_crypto_seed() - the root seed and its key id
 * @seed: receives KEYROT_SEED_LEN bytes (wiped on failure)
 * @key_id: receives its key id, HKDF-Expand(seed, "keyrot v1 id", 8)
 * @in: the inputs
 *
 * seed = HKDF-SHA256(salt = req_nonce || ans_nonce, IKM = shared,
 * info = kr_oap_crypto_seed_info(), L = 32).
 *
 * Return: 0, or -EIO.
 */
int kr_oap_crypto_seed(uint8_t seed[KEYROT_SEED_LEN],
		       uint8_t key_id[KEYROT_KEY_ID_LEN],
		       const struct kr_oap_seed_in *in);

#endif /* KR_OAP_CRYPTO_H */
