// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * KUnit: sealing and opening packets (spec sections 4 and 5).  Every packet
 * vector of the vectors JSON is produced byte for byte by seal, from a key
 * tree built from its root, and accepted by open; a one-bit flip anywhere in
 * a packet is refused; the packet path runs with bh disabled and keys
 * nothing.  Included at the bottom of aead.c.
 */

#include "suites.h"
#include "kr_vectors.h"
#include "../keytree.h"

#include <linux/completion.h>

/* Completes a wait when a transform finishes asynchronously. */
struct aead_wait {
	struct completion done;
	int err;
};

static struct aead_wait *aead_waiting;

static void aead_test_done(struct sk_buff *skb, int err)
{
	aead_waiting->err = err;
	complete(&aead_waiting->done);
}

/* Seal or open @skb, waiting for an asynchronous transform. */
static int crypt_wait(struct crypto_aead *tfm, struct sk_buff *skb, u64 seq,
		      bool seal)
{
	struct aead_wait w;
	int ret;

	init_completion(&w.done);
	aead_waiting = &w;
	local_bh_disable();
	ret = seal ? kr_aead_seal(tfm, skb, seq, aead_test_done) :
		     kr_aead_open(tfm, skb, seq, aead_test_done);
	local_bh_enable();
	if (ret == -EINPROGRESS) {
		wait_for_completion(&w.done);
		ret = w.err;
	}
	aead_waiting = NULL;
	return ret;
}

/* An skb holding @len bytes of @data, with room for @room more. */
static struct sk_buff *skb_with_room(struct kunit *test, const void *data,
				     unsigned int len, unsigned int room)
{
	struct sk_buff *skb = alloc_skb(len + room, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb_put_data(skb, data, len);
	return skb;
}

static struct sk_buff *skb_with(struct kunit *test, const void *data,
				unsigned int len)
{
	return skb_with_room(test, data, len, 0);
}

/* The leaf transform for a packet vector, from a tree of its root. */
static struct kr_leaf *vector_leaf(struct kunit *test,
				   const struct kr_vec_packet *v,
				   struct kr_keytree **treep)
{
	struct kr_keytree *tree;
	struct kr_leaf *leaf;
	u8 root[KEYROT_SEED_LEN];

	memcpy(root, kr_vec_trees[v->tree].root, sizeof(root));
	tree = kr_keytree_create(root, v->cipher);
	KUNIT_ASSERT_FALSE(test, IS_ERR(tree));
	*treep = tree;
	KUNIT_ASSERT_EQ(test, kr_keytree_seek(tree, v->d, v->s), 0);
	KUNIT_ASSERT_EQ(test, kr_keytree_prepare(tree), 0);
	leaf = kr_keytree_rx_leaf(tree, v->d, v->s);
	KUNIT_ASSERT_NOT_NULL(test, leaf);
	return leaf;
}

static void vec_packet_desc(const struct kr_vec_packet *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "vector %u %s d %u s %llu len %u",
		 v->tree, v->cipher ? "chacha20-poly1305" : "aes-256-gcm",
		 v->d, v->s, v->plaintext_len);
}

KUNIT_ARRAY_PARAM(vec_packet, kr_vec_packets, vec_packet_desc);

static void aead_vector_sealed(struct kunit *test)
{
	const struct kr_vec_packet *v = test->param_value;
	struct kr_keytree *tree;
	struct kr_leaf *leaf = vector_leaf(test, v, &tree);
	struct sk_buff *skb;

	/* The header as the vector has it, the plaintext, room for the tag. */
	skb = skb_with_room(test, v->packet, KR_HEADER_LEN,
			    v->plaintext_len + KR_TAG_LEN);
	skb_put_data(skb, v->plaintext, v->plaintext_len);
	skb_put_zero(skb, KR_TAG_LEN);
	KUNIT_EXPECT_EQ(test, crypt_wait(leaf->tfm, skb, v->s, true), 0);
	KUNIT_ASSERT_EQ(test, skb->len, v->packet_len);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data, v->packet, v->packet_len), 0);
	kfree_skb(skb);
	kr_leaf_put(leaf);
	kr_keytree_destroy(tree);
}

static void aead_vector_opened(struct kunit *test)
{
	const struct kr_vec_packet *v = test->param_value;
	struct kr_keytree *tree;
	struct kr_leaf *leaf = vector_leaf(test, v, &tree);
	struct sk_buff *skb = skb_with(test, v->packet, v->packet_len);

	KUNIT_EXPECT_EQ(test, crypt_wait(leaf->tfm, skb, v->s, false), 0);
	KUNIT_EXPECT_EQ(test, memcmp(skb->data + KR_HEADER_LEN, v->plaintext,
				     v->plaintext_len), 0);
	kfree_skb(skb);
	kr_leaf_put(leaf);
	kr_keytree_destroy(tree);
}

