/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_IDENTITY_H
#define KR_IDENTITY_H

/*
 * A host's long-term Ed25519 identity (docs/oap.md 3): generated once
 * (`irmd keygen`), kept as a PKCS#8 PEM file readable by its owner only,
 * shown as base64 (`irmd pubkey`) for the peers' config files, where each
 * peer is pinned by that public key.
 */
#include <stdint.h>

#include <openssl/evp.h>

#include "oap.h"

enum { KR_IDENT_B64_LEN = 44 };	/* base64 of 32 bytes, one '=' */

/**
 * struct kr_ident - an identity key pair
 * @key: the Ed25519 private key (OpenSSL wipes it when freed)
 * @pub: its public key, raw
 */
struct kr_ident {
	EVP_PKEY *key;
	uint8_t pub[KR_OAP_PUB_LEN];
};

/**
 * kr_ident_generate() - a new random identity
 * @id: receives it; kr_ident_free() it
 *
 * Return: 0, -ENOMEM or -EIO.
 */
int kr_ident_generate(struct kr_ident *id);

/**
 * kr_ident_from_seed() - the identity of a 32-byte Ed25519 private seed
 * @id: receives it; kr_ident_free() it
 * @seed: RFC 8032 private key (the caller wipes it)
 *
 * For test vectors and tests: real identities come from kr_ident_generate().
 *
 * Return: 0, -ENOMEM or -EIO.
 */
int kr_ident_from_seed(struct kr_ident *id, const uint8_t seed[32]);

/**
 * kr_ident_free() - free (and so wipe) the private key
 * @id: the identity; may be zeroed
 */
void kr_ident_free(struct kr_ident *id);

/**
 * kr_ident_save() - write the private key as PKCS#8 PEM, mode 0600
 * @id: the identity
 * @path: a file that must not exist yet (never overwritten)
 * @why: receives a reason on failure
 *
 * The PEM text passes through OpenSSL's secure heap and is wiped; on
 * failure the file is removed.
 *
 * Return: 0, or -errno (-EEXIST if @path exists).
 */
int kr_ident_save(const struct kr_ident *id, const char *path,
		  const char **why);

/**
 * kr_ident_load() - read a private key written by kr_ident_save()
 * @id: receives it; kr_ident_free() it
 * @path: the file
 * @why: receives a reason on failure
 *
 * Refuses a file that is not regular, not owned by the effective user (or
 * root), or that its group or others may access at all, as ssh does.
 *
 * Return: 0, -EPERM (ownership or mode), -EINVAL (not an Ed25519 PEM
 * private key), or -errno.
 */
int kr_ident_load(struct kr_ident *id, const char *path, const char **why);

/**
 * kr_ident_pub_b64() - a public key in base64, for config files and logs
 * @out: receives KR_IDENT_B64_LEN characters and a NUL
 * @pub: the key
 */
void kr_ident_pub_b64(char out[KR_IDENT_B64_LEN + 1],
		      const uint8_t pub[KR_OAP_PUB_LEN]);

/**
 * kr_ident_pub_parse() - a public key from base64 (44) or hex (64 digits)
 * @pub: receives 32 bytes
 * @s: the text, NUL-terminated, nothing around it
 *
 * Canonical forms only: base64 must re-encode to @s exactly.
 *
 * Return: 0, or -EINVAL.
 */
int kr_ident_pub_parse(uint8_t pub[KR_OAP_PUB_LEN], const char *s);

#endif /* KR_IDENTITY_H */
