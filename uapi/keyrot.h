/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * keyrot: the contract between keyrot.ko and userspace.
 *
 * Wire-format and key-tree constants follow spec keyrot v1
 * (docs/spec.md points at the normative text).
 */
#ifndef _UAPI_KEYROT_H
#define _UAPI_KEYROT_H

#include <linux/const.h>

#define KEYROT_GENL_NAME	"keyrot"
#define KEYROT_GENL_VERSION	1

/* Spec sections 2 and 3: a root seed, its key id, the sequence space. */
#define KEYROT_SEED_LEN		32
#define KEYROT_KEY_ID_LEN	8
#define KEYROT_SEQ_LIMIT	_BITULL(33)

/* Spec section 4: the AEAD of a flow, fixed for its life. */
enum keyrot_cipher {
	KEYROT_CIPHER_AES_256_GCM,
	KEYROT_CIPHER_CHACHA20_POLY1305,

	/* private: */
	__KEYROT_CIPHER_MAX,
};

#endif /* _UAPI_KEYROT_H */