static void aead_vector_bit_flips_refused(struct kunit *test)
{
	const struct kr_vec_packet *v = test->param_value;
	struct kr_keytree *tree;
	struct kr_leaf *leaf = vector_leaf(test, v, &tree);
	unsigned int bit, accepted = 0;
	struct sk_buff *skb;

	for (bit = 0; bit < v->packet_len * 8; bit++) {
		skb = skb_with(test, v->packet, v->packet_len);
		skb->data[bit / 8] ^= 1 << (bit % 8);
		if (crypt_wait(leaf->tfm, skb, v->s, false) != -EBADMSG) {
			accepted++;
			kunit_err(test, "flipped bit %u opened", bit);
		}
		kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, accepted, 0U);
	/* And the same key under the wrong nonce fails too. */
	skb = skb_with(test, v->packet, v->packet_len);
	KUNIT_EXPECT_EQ(test, crypt_wait(leaf->tfm, skb, v->s ^ 1, false),
			-EBADMSG);
	kfree_skb(skb);
	kr_leaf_put(leaf);
	kr_keytree_destroy(tree);
}

/* Many packets on one leaf: no key is set, no transform made, per packet. */
static void aead_steady_state_keys_nothing(struct kunit *test)
{
	const struct kr_vec_packet *v = &kr_vec_packets[0];
	struct kr_keytree *tree;
	struct kr_leaf *leaf = vector_leaf(test, v, &tree);
	long tfms = kr_aead_tfms_live();
	u64 keys = kr_aead_setkeys();
	struct sk_buff *skb;
	unsigned int i;

	for (i = 0; i < 256; i++) {
		skb = skb_with(test, v->packet, v->packet_len);
		KUNIT_EXPECT_EQ(test, crypt_wait(leaf->tfm, skb, v->s, false),
				0);
		kfree_skb(skb);
	}
	KUNIT_EXPECT_EQ(test, kr_aead_setkeys(), keys);
	KUNIT_EXPECT_EQ(test, kr_aead_tfms_live(), tfms);
	kr_leaf_put(leaf);
	kr_keytree_destroy(tree);
}

static void aead_refuses_short_packet(struct kunit *test)
{
	const struct kr_vec_packet *v = &kr_vec_packets[0];
	struct kr_keytree *tree;
	struct kr_leaf *leaf = vector_leaf(test, v, &tree);
	struct sk_buff *skb = skb_with(test, v->packet, KR_MIN_PACKET - 1);

	KUNIT_EXPECT_EQ(test, crypt_wait(leaf->tfm, skb, v->s, false),
			-EINVAL);
	kfree_skb(skb);
	kr_leaf_put(leaf);
	kr_keytree_destroy(tree);
}

/*
 * Packets of every size through seal and open in place, as the flows do,
 * transforms made and freed as leaves come and go, both ciphers: each
 * opens to what was sealed.  Run with KASAN, this is where an overrun of a
 * request or a packet shows.
 */
static void aead_many_sizes_both_ciphers(struct kunit *test)
{
	static const u8 key[KR_AEAD_KEY_LEN] = { 7, 6, 5, 4, 3, 2, 1 };
	struct crypto_aead *tfm = NULL;
	unsigned int i, len, bad = 0;
	struct sk_buff *skb;
	u8 cipher;

	for (i = 0; i < 3000; i++) {
		cipher = (i / 300) & 1;
		if (i % 100 == 0) {
			kr_aead_tfm_free(tfm);
			tfm = kr_aead_tfm_new(cipher, key);
			KUNIT_ASSERT_FALSE(test, IS_ERR(tfm));
		}
		len = (i * 7919) % (KEYROT_MAX_PAYLOAD_LIMIT / 16);
		skb = alloc_skb(KR_HEADER_LEN + len + KR_TAG_LEN, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		skb_put_zero(skb, KR_HEADER_LEN);
		memset(skb_put(skb, len), i & 0xff, len);
		skb_put_zero(skb, KR_TAG_LEN);
		if (crypt_wait(tfm, skb, i, true) ||
		    crypt_wait(tfm, skb, i, false) ||
		    memchr_inv(skb->data + KR_HEADER_LEN, i & 0xff, len))
			bad++;
		kfree_skb(skb);
	}
	kr_aead_tfm_free(tfm);
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

static struct kunit_case aead_test_cases[] = {
	KUNIT_CASE_PARAM(aead_vector_sealed, vec_packet_gen_params),
	KUNIT_CASE_PARAM(aead_vector_opened, vec_packet_gen_params),
	KUNIT_CASE_PARAM(aead_vector_bit_flips_refused, vec_packet_gen_params),
	KUNIT_CASE(aead_steady_state_keys_nothing),
	KUNIT_CASE(aead_refuses_short_packet),
	KUNIT_CASE(aead_many_sizes_both_ciphers),
	{}
};

static struct kunit_suite kr_aead_suite = {
	.name = "kr_aead",
	.test_cases = aead_test_cases,
};

kr_kunit_suite(kr_aead_suite);
