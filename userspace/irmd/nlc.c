// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "nlc.h"
#include "kr_names.h"
#include "kr_nlpol.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <openssl/crypto.h>

enum { DUMP_TRIES = 5, EVENTS_RCVBUF = 1 << 20 };

int kr_nlc_open(struct kr_nlc *c)
{
	int ret;

	memset(c, 0, sizeof(*c));
	ret = kr_nl_open(&c->cmd);
	if (ret)
		return ret;
	ret = kr_nl_open_events(&c->ev);
	if (ret)
		goto err_close_cmd;
	/* Room for bursts: many flows may need a re-key at once. */
	nl_socket_set_buffer_size(c->ev.sk, EVENTS_RCVBUF, 0);
	return 0;

err_close_cmd:
	kr_nl_close(&c->cmd);
	return ret;
}

void kr_nlc_close(struct kr_nlc *c)
{
	kr_nl_close(&c->ev);
	kr_nl_close(&c->cmd);
}

/* Run @msg to its ack; on failure @why says what the kernel said. */
static int run(struct kr_nlc *c, struct nl_msg *msg, int cmd, uint32_t flow,
	       bool secret, kr_nl_reply_fn fn, void *arg, char *why)
{
	struct kr_nl_err e;
	int ret;

	ret = kr_nl_request(&c->cmd, msg, secret, fn, arg, &e);
	if (ret && why)
		kr_nl_describe(why, KR_NLC_WHY_LEN, kr_name_op(cmd), cmd, flow,
			       ret, &e);
	return ret;
}

static struct nl_msg *new_msg(struct kr_nlc *c, int cmd, int flags, char *why)
{
	struct nl_msg *msg = kr_nl_msg(&c->cmd, (uint8_t)cmd, flags);

	if (!msg && why)
		snprintf(why, KR_NLC_WHY_LEN, "%s: out of memory",
			 kr_name_op(cmd));
	return msg;
}

static int put_failed(int cmd, char *why)
{
	if (why)
		snprintf(why, KR_NLC_WHY_LEN, "%s: cannot build the request",
			 kr_name_op(cmd));
	return -EMSGSIZE;
}

static int put_settings(struct nl_msg *msg, const struct kr_nlc_settings *s)
{
	int i, ret = 0;

	for (i = 1; !ret && i <= KEYROT_A_FLOW_MAX; i++) {
		if (!(s->has & (1ULL << i)))
			continue;
		if (i == KEYROT_A_FLOW_REKEY_JITTER_PCT)
			ret = nla_put_u8(msg, i, (uint8_t)s->val[i]);
		else
			ret = nla_put_u32(msg, i, s->val[i]);
	}
	return ret;
}

int kr_nlc_flow_set(struct kr_nlc *c, const struct kr_nlc_flowset *fs,
		    char *why)
{
	const int cmd = KEYROT_CMD_FLOW_SET;
	struct nl_msg *msg = new_msg(c, cmd, 0, why);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = nla_put_u32(msg, KEYROT_A_FLOW_ID, fs->id);
	if (!ret && fs->addr)
		ret = nla_put(msg, KEYROT_A_FLOW_PEER_ADDR, (int)fs->addr_len,
			      fs->addr) ?:
		      nla_put_u16(msg, KEYROT_A_FLOW_PEER_PORT, fs->port);
	if (!ret && fs->peer_id)
		ret = nla_put_u32(msg, KEYROT_A_FLOW_PEER_ID, fs->peer_id);
	if (!ret && fs->role >= 0)
		ret = nla_put_u8(msg, KEYROT_A_FLOW_ROLE, (uint8_t)fs->role);
	if (!ret && fs->cipher >= 0)
		ret = nla_put_u8(msg, KEYROT_A_FLOW_CIPHER,
				 (uint8_t)fs->cipher);
	if (!ret && fs->has_cookie)
		ret = nla_put_u64(msg, KEYROT_A_FLOW_COOKIE, fs->cookie);
	if (!ret && fs->set)
		ret = put_settings(msg, fs->set);
	ret = ret ? put_failed(cmd, why) :
		    run(c, msg, cmd, fs->id, false, NULL, NULL, why);
	nlmsg_free(msg);
	return ret;
}

