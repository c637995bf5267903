// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * KUnit: the ordered crypto queue with a truly asynchronous transform that
 * completes out of order.  The suite registers "kr-test-held(gcm(aes))", an
 * asynchronous AEAD that holds every request until the test releases it,
 * in any order, through the crypto API's completion path; packets go
 * through kr_aead_seal() and kr_aead_open() as on the flows, and must leave
 * the queue in the order they entered, each one right.  Included at the
 * bottom of cryptq.c.
 */

#include "suites.h"
#include "../aead.h"
#include "../../uapi/keyrot.h"

#include <crypto/aead.h>
#include <crypto/internal/aead.h>
#include <linux/list.h>

/* ---- an asynchronous AEAD that completes when told ---- */

struct held_ctx {
	struct crypto_aead *child;
};

struct held_req {
	struct list_head node;
	struct aead_request *req;
	bool encrypt;
	struct aead_request sub;	/* last: the child's context follows */
};

static LIST_HEAD(held_list);
static DEFINE_SPINLOCK(held_lock);

static int held_init(struct crypto_aead *tfm)
{
	struct held_ctx *ctx = crypto_aead_ctx(tfm);

	ctx->child = crypto_alloc_aead("gcm(aes)", 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(ctx->child))
		return PTR_ERR(ctx->child);
	crypto_aead_set_reqsize(tfm, sizeof(struct held_req) +
				crypto_aead_reqsize(ctx->child));
	return 0;
}

static void held_exit(struct crypto_aead *tfm)
{
	struct held_ctx *ctx = crypto_aead_ctx(tfm);

	crypto_free_aead(ctx->child);
}

static int held_setkey(struct crypto_aead *tfm, const u8 *key,
		       unsigned int len)
{
	struct held_ctx *ctx = crypto_aead_ctx(tfm);

	return crypto_aead_setkey(ctx->child, key, len);
}

static int held_setauthsize(struct crypto_aead *tfm, unsigned int size)
{
	struct held_ctx *ctx = crypto_aead_ctx(tfm);

	return crypto_aead_setauthsize(ctx->child, size);
}

static int held_queue(struct aead_request *req, bool encrypt)
{
	struct held_req *h = aead_request_ctx(req);

	h->req = req;
	h->encrypt = encrypt;
	spin_lock_bh(&held_lock);
	list_add_tail(&h->node, &held_list);
	spin_unlock_bh(&held_lock);
	return -EINPROGRESS;
}

static int held_encrypt(struct aead_request *req)
{
	return held_queue(req, true);
}

static int held_decrypt(struct aead_request *req)
{
	return held_queue(req, false);
}

/* Finish held request @index (0 the oldest) as the crypto API would. */
static bool held_release(unsigned int index)
{
	struct aead_request *req;
	struct held_req *h = NULL, *pos;
	struct held_ctx *ctx;
	unsigned int i = 0;
	int err;

	spin_lock_bh(&held_lock);
	list_for_each_entry(pos, &held_list, node) {
		if (i++ == index) {
			h = pos;
			list_del(&h->node);
			break;
		}
	}
	spin_unlock_bh(&held_lock);
	if (!h)
		return false;
	req = h->req;
	ctx = crypto_aead_ctx(crypto_aead_reqtfm(req));
	aead_request_set_tfm(&h->sub, ctx->child);
	aead_request_set_callback(&h->sub, 0, NULL, NULL);
	aead_request_set_crypt(&h->sub, req->src, req->dst, req->cryptlen,
			       req->iv);
	aead_request_set_ad(&h->sub, req->assoclen);
	err = h->encrypt ? crypto_aead_encrypt(&h->sub) :
			   crypto_aead_decrypt(&h->sub);
	local_bh_disable();
	aead_request_complete(req, err);
	local_bh_enable();
	return true;
}

static struct aead_alg held_alg = {
	.init = held_init,
	.exit = held_exit,
	.setkey = held_setkey,
	.setauthsize = held_setauthsize,
	.encrypt = held_encrypt,
	.decrypt = held_decrypt,
	.ivsize = 12,
	.maxauthsize = 16,
	.base = {
		.cra_name = "kr-test-held(gcm(aes))",
		.cra_driver_name = "kr-test-held-gcm-aes",
		.cra_priority = 1,
		.cra_flags = CRYPTO_ALG_ASYNC,
		.cra_blocksize = 1,
		.cra_ctxsize = sizeof(struct held_ctx),
		.cra_module = THIS_MODULE,
	},
};

