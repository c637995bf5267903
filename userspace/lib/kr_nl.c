// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "kr_nl.h"
#include "kr_names.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <openssl/crypto.h>

#include "keyrot.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

enum { MAX_REQ_ATTRS = 32, LINE_MAX_LEN = 512 };

static const char *log_prog = "krctl";
static kr_nl_log_fn log_fn;

void kr_nl_set_log(const char *prog, kr_nl_log_fn fn)
{
	if (prog)
		log_prog = prog;
	log_fn = fn;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void say(const char *fmt, ...)
{
	char line[LINE_MAX_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_fn)
		log_fn(line);
	else
		fprintf(stderr, "%s: %s\n", log_prog, line);
}

/* One request in flight: where its attributes were, and how it ended. */
struct req_ctx {
	int done;
	int ret;			/* first error from a reply callback */
	struct kr_nl_err *e;
	kr_nl_reply_fn fn;
	void *arg;
	int nattrs;
	struct {
		unsigned int offset;	/* from the start of the nlmsghdr */
		int type;
	} attrs[MAX_REQ_ATTRS];
};

int kr_nl_open(struct kr_nl *nl)
{
	int one = 1, fd, ret;

	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		say("cannot allocate a netlink socket");
		return -ENOMEM;
	}
	ret = genl_connect(nl->sk);
	if (ret < 0) {
		say("cannot connect to generic netlink: %s",
		    nl_geterror(ret));
		ret = -EIO;
		goto err_free_sock;
	}
	nl_socket_enable_msg_peek(nl->sk);
	fd = nl_socket_get_fd(nl->sk);
	/*
	 * Reasons in acks; and acks that do not echo the request, which for
	 * seed-install would hand the seed back into our buffers.
	 */
	if (setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one))) {
		ret = -errno;
		say("cannot enable netlink extended acks: %s",
		    strerror(errno));
		goto err_free_sock;
	}
	nl->family = genl_ctrl_resolve(nl->sk, KEYROT_GENL_NAME);
	if (nl->family < 0) {
		if (nl->family == -NLE_OBJ_NOTFOUND) {
			say("keyrot: generic netlink family not found (is keyrot.ko loaded?)");
			ret = -ENOENT;
		} else {
			say("cannot resolve generic netlink family %s: %s",
			    KEYROT_GENL_NAME, nl_geterror(nl->family));
			ret = -EIO;
		}
		goto err_free_sock;
	}
	return 0;

err_free_sock:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return ret;
}

int kr_nl_open_events(struct kr_nl *nl)
{
	int grp, ret;

	ret = kr_nl_open(nl);
	if (ret)
		return ret;
	grp = genl_ctrl_resolve_grp(nl->sk, KEYROT_GENL_NAME,
				    KEYROT_MCGRP_EVENTS);
	if (grp < 0) {
		say("keyrot: multicast group \"%s\" not found: %s",
		    KEYROT_MCGRP_EVENTS, nl_geterror(grp));
		ret = -ENOENT;
		goto err_close;
	}
	nl_socket_disable_seq_check(nl->sk);
	ret = nl_socket_add_membership(nl->sk, grp);
	if (ret < 0) {
		if (ret == -NLE_PERM) {
			say("events: Operation not permitted (the events group needs CAP_NET_ADMIN over this network namespace)");
			ret = -EPERM;
		} else {
			say("events: cannot join group %s: %s",
			    KEYROT_MCGRP_EVENTS, nl_geterror(ret));
			ret = -EIO;
		}
		goto err_close;
	}
	ret = nl_socket_set_nonblocking(nl->sk);
	if (ret < 0) {
		say("events: %s", nl_geterror(ret));
		ret = -EIO;
		goto err_close;
	}
	return 0;

err_close:
	kr_nl_close(nl);
	return ret;
}

void kr_nl_close(struct kr_nl *nl)
{
	if (nl->sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

struct nl_msg *kr_nl_msg(struct kr_nl *nl, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			 cmd, KEYROT_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* The extack attributes that follow an error or done message's payload. */
static void read_extack(struct req_ctx *ctx, const struct nlmsghdr *nlh,
			unsigned int payload)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	unsigned int off = NLMSG_HDRLEN + payload;
	struct kr_nl_err *e = ctx->e;
	int i;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len <= off)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)nlh + off),
		      nlh->nlmsg_len - off, NULL))
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(e->msg, sizeof(e->msg), "%.*s",
			 nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
	if (tb[NLMSGERR_ATTR_OFFS] &&
	    nla_len(tb[NLMSGERR_ATTR_OFFS]) >= (int)sizeof(uint32_t)) {
		uint32_t offs = nla_get_u32(tb[NLMSGERR_ATTR_OFFS]);

		for (i = 0; i < ctx->nattrs; i++)
			if (ctx->attrs[i].offset == offs)
				e->bad_attr = ctx->attrs[i].type;
	}
	if (tb[NLMSGERR_ATTR_MISS_TYPE] &&
	    nla_len(tb[NLMSGERR_ATTR_MISS_TYPE]) >= (int)sizeof(uint32_t))
		e->miss_type = (int)nla_get_u32(tb[NLMSGERR_ATTR_MISS_TYPE]);
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct req_ctx *ctx = arg;
	unsigned int payload = sizeof(*err);

	(void)nla;
	/* Without NLM_F_CAPPED the whole request follows: skip it. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		payload += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	ctx->e->err = err->error;
	read_extack(ctx, nlh, payload);
	ctx->done = 1;
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct req_ctx *ctx = arg;

	(void)msg;
	ctx->done = 1;
	return NL_STOP;
}

/* NLMSG_DONE of a dump carries the dump's error, and its extack. */
static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct req_ctx *ctx = arg;
	int err;

	if (nlh->nlmsg_len >= NLMSG_HDRLEN + sizeof(int)) {
		memcpy(&err, nlmsg_data(nlh), sizeof(err));
		if (err < 0) {
			ctx->e->err = err;
			read_extack(ctx, nlh, sizeof(int));
		}
	}
	ctx->done = 1;
	return NL_STOP;
}

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct req_ctx *ctx = arg;
	int ret;

	if (!ctx->fn || ctx->ret)
		return NL_OK;
	ret = ctx->fn(msg, ctx->arg);
	if (ret)
		ctx->ret = ret;
	return NL_OK;
}

