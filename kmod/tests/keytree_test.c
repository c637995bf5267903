// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * KUnit: the key tree.  kr_keytree_vectors checks every key id, node and
 * leaf of the vectors JSON (kr_vectors.h is generated from it at build
 * time), each on a fresh tree.  kr_keytree checks the edges of spec section
 * 3 and the wiping of section 8.  Included at the bottom of keytree.c.
 */

#include "suites.h"
#include "kr_vectors.h"

#include <crypto/aead.h>
#include <linux/scatterlist.h>

struct keytree_test_ctx {
	struct kr_keytree *tree;
	/* What the free hook saw: buffers freed, and those not wiped. */
	unsigned int freed, dirty;
};

static void watch_free(struct kr_keytree *tree, const void *p, size_t len)
{
	struct keytree_test_ctx *ctx = tree->hook_priv;

	ctx->freed++;
	if (memchr_inv(p, 0, len))
		ctx->dirty++;
}

static int keytree_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct keytree_test_ctx),
				   GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

/* Wait until queued preparation and leaf frees have run. */
static void settle(struct kr_keytree *tree)
{
	if (tree)
		flush_work(&tree->prep_work);
	flush_workqueue(keys_wq);
}

static void keytree_test_exit(struct kunit *test)
{
	struct keytree_test_ctx *ctx = test->priv;

	kr_keytree_destroy(ctx->tree);
	settle(NULL);
}

/* A fresh tree from a copy of @root, destroyed by keytree_test_exit(). */
static struct kr_keytree *new_tree(struct kunit *test, const u8 *root)
{
	struct keytree_test_ctx *ctx = test->priv;
	u8 *copy;

	copy = kunit_kmalloc(test, KEYROT_SEED_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, root, KEYROT_SEED_LEN);
	ctx->tree = kr_keytree_create(copy, KEYROT_CIPHER_AES_256_GCM);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->tree));
	ctx->tree->free_hook = watch_free;
	ctx->tree->hook_priv = ctx;
	return ctx->tree;
}

static const u8 test_root[KEYROT_SEED_LEN] = {
	0x6b, 0x65, 0x79, 0x72, 0x6f, 0x74, 0x20, 0x74,
	0x65, 0x73, 0x74, 0x20, 0x72, 0x6f, 0x6f, 0x74,
	0x20, 0x73, 0x65, 0x65, 0x64, 0x20, 0x66, 0x6f,
	0x72, 0x20, 0x65, 0x64, 0x67, 0x65, 0x73, 0x21,
};

/*
 * Seal 16 zero bytes under the zero nonce: 32 bytes of ciphertext and tag
 * that tell keys apart without reading one out of its transform.
 */
static int probe_seal(struct kunit *test, struct crypto_aead *tfm, u8 *out)
{
	DECLARE_CRYPTO_WAIT(wait);
	struct aead_request *req;
	struct scatterlist sg;
	u8 *iv;
	int ret;

	iv = kunit_kzalloc(test, KR_AEAD_NONCE_LEN, GFP_KERNEL);
	req = aead_request_alloc(tfm, GFP_KERNEL);
	if (!iv || !req) {
		aead_request_free(req);
		return -ENOMEM;
	}
	memset(out, 0, 16 + KR_AEAD_TAG_LEN);
	sg_init_one(&sg, out, 16 + KR_AEAD_TAG_LEN);
	aead_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG,
				  crypto_req_done, &wait);
	aead_request_set_crypt(req, &sg, &sg, 16, iv);
	aead_request_set_ad(req, 0);
	ret = crypto_wait_req(crypto_aead_encrypt(req), &wait);
	aead_request_free(req);
	return ret;
}

/* The leaf's transform holds @key: it seals as a transform keyed with it. */
static void expect_leaf_key(struct kunit *test, struct kr_leaf *leaf,
			    const u8 *key)
{
	struct crypto_aead *ref;
	u8 *got, *want;

	got = kunit_kzalloc(test, 32, GFP_KERNEL);
	want = kunit_kzalloc(test, 32, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, got);
	KUNIT_ASSERT_NOT_NULL(test, want);
	ref = kr_aead_tfm_new(KEYROT_CIPHER_AES_256_GCM, key);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ref));
	KUNIT_EXPECT_EQ(test, probe_seal(test, leaf->tfm, got), 0);
	KUNIT_EXPECT_EQ(test, probe_seal(test, ref, want), 0);
	kr_aead_tfm_free(ref);
	KUNIT_EXPECT_EQ(test, memcmp(got, want, 32), 0);
}