/* ---- the queue under test ---- */

enum { CQ_PACKETS = 16 };

struct cq_test {
	struct kr_cryptq cq;
	struct crypto_aead *tfm;	/* a held transform, keyed */
	unsigned int delivered;
	u64 order[CQ_PACKETS];		/* sequence numbers as delivered */
	int states[CQ_PACKETS];
	struct sk_buff *skbs[CQ_PACKETS];
};

static struct cq_test *cq_now;

static void cq_deliver(void *arg, struct sk_buff *skb, int state)
{
	struct cq_test *t = arg;

	if (t->delivered < CQ_PACKETS) {
		t->order[t->delivered] = kr_cb(skb)->seq;
		t->states[t->delivered] = state;
		t->skbs[t->delivered] = skb;
	}
	t->delivered++;
}

static void cq_done(struct sk_buff *skb, int err)
{
	kr_cryptq_complete(&cq_now->cq, skb, err, cq_deliver, cq_now);
}

static const u8 cq_key[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

static int cryptq_test_init(struct kunit *test)
{
	struct cq_test *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	int ret;

	if (!t)
		return -ENOMEM;
	ret = crypto_register_aead(&held_alg);
	if (ret)
		return ret;
	t->tfm = crypto_alloc_aead("kr-test-held(gcm(aes))", 0, 0);
	if (IS_ERR(t->tfm)) {
		crypto_unregister_aead(&held_alg);
		return PTR_ERR(t->tfm);
	}
	ret = crypto_aead_setkey(t->tfm, cq_key, sizeof(cq_key)) ?:
	      crypto_aead_setauthsize(t->tfm, 16);
	if (ret) {
		crypto_free_aead(t->tfm);
		crypto_unregister_aead(&held_alg);
		return ret;
	}
	kr_cryptq_init(&t->cq);
	cq_now = t;
	test->priv = t;
	return 0;
}

static void cryptq_test_exit(struct kunit *test)
{
	struct cq_test *t = test->priv;
	unsigned int i;

	while (held_release(0))
		;
	for (i = 0; i < min_t(unsigned int, t->delivered, CQ_PACKETS); i++)
		kfree_skb(t->skbs[i]);
	skb_queue_purge(&t->cq.q);
	cq_now = NULL;
	crypto_free_aead(t->tfm);
	crypto_unregister_aead(&held_alg);
}

/* Packet @seq: header, @seq repeated as text, room for the tag. */
static struct sk_buff *cq_packet(struct kunit *test, u64 seq)
{
	struct sk_buff *skb = alloc_skb(KR_HEADER_LEN + 64 + KR_TAG_LEN,
					GFP_KERNEL);
	struct kr_header *hdr;

	KUNIT_ASSERT_NOT_NULL(test, skb);
	hdr = skb_put_zero(skb, KR_HEADER_LEN);
	hdr->type = KR_TYPE_DATA;
	hdr->seq = cpu_to_be64(seq);
	memset(skb_put(skb, 64), (u8)seq, 64);
	skb_put_zero(skb, KR_TAG_LEN);
	memset(kr_cb(skb), 0, sizeof(struct kr_skb_cb));
	kr_cb(skb)->seq = seq;
	kr_cb(skb)->state = KR_CB_PENDING;
	return skb;
}

static void enqueue_and_seal(struct kunit *test, struct crypto_aead *tfm,
			     u64 seq)
{
	struct sk_buff *skb = cq_packet(test, seq);

	kr_cryptq_add(&cq_now->cq, skb);
	local_bh_disable();
	KUNIT_EXPECT_EQ(test, kr_aead_seal(tfm, skb, seq, cq_done),
			-EINPROGRESS);
	local_bh_enable();
}

static void cryptq_reverse_completion_keeps_order(struct kunit *test)
{
	struct cq_test *t = test->priv;
	struct crypto_aead *tfm = t->tfm, *sync;
	struct sk_buff *ref;
	unsigned int i;

	for (i = 0; i < CQ_PACKETS; i++)
		enqueue_and_seal(test, tfm, 100 + i);
	KUNIT_EXPECT_EQ(test, t->delivered, 0U);

	/* The newest first: nothing may leave before the oldest is done. */
	for (i = CQ_PACKETS; i-- > 1;) {
		KUNIT_ASSERT_TRUE(test, held_release(i));
		KUNIT_EXPECT_EQ(test, t->delivered, 0U);
	}
	KUNIT_ASSERT_TRUE(test, held_release(0));
	KUNIT_ASSERT_EQ(test, t->delivered, (unsigned int)CQ_PACKETS);

	sync = kr_aead_tfm_new_sync(KEYROT_CIPHER_AES_256_GCM, cq_key);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sync));
	for (i = 0; i < CQ_PACKETS; i++) {
		KUNIT_EXPECT_EQ(test, t->order[i], 100ULL + i);
		KUNIT_EXPECT_EQ(test, t->states[i], KR_CB_OK);
		/* Each sealed as a synchronous transform seals it. */
		ref = cq_packet(test, 100 + i);
		KUNIT_EXPECT_EQ(test, kr_aead_seal(sync, ref, 100 + i, NULL),
				0);
		KUNIT_EXPECT_EQ(test, memcmp(ref->data, t->skbs[i]->data,
					     ref->len), 0);
		kfree_skb(ref);
	}
	kr_aead_tfm_free(sync);
}

