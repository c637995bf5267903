// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The key tree of one epoch: spec sections 2 (derivation), 3 (sequence
 * numbers) and 8 (key lifetime in memory).  See keytree.h for the shape.
 *
 * Locking: tree->prep_lock (a mutex, process context only) nests outside
 * tree->dir[d].lock (a spinlock taken with bh disabled).  Packet paths take
 * only the spinlock; kr_keytree_prepare() takes both.
 */

#include "keytree.h"
#include "aead.h"
#include "hkdf.h"

#include "../uapi/keyrot.h"

#include <linux/err.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/string.h>

/* The leaf keys of one node and direction not yet keyed into a transform. */
struct kr_leafset {
	u8 key[KR_LEAVES_PER_NODE][KR_TREE_KEY_LEN];
};

/* Spec section 2: info strings are ASCII without their NUL. */
static const char info_node[] = "keyrot v1 node";
static const char info_id[] = "keyrot v1 id";
static const char info_leaf[] = "keyrot v1 leaf";

/* Runs preparation and frees retired leaves, always in process context. */
static struct workqueue_struct *keys_wq;

static atomic64_t leaves_prepared = ATOMIC64_INIT(0);

static inline u32 node_of(u32 leaf)
{
	return leaf / KR_LEAVES_PER_NODE;
}

/* Test builds look at each key buffer just before it is freed. */
static void check_before_free(struct kr_keytree *tree, const void *p,
			      size_t len)
{
#if IS_ENABLED(CONFIG_KEYROT_KUNIT_TEST)
	if (tree->free_hook)
		tree->free_hook(tree, p, len);
#endif
}

static void leaf_free_work(struct work_struct *work)
{
	struct kr_leaf *leaf = container_of(work, struct kr_leaf, free_work);

	kr_aead_tfm_free(leaf->tfm);
	kfree(leaf);
}

static void leaf_release(struct kref *ref)
{
	struct kr_leaf *leaf = container_of(ref, struct kr_leaf, ref);

	/* The last reference may drop in softirq: free the tfm elsewhere. */
	queue_work(keys_wq, &leaf->free_work);
}

/**
 * kr_leaf_put() - drop a reference to a leaf
 * @leaf: the leaf, or NULL
 *
 * Context: Any context.
 */
void kr_leaf_put(struct kr_leaf *leaf)
{
	if (leaf)
		kref_put(&leaf->ref, leaf_release);
}

static void wipe_node_key(struct kr_keytree *tree, u32 n)
{
	memzero_explicit(tree->node_key[n], KR_TREE_KEY_LEN);
	clear_bit(n, tree->node_live);
}

static void free_leafset(struct kr_keytree *tree, unsigned int d, u32 n)
{
	struct kr_leafset *set = tree->leafset[d][n];

	if (!set)
		return;
	memzero_explicit(set, sizeof(*set));
	check_before_free(tree, set, sizeof(*set));
	kfree(set);
	tree->leafset[d][n] = NULL;
}

/* Wipe the leaves of @set below leaf @lo of its direction, if @lo is in it. */
static void wipe_leaves_below(struct kr_leafset *set, u32 n, u32 lo)
{
	if (set && node_of(lo) == n)
		memzero_explicit(set->key,
				 (lo % KR_LEAVES_PER_NODE) * KR_TREE_KEY_LEN);
}

/*
 * Must hold dir->lock.  Moves the cursor forward (never back) and retires
 * every prepared leaf below the new @lo.  Returns whether anything moved.
 */
static bool dir_move(struct kr_keydir *dir, u32 lo, u32 cur)
{
	bool moved = false;
	unsigned int i;

	lockdep_assert_held(&dir->lock);
	if (cur > dir->cur) {
		dir->cur = cur;
		moved = true;
	}
	if (lo > dir->lo) {
		dir->lo = lo;
		moved = true;
		for (i = 0; i < KR_LEAF_SLOTS; i++) {
			if (dir->slot[i] && dir->slot[i]->index < lo) {
				kr_leaf_put(dir->slot[i]);
				dir->slot[i] = NULL;
			}
		}
	}
	return moved;
}