static bool is_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

/* ---- kr_keytree_vectors: the vectors JSON, one fresh tree per row ---- */

static void vec_tree_desc(const struct kr_vec_tree *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "vector %u",
		 (unsigned int)(v - kr_vec_trees));
}

static void vec_node_desc(const struct kr_vec_node *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "vector %u node %u", v->tree,
		 v->n);
}

static void vec_leaf_desc(const struct kr_vec_leaf *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "vector %u d %u s %llu",
		 v->tree, v->d, v->s);
}

KUNIT_ARRAY_PARAM(vec_tree, kr_vec_trees, vec_tree_desc);
KUNIT_ARRAY_PARAM(vec_node, kr_vec_nodes, vec_node_desc);
KUNIT_ARRAY_PARAM(vec_leaf, kr_vec_leaves, vec_leaf_desc);

static void keytree_vector_key_id(struct kunit *test)
{
	const struct kr_vec_tree *v = test->param_value;
	struct kr_keytree *tree = new_tree(test, v->root);

	KUNIT_EXPECT_EQ(test, memcmp(tree->key_id, v->key_id,
				     KEYROT_KEY_ID_LEN), 0);
}

static void keytree_vector_node(struct kunit *test)
{
	const struct kr_vec_node *v = test->param_value;
	struct kr_keytree *tree = new_tree(test, kr_vec_trees[v->tree].root);

	KUNIT_EXPECT_EQ(test, memcmp(tree->node_key[v->n], v->key,
				     KR_TREE_KEY_LEN), 0);
}

static void keytree_vector_leaf(struct kunit *test)
{
	const struct kr_vec_leaf *v = test->param_value;
	struct kr_keytree *tree = new_tree(test, kr_vec_trees[v->tree].root);
	struct kr_leaf *leaf;

	KUNIT_ASSERT_EQ(test, kr_keytree_seek(tree, v->d, v->s), 0);
	KUNIT_ASSERT_EQ(test, kr_keytree_prepare(tree), 0);
	leaf = kr_keytree_rx_leaf(tree, v->d, v->s);
	KUNIT_ASSERT_NOT_NULL(test, leaf);
	KUNIT_EXPECT_EQ(test, leaf->index, (u32)(v->s >> KR_LEAF_SHIFT));
	expect_leaf_key(test, leaf, v->key);
	kr_leaf_put(leaf);
}

static struct kunit_case keytree_vector_cases[] = {
	KUNIT_CASE_PARAM(keytree_vector_key_id, vec_tree_gen_params),
	KUNIT_CASE_PARAM(keytree_vector_node, vec_node_gen_params),
	KUNIT_CASE_PARAM(keytree_vector_leaf, vec_leaf_gen_params),
	{}
};

static struct kunit_suite kr_keytree_vectors_suite = {
	.name = "kr_keytree_vectors",
	.init = keytree_test_init,
	.exit = keytree_test_exit,
	.test_cases = keytree_vector_cases,
};

kr_kunit_suite(kr_keytree_vectors_suite);

/* ---- kr_keytree: edges and wiping ---- */

/* Send one packet from softirq context, as the packet paths do. */
static u64 send_one(struct kunit *test, struct kr_keytree *tree,
		    unsigned int d)
{
	struct kr_leaf *leaf;
	u64 s = U64_MAX;

	local_bh_disable();
	leaf = kr_keytree_tx_next(tree, d, &s);
	local_bh_enable();
	KUNIT_EXPECT_FALSE(test, IS_ERR(leaf));
	if (!IS_ERR(leaf)) {
		KUNIT_EXPECT_EQ(test, leaf->index, (u32)(s >> KR_LEAF_SHIFT));
		kr_leaf_put(leaf);
	}
	return s;
}

