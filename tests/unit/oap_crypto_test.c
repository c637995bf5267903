// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * OAP cryptography (docs/oap.md 5, 6): HKDF against RFC 5869, X25519
 * against RFC 7748, Ed25519 keys against RFC 8032, signatures that fail
 * on any change, small-order points refused, and a seed that changes with
 * every input it is bound to (roles, identities, flow ids, epoch, cipher,
 * transcript, nonces, secret), with the spec's key id.
 */
#include "identity.h"
#include "kr_hex.h"
#include "kr_keyid.h"
#include "oap_crypto.h"
#include "unit.h"

#include <errno.h>
#include <string.h>

static void hex(uint8_t *out, const char *h)
{
	size_t n = strlen(h) / 2;

	if (kr_hex_decode(out, n, h, 2 * n))
		memset(out, 0xee, n);
}

static bool hkdf_case(const char *ikm_h, const char *salt_h,
		      const char *info_h, const char *okm_h)
{
	uint8_t ikm[80], salt[80], info[80], okm[82], got[82];
	size_t li = strlen(ikm_h) / 2, ls = strlen(salt_h) / 2;
	size_t ln = strlen(info_h) / 2, lo = strlen(okm_h) / 2;

	hex(ikm, ikm_h);
	hex(salt, salt_h);
	hex(info, info_h);
	hex(okm, okm_h);
	return !kr_oap_crypto_hkdf(got, lo, salt, ls, ikm, li, info, ln) &&
	       !memcmp(got, okm, lo);
}

static void rfc5869(void)
{
	char ikm[161], salt[161], info[161];
	uint8_t b[80];
	int i;

	UNIT_CASE("hkdf_rfc5869_case1",
		  hkdf_case("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b",
			    "000102030405060708090a0b0c",
			    "f0f1f2f3f4f5f6f7f8f9",
			    "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"));
	for (i = 0; i < 80; i++)
		b[i] = (uint8_t)i;
	kr_hex_encode(ikm, b, 80);
	for (i = 0; i < 80; i++)
		b[i] = (uint8_t)(0x60 + i);
	kr_hex_encode(salt, b, 80);
	for (i = 0; i < 80; i++)
		b[i] = (uint8_t)(0xb0 + i);
	kr_hex_encode(info, b, 80);
	UNIT_CASE("hkdf_rfc5869_case2",
		  hkdf_case(ikm, salt, info,
			    "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87"));
	UNIT_CASE("hkdf_rfc5869_case3",
		  hkdf_case("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "",
			    "",
			    "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"));
}

