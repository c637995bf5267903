// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "show.h"
#include "args.h"
#include "json.h"
#include "kr_names.h"
#include "kr_nl.h"
#include "kr_nlpol.h"
#include "kr_hex.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "keyrot.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum { DUMP_TRIES = 5, MAX_EPOCHS = 4 };

/* One epoch of a flow-get reply. */
struct epoch_view {
	struct nlattr *tb[KEYROT_A_EPOCH_MAX + 1];
};

/* Where the output of one request goes, and how. */
struct show_ctx {
	FILE *out;
	bool json;
	int nflows;
	struct kr_json j;
};

/* The settings as `krctl set` names them, so a line can be pasted back. */
static const struct {
	int type;
	const char *word;
} settings[] = {
	{ KEYROT_A_FLOW_MAX_PAYLOAD,		"max-payload" },
	{ KEYROT_A_FLOW_RX_QUEUE_LEN,		"rx-queue" },
	{ KEYROT_A_FLOW_TX_QUEUE_LEN,		"tx-queue" },
	{ KEYROT_A_FLOW_REPLAY_WINDOW,		"window" },
	{ KEYROT_A_FLOW_WATERMARK,		"watermark" },
	{ KEYROT_A_FLOW_REKEY_INTERVAL_MS,	"rekey-interval" },
	{ KEYROT_A_FLOW_REKEY_JITTER_PCT,	"jitter" },
	{ KEYROT_A_FLOW_GRACE_MS,		"grace" },
	{ KEYROT_A_FLOW_RETIRE_MS,		"retire" },
	{ KEYROT_A_FLOW_CONFIRM_MS,		"confirm" },
	{ KEYROT_A_FLOW_EVENT_MS,		"event" },
	{ KEYROT_A_FLOW_KEEPALIVE_MS,		"keepalive" },
	{ KEYROT_A_FLOW_PEER_TIMEOUT_MS,	"peer-timeout" },
	{ KEYROT_A_FLOW_TRIAL_MS,		"trial" },
};

/* An integer attribute of any width the spec uses. */
static uint64_t get_uint(const struct nlattr *nla)
{
	switch (nla_len(nla)) {
	case 1:
		return nla_get_u8((struct nlattr *)nla);
	case 2:
		return nla_get_u16((struct nlattr *)nla);
	case 4:
		return nla_get_u32((struct nlattr *)nla);
	default:
		return nla_get_u64((struct nlattr *)nla);
	}
}

static const char *addr_text(const struct nlattr *nla, char *buf, size_t len)
{
	int af = nla_len(nla) == 4 ? AF_INET : AF_INET6;

	if ((nla_len(nla) != 4 && nla_len(nla) != 16) ||
	    !inet_ntop(af, nla_data(nla), buf, len))
		snprintf(buf, len, "?");
	return buf;
}

