// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "events.h"
#include "args.h"
#include "json.h"
#include "kr_names.h"
#include "kr_nl.h"
#include "kr_nlpol.h"
#include "kr_hex.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "keyrot.h"

struct events_ctx {
	const struct kr_cmd *cmd;
	unsigned long seen;
};

static void print_json(const char *name, struct nlattr **tb)
{
	char hex[2 * KEYROT_KEY_ID_LEN + 1];
	struct kr_json j;

	kr_json_init(&j, stdout);
	kr_json_obj_open(&j, NULL);
	kr_json_str(&j, "event", name);
	if (tb[KEYROT_A_EVENT_FLOW_ID])
		kr_json_u64(&j, "flow-id",
			    nla_get_u32(tb[KEYROT_A_EVENT_FLOW_ID]));
	if (tb[KEYROT_A_EVENT_COOKIE])
		kr_json_u64(&j, "cookie",
			    nla_get_u64(tb[KEYROT_A_EVENT_COOKIE]));
	if (tb[KEYROT_A_EVENT_REASON])
		kr_json_flags(&j, "reason",
			      nla_get_u32(tb[KEYROT_A_EVENT_REASON]),
			      kr_reason_names, kr_reason_count);
	if (tb[KEYROT_A_EVENT_EPOCH])
		kr_json_u64(&j, "epoch", nla_get_u8(tb[KEYROT_A_EVENT_EPOCH]));
	if (tb[KEYROT_A_EVENT_OLD_EPOCH])
		kr_json_u64(&j, "old-epoch",
			    nla_get_u8(tb[KEYROT_A_EVENT_OLD_EPOCH]));
	if (tb[KEYROT_A_EVENT_KEY_ID]) {
		kr_hex_encode(hex, nla_data(tb[KEYROT_A_EVENT_KEY_ID]),
			      KEYROT_KEY_ID_LEN);
		kr_json_str(&j, "key-id", hex);
	}
	kr_json_obj_close(&j);
	fputc('\n', stdout);
}

/* "epoch-switched flow 7 epoch 4 key 1c63... old-epoch 3 cookie 42" */
static void print_text(const char *name, struct nlattr **tb)
{
	char hex[2 * KEYROT_KEY_ID_LEN + 1], names[96];

	printf("%s", name);
	if (tb[KEYROT_A_EVENT_FLOW_ID])
		printf(" flow %u", nla_get_u32(tb[KEYROT_A_EVENT_FLOW_ID]));
	if (tb[KEYROT_A_EVENT_EPOCH])
		printf(" epoch %u", nla_get_u8(tb[KEYROT_A_EVENT_EPOCH]));
	if (tb[KEYROT_A_EVENT_KEY_ID]) {
		kr_hex_encode(hex, nla_data(tb[KEYROT_A_EVENT_KEY_ID]),
			      KEYROT_KEY_ID_LEN);
		printf(" key %s", hex);
	}
	if (tb[KEYROT_A_EVENT_OLD_EPOCH])
		printf(" old-epoch %u",
		       nla_get_u8(tb[KEYROT_A_EVENT_OLD_EPOCH]));
	if (tb[KEYROT_A_EVENT_REASON])
		printf(" reason %s",
		       kr_name_flags(names, sizeof(names),
				     nla_get_u32(tb[KEYROT_A_EVENT_REASON]),
				     kr_reason_names, kr_reason_count));
	if (tb[KEYROT_A_EVENT_COOKIE])
		printf(" cookie %" PRIu64,
		       (uint64_t)nla_get_u64(tb[KEYROT_A_EVENT_COOKIE]));
	putchar('\n');
}

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KEYROT_A_EVENT_MAX + 1];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct events_ctx *c = arg;
	char other[32];
	const char *name;

	if (genlmsg_parse(nlh, 0, tb, KEYROT_A_EVENT_MAX, kr_nlpol_event)) {
		fprintf(stderr, "krctl: events: malformed event (cmd %u)\n",
			gh->cmd);
		return NL_SKIP;
	}
	if (c->cmd->count && c->seen >= c->cmd->count)
		return NL_STOP;
	if (c->cmd->have_flow_filter &&
	    (!tb[KEYROT_A_EVENT_FLOW_ID] ||
	     nla_get_u32(tb[KEYROT_A_EVENT_FLOW_ID]) != c->cmd->flow_filter))
		return NL_SKIP;
	name = kr_name_event(gh->cmd);
	if (!name) {
		snprintf(other, sizeof(other), "event-%u", gh->cmd);
		name = other;
	}
	if (c->cmd->json)
		print_json(name, tb);
	else
		print_text(name, tb);
	fflush(stdout);
	c->seen++;
	return NL_OK;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

int kr_events_run(const struct kr_cmd *cmd)
{
	struct events_ctx c = { .cmd = cmd };
	double deadline = cmd->timeout > 0 ? now_s() + cmd->timeout : 0;
	struct pollfd pfd = { .events = POLLIN };
	struct kr_nl nl;
	int ret, ms;

	ret = kr_nl_open_events(&nl);
	if (ret)
		return ret;
	/* The socket's own callbacks: kr_nl_open_events() disabled seq checks. */
	nl_socket_modify_cb(nl.sk, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &c);
	if (cmd->ready_file) {
		ret = touch(cmd->ready_file);
		if (ret) {
			fprintf(stderr, "krctl: events: %s: %s\n",
				cmd->ready_file, strerror(-ret));
			goto out_close;
		}
	}
	pfd.fd = nl_socket_get_fd(nl.sk);
	while (!cmd->count || c.seen < cmd->count) {
		ms = -1;
		if (deadline) {
			double left = deadline - now_s();

			if (left <= 0)
				break;
			ms = (int)(left * 1000) + 1;
		}
		ret = poll(&pfd, 1, ms);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0) {
			ret = -errno;
			fprintf(stderr, "krctl: events: poll: %s\n",
				strerror(errno));
			goto out_close;
		}
		if (!ret)
			continue;
		ret = nl_recvmsgs_default(nl.sk);
		if (ret == -NLE_NOMEM) {
			/* ENOBUFS: the kernel dropped events for us. */
			fprintf(stderr,
				"krctl: events: some events were lost (receive buffer full)\n");
		} else if (ret < 0 && ret != -NLE_AGAIN) {
			fprintf(stderr, "krctl: events: %s\n", nl_geterror(ret));
			ret = -EIO;
			goto out_close;
		}
	}
	ret = cmd->count && c.seen < cmd->count ? -ETIMEDOUT : 0;
	if (ret)
		fprintf(stderr, "krctl: events: timeout after %lu of %lu events\n",
			c.seen, cmd->count);
out_close:
	kr_nl_close(&nl);
	return ret;
}