static void rfc7748(void)
{
	uint8_t a_priv[32], b_priv[32], a_pub[32], b_pub[32], k[32];
	uint8_t got_a[32], got_b[32], s1[32], s2[32];
	EVP_PKEY *a = NULL, *b = NULL;

	hex(a_priv, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
	hex(a_pub, "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
	hex(b_priv, "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
	hex(b_pub, "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
	hex(k, "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
	UNIT_CASE("x25519_rfc7748_public_keys",
		  !kr_oap_crypto_eph_new(&a, got_a, a_priv) &&
		  !kr_oap_crypto_eph_new(&b, got_b, b_priv) &&
		  !memcmp(got_a, a_pub, 32) && !memcmp(got_b, b_pub, 32));
	UNIT_CASE("x25519_rfc7748_shared",
		  a && b && !kr_oap_crypto_dh(a, b_pub, s1) &&
		  !kr_oap_crypto_dh(b, a_pub, s2) && !memcmp(s1, k, 32) &&
		  !memcmp(s2, k, 32));

	/* Small-order points give an all-zero secret: refused, wiped. */
	{
		static const char *const bad[] = {
			"0000000000000000000000000000000000000000000000000000000000000000",
			"0100000000000000000000000000000000000000000000000000000000000000",
			"e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
			"5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
			"ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
		};
		bool all = true;
		uint8_t p[32];
		size_t i;

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			hex(p, bad[i]);
			memset(s1, 0x55, 32);
			if (kr_oap_crypto_dh(a, p, s1) != -EKEYREJECTED ||
			    memcmp(s1, (uint8_t[32]){ 0 }, 32))
				all = false;
		}
		UNIT_CASE("x25519_small_order_refused_and_wiped", all);
	}
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
}

static void signatures(void)
{
	uint8_t seed[32], pub[32], th[32], sig[64], sig2[64];
	struct kr_ident id, other;
	bool all = true;
	int i;

	hex(seed, "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
	hex(pub, "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
	UNIT_CASE("ed25519_rfc8032_public_key",
		  !kr_ident_from_seed(&id, seed) && !memcmp(id.pub, pub, 32));
	kr_ident_generate(&other);
	memset(th, 0x3c, 32);
	UNIT_CASE("sign_verify", !kr_oap_crypto_sign(id.key, th, sig) &&
		  !kr_oap_crypto_verify(id.pub, th, sig));
	UNIT_CASE("sign_deterministic", !kr_oap_crypto_sign(id.key, th, sig2) &&
		  !memcmp(sig, sig2, 64));
	UNIT_CASE("verify_other_key_fails",
		  kr_oap_crypto_verify(other.pub, th, sig) == -EKEYREJECTED);
	for (i = 0; i < 32 * 8; i++) {
		th[i / 8] ^= (uint8_t)(1 << (i % 8));
		if (kr_oap_crypto_verify(id.pub, th, sig) != -EKEYREJECTED)
			all = false;
		th[i / 8] ^= (uint8_t)(1 << (i % 8));
	}
	UNIT_CASE("verify_every_hash_bit_flip_fails", all);
	all = true;
	for (i = 0; i < 64 * 8; i++) {
		sig[i / 8] ^= (uint8_t)(1 << (i % 8));
		if (kr_oap_crypto_verify(id.pub, th, sig) != -EKEYREJECTED)
			all = false;
		sig[i / 8] ^= (uint8_t)(1 << (i % 8));
	}
	UNIT_CASE("verify_every_signature_bit_flip_fails", all);
	memset(pub, 0, 32);
	UNIT_CASE("verify_garbage_key_fails",
		  kr_oap_crypto_verify(pub, th, sig) == -EKEYREJECTED);
	/* the label is signed: a bare signature of the hash does not pass */
	{
		EVP_MD_CTX *md = EVP_MD_CTX_new();
		size_t len = 64;

		EVP_DigestSignInit(md, NULL, NULL, NULL, id.key);
		EVP_DigestSign(md, sig2, &len, th, 32);
		EVP_MD_CTX_free(md);
		UNIT_CASE("signature_covers_label",
			  kr_oap_crypto_verify(id.pub, th, sig2) ==
			  -EKEYREJECTED);
	}
	UNIT_CASE("transcript_hash_concatenates",
		  !kr_oap_crypto_th(th, (const uint8_t *)"ab", 2,
				    (const uint8_t *)"c", 1) &&
		  !kr_oap_crypto_th(sig, (const uint8_t *)"abc", 3, NULL, 0) &&
		  !memcmp(th, sig, 32));
	kr_ident_free(&id);
	kr_ident_free(&other);
}

/* A seed's inputs, each field its own buffer so a test may change one. */
struct inputs {
	uint8_t shared[32], rn[16], an[16], id0[32], id1[32], th[32];
	struct kr_oap_seed_in in;
};

static void base(struct inputs *x)
{
	memset(x->shared, 0x01, 32);
	memset(x->rn, 0x02, 16);
	memset(x->an, 0x03, 16);
	memset(x->id0, 0x04, 32);
	memset(x->id1, 0x05, 32);
	memset(x->th, 0x06, 32);
	x->in = (struct kr_oap_seed_in){
		.shared = x->shared, .req_nonce = x->rn, .ans_nonce = x->an,
		.id = { x->id0, x->id1 }, .flow = { 0x1111, 0x2222 },
		.epoch = 200, .cipher = 0, .th = x->th,
	};
}

static bool differs(const struct inputs *x, const uint8_t ref[32])
{
	uint8_t seed[32], kid[8];

	return !kr_oap_crypto_seed(seed, kid, &x->in) && memcmp(seed, ref, 32);
}

static void seeds(void)
{
	uint8_t ref[32], ref_kid[8], seed[32], kid[8], info[KR_OAP_SEED_INFO_LEN];
	struct inputs x;

	base(&x);
	UNIT_CASE("seed_derives", !kr_oap_crypto_seed(ref, ref_kid, &x.in));
	UNIT_CASE("seed_repeatable", !kr_oap_crypto_seed(seed, kid, &x.in) &&
		  !memcmp(seed, ref, 32) && !memcmp(kid, ref_kid, 8));
	UNIT_CASE("key_id_is_spec_key_id",
		  !kr_keyid_compute(kid, ref) && !memcmp(kid, ref_kid, 8));

	base(&x); x.in.epoch = 201;
	UNIT_CASE("seed_differs_epoch", differs(&x, ref));
	base(&x); x.in.cipher = 1;
	UNIT_CASE("seed_differs_cipher", differs(&x, ref));
	base(&x); x.in.flow[0] = 0x1112;
	UNIT_CASE("seed_differs_initiator_flow", differs(&x, ref));
	base(&x); x.in.flow[1] = 0x2223;
	UNIT_CASE("seed_differs_responder_flow", differs(&x, ref));
	base(&x); x.in.flow[0] = 0x2222; x.in.flow[1] = 0x1111;
	UNIT_CASE("seed_differs_flows_swapped", differs(&x, ref));
	base(&x); x.id0[31] ^= 1;
	UNIT_CASE("seed_differs_initiator_identity", differs(&x, ref));
	base(&x); x.id1[0] ^= 0x80;
	UNIT_CASE("seed_differs_responder_identity", differs(&x, ref));
	/* an end that believes it has the other role */
	base(&x);
	x.in.id[0] = x.id1; x.in.id[1] = x.id0;
	x.in.flow[0] = 0x2222; x.in.flow[1] = 0x1111;
	UNIT_CASE("seed_differs_roles_swapped", differs(&x, ref));
	base(&x); x.in.id[1] = x.id0;
	UNIT_CASE("seed_differs_both_claim_role0_identity", differs(&x, ref));
	base(&x); x.th[16] ^= 4;
	UNIT_CASE("seed_differs_transcript", differs(&x, ref));
	base(&x); x.rn[0] ^= 1;
	UNIT_CASE("seed_differs_request_nonce", differs(&x, ref));
	base(&x); x.an[15] ^= 1;
	UNIT_CASE("seed_differs_answer_nonce", differs(&x, ref));
	base(&x); x.shared[7] ^= 1;
	UNIT_CASE("seed_differs_shared_secret", differs(&x, ref));

	/* docs/oap.md 6: the info layout, byte for byte */
	base(&x);
	kr_oap_crypto_seed_info(info, &x.in);
	UNIT_CASE("seed_info_layout",
		  KR_OAP_SEED_INFO_LEN == 126 &&
		  !memcmp(info, "keyrot oap v1 seed", 18) && info[18] == 0 &&
		  info[19] == 4 && info[50] == 4 &&
		  !memcmp(info + 51, "\0\0\x11\x11", 4) && info[55] == 1 &&
		  info[56] == 5 && info[87] == 5 &&
		  !memcmp(info + 88, "\0\0\x22\x22", 4) && info[92] == 200 &&
		  info[93] == 0 && info[94] == 6 && info[125] == 6);
}

int main(void)
{
	rfc5869();
	rfc7748();
	signatures();
	seeds();
	return unit_done();
}
