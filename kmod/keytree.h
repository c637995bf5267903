/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The key tree of one epoch (spec sections 2, 3 and 8): a root seed expanded
 * into 128 node keys, each node into 64 leaf keys per direction, each leaf an
 * AEAD key for 2^20 packets.
 *
 * Key material moves one way: root -> node keys (root wiped) -> leaf keys of
 * a node (node key wiped) -> one keyed transform per leaf (raw leaf key
 * wiped) -> transform freed when the leaf retires.  All derivation and
 * keying happens in kr_keytree_prepare(), in process context; the packet
 * paths only look up prepared leaves and move cursors.
 */
#ifndef _KR_KEYTREE_H
#define _KR_KEYTREE_H

#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct crypto_aead;

enum kr_tree_geometry {
	KR_DIRS = 2,
	KR_NODES = 128,
	KR_LEAVES_PER_NODE = 64,
	KR_LEAVES = KR_NODES * KR_LEAVES_PER_NODE,	/* per direction */
	KR_LEAF_SHIFT = 20,				/* packets per leaf */
	KR_NODE_SHIFT = 26,
	KR_TREE_KEY_LEN = 32,
	KR_TREE_KEY_ID_LEN = 8,
	/* Ring of prepared leaves per direction, see struct kr_keydir. */
	KR_LEAF_SLOTS = 3,
};

/* The first sequence number a direction may never use (spec section 3). */
#define KR_SEQ_LIMIT	BIT_ULL(33)

/**
 * struct kr_leaf - one leaf key, as a keyed transform
 * @ref: held by the direction's slot and by each packet being sealed or
 *	opened with it; the last put frees the transform in process context
 * @tfm: AEAD transform keyed with this leaf's key; the only copy of it
 * @index: leaf number within its direction, s >> KR_LEAF_SHIFT
 * @free_work: frees @tfm off the packet path
 */
struct kr_leaf {
	struct kref ref;
	struct crypto_aead *tfm;
	u32 index;
	struct work_struct free_work;
};

/**
 * struct kr_keydir - one direction's cursor and its prepared leaves
 * @lock: protects every member below; taken from softirq, so _bh
 * @seq: the next sequence number: to send (transmit), or above the highest
 *	one authenticated (receive)
 * @lo: the lowest leaf still needed; every leaf below it is wiped
 * @cur: the leaf of the latest packet; @cur + 1 is prepared ahead
 * @slot: leaf i, for @lo <= i <= @cur + 1, lives in slot[i % KR_LEAF_SLOTS]
 *	once prepared; that range never spans more than three leaves, since a
 *	replay window reaches back less than one leaf
 */
struct kr_keydir {
	spinlock_t lock;	/* see above; taken with bh off */
	u64 seq;
	u32 lo;
	u32 cur;
	struct kr_leaf *slot[KR_LEAF_SLOTS];
};

struct kr_leafset;

/**
 * struct kr_keytree - the key tree of one epoch
 * @key_id: names the root seed in the control plane (spec section 2)
 * @cipher: enum keyrot_cipher of every leaf transform
 * @dir: the two directions, indexed by the spec's direction byte
 * @prep_lock: serialises kr_keytree_prepare(); protects @node_live,
 *	@node_key and @leafset, which the packet paths never touch
 * @prep_work: runs kr_keytree_prepare() when a cursor moved
 * @node_live: node keys not yet wiped
 * @leafset: per direction and node, the leaf keys not yet turned into a
 *	transform or passed
 * @node_key: the 128 node keys; each wiped when its node is first entered
 * @free_hook: test builds only: sees each key buffer just before it is freed
 * @hook_priv: test builds only: for @free_hook
 */
struct kr_keytree {
	u8 key_id[KR_TREE_KEY_ID_LEN];
	u8 cipher;
	struct kr_keydir dir[KR_DIRS];
	struct mutex prep_lock;	/* see above; never in softirq */
	struct work_struct prep_work;
	DECLARE_BITMAP(node_live, KR_NODES);
	struct kr_leafset *leafset[KR_DIRS][KR_NODES];
	u8 node_key[KR_NODES][KR_TREE_KEY_LEN];
#if IS_ENABLED(CONFIG_KEYROT_KUNIT_TEST)
	void (*free_hook)(struct kr_keytree *tree, const void *p, size_t len);
	void *hook_priv;
#endif
};

/* keytree.c APIs: */
int kr_keytree_init(void);
void kr_keytree_uninit(void);

struct kr_keytree *kr_keytree_create(u8 *root, u8 cipher);
void kr_keytree_destroy(struct kr_keytree *tree);
int kr_keytree_seek(struct kr_keytree *tree, unsigned int d, u64 s);
int kr_keytree_prepare(struct kr_keytree *tree);

struct kr_leaf *kr_keytree_tx_next(struct kr_keytree *tree, unsigned int d,
				   u64 *s);
struct kr_leaf *kr_keytree_rx_leaf(struct kr_keytree *tree, unsigned int d,
				   u64 s);
void kr_keytree_rx_advance(struct kr_keytree *tree, unsigned int d,
			   u64 low, u64 top);
u64 kr_keytree_seq(struct kr_keytree *tree, unsigned int d);
u32 kr_keytree_leaves_remaining(struct kr_keytree *tree, unsigned int d);
void kr_leaf_put(struct kr_leaf *leaf);
struct crypto_aead *kr_keytree_trial_tfm(struct kr_keytree *tree,
					 unsigned int d, u64 s);

/* Leaves remaining after the next sequence number @seq (spec section 3). */
static inline u32 kr_leaves_remaining(u64 seq)
{
	u64 leaf = seq >> KR_LEAF_SHIFT;

	return leaf >= KR_LEAVES - 1 ? 0 : KR_LEAVES - 1 - leaf;
}

#endif /* _KR_KEYTREE_H */