static const char *enum_text(const char *name, uint64_t v, char *buf,
			     size_t len)
{
	if (name)
		return name;
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static int parse_epochs(struct nlattr **tb, struct nlattr *attrs, int len,
			struct epoch_view *ep, int *nep)
{
	struct nlattr *nla;
	int rem, ret;

	(void)tb;
	*nep = 0;
	nla_for_each_attr(nla, attrs, len, rem) {
		if (nla_type(nla) != KEYROT_A_FLOW_EPOCH)
			continue;
		if (*nep == MAX_EPOCHS)
			return -EPROTO;
		ret = nla_parse_nested(ep[*nep].tb, KEYROT_A_EPOCH_MAX, nla,
				       kr_nlpol_epoch);
		if (ret)
			return -EPROTO;
		(*nep)++;
	}
	return 0;
}

static void stats_json(struct kr_json *j, struct nlattr *nest)
{
	struct nlattr *tb[KEYROT_A_STATS_MAX + 1];
	int i;

	kr_json_obj_open(j, "stats");
	if (nest && !nla_parse_nested(tb, KEYROT_A_STATS_MAX, nest,
				      kr_nlpol_stats)) {
		for (i = 1; i <= KEYROT_A_STATS_MAX; i++)
			if (tb[i] && kr_name_stat(i))
				kr_json_u64(j, kr_name_stat(i), get_uint(tb[i]));
	}
	kr_json_obj_close(j);
}

/* "counters: tx-packets 5 ..." for the non-zero ones, wrapped. */
static void stats_text(FILE *out, const char *indent, struct nlattr *nest)
{
	struct nlattr *tb[KEYROT_A_STATS_MAX + 1];
	int i, col = 0, n = 0;
	char item[64];

	if (!nest || nla_parse_nested(tb, KEYROT_A_STATS_MAX, nest,
				      kr_nlpol_stats))
		return;
	for (i = 1; i <= KEYROT_A_STATS_MAX; i++) {
		uint64_t v;

		if (!tb[i] || !kr_name_stat(i))
			continue;
		v = get_uint(tb[i]);
		if (!v)
			continue;
		snprintf(item, sizeof(item), " %s %" PRIu64, kr_name_stat(i),
			 v);
		if (!n || col + strlen(item) > 78) {
			fprintf(out, "%s%s%s", n ? "\n" : "", indent,
				n ? "         " : "counters:");
			col = strlen(indent) + 9;
		}
		fputs(item, out);
		col += strlen(item);
		n++;
	}
	if (!n)
		fprintf(out, "%scounters: all zero", indent);
	fputc('\n', out);
}

static void flow_json(struct show_ctx *c, struct nlattr **tb,
		      struct epoch_view *ep, int nep)
{
	static const int plain[] = {
		KEYROT_A_FLOW_ID, KEYROT_A_FLOW_COOKIE, KEYROT_A_FLOW_PEER_PORT,
		KEYROT_A_FLOW_PEER_ID, KEYROT_A_FLOW_MAX_PAYLOAD,
		KEYROT_A_FLOW_RX_QUEUE_LEN, KEYROT_A_FLOW_TX_QUEUE_LEN,
		KEYROT_A_FLOW_REPLAY_WINDOW, KEYROT_A_FLOW_WATERMARK,
		KEYROT_A_FLOW_REKEY_INTERVAL_MS,
		KEYROT_A_FLOW_REKEY_JITTER_PCT, KEYROT_A_FLOW_GRACE_MS,
		KEYROT_A_FLOW_RETIRE_MS, KEYROT_A_FLOW_CONFIRM_MS,
		KEYROT_A_FLOW_EVENT_MS, KEYROT_A_FLOW_KEEPALIVE_MS,
		KEYROT_A_FLOW_PEER_TIMEOUT_MS, KEYROT_A_FLOW_TRIAL_MS,
		KEYROT_A_FLOW_LAST_RX_MS,
	};
	struct kr_json *j = &c->j;
	char buf[64], hex[2 * KEYROT_KEY_ID_LEN + 1];
	uint64_t v;
	size_t i;
	int k;

	kr_json_obj_open(j, NULL);
	for (i = 0; i < ARRAY_SIZE(plain); i++)
		if (tb[plain[i]])
			kr_json_u64(j, kr_name_attr(KEYROT_CMD_FLOW_GET,
						    plain[i]),
				    get_uint(tb[plain[i]]));
	if (tb[KEYROT_A_FLOW_PEER_ADDR])
		kr_json_str(j, "peer-addr",
			    addr_text(tb[KEYROT_A_FLOW_PEER_ADDR], buf,
				      sizeof(buf)));
	if (tb[KEYROT_A_FLOW_ROLE]) {
		v = get_uint(tb[KEYROT_A_FLOW_ROLE]);
		kr_json_str(j, "role", enum_text(kr_name_role(v), v, buf,
						 sizeof(buf)));
	}
	if (tb[KEYROT_A_FLOW_CIPHER]) {
		v = get_uint(tb[KEYROT_A_FLOW_CIPHER]);
		kr_json_str(j, "cipher", enum_text(kr_name_cipher(v), v, buf,
						   sizeof(buf)));
	}
	if (tb[KEYROT_A_FLOW_FLAGS])
		kr_json_flags(j, "flags",
			      (uint32_t)get_uint(tb[KEYROT_A_FLOW_FLAGS]),
			      kr_rb_names, kr_rb_count);
	if (tb[KEYROT_A_FLOW_REKEY_NEED])
		kr_json_flags(j, "rekey-need",
			      (uint32_t)get_uint(tb[KEYROT_A_FLOW_REKEY_NEED]),
			      kr_reason_names, kr_reason_count);
	kr_json_arr_open(j, "epoch");
	for (k = 0; k < nep; k++) {
		struct nlattr **e = ep[k].tb;

		kr_json_obj_open(j, NULL);
		if (e[KEYROT_A_EPOCH_NUMBER])
			kr_json_u64(j, "number",
				    get_uint(e[KEYROT_A_EPOCH_NUMBER]));
		if (e[KEYROT_A_EPOCH_KEY_ID]) {
			kr_hex_encode(hex, nla_data(e[KEYROT_A_EPOCH_KEY_ID]),
				      KEYROT_KEY_ID_LEN);
			kr_json_str(j, "key-id", hex);
		}
		if (e[KEYROT_A_EPOCH_STATE]) {
			v = get_uint(e[KEYROT_A_EPOCH_STATE]);
			kr_json_str(j, "state",
				    enum_text(kr_name_epoch_state(v), v, buf,
					      sizeof(buf)));
		}
		kr_json_bool(j, "confirmed", !!e[KEYROT_A_EPOCH_CONFIRMED]);
		kr_json_bool(j, "peer-seen", !!e[KEYROT_A_EPOCH_PEER_SEEN]);
		if (e[KEYROT_A_EPOCH_TX_SEQ])
			kr_json_u64(j, "tx-seq",
				    get_uint(e[KEYROT_A_EPOCH_TX_SEQ]));
		if (e[KEYROT_A_EPOCH_RX_SEQ])
			kr_json_u64(j, "rx-seq",
				    get_uint(e[KEYROT_A_EPOCH_RX_SEQ]));
		if (e[KEYROT_A_EPOCH_LEAVES_REMAINING])
			kr_json_u64(j, "leaves-remaining",
				    get_uint(e[KEYROT_A_EPOCH_LEAVES_REMAINING]));
		if (e[KEYROT_A_EPOCH_AGE_MS])
			kr_json_u64(j, "age-ms",
				    get_uint(e[KEYROT_A_EPOCH_AGE_MS]));
		kr_json_obj_close(j);
	}
	kr_json_arr_close(j);
	stats_json(j, tb[KEYROT_A_FLOW_STATS]);
	kr_json_obj_close(j);
}

static void epoch_text(FILE *out, struct nlattr **e)
{
	char hex[2 * KEYROT_KEY_ID_LEN + 1] = "?", buf[32], conf[32];
	uint64_t v = 0;

	if (e[KEYROT_A_EPOCH_KEY_ID])
		kr_hex_encode(hex, nla_data(e[KEYROT_A_EPOCH_KEY_ID]),
			      KEYROT_KEY_ID_LEN);
	if (e[KEYROT_A_EPOCH_STATE])
		v = get_uint(e[KEYROT_A_EPOCH_STATE]);
	snprintf(conf, sizeof(conf), "%s%s",
		 e[KEYROT_A_EPOCH_CONFIRMED] ? "confirmed" : "unconfirmed",
		 e[KEYROT_A_EPOCH_PEER_SEEN] ? ",peer-seen" : "");
	fprintf(out, "  epoch %-3" PRIu64 " %-8s key %s  %-21s",
		e[KEYROT_A_EPOCH_NUMBER] ?
			get_uint(e[KEYROT_A_EPOCH_NUMBER]) : 0,
		e[KEYROT_A_EPOCH_STATE] ?
			enum_text(kr_name_epoch_state(v), v, buf, sizeof(buf)) :
			"?",
		hex, conf);
	if (e[KEYROT_A_EPOCH_TX_SEQ])
		fprintf(out, " tx %" PRIu64, get_uint(e[KEYROT_A_EPOCH_TX_SEQ]));
	if (e[KEYROT_A_EPOCH_RX_SEQ])
		fprintf(out, " rx %" PRIu64, get_uint(e[KEYROT_A_EPOCH_RX_SEQ]));
	if (e[KEYROT_A_EPOCH_LEAVES_REMAINING])
		fprintf(out, " leaves %" PRIu64,
			get_uint(e[KEYROT_A_EPOCH_LEAVES_REMAINING]));
	if (e[KEYROT_A_EPOCH_AGE_MS])
		fprintf(out, " age %" PRIu64 " ms",
			get_uint(e[KEYROT_A_EPOCH_AGE_MS]));
	fputc('\n', out);
}

static void flow_text(struct show_ctx *c, struct nlattr **tb,
		      struct epoch_view *ep, int nep)
{
	FILE *out = c->out;
	char buf[64], names[96];
	int col, k;
	size_t i;
	uint64_t v;

	if (c->nflows)
		fputc('\n', out);
	fprintf(out, "flow %" PRIu64,
		tb[KEYROT_A_FLOW_ID] ? get_uint(tb[KEYROT_A_FLOW_ID]) : 0);
	if (tb[KEYROT_A_FLOW_PEER_ADDR])
		fprintf(out, "  peer %s",
			addr_text(tb[KEYROT_A_FLOW_PEER_ADDR], buf,
				  sizeof(buf)));
	else
		fprintf(out, "  peer -");
	if (tb[KEYROT_A_FLOW_PEER_PORT])
		fprintf(out, " port %" PRIu64,
			get_uint(tb[KEYROT_A_FLOW_PEER_PORT]));
	if (tb[KEYROT_A_FLOW_PEER_ID])
		fprintf(out, " peer-id %" PRIu64,
			get_uint(tb[KEYROT_A_FLOW_PEER_ID]));
	if (tb[KEYROT_A_FLOW_ROLE]) {
		v = get_uint(tb[KEYROT_A_FLOW_ROLE]);
		fprintf(out, "  %s", enum_text(kr_name_role(v), v, buf,
					       sizeof(buf)));
	}
	if (tb[KEYROT_A_FLOW_CIPHER]) {
		v = get_uint(tb[KEYROT_A_FLOW_CIPHER]);
		fprintf(out, "  %s", enum_text(kr_name_cipher(v), v, buf,
					       sizeof(buf)));
	}
	if (tb[KEYROT_A_FLOW_COOKIE])
		fprintf(out, "  cookie %" PRIu64,
			get_uint(tb[KEYROT_A_FLOW_COOKIE]));
	fputc('\n', out);

	v = tb[KEYROT_A_FLOW_FLAGS] ? get_uint(tb[KEYROT_A_FLOW_FLAGS]) : 0;
	fprintf(out, "  flags %s",
		kr_name_flags(names, sizeof(names), (uint32_t)v, kr_rb_names,
			      kr_rb_count));
	v = tb[KEYROT_A_FLOW_REKEY_NEED] ?
		get_uint(tb[KEYROT_A_FLOW_REKEY_NEED]) : 0;
	if (v)
		fprintf(out, "  rekey needed: %s",
			kr_name_flags(names, sizeof(names), (uint32_t)v,
				      kr_reason_names, kr_reason_count));
	else
		fprintf(out, "  rekey not needed");
	if (tb[KEYROT_A_FLOW_LAST_RX_MS])
		fprintf(out, "  last rx %" PRIu64 " ms ago",
			get_uint(tb[KEYROT_A_FLOW_LAST_RX_MS]));
	fputc('\n', out);

	if (!nep)
		fprintf(out, "  no epoch installed\n");
	for (k = 0; k < nep; k++)
		epoch_text(out, ep[k].tb);

	col = 0;
	for (i = 0; i < ARRAY_SIZE(settings); i++) {
		char item[48];

		if (!tb[settings[i].type])
			continue;
		snprintf(item, sizeof(item), " %s %" PRIu64, settings[i].word,
			 get_uint(tb[settings[i].type]));
		if (!col || col + strlen(item) > 78) {
			fprintf(out, "%s  %s", col ? "\n" : "",
				col ? "         " : "settings:");
			col = 11;
		}
		fputs(item, out);
		col += strlen(item);
	}
	if (col)
		fputc('\n', out);
	stats_text(out, "  ", tb[KEYROT_A_FLOW_STATS]);
}

static int flow_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KEYROT_A_FLOW_MAX + 1];
	struct epoch_view ep[MAX_EPOCHS];
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct show_ctx *c = arg;
	int nep, ret;

	ret = genlmsg_parse(nlh, 0, tb, KEYROT_A_FLOW_MAX, kr_nlpol_flow);
	if (ret)
		return -EPROTO;
	ret = parse_epochs(tb, genlmsg_attrdata(gh, 0),
			   genlmsg_attrlen(gh, 0), ep, &nep);
	if (ret)
		return ret;
	if (c->json)
		flow_json(c, tb, ep, nep);
	else
		flow_text(c, tb, ep, nep);
	c->nflows++;
	return 0;
}

