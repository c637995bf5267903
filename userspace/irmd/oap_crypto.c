// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "oap_crypto.h"
#include "kr_keyid.h"

#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

int kr_oap_crypto_th(uint8_t th[KR_OAP_HASH_LEN], const uint8_t *a,
		     size_t alen, const uint8_t *b, size_t blen)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned int len = 0;
	int ret = -EIO;

	if (!md)
		return -ENOMEM;
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1 &&
	    (!alen || EVP_DigestUpdate(md, a, alen) == 1) &&
	    (!blen || EVP_DigestUpdate(md, b, blen) == 1) &&
	    EVP_DigestFinal_ex(md, th, &len) == 1 && len == KR_OAP_HASH_LEN)
		ret = 0;
	EVP_MD_CTX_free(md);
	return ret;
}

/* The signed message: label || transcript hash (docs/oap.md 5). */
static void sig_message(uint8_t msg[KR_OAP_SIG_LABEL_LEN + KR_OAP_HASH_LEN],
			const uint8_t th[KR_OAP_HASH_LEN])
{
	memcpy(msg, KR_OAP_SIG_LABEL, KR_OAP_SIG_LABEL_LEN);
	memcpy(msg + KR_OAP_SIG_LABEL_LEN, th, KR_OAP_HASH_LEN);
}

int kr_oap_crypto_sign(EVP_PKEY *key, const uint8_t th[KR_OAP_HASH_LEN],
		       uint8_t sig[KR_OAP_SIG_LEN])
{
	uint8_t msg[KR_OAP_SIG_LABEL_LEN + KR_OAP_HASH_LEN];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	size_t siglen = KR_OAP_SIG_LEN;
	int ret = -EIO;

	if (!md)
		return -ENOMEM;
	sig_message(msg, th);
	/* Ed25519 is one-shot: no digest, EVP_DigestSign() on the message. */
	if (EVP_DigestSignInit(md, NULL, NULL, NULL, key) == 1 &&
	    EVP_DigestSign(md, sig, &siglen, msg, sizeof(msg)) == 1 &&
	    siglen == KR_OAP_SIG_LEN)
		ret = 0;
	EVP_MD_CTX_free(md);
	return ret;
}

int kr_oap_crypto_verify(const uint8_t pub[KR_OAP_PUB_LEN],
			 const uint8_t th[KR_OAP_HASH_LEN],
			 const uint8_t sig[KR_OAP_SIG_LEN])
{
	uint8_t msg[KR_OAP_SIG_LABEL_LEN + KR_OAP_HASH_LEN];
	EVP_MD_CTX *md;
	EVP_PKEY *key;
	int ret = -EKEYREJECTED;

	key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub,
					  KR_OAP_PUB_LEN);
	if (!key)
		return -EKEYREJECTED;
	md = EVP_MD_CTX_new();
	if (!md) {
		ret = -ENOMEM;
		goto out_free_key;
	}
	sig_message(msg, th);
	if (EVP_DigestVerifyInit(md, NULL, NULL, NULL, key) == 1 &&
	    EVP_DigestVerify(md, sig, KR_OAP_SIG_LEN, msg, sizeof(msg)) == 1)
		ret = 0;
	EVP_MD_CTX_free(md);
out_free_key:
	EVP_PKEY_free(key);
	return ret;
}

int kr_oap_crypto_eph_new(EVP_PKEY **eph, uint8_t pub[KR_OAP_PUB_LEN],
			  const uint8_t priv[KR_OAP_PUB_LEN])
{
	size_t len = KR_OAP_PUB_LEN;

	*eph = EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, NULL, priv,
					    KR_OAP_PUB_LEN);
	if (!*eph)
		return -ENOMEM;
	if (EVP_PKEY_get_raw_public_key(*eph, pub, &len) != 1 ||
	    len != KR_OAP_PUB_LEN) {
		EVP_PKEY_free(*eph);
		*eph = NULL;
		return -EIO;
	}
	return 0;
}