/*
 * Must hold tree->prep_lock.  Spec section 8: when either direction first
 * enters node @n, derive both directions' leaf keys of @n (except for a
 * direction already past it) and wipe node key @n at once.
 */
static int enter_node(struct kr_keytree *tree, u32 n, const u32 *lo)
{
	struct kr_leafset *set[KR_DIRS] = {};
	u8 info[sizeof(info_leaf)];
	unsigned int d;
	int ret = 0;

	lockdep_assert_held(&tree->prep_lock);
	if (!test_bit(n, tree->node_live))
		return 0;

	memcpy(info, info_leaf, sizeof(info) - 1);
	for (d = 0; d < KR_DIRS; d++) {
		if (n < node_of(lo[d]))
			continue;
		set[d] = kmalloc(sizeof(*set[d]), GFP_KERNEL);
		if (!set[d]) {
			ret = -ENOMEM;
			goto err_free_sets;
		}
		info[sizeof(info) - 1] = d;
		ret = kr_hkdf_expand(tree->node_key[n], KR_TREE_KEY_LEN, info,
				     sizeof(info), &set[d]->key[0][0],
				     sizeof(set[d]->key));
		if (ret)
			goto err_free_sets;
	}

	for (d = 0; d < KR_DIRS; d++) {
		tree->leafset[d][n] = set[d];
		wipe_leaves_below(set[d], n, lo[d]);
	}
	wipe_node_key(tree, n);
	return 0;

err_free_sets:
	for (d = 0; d < KR_DIRS; d++) {
		if (set[d])
			memzero_explicit(set[d], sizeof(*set[d]));
		kfree(set[d]);
	}
	return ret;
}

/*
 * Must hold tree->prep_lock.  Wipe what no cursor can need again: node keys
 * below both directions, leaf sets a direction has left, and leaves below a
 * direction's lowest needed leaf (those it skipped rather than used).
 */
static void wipe_passed(struct kr_keytree *tree, const u32 *lo)
{
	u32 first = min(node_of(lo[0]), node_of(lo[1]));
	unsigned int d;
	u32 n;

	lockdep_assert_held(&tree->prep_lock);
	for_each_set_bit(n, tree->node_live, min_t(u32, first, KR_NODES))
		wipe_node_key(tree, n);

	for (d = 0; d < KR_DIRS; d++) {
		for (n = 0; n < min_t(u32, node_of(lo[d]), KR_NODES); n++)
			free_leafset(tree, d, n);
		if (node_of(lo[d]) < KR_NODES)
			wipe_leaves_below(tree->leafset[d][node_of(lo[d])],
					  node_of(lo[d]), lo[d]);
	}
}