int kr_nlc_seed_install(struct kr_nlc *c, const struct kr_nlc_seed *s,
			char *why)
{
	const int cmd = KEYROT_CMD_SEED_INSTALL;
	struct nl_msg *msg = new_msg(c, cmd, 0, why);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = nla_put_u32(msg, KEYROT_A_SEED_FLOW_ID, s->id) ?:
	      nla_put_u8(msg, KEYROT_A_SEED_EPOCH, s->epoch) ?:
	      nla_put(msg, KEYROT_A_SEED_SEED, KEYROT_SEED_LEN, s->seed) ?:
	      nla_put(msg, KEYROT_A_SEED_KEY_ID, KEYROT_KEY_ID_LEN, s->key_id);
	if (!ret && s->peer_holds)
		ret = nla_put_flag(msg, KEYROT_A_SEED_PEER_HOLDS);
	if (!ret && s->has_start)
		ret = nla_put_u64(msg, KEYROT_A_SEED_SEQ_START_D0,
				  s->start[0]) ?:
		      nla_put_u64(msg, KEYROT_A_SEED_SEQ_START_D1,
				  s->start[1]);
	if (ret) {
		/* The seed may be in the buffer already: wipe it. */
		OPENSSL_cleanse(nlmsg_hdr(msg), nlmsg_get_max_size(msg));
		ret = put_failed(cmd, why);
	} else {
		/* kr_nl_request() wipes the message right after sending. */
		ret = run(c, msg, cmd, s->id, true, NULL, NULL, why);
	}
	nlmsg_free(msg);
	return ret;
}

static int by_key_id(struct kr_nlc *c, int cmd, uint32_t id,
		     const uint8_t key_id[KEYROT_KEY_ID_LEN], char *why)
{
	struct nl_msg *msg = new_msg(c, cmd, 0, why);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = nla_put_u32(msg, KEYROT_A_SEED_FLOW_ID, id) ?:
	      nla_put(msg, KEYROT_A_SEED_KEY_ID, KEYROT_KEY_ID_LEN, key_id);
	ret = ret ? put_failed(cmd, why) :
		    run(c, msg, cmd, id, false, NULL, NULL, why);
	nlmsg_free(msg);
	return ret;
}

int kr_nlc_epoch_confirm(struct kr_nlc *c, uint32_t id,
			 const uint8_t key_id[KEYROT_KEY_ID_LEN], char *why)
{
	return by_key_id(c, KEYROT_CMD_EPOCH_CONFIRM, id, key_id, why);
}

int kr_nlc_epoch_withdraw(struct kr_nlc *c, uint32_t id,
			  const uint8_t key_id[KEYROT_KEY_ID_LEN], char *why)
{
	return by_key_id(c, KEYROT_CMD_EPOCH_WITHDRAW, id, key_id, why);
}

static int by_id(struct kr_nlc *c, int cmd, uint32_t id, int flag, char *why)
{
	struct nl_msg *msg = new_msg(c, cmd, 0, why);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = nla_put_u32(msg, KEYROT_A_FLOW_ID, id);
	if (!ret && flag)
		ret = nla_put_flag(msg, flag);
	ret = ret ? put_failed(cmd, why) :
		    run(c, msg, cmd, id, false, NULL, NULL, why);
	nlmsg_free(msg);
	return ret;
}

int kr_nlc_flow_del(struct kr_nlc *c, uint32_t id, char *why)
{
	return by_id(c, KEYROT_CMD_FLOW_DEL, id, 0, why);
}

int kr_nlc_flow_down(struct kr_nlc *c, uint32_t id, char *why)
{
	return by_id(c, KEYROT_CMD_FLOW_STATE, id, KEYROT_A_FLOW_DOWN, why);
}

static int parse_epoch(struct nlattr *nest, struct kr_nlc_epoch *ep)
{
	struct nlattr *tb[KEYROT_A_EPOCH_MAX + 1];

	if (nla_parse_nested(tb, KEYROT_A_EPOCH_MAX, nest, kr_nlpol_epoch) ||
	    !tb[KEYROT_A_EPOCH_NUMBER] || !tb[KEYROT_A_EPOCH_KEY_ID] ||
	    !tb[KEYROT_A_EPOCH_STATE])
		return -EPROTO;
	ep->number = nla_get_u8(tb[KEYROT_A_EPOCH_NUMBER]);
	memcpy(ep->key_id, nla_data(tb[KEYROT_A_EPOCH_KEY_ID]),
	       KEYROT_KEY_ID_LEN);
	ep->state = nla_get_u32(tb[KEYROT_A_EPOCH_STATE]);
	ep->confirmed = tb[KEYROT_A_EPOCH_CONFIRMED];
	ep->peer_seen = tb[KEYROT_A_EPOCH_PEER_SEEN];
	return 0;
}