static int netns_reply(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[KEYROT_A_NETNS_MAX + 1];
	struct show_ctx *c = arg;
	struct kr_json *j = &c->j;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, KEYROT_A_NETNS_MAX,
			  kr_nlpol_netns))
		return -EPROTO;
	if (c->json) {
		kr_json_obj_open(j, NULL);
		if (tb[KEYROT_A_NETNS_PORT])
			kr_json_u64(j, "port", get_uint(tb[KEYROT_A_NETNS_PORT]));
		if (tb[KEYROT_A_NETNS_FLOWS])
			kr_json_u64(j, "flows",
				    get_uint(tb[KEYROT_A_NETNS_FLOWS]));
		if (tb[KEYROT_A_NETNS_TFMS])
			kr_json_u64(j, "tfms", get_uint(tb[KEYROT_A_NETNS_TFMS]));
		stats_json(j, tb[KEYROT_A_NETNS_STATS]);
		kr_json_obj_close(j);
		fputc('\n', c->out);
	} else {
		if (tb[KEYROT_A_NETNS_PORT])
			fprintf(c->out, "port %" PRIu64,
				get_uint(tb[KEYROT_A_NETNS_PORT]));
		if (tb[KEYROT_A_NETNS_FLOWS])
			fprintf(c->out, "  flows %" PRIu64,
				get_uint(tb[KEYROT_A_NETNS_FLOWS]));
		if (tb[KEYROT_A_NETNS_TFMS])
			fprintf(c->out, "  tfms %" PRIu64,
				get_uint(tb[KEYROT_A_NETNS_TFMS]));
		fputc('\n', c->out);
		stats_text(c->out, "", tb[KEYROT_A_NETNS_STATS]);
	}
	c->nflows++;
	return 0;
}

