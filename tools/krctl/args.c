// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "args.h"
#include "kr_hex.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The words of `krctl set` and the flow attribute each one sets. */
struct set_word {
	const char *word;
	int type;
	enum kr_set_kind kind;
};

static const struct set_word set_words[] = {
	{ "peer",		KEYROT_A_FLOW_PEER_ADDR,	KR_SET_ADDR },
	{ "port",		KEYROT_A_FLOW_PEER_PORT,	KR_SET_U16 },
	{ "peer-id",		KEYROT_A_FLOW_PEER_ID,		KR_SET_U32 },
	{ "role",		KEYROT_A_FLOW_ROLE,		KR_SET_U8 },
	{ "cipher",		KEYROT_A_FLOW_CIPHER,		KR_SET_U8 },
	{ "cookie",		KEYROT_A_FLOW_COOKIE,		KR_SET_U64 },
	{ "max-payload",	KEYROT_A_FLOW_MAX_PAYLOAD,	KR_SET_U32 },
	{ "rx-queue",		KEYROT_A_FLOW_RX_QUEUE_LEN,	KR_SET_U32 },
	{ "tx-queue",		KEYROT_A_FLOW_TX_QUEUE_LEN,	KR_SET_U32 },
	{ "window",		KEYROT_A_FLOW_REPLAY_WINDOW,	KR_SET_U32 },
	{ "watermark",		KEYROT_A_FLOW_WATERMARK,	KR_SET_U32 },
	{ "rekey-interval",	KEYROT_A_FLOW_REKEY_INTERVAL_MS, KR_SET_U32 },
	{ "jitter",		KEYROT_A_FLOW_REKEY_JITTER_PCT,	KR_SET_U8 },
	{ "grace",		KEYROT_A_FLOW_GRACE_MS,		KR_SET_U32 },
	{ "retire",		KEYROT_A_FLOW_RETIRE_MS,	KR_SET_U32 },
	{ "confirm",		KEYROT_A_FLOW_CONFIRM_MS,	KR_SET_U32 },
	{ "event",		KEYROT_A_FLOW_EVENT_MS,		KR_SET_U32 },
	{ "keepalive",		KEYROT_A_FLOW_KEEPALIVE_MS,	KR_SET_U32 },
	{ "peer-timeout",	KEYROT_A_FLOW_PEER_TIMEOUT_MS,	KR_SET_U32 },
	{ "trial",		KEYROT_A_FLOW_TRIAL_MS,		KR_SET_U32 },
};

struct verb_word {
	const char *word;
	enum kr_verb verb;
};

static const struct verb_word verb_words[] = {
	{ "help",	KR_VERB_HELP },
	{ "create",	KR_VERB_CREATE },
	{ "set",	KR_VERB_SET },
	{ "install",	KR_VERB_INSTALL },
	{ "keyid",	KR_VERB_KEYID },
	{ "confirm",	KR_VERB_CONFIRM },
	{ "withdraw",	KR_VERB_WITHDRAW },
	{ "rekey",	KR_VERB_REKEY },
	{ "down",	KR_VERB_DOWN },
	{ "peer-gone",	KR_VERB_PEER_GONE },
	{ "del",	KR_VERB_DEL },
	{ "port",	KR_VERB_PORT },
	{ "stats",	KR_VERB_STATS },
	{ "show",	KR_VERB_SHOW },
	{ "events",	KR_VERB_EVENTS },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Parsing state: the words left, and where the reason goes. */
struct parser {
	int argc;
	char **argv;
	int i;
	char *err;
	size_t errlen;
	struct kr_cmd *cmd;
};

static int fail(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int kr_args_number(const char *s, uint64_t max, uint64_t *val)
{
	unsigned long long v;
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		      (*s >= 'A' && *s <= 'F')))
			return -EINVAL;
	} else if (*s < '0' || *s > '9') {
		return -EINVAL;		/* no sign, no space, not empty */
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v > max)
		return -ERANGE;
	*val = v;
	return 0;
}

int kr_args_addr(const char *s, unsigned char addr[16], size_t *len)
{
	if (inet_pton(AF_INET, s, addr) == 1) {
		*len = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*len = 16;
		return 0;
	}
	return -EINVAL;
}

static int parse_num(struct parser *p, const char *what, const char *s,
		     uint64_t max, uint64_t *val)
{
	int ret = kr_args_number(s, max, val);

	if (ret == -ERANGE)
		return fail(p, "%s: %s is out of range (at most %llu)", what,
			    s, (unsigned long long)max);
	if (ret)
		return fail(p, "%s: '%s' is not a number", what, s);
	return 0;
}