int kr_oap_crypto_dh(EVP_PKEY *eph, const uint8_t peer[KR_OAP_PUB_LEN],
		     uint8_t shared[KR_OAP_PUB_LEN])
{
	static const uint8_t zero[KR_OAP_PUB_LEN];
	size_t len = KR_OAP_PUB_LEN;
	EVP_PKEY_CTX *ctx;
	EVP_PKEY *pkey;
	int ret = -EIO;

	pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_X25519, NULL, peer,
					   KR_OAP_PUB_LEN);
	if (!pkey)
		return -EKEYREJECTED;
	ctx = EVP_PKEY_CTX_new(eph, NULL);
	if (!ctx) {
		ret = -ENOMEM;
		goto out_free_peer;
	}
	/* OpenSSL refuses an all-zero result itself; so do we, explicitly. */
	if (EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer(ctx, pkey) != 1)
		goto out_free_ctx;
	if (EVP_PKEY_derive(ctx, shared, &len) != 1) {
		ret = -EKEYREJECTED;
		goto out_wipe;
	}
	if (len != KR_OAP_PUB_LEN)
		goto out_wipe;
	if (!CRYPTO_memcmp(shared, zero, KR_OAP_PUB_LEN)) {
		ret = -EKEYREJECTED;
		goto out_wipe;
	}
	ret = 0;
	goto out_free_ctx;
out_wipe:
	OPENSSL_cleanse(shared, KR_OAP_PUB_LEN);
out_free_ctx:
	EVP_PKEY_CTX_free(ctx);
out_free_peer:
	EVP_PKEY_free(pkey);
	return ret;
}

int kr_oap_crypto_hkdf(uint8_t *out, size_t outlen, const uint8_t *salt,
		       size_t saltlen, const uint8_t *ikm, size_t ikmlen,
		       const uint8_t *info, size_t infolen)
{
	OSSL_PARAM params[5];
	EVP_KDF_CTX *kctx;
	EVP_KDF *kdf;
	int ret = -EIO;

	kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
	if (!kdf)
		return -EIO;
	kctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	if (!kctx)
		return -ENOMEM;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
						     (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
						      (void *)ikm, ikmlen);
	params[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
						      (void *)salt, saltlen);
	params[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
						      (void *)info, infolen);
	params[4] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(kctx, out, outlen, params) == 1)
		ret = 0;
	else
		OPENSSL_cleanse(out, outlen);
	/* Frees and cleanses the PRK OpenSSL kept. */
	EVP_KDF_CTX_free(kctx);
	return ret;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

void kr_oap_crypto_seed_info(uint8_t info[KR_OAP_SEED_INFO_LEN],
			     const struct kr_oap_seed_in *in)
{
	uint8_t *p = info;
	int role;

	memcpy(p, KR_OAP_SEED_LABEL, KR_OAP_SEED_LABEL_LEN);
	p += KR_OAP_SEED_LABEL_LEN;
	for (role = 0; role < 2; role++) {
		*p++ = (uint8_t)role;
		memcpy(p, in->id[role], KR_OAP_PUB_LEN);
		p += KR_OAP_PUB_LEN;
		put32(p, in->flow[role]);
		p += 4;
	}
	*p++ = in->epoch;
	*p++ = in->cipher;
	memcpy(p, in->th, KR_OAP_HASH_LEN);
}

int kr_oap_crypto_seed(uint8_t seed[KEYROT_SEED_LEN],
		       uint8_t key_id[KEYROT_KEY_ID_LEN],
		       const struct kr_oap_seed_in *in)
{
	uint8_t info[KR_OAP_SEED_INFO_LEN];
	uint8_t salt[2 * KR_OAP_NONCE_LEN];
	int ret;

	memcpy(salt, in->req_nonce, KR_OAP_NONCE_LEN);
	memcpy(salt + KR_OAP_NONCE_LEN, in->ans_nonce, KR_OAP_NONCE_LEN);
	kr_oap_crypto_seed_info(info, in);
	ret = kr_oap_crypto_hkdf(seed, KEYROT_SEED_LEN, salt, sizeof(salt),
				 in->shared, KR_OAP_PUB_LEN, info,
				 sizeof(info));
	if (ret)
		return ret;
	ret = kr_keyid_compute(key_id, seed);
	if (ret)
		OPENSSL_cleanse(seed, KEYROT_SEED_LEN);
	return ret;
}