/* Must hold tree->prep_lock.  Key a transform for leaf @idx of @d. */
static int prepare_leaf(struct kr_keytree *tree, unsigned int d, u32 idx,
			const u32 *lo)
{
	struct kr_keydir *dir = &tree->dir[d];
	struct kr_leaf *leaf, *old;
	struct crypto_aead *tfm;
	bool needed;
	u8 *key;
	int ret;

	lockdep_assert_held(&tree->prep_lock);
	spin_lock_bh(&dir->lock);
	old = dir->slot[idx % KR_LEAF_SLOTS];
	needed = idx >= dir->lo && !(old && old->index == idx);
	spin_unlock_bh(&dir->lock);
	if (!needed)
		return 0;

	ret = enter_node(tree, node_of(idx), lo);
	if (ret)
		return ret;
	/* A missing or wiped key here would be a bug in the cursors. */
	if (WARN_ON_ONCE(!tree->leafset[d][node_of(idx)]))
		return -EINVAL;
	key = tree->leafset[d][node_of(idx)]->key[idx % KR_LEAVES_PER_NODE];
	if (WARN_ON_ONCE(!memchr_inv(key, 0, KR_TREE_KEY_LEN)))
		return -EINVAL;

	leaf = kzalloc(sizeof(*leaf), GFP_KERNEL);
	if (!leaf)
		return -ENOMEM;
	tfm = kr_aead_tfm_new(tree->cipher, key);
	if (IS_ERR(tfm)) {
		kfree(leaf);
		return PTR_ERR(tfm);
	}
	memzero_explicit(key, KR_TREE_KEY_LEN);
	kref_init(&leaf->ref);
	leaf->tfm = tfm;
	leaf->index = idx;
	INIT_WORK(&leaf->free_work, leaf_free_work);
	atomic64_inc(&leaves_prepared);

	spin_lock_bh(&dir->lock);
	old = dir->slot[idx % KR_LEAF_SLOTS];
	if (idx >= dir->lo && idx <= dir->cur + 1) {
		/* A slot only ever holds a leaf the cursor has left. */
		dir->slot[idx % KR_LEAF_SLOTS] = leaf;
		leaf = old;
	}
	spin_unlock_bh(&dir->lock);
	kr_leaf_put(leaf);
	return 0;
}

/**
 * kr_keytree_prepare() - derive and key what the cursors need next
 * @tree: the tree
 *
 * For each direction, keys the leaves from its lowest needed one up to the
 * one after its current one (deriving a node's leaves on first entry), and
 * wipes everything the cursors have passed.
 *
 * Context: Process context; may sleep.  Takes tree->prep_lock.
 * Return: 0 or -errno; on error the packet paths find no leaf and ask again.
 */
int kr_keytree_prepare(struct kr_keytree *tree)
{
	u32 lo[KR_DIRS], hi[KR_DIRS], idx;
	unsigned int d;
	int ret = 0;

	might_sleep();
	mutex_lock(&tree->prep_lock);
	for (d = 0; d < KR_DIRS; d++) {
		spin_lock_bh(&tree->dir[d].lock);
		lo[d] = tree->dir[d].lo;
		hi[d] = min_t(u32, tree->dir[d].cur + 1, KR_LEAVES - 1);
		spin_unlock_bh(&tree->dir[d].lock);
	}
	wipe_passed(tree, lo);
	for (d = 0; d < KR_DIRS && !ret; d++)
		for (idx = lo[d]; idx <= hi[d] && !ret; idx++)
			ret = prepare_leaf(tree, d, idx, lo);
	mutex_unlock(&tree->prep_lock);
	return ret;
}

static void prep_work_fn(struct work_struct *work)
{
	struct kr_keytree *tree = container_of(work, struct kr_keytree,
					       prep_work);
	int ret = kr_keytree_prepare(tree);

	if (ret)
		pr_warn_ratelimited("cannot prepare leaf keys: %d\n", ret);
}

/**
 * kr_keytree_create() - expand a root seed into a key tree
 * @root: KEYROT_SEED_LEN bytes; wiped before return, on every path
 * @cipher: enum keyrot_cipher of the leaf transforms
 *
 * Derives the key id and the node keys (spec section 2).  Both directions
 * start at s = 0 with nothing prepared: seek, then kr_keytree_prepare().
 *
 * Context: Process context; may sleep.
 * Return: the tree, or an ERR_PTR().
 */
struct kr_keytree *kr_keytree_create(u8 *root, u8 cipher)
{
	struct kr_keytree *tree;
	unsigned int d;
	int ret;

	might_sleep();
	if (!kr_aead_cipher_valid(cipher)) {
		ret = -EINVAL;
		goto err_wipe_root;
	}
	tree = kzalloc(sizeof(*tree), GFP_KERNEL);
	if (!tree) {
		ret = -ENOMEM;
		goto err_wipe_root;
	}
	ret = kr_hkdf_expand(root, KEYROT_SEED_LEN, info_node,
			     sizeof(info_node) - 1, &tree->node_key[0][0],
			     sizeof(tree->node_key));
	if (ret)
		goto err_free_tree;
	ret = kr_hkdf_expand(root, KEYROT_SEED_LEN, info_id,
			     sizeof(info_id) - 1, tree->key_id,
			     sizeof(tree->key_id));
	if (ret)
		goto err_free_tree;
	memzero_explicit(root, KEYROT_SEED_LEN);