static bool has_rx_leaf(struct kr_keytree *tree, unsigned int d, u64 s)
{
	struct kr_leaf *leaf = kr_keytree_rx_leaf(tree, d, s);

	kr_leaf_put(leaf);
	return leaf;
}

static void keytree_create_wipes_root(struct kunit *test)
{
	struct keytree_test_ctx *ctx = test->priv;
	u8 *root;

	root = kunit_kmalloc(test, KEYROT_SEED_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, root);
	memcpy(root, test_root, KEYROT_SEED_LEN);
	ctx->tree = kr_keytree_create(root, KEYROT_CIPHER_AES_256_GCM);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->tree));
	KUNIT_EXPECT_TRUE(test, is_zero(root, KEYROT_SEED_LEN));

	/* Refused too: the root is wiped all the same. */
	memcpy(root, test_root, KEYROT_SEED_LEN);
	KUNIT_EXPECT_EQ(test, PTR_ERR(kr_keytree_create(root, 7)), -EINVAL);
	KUNIT_EXPECT_TRUE(test, is_zero(root, KEYROT_SEED_LEN));
}

static void keytree_tx_waits_for_preparation(struct kunit *test)
{
	struct kr_keytree *tree = new_tree(test, test_root);
	struct kr_leaf *leaf;
	u64 s;

	local_bh_disable();
	leaf = kr_keytree_tx_next(tree, 0, &s);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, PTR_ERR(leaf), -EAGAIN);
	/* Nothing was taken, and preparation was queued. */
	settle(tree);
	KUNIT_EXPECT_EQ(test, send_one(test, tree, 0), 0ULL);
}

static void keytree_node_key_wiped_on_entry(struct kunit *test)
{
	struct kr_keytree *tree = new_tree(test, test_root);
	u32 n;

	for (n = 0; n < KR_NODES; n++)
		KUNIT_EXPECT_FALSE(test, is_zero(tree->node_key[n],
						 KR_TREE_KEY_LEN));
	KUNIT_ASSERT_EQ(test, kr_keytree_prepare(tree), 0);
	KUNIT_EXPECT_TRUE(test, is_zero(tree->node_key[0], KR_TREE_KEY_LEN));
	KUNIT_EXPECT_FALSE(test, is_zero(tree->node_key[1], KR_TREE_KEY_LEN));

	/* In the last leaf of node 0, node 1's leaves are prepared ahead. */
	KUNIT_ASSERT_EQ(test, kr_keytree_seek(tree, 0, 63ULL << KR_LEAF_SHIFT),
			0);
	KUNIT_ASSERT_EQ(test, kr_keytree_prepare(tree), 0);
	KUNIT_EXPECT_TRUE(test, is_zero(tree->node_key[1], KR_TREE_KEY_LEN));
	KUNIT_EXPECT_FALSE(test, is_zero(tree->node_key[2], KR_TREE_KEY_LEN));
	/* Direction 1 has not reached node 1: its leaves there are kept. */
	KUNIT_ASSERT_NOT_NULL(test, tree->leafset[1][1]);
	KUNIT_EXPECT_FALSE(test, is_zero(tree->leafset[1][1],
					 sizeof(*tree->leafset[1][1])));
}

static void keytree_leaf_edge(struct kunit *test)
{
	struct kr_keytree *tree = new_tree(test, test_root);
	const u64 edge = 1ULL << KR_LEAF_SHIFT;
	long tfms;
	u64 keys;

	KUNIT_ASSERT_EQ(test, kr_keytree_seek(tree, 0, edge - 1), 0);
	KUNIT_ASSERT_EQ(test, kr_keytree_prepare(tree), 0);
	settle(tree);
	tfms = kr_aead_tfms_live();
	keys = kr_aead_setkeys();

	KUNIT_EXPECT_EQ(test, send_one(test, tree, 0), edge - 1);
	KUNIT_EXPECT_EQ(test, send_one(test, tree, 0), edge);
	settle(tree);
	/* Leaf 0 retired, leaf 2 keyed ahead: one setkey, no tfm more. */
	KUNIT_EXPECT_EQ(test, kr_aead_setkeys(), keys + 1);
	KUNIT_EXPECT_EQ(test, kr_aead_tfms_live(), tfms);
	KUNIT_EXPECT_FALSE(test, has_rx_leaf(tree, 0, edge - 1));
	KUNIT_EXPECT_TRUE(test, has_rx_leaf(tree, 0, 2 * edge));
}