static int parse_flow(struct nl_msg *msg, struct kr_nlc_flow *f)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *tb[KEYROT_A_FLOW_MAX + 1];
	struct nlattr *nla;
	int rem;

	memset(f, 0, sizeof(*f));
	if (genlmsg_parse(nlh, 0, tb, KEYROT_A_FLOW_MAX, kr_nlpol_flow) ||
	    !tb[KEYROT_A_FLOW_ID])
		return -EPROTO;
	f->id = nla_get_u32(tb[KEYROT_A_FLOW_ID]);
	if (tb[KEYROT_A_FLOW_COOKIE])
		f->cookie = nla_get_u64(tb[KEYROT_A_FLOW_COOKIE]);
	if (tb[KEYROT_A_FLOW_PEER_ADDR]) {
		f->addr_len = (size_t)nla_len(tb[KEYROT_A_FLOW_PEER_ADDR]);
		if (f->addr_len != 4 && f->addr_len != 16)
			return -EPROTO;
		memcpy(f->peer_addr, nla_data(tb[KEYROT_A_FLOW_PEER_ADDR]),
		       f->addr_len);
	}
	if (tb[KEYROT_A_FLOW_PEER_PORT])
		f->peer_port = nla_get_u16(tb[KEYROT_A_FLOW_PEER_PORT]);
	if (tb[KEYROT_A_FLOW_PEER_ID])
		f->peer_id = nla_get_u32(tb[KEYROT_A_FLOW_PEER_ID]);
	if (tb[KEYROT_A_FLOW_ROLE])
		f->role = nla_get_u8(tb[KEYROT_A_FLOW_ROLE]);
	if (tb[KEYROT_A_FLOW_CIPHER])
		f->cipher = nla_get_u8(tb[KEYROT_A_FLOW_CIPHER]);
	if (tb[KEYROT_A_FLOW_GRACE_MS])
		f->grace_ms = nla_get_u32(tb[KEYROT_A_FLOW_GRACE_MS]);
	if (tb[KEYROT_A_FLOW_EVENT_MS])
		f->event_ms = nla_get_u32(tb[KEYROT_A_FLOW_EVENT_MS]);
	if (tb[KEYROT_A_FLOW_FLAGS])
		f->flags = nla_get_u32(tb[KEYROT_A_FLOW_FLAGS]);
	if (tb[KEYROT_A_FLOW_REKEY_NEED])
		f->need = nla_get_u32(tb[KEYROT_A_FLOW_REKEY_NEED]);
	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (nla_type(nla) != KEYROT_A_FLOW_EPOCH)
			continue;
		if (f->nepochs == KR_NLC_EPOCHS_MAX ||
		    parse_epoch(nla, &f->ep[f->nepochs]))
			return -EPROTO;
		f->nepochs++;
	}
	return 0;
}

static int get_cb(struct nl_msg *msg, void *arg)
{
	return parse_flow(msg, arg);
}

int kr_nlc_flow_get(struct kr_nlc *c, uint32_t id, struct kr_nlc_flow *f,
		    char *why)
{
	const int cmd = KEYROT_CMD_FLOW_GET;
	struct nl_msg *msg = new_msg(c, cmd, 0, why);
	int ret;

	if (!msg)
		return -ENOMEM;
	memset(f, 0, sizeof(*f));
	ret = nla_put_u32(msg, KEYROT_A_FLOW_ID, id) ? put_failed(cmd, why) :
	      run(c, msg, cmd, id, false, get_cb, f, why);
	nlmsg_free(msg);
	if (!ret && f->id != id) {
		if (why)
			snprintf(why, KR_NLC_WHY_LEN,
				 "flow %u: flow-get: no reply", id);
		ret = -EPROTO;
	}
	return ret;
}

struct dump_ctx {
	kr_nlc_flow_fn fn;
	void *arg;
};

static int dump_cb(struct nl_msg *msg, void *arg)
{
	struct dump_ctx *d = arg;
	struct kr_nlc_flow f;
	int ret;

	ret = parse_flow(msg, &f);
	return ret ? ret : d->fn(d->arg, &f);
}

int kr_nlc_flow_dump(struct kr_nlc *c, kr_nlc_flow_fn fn, void *arg,
		     char *why)
{
	const int cmd = KEYROT_CMD_FLOW_GET;
	struct dump_ctx d = { .fn = fn, .arg = arg };
	struct nl_msg *msg;
	int i, ret = -EINTR;

	for (i = 0; i < DUMP_TRIES && ret == -EINTR; i++) {
		msg = new_msg(c, cmd, NLM_F_DUMP, why);
		if (!msg)
			return -ENOMEM;
		ret = run(c, msg, cmd, 0, false, dump_cb, &d, why);
		nlmsg_free(msg);
	}
	return ret;
}

static int netns_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KEYROT_A_NETNS_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KEYROT_A_NETNS_MAX,
			  kr_nlpol_netns) || !tb[KEYROT_A_NETNS_PORT])
		return -EPROTO;
	*(uint16_t *)arg = nla_get_u16(tb[KEYROT_A_NETNS_PORT]);
	return 0;
}