	bitmap_fill(tree->node_live, KR_NODES);
	tree->cipher = cipher;
	mutex_init(&tree->prep_lock);
	INIT_WORK(&tree->prep_work, prep_work_fn);
	for (d = 0; d < KR_DIRS; d++)
		spin_lock_init(&tree->dir[d].lock);
	return tree;

err_free_tree:
	memzero_explicit(tree->node_key, sizeof(tree->node_key));
	kfree(tree);
err_wipe_root:
	memzero_explicit(root, KEYROT_SEED_LEN);
	return ERR_PTR(ret);
}

/**
 * kr_keytree_destroy() - wipe and free a tree
 * @tree: the tree, or NULL
 *
 * The caller has made sure no packet path can reach @tree any more.  Leaves
 * still held by packets in flight are freed when those drop them.
 *
 * Context: Process context; may sleep.
 */
void kr_keytree_destroy(struct kr_keytree *tree)
{
	unsigned int d, i;
	u32 n;

	if (!tree)
		return;
	cancel_work_sync(&tree->prep_work);
	for (d = 0; d < KR_DIRS; d++) {
		for (i = 0; i < KR_LEAF_SLOTS; i++) {
			kr_leaf_put(tree->dir[d].slot[i]);
			tree->dir[d].slot[i] = NULL;
		}
		for (n = 0; n < KR_NODES; n++)
			free_leafset(tree, d, n);
	}
	memzero_explicit(tree->node_key, sizeof(tree->node_key));
	bitmap_zero(tree->node_live, KR_NODES);
	check_before_free(tree, tree->node_key, sizeof(tree->node_key));
	mutex_destroy(&tree->prep_lock);
	kfree(tree);
}

/**
 * kr_keytree_seek() - move a direction forward to @s
 * @tree: the tree
 * @d: direction
 * @s: the next sequence number; never below the current one
 *
 * Used at install for a start value (spec section 3).  What is skipped is
 * wiped by the next kr_keytree_prepare(), which this queues.
 *
 * Context: Any context.
 * Return: 0, -ERANGE beyond the tree, -EINVAL to go back.
 */
int kr_keytree_seek(struct kr_keytree *tree, unsigned int d, u64 s)
{
	struct kr_keydir *dir = &tree->dir[d];
	int ret = 0;

	if (s >= KR_SEQ_LIMIT)
		return -ERANGE;
	spin_lock_bh(&dir->lock);
	if (s < dir->seq) {
		ret = -EINVAL;
	} else {
		dir->seq = s;
		dir_move(dir, s >> KR_LEAF_SHIFT, s >> KR_LEAF_SHIFT);
	}
	spin_unlock_bh(&dir->lock);
	if (!ret)
		queue_work(keys_wq, &tree->prep_work);
	return ret;
}

/**
 * kr_keytree_tx_next() - take the next sequence number to send
 * @tree: the tree
 * @d: the transmit direction
 * @s: set to the sequence number taken
 *
 * Forward only: each number is handed out once.  Entering a new leaf
 * retires the previous one and asks for the one after to be prepared.
 *
 * Context: Any context; never sleeps or allocates.
 * Return: the leaf for @s with a reference the caller puts;
 * ERR_PTR(-EKEYEXPIRED) once the direction is exhausted (spec section 3);
 * ERR_PTR(-EAGAIN) if its leaf is not prepared yet (preparation is queued).
 */
