// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The AEAD of spec section 4 through the kernel crypto API: one transform per
 * leaf key, allocated and keyed once in process context, freed (which wipes
 * its key schedule) when the leaf retires; and sealing and opening a packet
 * in place in its skb.
 *
 * Transforms may be asynchronous (cryptd, hardware): a request that returns
 * -EINPROGRESS or -EBUSY completes later through its done callback, and the
 * flow's crypt queues put packets back in order.  Per packet we allocate one
 * block holding the request, the nonce and the scatterlist, as ESP does.
 */

#include "aead.h"
#include "compat.h"
#include "packet.h"

#include "../uapi/keyrot.h"

#include <crypto/aead.h>
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/skbuff.h>
#include <linux/slab.h>

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

static struct crypto_aead *tfm_new(u8 cipher, const u8 *key, u32 mask)
{
	struct crypto_aead *tfm;
	int ret;

	might_sleep();
	if (!kr_aead_cipher_valid(cipher))
		return ERR_PTR(-EINVAL);

	tfm = crypto_alloc_aead(cipher_names[cipher], 0, mask);
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
 * kr_aead_tfm_new() - a transform keyed with one leaf key
 * @cipher: enum keyrot_cipher
 * @key: KR_AEAD_KEY_LEN bytes; the caller wipes its copy
 *
 * The transform may be asynchronous.
 *
 * Context: Process context; may sleep.
 * Return: the transform, or an ERR_PTR().
 */
struct crypto_aead *kr_aead_tfm_new(u8 cipher, const u8 *key)
{
	return tfm_new(cipher, key, 0);
}

/**
 * kr_aead_tfm_new_sync() - a synchronous transform keyed with a leaf key
 * @cipher: enum keyrot_cipher
 * @key: KR_AEAD_KEY_LEN bytes; the caller wipes its copy
 *
 * For process-context use where waiting is simpler than a callback.
 *
 * Context: Process context; may sleep.
 * Return: the transform, or an ERR_PTR().
 */
struct crypto_aead *kr_aead_tfm_new_sync(u8 cipher, const u8 *key)
{
	return tfm_new(cipher, key, CRYPTO_ALG_ASYNC);
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

/* One packet's crypto request, its nonce and scatterlist: one allocation. */
struct kr_crypt {
	kr_aead_done_t done;
	struct aead_request *req;
	u8 iv[KR_AEAD_NONCE_LEN];
	struct scatterlist sg[];
};

static struct kr_crypt *crypt_alloc(struct crypto_aead *tfm, int nsg)
{
	size_t req_off, size;
	struct kr_crypt *c;

	req_off = ALIGN(struct_size(c, sg, nsg), crypto_tfm_ctx_alignment());
	size = req_off + sizeof(struct aead_request) + crypto_aead_reqsize(tfm);
	c = kmalloc(size, GFP_ATOMIC);
	if (!c)
		return NULL;
	c->req = (struct aead_request *)((u8 *)c + req_off);
	return c;
}

static void crypt_free(struct kr_crypt *c)
{
	/* The request context may hold cipher state: wipe it. */
	kfree_sensitive(c);
}

static KR_CRYPTO_DONE(packet_done)
{
	struct sk_buff *skb = kr_crypto_done_data();
	struct kr_crypt *c = kr_cb(skb)->crypt;
	kr_aead_done_t done = c->done;

	/* A backlogged request tells us it started; the end comes later. */
	if (err == -EINPROGRESS)
		return;
	kr_cb(skb)->crypt = NULL;
	crypt_free(c);
	done(skb, err);
}

/*
 * The packet is the whole of @skb: header (the additional data), text, tag.
 * Map it, set the nonce (4 zero bytes, then s big-endian) and start.
 */
static int packet_crypt(struct crypto_aead *tfm, struct sk_buff *skb, u64 seq,
			kr_aead_done_t done, bool seal)
{
	struct sk_buff *trailer;
	struct kr_crypt *c;
	__be64 nonce;
	int nsg, ret;

	if (skb->len < KR_MIN_PACKET)
		return -EINVAL;
	/* A reassembled datagram may have many fragments: size for them all. */
	nsg = skb_cow_data(skb, 0, &trailer);
	if (nsg < 0)
		return nsg;
	c = crypt_alloc(tfm, nsg);
	if (!c)
		return -ENOMEM;
	c->done = done;
	memset(c->iv, 0, 4);
	nonce = cpu_to_be64(seq);
	memcpy(c->iv + 4, &nonce, sizeof(nonce));
	sg_init_table(c->sg, nsg);
	ret = skb_to_sgvec(skb, c->sg, 0, skb->len);
	if (ret < 0)
		goto err_free;

	kr_cb(skb)->crypt = c;
	aead_request_set_tfm(c->req, tfm);
	aead_request_set_callback(c->req, CRYPTO_TFM_REQ_MAY_BACKLOG,
				  packet_done, skb);
	aead_request_set_ad(c->req, KR_HEADER_LEN);
	aead_request_set_crypt(c->req, c->sg, c->sg,
			       skb->len - KR_HEADER_LEN -
			       (seal ? KR_TAG_LEN : 0), c->iv);
	ret = seal ? crypto_aead_encrypt(c->req) : crypto_aead_decrypt(c->req);
	if (ret == -EINPROGRESS || ret == -EBUSY)
		return -EINPROGRESS;
err_free:
	kr_cb(skb)->crypt = NULL;
	crypt_free(c);
	return ret;
}

/**
 * kr_aead_seal() - seal a packet in place
 * @tfm: the leaf's transform
 * @skb: header, plaintext, then KR_TAG_LEN bytes of room for the tag
 * @seq: the packet's sequence number
 * @done: called with the result if sealing completes asynchronously
 *
 * Context: Any context; allocates with GFP_ATOMIC.
 * Return: 0 or -errno if done now (@done is not called), -EINPROGRESS if
 * @done will be.
 */
int kr_aead_seal(struct crypto_aead *tfm, struct sk_buff *skb, u64 seq,
		 kr_aead_done_t done)
{
	return packet_crypt(tfm, skb, seq, done, true);
}

/**
 * kr_aead_open() - open a packet in place
 * @tfm: the leaf's transform
 * @skb: header, ciphertext, tag
 * @seq: the packet's sequence number (from its header)
 * @done: called with the result if opening completes asynchronously
 *
 * Context: Any context; allocates with GFP_ATOMIC.
 * Return: 0 (authentic), -EBADMSG (not) or -errno if done now (@done is not
 * called), -EINPROGRESS if @done will be.
 */
int kr_aead_open(struct crypto_aead *tfm, struct sk_buff *skb, u64 seq,
		 kr_aead_done_t done)
{
	return packet_crypt(tfm, skb, seq, done, false);
}

#if IS_ENABLED(CONFIG_KEYROT_KUNIT_TEST)
#include "tests/aead_test.c"
#endif