/* The next word, which must be there: the value of option or word @what. */
static int next_word(struct parser *p, const char *what, const char **w)
{
	if (p->i >= p->argc)
		return fail(p, "%s needs a value", what);
	*w = p->argv[p->i++];
	return 0;
}

static int parse_enum(struct parser *p, const char *what, const char *s,
		      const char *const *names, int n, uint64_t *val)
{
	int i;

	for (i = 0; i < n; i++) {
		if (!strcmp(s, names[i])) {
			*val = i;
			return 0;
		}
	}
	/* A number reaches the kernel as is: its policy may refuse it. */
	if (!kr_args_number(s, 255, val))
		return 0;
	return fail(p, "%s: '%s' is not one of %s%s%s", what, s, names[0],
		    n > 1 ? ", " : "", n > 1 ? names[1] : "");
}

static int parse_set_word(struct parser *p, const char *word)
{
	static const char *const roles[] = { "initiator", "responder" };
	static const char *const ciphers[] = {
		"aes-256-gcm", "chacha20-poly1305"
	};
	static const uint64_t max[] = {
		[KR_SET_U8] = UINT8_MAX, [KR_SET_U16] = UINT16_MAX,
		[KR_SET_U32] = UINT32_MAX, [KR_SET_U64] = UINT64_MAX,
	};
	struct kr_cmd *cmd = p->cmd;
	const struct set_word *sw = NULL;
	struct kr_set_attr *a;
	const char *val = NULL;
	size_t i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(set_words); i++)
		if (!strcmp(word, set_words[i].word))
			sw = &set_words[i];
	if (!sw)
		return fail(p, "set: unknown setting '%s'", word);
	for (i = 0; i < (size_t)cmd->nset; i++)
		if (cmd->set[i].type == sw->type)
			return fail(p, "set: %s given twice", word);
	ret = next_word(p, word, &val);
	if (ret)
		return ret;

	a = &cmd->set[cmd->nset++];
	a->type = sw->type;
	a->kind = sw->kind;
	if (sw->kind == KR_SET_ADDR) {
		if (kr_args_addr(val, a->addr, &a->addr_len))
			return fail(p, "peer: '%s' is not an IPv4 or IPv6 address",
				    val);
		return 0;
	}
	if (sw->type == KEYROT_A_FLOW_ROLE)
		return parse_enum(p, word, val, roles, 2, &a->val);
	if (sw->type == KEYROT_A_FLOW_CIPHER)
		return parse_enum(p, word, val, ciphers, 2, &a->val);
	return parse_num(p, word, val, max[sw->kind], &a->val);
}

static int parse_id(struct parser *p, const char *s, uint32_t *id)
{
	uint64_t v;
	int ret;

	ret = parse_num(p, "flow ID", s, UINT32_MAX, &v);
	if (ret)
		return ret;
	*id = (uint32_t)v;
	return 0;
}

static int parse_key_id(struct parser *p, const char *s)
{
	if (kr_hex_decode(p->cmd->key_id, KEYROT_KEY_ID_LEN, s, strlen(s)))
		return fail(p, "KEYID '%s' is not %d hex digits", s,
			    2 * KEYROT_KEY_ID_LEN);
	return 0;
}

static int parse_seconds(struct parser *p, const char *what, const char *s,
			 double *val)
{
	char *end;
	double v;

	if (*s < '0' || *s > '9')
		return fail(p, "%s: '%s' is not a number of seconds", what, s);
	v = strtod(s, &end);
	if (*end || !isfinite(v) || v > 1e9)
		return fail(p, "%s: '%s' is not a number of seconds", what, s);
	*val = v;
	return 0;
}

#define VERB(v) (1u << (v))

/* The options of each verb; "--name VALUE" or "--name=VALUE" for those with a value. */
enum opt_id {
	OPT_JSON, OPT_HOLD, OPT_ID_FILE, OPT_PEER_HOLDS, OPT_START_D0,
	OPT_START_D1, OPT_SEED_FILE, OPT_COUNT, OPT_TIMEOUT, OPT_FLOW,
	OPT_READY_FILE, OPT_NETNS, OPT_WATCH, OPT_TRAFFIC,
};