struct kr_leaf *kr_keytree_tx_next(struct kr_keytree *tree, unsigned int d,
				   u64 *s)
{
	struct kr_keydir *dir = &tree->dir[d];
	struct kr_leaf *leaf;
	bool moved = false;
	u32 idx;

	spin_lock_bh(&dir->lock);
	if (dir->seq >= KR_SEQ_LIMIT) {
		leaf = ERR_PTR(-EKEYEXPIRED);
		goto out_unlock;
	}
	idx = dir->seq >> KR_LEAF_SHIFT;
	leaf = dir->slot[idx % KR_LEAF_SLOTS];
	if (!leaf || leaf->index != idx) {
		leaf = ERR_PTR(-EAGAIN);
		moved = true;
		goto out_unlock;
	}
	kref_get(&leaf->ref);
	*s = dir->seq++;
	if (dir->seq >> KR_LEAF_SHIFT != idx)
		moved = dir_move(dir, idx + 1, idx + 1);
out_unlock:
	spin_unlock_bh(&dir->lock);
	if (moved)
		queue_work(keys_wq, &tree->prep_work);
	return leaf;
}

/**
 * kr_keytree_rx_leaf() - the prepared leaf for a received sequence number
 * @tree: the tree
 * @d: the receive direction
 * @s: the packet's sequence number
 *
 * Context: Any context; never sleeps or allocates.
 * Return: the leaf with a reference the caller puts, or NULL if @s is in no
 * prepared leaf (below the window, too far ahead, or not prepared yet).
 */
struct kr_leaf *kr_keytree_rx_leaf(struct kr_keytree *tree, unsigned int d,
				   u64 s)
{
	struct kr_keydir *dir = &tree->dir[d];
	struct kr_leaf *leaf = NULL;
	bool missing = false;
	u32 idx;

	if (s >= KR_SEQ_LIMIT)
		return NULL;
	idx = s >> KR_LEAF_SHIFT;
	spin_lock_bh(&dir->lock);
	if (idx >= dir->lo && idx <= dir->cur + 1) {
		leaf = dir->slot[idx % KR_LEAF_SLOTS];
		if (leaf && leaf->index == idx)
			kref_get(&leaf->ref);
		else
			leaf = NULL;
		missing = !leaf;
	}
	spin_unlock_bh(&dir->lock);
	/* A preparation that failed is asked for again, not waited for. */
	if (missing)
		queue_work(keys_wq, &tree->prep_work);
	return leaf;
}

/**
 * kr_keytree_rx_advance() - follow the replay window of a receive direction
 * @tree: the tree
 * @d: the receive direction
 * @low: the lowest sequence number the window still covers
 * @top: the highest sequence number authenticated
 *
 * Leaves wholly below @low are retired (spec section 8); entering a new leaf
 * asks for the one after it to be prepared.
 *
 * Context: Any context; never sleeps or allocates.
 */
void kr_keytree_rx_advance(struct kr_keytree *tree, unsigned int d, u64 low,
			   u64 top)
{
	struct kr_keydir *dir = &tree->dir[d];
	bool moved;

	if (WARN_ON_ONCE(top >= KR_SEQ_LIMIT))
		return;
	/*
	 * A far-ahead jump may move the window between a caller's accept and
	 * its reading of the low edge: the cursor only goes forward anyway.
	 */
	low = min(low, top);
	spin_lock_bh(&dir->lock);
	if (top >= dir->seq)
		dir->seq = top + 1;
	moved = dir_move(dir, low >> KR_LEAF_SHIFT, top >> KR_LEAF_SHIFT);
	spin_unlock_bh(&dir->lock);
	if (moved)
		queue_work(keys_wq, &tree->prep_work);
}

/**
 * kr_keytree_seq() - a direction's next sequence number
 * @tree: the tree
 * @d: direction
 *
 * Context: Any context.
 * Return: the next to send, or one above the highest received.
 */
u64 kr_keytree_seq(struct kr_keytree *tree, unsigned int d)
{
	u64 seq;

	spin_lock_bh(&tree->dir[d].lock);
	seq = tree->dir[d].seq;
	spin_unlock_bh(&tree->dir[d].lock);
	return seq;
}