/* One attempt: the output goes to memory, printed only if it completes. */
static int show_once(struct kr_nl *nl, const struct kr_cmd *cmd, int nlcmd,
		     struct kr_nl_err *e)
{
	bool dump = nlcmd == KEYROT_CMD_FLOW_GET && !cmd->have_id;
	struct show_ctx c = { .json = cmd->json };
	struct nl_msg *msg;
	char *text = NULL;
	size_t len = 0;
	int ret;

	c.out = open_memstream(&text, &len);
	if (!c.out)
		return -ENOMEM;
	kr_json_init(&c.j, c.out);
	msg = kr_nl_msg(nl, (uint8_t)nlcmd, dump ? NLM_F_DUMP : 0);
	if (!msg) {
		ret = -ENOMEM;
		goto out_close;
	}
	if (nlcmd == KEYROT_CMD_FLOW_GET && cmd->have_id &&
	    nla_put_u32(msg, KEYROT_A_FLOW_ID, cmd->id)) {
		ret = -ENOMEM;
		goto out_free_msg;
	}
	if (dump && c.json) {
		kr_json_obj_open(&c.j, NULL);
		kr_json_arr_open(&c.j, "flows");
	}
	ret = kr_nl_request(nl, msg, false,
			    nlcmd == KEYROT_CMD_FLOW_GET ? flow_reply :
							   netns_reply,
			    &c, e);
	if (dump && c.json) {
		kr_json_arr_close(&c.j);
		kr_json_obj_close(&c.j);
	}
	if (nlcmd == KEYROT_CMD_FLOW_GET && c.json)
		fputc('\n', c.out);
	else if (dump && !c.nflows)
		fprintf(c.out, "no flows\n");
out_free_msg:
	nlmsg_free(msg);
out_close:
	fclose(c.out);
	if (!ret)
		fwrite(text, 1, len, stdout);
	free(text);
	return ret;
}

int kr_show_run(struct kr_nl *nl, const struct kr_cmd *cmd)
{
	int nlcmd = cmd->verb == KR_VERB_STATS ? KEYROT_CMD_NETNS_GET :
						 KEYROT_CMD_FLOW_GET;
	struct kr_nl_err e;
	int tries, ret;

	for (tries = 0; tries < DUMP_TRIES; tries++) {
		ret = show_once(nl, cmd, nlcmd, &e);
		if (ret != -EINTR || !e.dump_intr)
			break;
	}
	if (ret == -ENOMEM)
		fprintf(stderr, "krctl: %s: out of memory\n",
			kr_name_op(nlcmd));
	else if (ret == -EPROTO)
		fprintf(stderr, "krctl: %s: malformed reply from the kernel\n",
			kr_name_op(nlcmd));
	else if (ret)
		kr_nl_report(kr_name_op(nlcmd), nlcmd,
			     cmd->have_id ? cmd->id : 0, ret, &e);
	return ret;
}