static const struct {
	const char *name;
	enum opt_id id;
	unsigned int verbs;
	bool value;
} options[] = {
	{ "--json", OPT_JSON, VERB(KR_VERB_SHOW) | VERB(KR_VERB_STATS) |
			      VERB(KR_VERB_EVENTS), false },
	{ "--hold", OPT_HOLD, VERB(KR_VERB_CREATE), false },
	{ "--id-file", OPT_ID_FILE, VERB(KR_VERB_CREATE), true },
	{ "--netns", OPT_NETNS, VERB(KR_VERB_CREATE), true },
	{ "--watch", OPT_WATCH, VERB(KR_VERB_CREATE), true },
	{ "--traffic", OPT_TRAFFIC, VERB(KR_VERB_CREATE), true },
	{ "--peer-holds", OPT_PEER_HOLDS, VERB(KR_VERB_INSTALL), false },
	{ "--start-d0", OPT_START_D0, VERB(KR_VERB_INSTALL), true },
	{ "--start-d1", OPT_START_D1, VERB(KR_VERB_INSTALL), true },
	{ "--seed-file", OPT_SEED_FILE, VERB(KR_VERB_INSTALL) |
					VERB(KR_VERB_KEYID), true },
	{ "--count", OPT_COUNT, VERB(KR_VERB_EVENTS), true },
	{ "--timeout", OPT_TIMEOUT, VERB(KR_VERB_EVENTS), true },
	{ "--flow", OPT_FLOW, VERB(KR_VERB_EVENTS), true },
	{ "--ready-file", OPT_READY_FILE, VERB(KR_VERB_EVENTS), true },
};

static int set_option(struct parser *p, enum opt_id id, const char *name,
		      const char *val)
{
	struct kr_cmd *cmd = p->cmd;
	uint64_t n;
	int ret = 0;

	switch (id) {
	case OPT_JSON:
		cmd->json = true;
		break;
	case OPT_HOLD:
		cmd->hold = true;
		break;
	case OPT_ID_FILE:
		cmd->id_file = val;
		break;
	case OPT_PEER_HOLDS:
		cmd->peer_holds = true;
		break;
	case OPT_START_D0:
		ret = parse_num(p, name, val, UINT64_MAX, &cmd->start_d0);
		cmd->have_start_d0 = true;
		break;
	case OPT_START_D1:
		ret = parse_num(p, name, val, UINT64_MAX, &cmd->start_d1);
		cmd->have_start_d1 = true;
		break;
	case OPT_SEED_FILE:
		cmd->seed_file = val;
		break;
	case OPT_COUNT:
		ret = parse_num(p, name, val, UINT32_MAX, &n);
		cmd->count = n;
		break;
	case OPT_TIMEOUT:
		ret = parse_seconds(p, name, val, &cmd->timeout);
		break;
	case OPT_FLOW:
		ret = parse_num(p, name, val, UINT32_MAX, &n);
		cmd->have_flow_filter = true;
		cmd->flow_filter = (uint32_t)n;
		break;
	case OPT_READY_FILE:
		cmd->ready_file = val;
		break;
	case OPT_NETNS:
		if (!*val)
			return fail(p, "%s: empty namespace name", name);
		cmd->netns = val;
		break;
	case OPT_WATCH:
		cmd->watch_file = val;
		break;
	case OPT_TRAFFIC:
		ret = parse_num(p, name, val, KR_TRAFFIC_MAX_PPS, &n);
		if (!ret && !n)
			ret = fail(p, "%s: 0 packets per second", name);
		cmd->traffic_pps = (unsigned int)n;
		break;
	}
	return ret;
}

/*
 * An option of the verb.  Returns 1 if @w is not an option ("--..."), 0
 * when consumed, -EINVAL on error.
 */
static int parse_option(struct parser *p, const char *w)
{
	const char *val = NULL, *eq;
	char name[32];
	size_t i;

	if (strncmp(w, "--", 2))
		return 1;
	eq = strchr(w, '=');
	if (eq && (size_t)(eq - w) < sizeof(name)) {
		memcpy(name, w, eq - w);
		name[eq - w] = '\0';
		val = eq + 1;
	} else {
		snprintf(name, sizeof(name), "%s", w);
	}
	for (i = 0; i < ARRAY_SIZE(options); i++) {
		if (strcmp(name, options[i].name) ||
		    !(options[i].verbs & VERB(p->cmd->verb)))
			continue;
		if (!options[i].value && val)
			return fail(p, "%s takes no value", name);
		if (options[i].value && !val && next_word(p, name, &val))
			return -EINVAL;
		return set_option(p, options[i].id, name, val);
	}
	return fail(p, "unknown option %s", w);
}