/**
 * kr_keytree_leaves_remaining() - leaves not yet entered, for the watermark
 * @tree: the tree
 * @d: direction
 *
 * Context: Any context.
 * Return: 8191 - (s >> 20) for the next sequence number s, 0 when exhausted.
 */
u32 kr_keytree_leaves_remaining(struct kr_keytree *tree, unsigned int d)
{
	return kr_leaves_remaining(kr_keytree_seq(tree, d));
}

/**
 * kr_keytree_trial_tfm() - a scratch transform for a far-ahead packet
 * @tree: the tree
 * @d: the receive direction
 * @s: the packet's sequence number, beyond the prepared leaves
 *
 * Spec section 5: the leaf key for @s is derived into scratch memory,
 * leaving the tree as it was: nothing is kept unless the packet
 * authenticates, after which the caller moves the cursor there for real.
 *
 * Context: Process context; may sleep.
 * Return: a synchronous transform the caller frees with kr_aead_tfm_free(),
 * or ERR_PTR(-ENOKEY) if that leaf is already passed.
 */
struct crypto_aead *kr_keytree_trial_tfm(struct kr_keytree *tree,
					 unsigned int d, u64 s)
{
	u8 info[sizeof(info_leaf)], key[KR_TREE_KEY_LEN];
	u32 idx = s >> KR_LEAF_SHIFT, n = node_of(idx);
	struct kr_leafset *scratch = NULL;
	struct crypto_aead *tfm;
	int ret = 0;
	bool passed;

	if (s >= KR_SEQ_LIMIT)
		return ERR_PTR(-ENOKEY);
	mutex_lock(&tree->prep_lock);
	spin_lock_bh(&tree->dir[d].lock);
	passed = idx < tree->dir[d].lo;
	spin_unlock_bh(&tree->dir[d].lock);
	if (passed) {
		ret = -ENOKEY;
	} else if (tree->leafset[d][n]) {
		memcpy(key, tree->leafset[d][n]->key[idx % KR_LEAVES_PER_NODE],
		       sizeof(key));
	} else if (test_bit(n, tree->node_live)) {
		scratch = kmalloc(sizeof(*scratch), GFP_KERNEL);
		memcpy(info, info_leaf, sizeof(info) - 1);
		info[sizeof(info) - 1] = d;
		ret = scratch ? kr_hkdf_expand(tree->node_key[n],
					       KR_TREE_KEY_LEN, info,
					       sizeof(info), &scratch->key[0][0],
					       sizeof(scratch->key)) : -ENOMEM;
		if (!ret)
			memcpy(key, scratch->key[idx % KR_LEAVES_PER_NODE],
			       sizeof(key));
		kfree_sensitive(scratch);
	} else {
		ret = -ENOKEY;
	}
	mutex_unlock(&tree->prep_lock);
	if (ret)
		return ERR_PTR(ret);
	/* A key already keyed into a prepared leaf reads as zero. */
	if (!memchr_inv(key, 0, sizeof(key)))
		return ERR_PTR(-ENOKEY);
	tfm = kr_aead_tfm_new_sync(tree->cipher, key);
	memzero_explicit(key, sizeof(key));
	return tfm;
}

/**
 * kr_keytree_init() - module-wide set-up of the key trees
 *
 * Context: Process context, at module load.
 * Return: 0 or -ENOMEM.
 */
int kr_keytree_init(void)
{
	keys_wq = alloc_workqueue("keyrot_keys", WQ_UNBOUND, 0);
	return keys_wq ? 0 : -ENOMEM;
}

/**
 * kr_keytree_uninit() - wait for every retired leaf to be freed
 *
 * Context: Process context, at module unload, after every tree is gone.
 */
void kr_keytree_uninit(void)
{
	destroy_workqueue(keys_wq);
}

#if IS_ENABLED(CONFIG_KEYROT_KUNIT_TEST)
#include "tests/keytree_test.c"
#endif
