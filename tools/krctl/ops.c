// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "ops.h"
#include "args.h"
#include "kr_nl.h"
#include "kr_names.h"
#include "seed.h"
#include "kr_hex.h"
#include "kr_keyid.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <openssl/crypto.h>

#include "keyrot.h"

static int put_set_attr(struct nl_msg *msg, const struct kr_set_attr *a)
{
	switch (a->kind) {
	case KR_SET_ADDR:
		return nla_put(msg, a->type, (int)a->addr_len, a->addr);
	case KR_SET_U8:
		return nla_put_u8(msg, a->type, (uint8_t)a->val);
	case KR_SET_U16:
		return nla_put_u16(msg, a->type, (uint16_t)a->val);
	case KR_SET_U32:
		return nla_put_u32(msg, a->type, (uint32_t)a->val);
	case KR_SET_U64:
		return nla_put_u64(msg, a->type, a->val);
	}
	return -NLE_INVAL;
}

/* The request of every verb but install, which has a seed in it. */
static int build(struct nl_msg *msg, const struct kr_cmd *cmd)
{
	int i, ret = 0;

	switch (cmd->verb) {
	case KR_VERB_SET:
		ret = nla_put_u32(msg, KEYROT_A_FLOW_ID, cmd->id);
		for (i = 0; !ret && i < cmd->nset; i++)
			ret = put_set_attr(msg, &cmd->set[i]);
		return ret;
	case KR_VERB_CONFIRM:
	case KR_VERB_WITHDRAW:
		return nla_put_u32(msg, KEYROT_A_SEED_FLOW_ID, cmd->id) ?:
		       nla_put(msg, KEYROT_A_SEED_KEY_ID, KEYROT_KEY_ID_LEN,
			       cmd->key_id);
	case KR_VERB_REKEY:
	case KR_VERB_DEL:
		return nla_put_u32(msg, KEYROT_A_FLOW_ID, cmd->id);
	case KR_VERB_DOWN:
		return nla_put_u32(msg, KEYROT_A_FLOW_ID, cmd->id) ?:
		       nla_put_flag(msg, KEYROT_A_FLOW_DOWN);
	case KR_VERB_PEER_GONE:
		return nla_put_u32(msg, KEYROT_A_FLOW_ID, cmd->id) ?:
		       nla_put_flag(msg, KEYROT_A_FLOW_PEER_GONE);
	case KR_VERB_PORT:
		return nla_put_u16(msg, KEYROT_A_NETNS_PORT, cmd->port);
	default:
		return -NLE_INVAL;
	}
}

/* seed-install: the seed lives in @seed and in the message, both wiped. */
static int build_install(struct nl_msg *msg, const struct kr_cmd *cmd,
			 const unsigned char *seed, const unsigned char *kid)
{
	int ret;

	ret = nla_put_u32(msg, KEYROT_A_SEED_FLOW_ID, cmd->id) ?:
	      nla_put_u8(msg, KEYROT_A_SEED_EPOCH, cmd->epoch) ?:
	      nla_put(msg, KEYROT_A_SEED_SEED, KEYROT_SEED_LEN, seed) ?:
	      nla_put(msg, KEYROT_A_SEED_KEY_ID, KEYROT_KEY_ID_LEN, kid);
	if (!ret && cmd->peer_holds)
		ret = nla_put_flag(msg, KEYROT_A_SEED_PEER_HOLDS);
	if (!ret && cmd->have_start_d0)
		ret = nla_put_u64(msg, KEYROT_A_SEED_SEQ_START_D0,
				  cmd->start_d0);
	if (!ret && cmd->have_start_d1)
		ret = nla_put_u64(msg, KEYROT_A_SEED_SEQ_START_D1,
				  cmd->start_d1);
	return ret;
}

static int verb_cmd(enum kr_verb v)
{
	switch (v) {
	case KR_VERB_SET:		return KEYROT_CMD_FLOW_SET;
	case KR_VERB_INSTALL:		return KEYROT_CMD_SEED_INSTALL;
	case KR_VERB_CONFIRM:		return KEYROT_CMD_EPOCH_CONFIRM;
	case KR_VERB_WITHDRAW:		return KEYROT_CMD_EPOCH_WITHDRAW;
	case KR_VERB_REKEY:		return KEYROT_CMD_REKEY_REQUEST;
	case KR_VERB_DOWN:
	case KR_VERB_PEER_GONE:		return KEYROT_CMD_FLOW_STATE;
	case KR_VERB_DEL:		return KEYROT_CMD_FLOW_DEL;
	case KR_VERB_PORT:		return KEYROT_CMD_NETNS_SET;
	default:			return -1;
	}
}

int kr_ops_run(struct kr_nl *nl, const struct kr_cmd *cmd)
{
	unsigned char seed[KEYROT_SEED_LEN], kid[KEYROT_KEY_ID_LEN];
	int nlcmd = verb_cmd(cmd->verb);
	uint32_t flow = cmd->verb == KR_VERB_PORT ? 0 : cmd->id;
	const char *op = kr_name_op(nlcmd);
	bool secret = cmd->verb == KR_VERB_INSTALL;
	struct kr_nl_err e;
	struct nl_msg *msg;
	char err[160];
	int ret;

	if (nlcmd < 0)
		return -EINVAL;
	if (secret) {
		ret = kr_seed_read(seed, cmd->seed_file, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "krctl: flow %u: %s: %s\n", flow, op,
				err);
			return ret;
		}
		ret = kr_keyid_compute(kid, seed);
		if (ret) {
			fprintf(stderr, "krctl: flow %u: %s: cannot compute the key id\n",
				flow, op);
			goto out_wipe;
		}
	}
	msg = kr_nl_msg(nl, (uint8_t)nlcmd, 0);
	if (!msg) {
		ret = -ENOMEM;
		fprintf(stderr, "krctl: %s: out of memory\n", op);
		goto out_wipe;
	}
	ret = secret ? build_install(msg, cmd, seed, kid) : build(msg, cmd);
	if (ret) {
		fprintf(stderr, "krctl: %s: cannot build the request: %s\n", op,
			nl_geterror(ret));
		if (secret)
			OPENSSL_cleanse(nlmsg_hdr(msg), nlmsg_get_max_size(msg));
		ret = -EIO;
		goto out_free_msg;
	}
	if (secret)
		OPENSSL_cleanse(seed, sizeof(seed));
	ret = kr_nl_request(nl, msg, secret, NULL, NULL, &e);
	if (ret)
		kr_nl_report(op, nlcmd, flow, ret, &e);

out_free_msg:
	nlmsg_free(msg);
out_wipe:
	if (secret)
		OPENSSL_cleanse(seed, sizeof(seed));
	return ret;
}

int kr_ops_keyid(const struct kr_cmd *cmd)
{
	unsigned char seed[KEYROT_SEED_LEN], kid[KEYROT_KEY_ID_LEN];
	char hex[2 * KEYROT_KEY_ID_LEN + 1], err[160];
	int ret;

	ret = kr_seed_read(seed, cmd->seed_file, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "krctl: keyid: %s\n", err);
		return ret;
	}
	ret = kr_keyid_compute(kid, seed);
	OPENSSL_cleanse(seed, sizeof(seed));
	if (ret) {
		fprintf(stderr, "krctl: keyid: cannot compute the key id\n");
		return ret;
	}
	kr_hex_encode(hex, kid, sizeof(kid));
	printf("%s\n", hex);
	return 0;
}