static void cryptq_interleaved_completion_keeps_order(struct kunit *test)
{
	enum { N = 8 };
	struct cq_test *t = test->priv;
	unsigned int i;

	for (i = 0; i < N; i++)
		enqueue_and_seal(test, t->tfm, i);
	/* Positions among those still held: packets 3, 1, then 0. */
	KUNIT_ASSERT_TRUE(test, held_release(3));
	KUNIT_EXPECT_EQ(test, t->delivered, 0U);
	KUNIT_ASSERT_TRUE(test, held_release(1));
	KUNIT_EXPECT_EQ(test, t->delivered, 0U);
	KUNIT_ASSERT_TRUE(test, held_release(0));
	/* 0 and 1 go; 2 holds 3 back. */
	KUNIT_EXPECT_EQ(test, t->delivered, 2U);
	while (held_release(0))
		;
	KUNIT_ASSERT_EQ(test, t->delivered, (unsigned int)N);
	for (i = 0; i < N; i++)
		KUNIT_EXPECT_EQ(test, t->order[i], (u64)i);
}

static void cryptq_failed_open_delivered_in_place(struct kunit *test)
{
	struct cq_test *t = test->priv;
	struct crypto_aead *tfm = t->tfm;
	struct sk_buff *skb;
	unsigned int i;

	/* Seal three packets, damage the middle one, open all three. */
	for (i = 0; i < 3; i++)
		enqueue_and_seal(test, tfm, i);
	while (held_release(0))
		;
	KUNIT_ASSERT_EQ(test, t->delivered, 3U);
	t->skbs[1]->data[KR_HEADER_LEN] ^= 0x80;
	for (i = 0; i < 3; i++) {
		skb = t->skbs[i];
		t->skbs[i] = NULL;
		kr_cb(skb)->state = KR_CB_PENDING;
		kr_cryptq_add(&t->cq, skb);
		local_bh_disable();
		KUNIT_EXPECT_EQ(test, kr_aead_open(tfm, skb, i, cq_done),
				-EINPROGRESS);
		local_bh_enable();
	}
	t->delivered = 0;
	KUNIT_ASSERT_TRUE(test, held_release(2));
	KUNIT_ASSERT_TRUE(test, held_release(1));
	KUNIT_EXPECT_EQ(test, t->delivered, 0U);
	KUNIT_ASSERT_TRUE(test, held_release(0));
	KUNIT_ASSERT_EQ(test, t->delivered, 3U);
	KUNIT_EXPECT_EQ(test, t->states[0], KR_CB_OK);
	KUNIT_EXPECT_EQ(test, t->states[1], KR_CB_FAILED);
	KUNIT_EXPECT_EQ(test, t->states[2], KR_CB_OK);
	KUNIT_EXPECT_EQ(test, t->order[1], 1ULL);
}

static struct kunit_case cryptq_test_cases[] = {
	KUNIT_CASE(cryptq_reverse_completion_keeps_order),
	KUNIT_CASE(cryptq_interleaved_completion_keeps_order),
	KUNIT_CASE(cryptq_failed_open_delivered_in_place),
	{}
};

static struct kunit_suite kr_cryptq_suite = {
	.name = "kr_cryptq",
	.init = cryptq_test_init,
	.exit = cryptq_test_exit,
	.test_cases = cryptq_test_cases,
};

kr_kunit_suite(kr_cryptq_suite);