static void keytree_node_edge(struct kunit *test)
{
	struct keytree_test_ctx *ctx = test->priv;
	struct kr_keytree *tree = new_tree(test, test_root);
	const u64 edge = 1ULL << KR_NODE_SHIFT;

	KUNIT_ASSERT_EQ(test, kr_keytree_seek(tree, 0, edge - 1), 0);
	KUNIT_ASSERT_EQ(test, kr_keytree_prepare(tree), 0);
	KUNIT_EXPECT_TRUE(test, is_zero(tree->node_key[1], KR_TREE_KEY_LEN));

	KUNIT_EXPECT_EQ(test, send_one(test, tree, 0), edge - 1);
	KUNIT_EXPECT_EQ(test, send_one(test, tree, 0), edge);
	settle(tree);
	/* Direction 0 left node 0: its leaf set there is wiped and freed. */
	KUNIT_EXPECT_NULL(test, tree->leafset[0][0]);
	KUNIT_EXPECT_EQ(test, ctx->freed, 1U);
	KUNIT_EXPECT_EQ(test, ctx->dirty, 0U);
	/* Direction 1 is still at s = 0: its leaves of nodes 0 and 1 stay. */
	KUNIT_EXPECT_NOT_NULL(test, tree->leafset[1][0]);
	KUNIT_EXPECT_NOT_NULL(test, tree->leafset[1][1]);
	KUNIT_EXPECT_FALSE(test, is_zero(tree->node_key[2], KR_TREE_KEY_LEN));
}

static void keytree_exhaustion(struct kunit *test)
{
	struct kr_keytree *tree = new_tree(test, test_root);
	struct kr_leaf *leaf;
	u64 s;

	KUNIT_ASSERT_EQ(test, kr_keytree_seek(tree, 0, KR_SEQ_LIMIT - 1), 0);
	KUNIT_ASSERT_EQ(test, kr_keytree_prepare(tree), 0);
	KUNIT_EXPECT_EQ(test, kr_keytree_leaves_remaining(tree, 0), 0U);
	KUNIT_EXPECT_EQ(test, send_one(test, tree, 0), KR_SEQ_LIMIT - 1);

	local_bh_disable();
	leaf = kr_keytree_tx_next(tree, 0, &s);
	local_bh_enable();
	KUNIT_EXPECT_EQ(test, PTR_ERR(leaf), -EKEYEXPIRED);
	KUNIT_EXPECT_EQ(test, kr_keytree_seq(tree, 0), KR_SEQ_LIMIT);

	/* Nothing of direction 0 is left after its last leaf. */
	settle(tree);
	KUNIT_EXPECT_FALSE(test, has_rx_leaf(tree, 0, KR_SEQ_LIMIT - 1));
	KUNIT_EXPECT_NULL(test, tree->leafset[0][KR_NODES - 1]);
	KUNIT_EXPECT_EQ(test, kr_keytree_seek(tree, 0, KR_SEQ_LIMIT), -ERANGE);
}

static void keytree_seek_refuses_beyond_tree(struct kunit *test)
{
	struct kr_keytree *tree = new_tree(test, test_root);

	KUNIT_EXPECT_EQ(test, kr_keytree_seek(tree, 1, KR_SEQ_LIMIT), -ERANGE);
	KUNIT_EXPECT_EQ(test, kr_keytree_seek(tree, 1, U64_MAX), -ERANGE);
	KUNIT_EXPECT_EQ(test, kr_keytree_seq(tree, 1), 0ULL);
	KUNIT_EXPECT_EQ(test, kr_keytree_seek(tree, 1, KR_SEQ_LIMIT - 1), 0);
}