static int dump_intr_cb(struct nl_msg *msg, void *arg)
{
	struct req_ctx *ctx = arg;

	(void)msg;
	ctx->e->dump_intr = true;
	return NL_OK;
}

/* Where each attribute of the request is, to name the one extack points at. */
static void note_attrs(struct req_ctx *ctx, struct nl_msg *msg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, genlmsg_attrdata(nlmsg_data(nlh), 0),
			  genlmsg_attrlen(nlmsg_data(nlh), 0), rem) {
		if (ctx->nattrs == MAX_REQ_ATTRS)
			break;
		ctx->attrs[ctx->nattrs].offset = (char *)nla - (char *)nlh;
		ctx->attrs[ctx->nattrs].type = nla_type(nla);
		ctx->nattrs++;
	}
}

int kr_nl_request(struct kr_nl *nl, struct nl_msg *msg, bool secret,
		  kr_nl_reply_fn fn, void *arg, struct kr_nl_err *e)
{
	struct req_ctx ctx = { .e = e, .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int ret;

	memset(e, 0, sizeof(*e));
	note_attrs(&ctx, msg);
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		if (secret)
			OPENSSL_cleanse(nlmsg_hdr(msg), nlmsg_get_max_size(msg));
		e->nle = NLE_NOMEM;
		return -EIO;
	}
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, &ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &ctx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &ctx);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &ctx);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, dump_intr_cb, &ctx);

	ret = nl_send_auto(nl->sk, msg);
	/* nlmsg_free() does not wipe: the seed must not outlive the send. */
	if (secret)
		OPENSSL_cleanse(nlmsg_hdr(msg), nlmsg_get_max_size(msg));
	if (ret < 0) {
		e->nle = -ret;
		ret = -EIO;
		goto out_free_cb;
	}
	while (!ctx.done) {
		ret = nl_recvmsgs(nl->sk, cb);
		if (ret < 0 && !ctx.done) {
			e->nle = -ret;
			ret = -EIO;
			goto out_free_cb;
		}
	}
	if (e->err)
		ret = e->err;
	else if (ctx.ret)
		ret = ctx.ret;
	else if (e->dump_intr)
		ret = -EINTR;
	else
		ret = 0;

out_free_cb:
	nl_cb_put(cb);
	return ret;
}

/* Append to @buf (size @len, @*pos used so far), cutting what does not fit. */
static void add(char *buf, size_t len, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos = *pos + (size_t)n < len ? *pos + (size_t)n : len - 1;
}

char *kr_nl_describe(char *buf, size_t len, const char *op, int cmd,
		     uint32_t flow, int ret, const struct kr_nl_err *e)
{
	const char *name;
	size_t pos = 0;

	buf[0] = '\0';
	if (flow)
		add(buf, len, &pos, "flow %u: ", flow);
	if (ret == -EIO && e->nle) {
		add(buf, len, &pos, "%s: netlink: %s", op,
		    nl_geterror(-e->nle));
		return buf;
	}
	if (ret == -EINTR && e->dump_intr) {
		/* A dump names no flow. */
		pos = 0;
		add(buf, len, &pos, "%s: the flows kept changing during the dump",
		    op);
		return buf;
	}
	add(buf, len, &pos, "%s: %s", op, strerror(-ret));
	if (e->msg[0]) {
		add(buf, len, &pos, " (kernel: \"%s\"", e->msg);
		name = kr_name_attr(cmd, e->bad_attr);
		if (e->bad_attr && name)
			add(buf, len, &pos, ", attribute %s", name);
		name = kr_name_attr(cmd, e->miss_type);
		if (e->miss_type && name)
			add(buf, len, &pos, ", missing attribute %s", name);
		add(buf, len, &pos, ")");
	} else if (e->miss_type && kr_name_attr(cmd, e->miss_type)) {
		add(buf, len, &pos, " (kernel: missing attribute %s)",
		    kr_name_attr(cmd, e->miss_type));
	} else if (e->bad_attr && kr_name_attr(cmd, e->bad_attr)) {
		add(buf, len, &pos, " (kernel: refused attribute %s)",
		    kr_name_attr(cmd, e->bad_attr));
	}
	if (ret == -EPERM)
		add(buf, len, &pos,
		    " (keyrot needs CAP_NET_ADMIN over this network namespace)");
	else if (ret == -ENOENT && flow && !e->msg[0])
		add(buf, len, &pos, " (no flow %u in this network namespace)",
		    flow);
	return buf;
}

void kr_nl_report(const char *op, int cmd, uint32_t flow, int ret,
		  const struct kr_nl_err *e)
{
	char line[LINE_MAX_LEN];

	say("%s", kr_nl_describe(line, sizeof(line), op, cmd, flow, ret, e));
}