/* The positional words of each verb, in order. */
static int parse_positional(struct parser *p, int pos, const char *w)
{
	struct kr_cmd *cmd = p->cmd;
	uint64_t n;
	int ret;

	switch (cmd->verb) {
	case KR_VERB_SET:
		if (pos == 0)
			return parse_id(p, w, &cmd->id);
		return parse_set_word(p, w);
	case KR_VERB_INSTALL:
		if (pos == 0)
			return parse_id(p, w, &cmd->id);
		if (pos == 1) {
			ret = parse_num(p, "EPOCH", w, UINT8_MAX, &n);
			cmd->epoch = (uint8_t)n;
			return ret;
		}
		break;
	case KR_VERB_CONFIRM:
	case KR_VERB_WITHDRAW:
		if (pos == 0)
			return parse_id(p, w, &cmd->id);
		if (pos == 1)
			return parse_key_id(p, w);
		break;
	case KR_VERB_REKEY:
	case KR_VERB_DOWN:
	case KR_VERB_PEER_GONE:
	case KR_VERB_DEL:
		if (pos == 0)
			return parse_id(p, w, &cmd->id);
		break;
	case KR_VERB_SHOW:
		if (pos == 0) {
			cmd->have_id = true;
			return parse_id(p, w, &cmd->id);
		}
		break;
	case KR_VERB_PORT:
		if (pos == 0) {
			ret = parse_num(p, "port", w, UINT16_MAX, &n);
			cmd->port = (uint16_t)n;
			return ret;
		}
		break;
	default:
		break;
	}
	return fail(p, "unexpected argument '%s'", w);
}

/* Positional words each verb needs, and how to name the first one missing. */
static int check_complete(struct parser *p, int npos)
{
	static const struct {
		enum kr_verb verb;
		int need;
		const char *usage;
	} needs[] = {
		{ KR_VERB_SET,		1, "set ID [SETTING VALUE]..." },
		{ KR_VERB_INSTALL,	2, "install ID EPOCH [options]" },
		{ KR_VERB_CONFIRM,	2, "confirm ID KEYID" },
		{ KR_VERB_WITHDRAW,	2, "withdraw ID KEYID" },
		{ KR_VERB_REKEY,	1, "rekey ID" },
		{ KR_VERB_DOWN,		1, "down ID" },
		{ KR_VERB_PEER_GONE,	1, "peer-gone ID" },
		{ KR_VERB_DEL,		1, "del ID" },
		{ KR_VERB_PORT,		1, "port N" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(needs); i++)
		if (needs[i].verb == p->cmd->verb && npos < needs[i].need)
			return fail(p, "missing argument: krctl %s",
				    needs[i].usage);
	/* Watching and traffic happen while holding. */
	if (p->cmd->verb == KR_VERB_CREATE && !p->cmd->hold &&
	    (p->cmd->watch_file || p->cmd->traffic_pps))
		return fail(p, "create: --%s needs --hold",
			    p->cmd->watch_file ? "watch" : "traffic");
	return 0;
}

int kr_args_parse(int argc, char **argv, struct kr_cmd *cmd, char *err,
		  size_t errlen)
{
	struct parser p = {
		.argc = argc, .argv = argv, .i = 1,
		.err = err, .errlen = errlen, .cmd = cmd,
	};
	const char *w;
	bool found = false;
	size_t k;
	int npos = 0, ret;

	memset(cmd, 0, sizeof(*cmd));
	if (errlen)
		err[0] = '\0';
	if (p.i >= argc)
		return fail(&p, "missing command (try krctl --help)");
	w = argv[p.i++];
	if (!strcmp(w, "-h") || !strcmp(w, "--help")) {
		cmd->verb = KR_VERB_HELP;
		return 0;
	}
	for (k = 0; k < ARRAY_SIZE(verb_words); k++) {
		if (!strcmp(w, verb_words[k].word)) {
			cmd->verb = verb_words[k].verb;
			found = true;
		}
	}
	if (!found)
		return fail(&p, "unknown command '%s' (try krctl --help)", w);

	while (p.i < argc) {
		w = argv[p.i++];
		if (!strcmp(w, "-h") || !strcmp(w, "--help")) {
			cmd->verb = KR_VERB_HELP;
			return 0;
		}
		ret = parse_option(&p, w);
		if (ret < 0)
			return ret;
		if (ret == 0)
			continue;
		if (w[0] == '-' && w[1])
			return fail(&p, "unknown option %s", w);
		ret = parse_positional(&p, npos++, w);
		if (ret)
			return ret;
	}
	return check_complete(&p, npos);
}