static void keytree_skip_forward_wipes_skipped(struct kunit *test)
{
	struct kr_keytree *tree = new_tree(test, test_root);
	const u64 start = (5ULL << KR_LEAF_SHIFT) + 7;
	struct kr_leafset *set;

	KUNIT_ASSERT_EQ(test, kr_keytree_seek(tree, 0, start), 0);
	KUNIT_ASSERT_EQ(test, kr_keytree_prepare(tree), 0);
	KUNIT_EXPECT_EQ(test, send_one(test, tree, 0), start);

	set = tree->leafset[0][0];
	KUNIT_ASSERT_NOT_NULL(test, set);
	/* Leaves 0-4 skipped, 5-6 keyed into transforms: none left raw. */
	KUNIT_EXPECT_TRUE(test, is_zero(set->key, 7 * KR_TREE_KEY_LEN));
	/* Leaves 7-63 are the future: still there. */
	KUNIT_EXPECT_FALSE(test, is_zero(set->key[7], KR_TREE_KEY_LEN));
	KUNIT_EXPECT_FALSE(test, is_zero(set->key[63], KR_TREE_KEY_LEN));
}

static void keytree_refuses_to_go_back(struct kunit *test)
{
	struct kr_keytree *tree = new_tree(test, test_root);

	KUNIT_ASSERT_EQ(test, kr_keytree_seek(tree, 0, 10), 0);
	KUNIT_ASSERT_EQ(test, kr_keytree_prepare(tree), 0);
	KUNIT_EXPECT_EQ(test, send_one(test, tree, 0), 10ULL);
	KUNIT_EXPECT_EQ(test, kr_keytree_seek(tree, 0, 10), -EINVAL);
	KUNIT_EXPECT_EQ(test, kr_keytree_seek(tree, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, send_one(test, tree, 0), 11ULL);
}

struct remaining_case {
	u64 s;
	u32 remaining;
};

static const struct remaining_case remaining_cases[] = {
	{ 0, 8191 },
	{ (1ULL << KR_LEAF_SHIFT) - 1, 8191 },
	{ 1ULL << KR_LEAF_SHIFT, 8190 },
	{ 6143ULL << KR_LEAF_SHIFT, 2048 },	/* the default watermark */
	{ 6144ULL << KR_LEAF_SHIFT, 2047 },
	{ KR_SEQ_LIMIT - (1ULL << KR_LEAF_SHIFT) - 1, 1 },
	{ KR_SEQ_LIMIT - (1ULL << KR_LEAF_SHIFT), 0 },
	{ KR_SEQ_LIMIT - 1, 0 },
};

static void remaining_desc(const struct remaining_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "s %llu", c->s);
}

KUNIT_ARRAY_PARAM(remaining, remaining_cases, remaining_desc);

static void keytree_leaves_remaining(struct kunit *test)
{
	const struct remaining_case *c = test->param_value;
	struct kr_keytree *tree = new_tree(test, test_root);

	KUNIT_ASSERT_EQ(test, kr_keytree_seek(tree, 0, c->s), 0);
	KUNIT_EXPECT_EQ(test, kr_keytree_leaves_remaining(tree, 0),
			c->remaining);
}

static void keytree_rx_keeps_what_window_covers(struct kunit *test)
{
	struct kr_keytree *tree = new_tree(test, test_root);
	const u64 leaf = 1ULL << KR_LEAF_SHIFT;
	long tfms;

	KUNIT_ASSERT_EQ(test, kr_keytree_prepare(tree), 0);
	settle(tree);
	KUNIT_EXPECT_TRUE(test, has_rx_leaf(tree, 1, 0));
	KUNIT_EXPECT_TRUE(test, has_rx_leaf(tree, 1, leaf + 5));
	KUNIT_EXPECT_FALSE(test, has_rx_leaf(tree, 1, 2 * leaf));
	tfms = kr_aead_tfms_live();

	/* Into leaf 1, the window still reaching back into leaf 0. */
	local_bh_disable();
	kr_keytree_rx_advance(tree, 1, leaf - 100, leaf + 5);
	local_bh_enable();
	settle(tree);
	KUNIT_EXPECT_TRUE(test, has_rx_leaf(tree, 1, leaf - 100));
	KUNIT_EXPECT_TRUE(test, has_rx_leaf(tree, 1, 2 * leaf));
	KUNIT_EXPECT_EQ(test, kr_aead_tfms_live(), tfms + 1);

	/* The window leaves leaf 0: its transform goes. */
	local_bh_disable();
	kr_keytree_rx_advance(tree, 1, leaf, leaf + 8191);
	local_bh_enable();
	settle(tree);
	KUNIT_EXPECT_FALSE(test, has_rx_leaf(tree, 1, leaf - 1));
	KUNIT_EXPECT_EQ(test, kr_aead_tfms_live(), tfms);
	KUNIT_EXPECT_EQ(test, kr_keytree_seq(tree, 1), leaf + 8192);
}