int kr_nlc_netns_get(struct kr_nlc *c, uint16_t *port, char *why)
{
	const int cmd = KEYROT_CMD_NETNS_GET;
	struct nl_msg *msg = new_msg(c, cmd, 0, why);
	int ret;

	if (!msg)
		return -ENOMEM;
	*port = 0;
	ret = run(c, msg, cmd, 0, false, netns_cb, port, why);
	nlmsg_free(msg);
	if (!ret && !*port)
		ret = -EPROTO;
	return ret;
}

int kr_nlc_netns_set(struct kr_nlc *c, uint16_t port, char *why)
{
	const int cmd = KEYROT_CMD_NETNS_SET;
	struct nl_msg *msg = new_msg(c, cmd, 0, why);
	int ret;

	if (!msg)
		return -ENOMEM;
	ret = nla_put_u16(msg, KEYROT_A_NETNS_PORT, port) ?
	      put_failed(cmd, why) : run(c, msg, cmd, 0, false, NULL, NULL, why);
	nlmsg_free(msg);
	return ret;
}

int kr_nlc_events_fd(const struct kr_nlc *c)
{
	return nl_socket_get_fd(c->ev.sk);
}

struct event_ctx {
	kr_nlc_event_fn fn;
	void *arg;
};

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KEYROT_A_EVENT_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct event_ctx *x = arg;
	struct kr_nlc_event ev = { .cmd = gh->cmd };

	if (genlmsg_parse(nlh, 0, tb, KEYROT_A_EVENT_MAX, kr_nlpol_event) ||
	    !tb[KEYROT_A_EVENT_FLOW_ID])
		return NL_SKIP;
	ev.flow_id = nla_get_u32(tb[KEYROT_A_EVENT_FLOW_ID]);
	if (tb[KEYROT_A_EVENT_COOKIE])
		ev.cookie = nla_get_u64(tb[KEYROT_A_EVENT_COOKIE]);
	if (tb[KEYROT_A_EVENT_REASON])
		ev.reason = nla_get_u32(tb[KEYROT_A_EVENT_REASON]);
	if (tb[KEYROT_A_EVENT_EPOCH]) {
		ev.has_epoch = true;
		ev.epoch = nla_get_u8(tb[KEYROT_A_EVENT_EPOCH]);
	}
	if (tb[KEYROT_A_EVENT_KEY_ID]) {
		ev.has_key_id = true;
		memcpy(ev.key_id, nla_data(tb[KEYROT_A_EVENT_KEY_ID]),
		       KEYROT_KEY_ID_LEN);
	}
	if (tb[KEYROT_A_EVENT_OLD_EPOCH]) {
		ev.has_old = true;
		ev.old_epoch = nla_get_u8(tb[KEYROT_A_EVENT_OLD_EPOCH]);
	}
	x->fn(x->arg, &ev);
	return NL_OK;
}

int kr_nlc_events_read(struct kr_nlc *c, kr_nlc_event_fn fn, void *arg)
{
	struct event_ctx x = { .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	nl_socket_modify_cb(c->ev.sk, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &x);
	cb = nl_socket_get_cb(c->ev.sk);
	do {
		ret = nl_recvmsgs_report(c->ev.sk, cb);
	} while (ret > 0);
	nl_cb_put(cb);
	if (ret == -NLE_NOMEM)
		return -ENOBUFS;	/* recvmsg said ENOBUFS: events lost */
	return ret == 0 || ret == -NLE_AGAIN ? 0 : -EIO;
}

const struct kr_nlc_epoch *kr_nlc_tx(const struct kr_nlc_flow *f)
{
	int i;

	for (i = 0; i < f->nepochs; i++)
		if (f->ep[i].state == KEYROT_EPOCH_STATE_TRANSMIT)
			return &f->ep[i];
	return NULL;
}

const struct kr_nlc_epoch *kr_nlc_next(const struct kr_nlc_flow *f)
{
	int i;

	for (i = 0; i < f->nepochs; i++)
		if (f->ep[i].state == KEYROT_EPOCH_STATE_NEXT)
			return &f->ep[i];
	return NULL;
}

bool kr_nlc_holds(const struct kr_nlc_flow *f, uint8_t epoch,
		  const uint8_t key_id[KEYROT_KEY_ID_LEN])
{
	int i;

	for (i = 0; i < f->nepochs; i++)
		if (f->ep[i].number == epoch &&
		    !memcmp(f->ep[i].key_id, key_id, KEYROT_KEY_ID_LEN))
			return true;
	return false;
}