static void keytree_hot_path_never_allocates(struct kunit *test)
{
	struct kr_keytree *tree = new_tree(test, test_root);
	u64 keys, prepared, s;
	struct kr_leaf *leaf;
	unsigned int i;
	long tfms;

	KUNIT_ASSERT_EQ(test, kr_keytree_prepare(tree), 0);
	settle(tree);
	tfms = kr_aead_tfms_live();
	keys = kr_aead_setkeys();
	prepared = atomic64_read(&leaves_prepared);

	local_bh_disable();
	for (i = 0; i < 4096; i++) {
		leaf = kr_keytree_tx_next(tree, 0, &s);
		if (IS_ERR(leaf))
			break;
		kr_leaf_put(leaf);
		leaf = kr_keytree_rx_leaf(tree, 1, i);
		kr_leaf_put(leaf);
		if (leaf)
			kr_keytree_rx_advance(tree, 1, 0, i);
	}
	local_bh_enable();

	KUNIT_EXPECT_EQ(test, i, 4096U);
	KUNIT_EXPECT_EQ(test, kr_aead_setkeys(), keys);
	KUNIT_EXPECT_EQ(test, atomic64_read(&leaves_prepared), prepared);
	KUNIT_EXPECT_EQ(test, kr_aead_tfms_live(), tfms);
}

static void keytree_teardown_wipes_everything(struct kunit *test)
{
	struct keytree_test_ctx *ctx = test->priv;
	struct kr_keytree *tree;
	long tfms;

	settle(NULL);
	tfms = kr_aead_tfms_live();
	tree = new_tree(test, test_root);
	KUNIT_ASSERT_EQ(test, kr_keytree_seek(tree, 0,
					      (3ULL << KR_NODE_SHIFT) + 5), 0);
	KUNIT_ASSERT_EQ(test, kr_keytree_prepare(tree), 0);
	KUNIT_EXPECT_EQ(test, send_one(test, tree, 0),
			(3ULL << KR_NODE_SHIFT) + 5);
	settle(tree);
	KUNIT_EXPECT_EQ(test, kr_aead_tfms_live(), tfms + 4);

	kr_keytree_destroy(tree);
	ctx->tree = NULL;
	/* Leaf sets: d0 in node 3, d1 in nodes 0 and 3; then the node keys. */
	KUNIT_EXPECT_EQ(test, ctx->freed, 4U);
	KUNIT_EXPECT_EQ(test, ctx->dirty, 0U);
	settle(NULL);
	KUNIT_EXPECT_EQ(test, kr_aead_tfms_live(), tfms);
}

static struct kunit_case keytree_cases[] = {
	KUNIT_CASE(keytree_create_wipes_root),
	KUNIT_CASE(keytree_tx_waits_for_preparation),
	KUNIT_CASE(keytree_node_key_wiped_on_entry),
	KUNIT_CASE(keytree_leaf_edge),
	KUNIT_CASE(keytree_node_edge),
	KUNIT_CASE(keytree_exhaustion),
	KUNIT_CASE(keytree_seek_refuses_beyond_tree),
	KUNIT_CASE(keytree_skip_forward_wipes_skipped),
	KUNIT_CASE(keytree_refuses_to_go_back),
	KUNIT_CASE_PARAM(keytree_leaves_remaining, remaining_gen_params),
	KUNIT_CASE(keytree_rx_keeps_what_window_covers),
	KUNIT_CASE(keytree_hot_path_never_allocates),
	KUNIT_CASE(keytree_teardown_wipes_everything),
	{}
};

static struct kunit_suite kr_keytree_suite = {
	.name = "kr_keytree",
	.init = keytree_test_init,
	.exit = keytree_test_exit,
	.test_cases = keytree_cases,
};

kr_kunit_suite(kr_keytree_suite);
