// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "config.h"
#include "identity.h"
#include "kr_ctlmsg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum {
	LINE_MAX_LEN	= 1024,
	FILE_MAX_LEN	= 1 << 20,
	ALLOW_TEXT_MAX	= LINE_MAX_LEN,
};

enum section {
	SEC_NONE,
	SEC_IRMD,
	SEC_FLOW,
	SEC_PEER,
	SEC_SERVICE,
};

/* Parsing state. */
struct parser {
	struct kr_config *c;
	const char *file;
	int line;
	int sec;
	int sec_line;
	uint64_t seen;		/* keys given in this section, by index */
	char *err;
	size_t errlen;
	int irmd_line, flow_line;
	int ident_line, accept_line, grace_line;
	char allow[KR_CFG_SERVICES_MAX][ALLOW_TEXT_MAX];
	int allow_line[KR_CFG_SERVICES_MAX];
	int key_line[KR_CFG_PEERS_MAX], addr_line[KR_CFG_PEERS_MAX];
};

static int fail(struct parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, int line, const char *fmt, ...)
{
	char msg[KR_CFG_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%d: %s", p->file, line, msg);
	return -EINVAL;
}

/* Where a number must lie, and what it is for the messages. */
struct range {
	uint64_t min, max;
};

static int number(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	const char *q;

	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (q = s; *q; q++) {
		if (*q < '0' || *q > '9')
			return -EINVAL;
		if (x > (UINT64_MAX - (uint64_t)(*q - '0')) / 10)
			return -ERANGE;
		x = x * 10 + (uint64_t)(*q - '0');
	}
	*v = x;
	return 0;
}

static int ranged(struct parser *p, const char *key, const char *val,
		  struct range r, uint64_t *v)
{
	int ret = number(val, v);

	if (ret == -EINVAL)
		return fail(p, p->line, "%s: '%s' is not a decimal number",
			    key, val);
	if (ret || *v < r.min || *v > r.max)
		return fail(p, p->line, "%s: %s is out of range (%llu to %llu)",
			    key, val, (unsigned long long)r.min,
			    (unsigned long long)r.max);
	return 0;
}

static int yes_no(struct parser *p, const char *key, const char *val,
		  bool *v)
{
	if (!strcmp(val, "yes")) {
		*v = true;
	} else if (!strcmp(val, "no")) {
		*v = false;
	} else {
		return fail(p, p->line, "%s: '%s' is neither yes nor no", key,
			    val);
	}
	return 0;
}

int kr_config_addr_parse(const char *s, uint16_t def_port,
			 struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 2];
	const char *port = NULL, *end;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	uint64_t pv = def_port;
	size_t n;

	memset(ss, 0, sizeof(*ss));
	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end || (end[1] && end[1] != ':'))
			return -EINVAL;
		n = (size_t)(end - s - 1);
		if (end[1])
			port = end + 2;
		s++;
	} else if (strchr(s, ':') && strchr(s, ':') != strrchr(s, ':')) {
		n = strlen(s);			/* bare IPv6, no port */
	} else {
		end = strchr(s, ':');
		n = end ? (size_t)(end - s) : strlen(s);
		if (end)
			port = end + 1;
	}
	if (n == 0 || n >= sizeof(host))
		return -EINVAL;
	memcpy(host, s, n);
	host[n] = '\0';
	if (port && (number(port, &pv) || pv < 1 || pv > 65535))
		return -EINVAL;
	if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)pv);
		*len = sizeof(*a4);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)pv);
		*len = sizeof(*a6);
		return 0;
	}
	return -EINVAL;
}

/* A group by name (from /etc/group, read here: no NSS) or by number. */
static int group_id(const char *s, gid_t *gid)
{
	char line[LINE_MAX_LEN], *name, *gidtext, *save;
	uint64_t v;
	FILE *f;
	int ret = -ENOENT;

	if (!number(s, &v)) {
		if (v >= (gid_t)-1)
			return -ERANGE;
		*gid = (gid_t)v;
		return 0;
	}
	f = fopen("/etc/group", "re");
	if (!f)
		return -errno;
	while (ret && fgets(line, sizeof(line), f)) {
		name = strtok_r(line, ":", &save);
		if (!name || strcmp(name, s))
			continue;
		if (!strtok_r(NULL, ":", &save))
			continue;
		gidtext = strtok_r(NULL, ":\n", &save);
		if (gidtext && !number(gidtext, &v) && v < (gid_t)-1) {
			*gid = (gid_t)v;
			ret = 0;
		}
	}
	fclose(f);
	return ret;
}

/* [irmd] */
static const char *const irmd_keys[] = {
	"identity", "listen", "control", "control-mode", "control-group",
	"data-port", "name", "freshness-window", "replay-cache",
	"accept-timeout", "allow-start", "log",
};

static int irmd_key(struct parser *p, int k, const char *key, const char *v)
{
	struct kr_config *c = p->c;
	uint64_t n;
	gid_t gid = 0;
	int ret;

	switch (k) {
	case 0:
		if (strlen(v) >= sizeof(c->identity) || v[0] != '/')
			return fail(p, p->line,
				    "identity: an absolute path is needed");
		strcpy(c->identity, v);
		p->ident_line = p->line;
		return 0;
	case 1:
		if (kr_config_addr_parse(v, KR_OAP_DEFAULT_PORT, &c->listen,
					 &c->listen_len))
			return fail(p, p->line,
				    "listen: '%s' is not an address (IP, IP:PORT or [IPv6]:PORT)",
				    v);
		return 0;
	case 2:
		if (strlen(v) >= sizeof(c->control) || v[0] != '/')
			return fail(p, p->line,
				    "control: an absolute path shorter than %zu bytes is needed",
				    sizeof(c->control));
		strcpy(c->control, v);
		return 0;
	case 3: {
		char *end;
		unsigned long m;

		errno = 0;
		m = strtoul(v, &end, 8);
		if (v[0] != '0' || *end || errno || m > 0777)
			return fail(p, p->line,
				    "control-mode: '%s' is not an octal mode such as 0660",
				    v);
		if (m & 0007)
			return fail(p, p->line,
				    "control-mode: %s lets anyone ask for flows; give others no access",
				    v);
		if (!(m & 0200))
			return fail(p, p->line,
				    "control-mode: %s: the owner needs write permission",
				    v);
		c->control_mode = (unsigned int)m;
		return 0;
	}
	case 4:
		ret = group_id(v, &gid);
		if (ret)
			return fail(p, p->line,
				    "control-group: no group '%s' (%s)", v,
				    strerror(-ret));
		c->has_control_gid = true;
		c->control_gid = gid;
		return 0;
	case 5:
		ret = ranged(p, key, v, (struct range){ 1, 65535 }, &n);
		c->data_port = (uint16_t)n;
		return ret;
	case 6:
		if (!kr_ctl_peer_name_ok(v))
			return fail(p, p->line,
				    "name: '%s' is not a name (1 to 63 of A-Z a-z 0-9 . _ -)",
				    v);
		strcpy(c->name, v);
		return 0;
	case 7:
		ret = ranged(p, key, v, (struct range){ 1000, 600000 }, &n);
		c->window_ms = (uint32_t)n;
		return ret;
	case 8:
		ret = ranged(p, key, v, (struct range){ 16, 1 << 20 }, &n);
		c->cache = (uint32_t)n;
		return ret;
	case 9:
		ret = ranged(p, key, v, (struct range){ 0, 600000 }, &n);
		c->accept_ms = (uint32_t)n;
		p->accept_line = p->line;
		return ret;
	case 10:
		return yes_no(p, key, v, &c->allow_start);
	case 11:
		if (!strcmp(v, "info")) {
			c->log_level = 2;
		} else if (!strcmp(v, "debug")) {
			c->log_level = 3;
		} else {
			return fail(p, p->line,
				    "log: '%s' is neither info nor debug", v);
		}
		return 0;
	}
	return -EINVAL;
}

/* [flow]: krctl set's words for the flow-set settings, then irmd's own. */
static const struct {
	const char *word;
	int attr;
	struct range r;
} flow_settings[] = {
	{ "max-payload", KEYROT_A_FLOW_MAX_PAYLOAD,
	  { 1, KEYROT_MAX_PAYLOAD_LIMIT } },
	{ "rx-queue", KEYROT_A_FLOW_RX_QUEUE_LEN, { 1, 65536 } },
	{ "tx-queue", KEYROT_A_FLOW_TX_QUEUE_LEN, { 1, 65536 } },
	{ "window", KEYROT_A_FLOW_REPLAY_WINDOW, { 8192, 65536 } },
	{ "watermark", KEYROT_A_FLOW_WATERMARK, { 0, 8191 } },
	{ "rekey-interval", KEYROT_A_FLOW_REKEY_INTERVAL_MS,
	  { 1, UINT32_MAX } },
	{ "jitter", KEYROT_A_FLOW_REKEY_JITTER_PCT, { 0, 50 } },
	{ "grace", KEYROT_A_FLOW_GRACE_MS, { 1, UINT32_MAX } },
	{ "retire", KEYROT_A_FLOW_RETIRE_MS, { 1, UINT32_MAX } },
	{ "confirm", KEYROT_A_FLOW_CONFIRM_MS, { 1, UINT32_MAX } },
	{ "event", KEYROT_A_FLOW_EVENT_MS, { 1, UINT32_MAX } },
	{ "keepalive", KEYROT_A_FLOW_KEEPALIVE_MS, { 1, UINT32_MAX } },
	{ "peer-timeout", KEYROT_A_FLOW_PEER_TIMEOUT_MS, { 1, UINT32_MAX } },
	{ "trial", KEYROT_A_FLOW_TRIAL_MS, { 1, UINT32_MAX } },
};

static const char *const flow_keys[] = {
	"cipher", "first-epoch", "start-d0", "start-d1", "rekey-start-d0",
	"rekey-start-d1",
};

enum { N_FLOW_SETTINGS = ARRAY_SIZE(flow_settings) };

static int flow_key(struct parser *p, int k, const char *key, const char *v)
{
	struct kr_cfg_flow *f = &p->c->flow;
	const struct range seq = { 0, KEYROT_SEQ_LIMIT - 1 };
	uint64_t n;
	int ret;

	if (k < N_FLOW_SETTINGS) {
		ret = ranged(p, key, v, flow_settings[k].r, &n);
		if (ret)
			return ret;
		if (flow_settings[k].attr == KEYROT_A_FLOW_REPLAY_WINDOW &&
		    (n & (n - 1)))
			return fail(p, p->line,
				    "window: %s is not a power of two", v);
		f->set.has |= 1ULL << flow_settings[k].attr;
		f->set.val[flow_settings[k].attr] = (uint32_t)n;
		if (flow_settings[k].attr == KEYROT_A_FLOW_GRACE_MS) {
			f->grace_ms = (uint32_t)n;
			p->grace_line = p->line;
		}
		if (flow_settings[k].attr == KEYROT_A_FLOW_EVENT_MS)
			f->event_ms = (uint32_t)n;
		return 0;
	}
	switch (k - N_FLOW_SETTINGS) {
	case 0:
		if (!strcmp(v, "aes-256-gcm")) {
			f->cipher = KEYROT_CIPHER_AES_256_GCM;
		} else if (!strcmp(v, "chacha20-poly1305")) {
			f->cipher = KEYROT_CIPHER_CHACHA20_POLY1305;
		} else {
			return fail(p, p->line,
				    "cipher: '%s' is neither aes-256-gcm nor chacha20-poly1305",
				    v);
		}
		return 0;
	case 1:
		ret = ranged(p, key, v, (struct range){ 0, 255 }, &n);
		f->has_first_epoch = true;
		f->first_epoch = (uint8_t)n;
		return ret;
	case 2:
	case 3:
		f->has_start = true;
		return ranged(p, key, v, seq, &f->start[k - N_FLOW_SETTINGS - 2]);
	case 4:
	case 5:
		f->has_rekey_start = true;
		return ranged(p, key, v, seq,
			      &f->rekey_start[k - N_FLOW_SETTINGS - 4]);
	}
	return -EINVAL;
}

static const char *const peer_keys[] = { "key", "address" };

static int peer_key(struct parser *p, int k, const char *key, const char *v)
{
	struct kr_config *c = p->c;
	struct kr_cfg_peer *pe = &c->peers[c->npeers - 1];
	size_t i;

	(void)key;
	if (k == 0) {
		if (kr_ident_pub_parse(pe->pub, v))
			return fail(p, p->line,
				    "key: not a public key (44 characters of base64 as `irmd pubkey` prints, or 64 hex digits)");
		for (i = 0; i + 1 < c->npeers; i++)
			if (!memcmp(c->peers[i].pub, pe->pub, KR_OAP_PUB_LEN))
				return fail(p, p->line,
					    "key: the same key as [peer %s] (line %d)",
					    c->peers[i].name, c->peers[i].line);
		p->key_line[c->npeers - 1] = p->line;
		return 0;
	}
	if (kr_config_addr_parse(v, KR_OAP_DEFAULT_PORT, &pe->addr,
				 &pe->addr_len))
		return fail(p, p->line,
			    "address: '%s' is not an address (IP, IP:PORT or [IPv6]:PORT; no host names)",
			    v);
	p->addr_line[c->npeers - 1] = p->line;
	return 0;
}

static const char *const service_keys[] = { "allow" };

static int service_key(struct parser *p, int k, const char *key,
		       const char *v)
{
	size_t i = p->c->nservices - 1;

	(void)k;
	(void)key;
	snprintf(p->allow[i], sizeof(p->allow[i]), "%s", v);
	p->allow_line[i] = p->line;
	return 0;
}

/* A key of the current section: its index in the section's table. */
static int find_key(struct parser *p, const char *key, int *k)
{
	static const char *const sec_names[] = {
		[SEC_IRMD] = "[irmd]", [SEC_FLOW] = "[flow]",
		[SEC_PEER] = "[peer]", [SEC_SERVICE] = "[service]",
	};
	size_t i;

	*k = -1;
	switch (p->sec) {
	case SEC_IRMD:
		for (i = 0; i < ARRAY_SIZE(irmd_keys); i++)
			if (!strcmp(key, irmd_keys[i]))
				*k = (int)i;
		break;
	case SEC_FLOW:
		for (i = 0; i < N_FLOW_SETTINGS; i++)
			if (!strcmp(key, flow_settings[i].word))
				*k = (int)i;
		for (i = 0; i < ARRAY_SIZE(flow_keys); i++)
			if (!strcmp(key, flow_keys[i]))
				*k = (int)(N_FLOW_SETTINGS + i);
		break;
	case SEC_PEER:
		for (i = 0; i < ARRAY_SIZE(peer_keys); i++)
			if (!strcmp(key, peer_keys[i]))
				*k = (int)i;
		break;
	case SEC_SERVICE:
		for (i = 0; i < ARRAY_SIZE(service_keys); i++)
			if (!strcmp(key, service_keys[i]))
				*k = (int)i;
		break;
	default:
		return fail(p, p->line, "'%s' outside any section", key);
	}
	if (*k < 0)
		return fail(p, p->line, "unknown key '%s' in %s", key,
			    sec_names[p->sec]);
	if (p->seen & (1ULL << *k))
		return fail(p, p->line, "%s given twice in this section", key);
	p->seen |= 1ULL << *k;
	return 0;
}

/* The end of a section: what it must have. */
static int end_section(struct parser *p)
{
	struct kr_config *c = p->c;
	size_t i;

	if (p->sec == SEC_PEER) {
		i = c->npeers - 1;
		if (!(p->seen & 1))
			return fail(p, p->sec_line, "[peer %s]: key is missing",
				    c->peers[i].name);
		if (!(p->seen & 2))
			return fail(p, p->sec_line,
				    "[peer %s]: address is missing",
				    c->peers[i].name);
	}
	return 0;
}

static int section(struct parser *p, char *s)
{
	struct kr_config *c = p->c;
	char *name = NULL;
	size_t i;
	int ret;

	ret = end_section(p);
	if (ret)
		return ret;
	p->seen = 0;
	p->sec_line = p->line;
	name = strchr(s, ' ');
	if (name)
		*name++ = '\0';
	if (!strcmp(s, "irmd") || !strcmp(s, "flow")) {
		bool irmd = s[0] == 'i';
		int *seen = irmd ? &p->irmd_line : &p->flow_line;

		if (name)
			return fail(p, p->line, "[%s] takes no name", s);
		if (*seen)
			return fail(p, p->line, "a second [%s] section (first at line %d)",
				    s, *seen);
		*seen = p->line;
		p->sec = irmd ? SEC_IRMD : SEC_FLOW;
		return 0;
	}
	if (!strcmp(s, "peer")) {
		if (!name || !kr_ctl_peer_name_ok(name))
			return fail(p, p->line,
				    "[peer NAME]: NAME is 1 to 63 of A-Z a-z 0-9 . _ -");
		if (kr_config_peer_index(c, name) >= 0)
			return fail(p, p->line, "a second [peer %s]", name);
		if (c->npeers == KR_CFG_PEERS_MAX)
			return fail(p, p->line, "more than %d peers",
				    KR_CFG_PEERS_MAX);
		strcpy(c->peers[c->npeers].name, name);
		c->peers[c->npeers].line = p->line;
		c->npeers++;
		p->sec = SEC_PEER;
		return 0;
	}
	if (!strcmp(s, "service")) {
		if (!name || !kr_ctl_service_name_ok(name))
			return fail(p, p->line,
				    "[service NAME]: NAME is 1 to 64 printable characters, no space");
		for (i = 0; i < c->nservices; i++)
			if (!strcmp(c->services[i].name, name))
				return fail(p, p->line, "a second [service %s]",
					    name);
		if (c->nservices == KR_CFG_SERVICES_MAX)
			return fail(p, p->line, "more than %d services",
				    KR_CFG_SERVICES_MAX);
		strcpy(c->services[c->nservices].name, name);
		c->services[c->nservices].line = p->line;
		c->services[c->nservices].allow_all = true;
		c->nservices++;
		p->sec = SEC_SERVICE;
		return 0;
	}
	return fail(p, p->line,
		    "unknown section [%s%s%s] (irmd, flow, peer NAME, service NAME)",
		    s, name ? " " : "", name ? name : "");
}

static int key_value(struct parser *p, char *s)
{
	char *eq = strchr(s, '='), *key = s, *val, *e;
	int k, ret;

	if (!eq)
		return fail(p, p->line, "expected 'key = value' or '[section]'");
	*eq = '\0';
	val = eq + 1;
	for (e = eq; e > key && (e[-1] == ' ' || e[-1] == '\t'); e--)
		e[-1] = '\0';
	while (*val == ' ' || *val == '\t')
		val++;
	if (!*key)
		return fail(p, p->line, "a value without a key");
	for (e = key; *e; e++)
		if (!((*e >= 'a' && *e <= 'z') || (*e >= '0' && *e <= '9') ||
		      *e == '-'))
			return fail(p, p->line, "'%s' is not a key", key);
	if (!*val)
		return fail(p, p->line, "%s: empty value", key);
	ret = find_key(p, key, &k);
	if (ret)
		return ret;
	switch (p->sec) {
	case SEC_IRMD:
		return irmd_key(p, k, key, val);
	case SEC_FLOW:
		return flow_key(p, k, key, val);
	case SEC_PEER:
		return peer_key(p, k, key, val);
	default:
		return service_key(p, k, key, val);
	}
}

/* "a, b ,c": each name must be a configured peer. */
static int resolve_allow(struct parser *p, size_t si)
{
	struct kr_cfg_service *s = &p->c->services[si];
	char text[ALLOW_TEXT_MAX], *tok, *rest, *e;
	int idx;

	if (!p->allow_line[si])
		return 0;
	s->allow_all = false;
	snprintf(text, sizeof(text), "%s", p->allow[si]);
	rest = text;
	while ((tok = strsep(&rest, ","))) {
		while (*tok == ' ' || *tok == '\t')
			tok++;
		for (e = tok + strlen(tok); e > tok &&
		     (e[-1] == ' ' || e[-1] == '\t'); e--)
			e[-1] = '\0';
		if (!*tok)
			return fail(p, p->allow_line[si],
				    "allow: an empty name in the list");
		idx = kr_config_peer_index(p->c, tok);
		if (idx < 0)
			return fail(p, p->allow_line[si],
				    "allow: no [peer %s] in this file", tok);
		s->allow |= 1ULL << idx;
	}
	return 0;
}

/* What the whole file must have, and what its parts must agree on. */
static int finish(struct parser *p)
{
	struct kr_config *c = p->c;
	size_t i, j;
	int ret;

	ret = end_section(p);
	if (ret)
		return ret;
	if (!p->irmd_line)
		return fail(p, p->line, "no [irmd] section (identity = is required)");
	if (!c->identity[0])
		return fail(p, p->irmd_line, "[irmd]: identity is missing");
	for (i = 0; i < c->nservices; i++) {
		ret = resolve_allow(p, i);
		if (ret)
			return ret;
	}
	/* Cookies name a peer by 6 bytes of its key (docs/irmd.md). */
	for (i = 0; i < c->npeers; i++)
		for (j = 0; j < i; j++)
			if (!memcmp(c->peers[i].pub, c->peers[j].pub, 6))
				return fail(p, p->key_line[i],
					    "key: its first 6 bytes are those of [peer %s]'s: flows could not tell them apart",
					    c->peers[j].name);
	/* docs/oap.md 12: the requester gives up at 3/4 of the grace period. */
	if ((uint64_t)c->accept_ms * 4 >= (uint64_t)c->flow.grace_ms * 3)
		return fail(p, p->accept_line ? p->accept_line : p->grace_line,
			    "accept-timeout %u ms must be below 3/4 of the grace period (%u ms): the requester gives up then",
			    c->accept_ms, c->flow.grace_ms);
	return 0;
}

static void defaults(struct kr_config *c, const char *file)
{
	struct sockaddr_in *a = (struct sockaddr_in *)&c->listen;

	memset(c, 0, sizeof(*c));
	snprintf(c->file, sizeof(c->file), "%s", file);
	a->sin_family = AF_INET;
	a->sin_port = htons(KR_OAP_DEFAULT_PORT);
	c->listen_len = sizeof(*a);
	strcpy(c->control, KR_CFG_DEFAULT_CONTROL);
	c->control_mode = KR_CFG_DEFAULT_CONTROL_MODE;
	c->accept_ms = KR_CFG_DEFAULT_ACCEPT_MS;
	c->log_level = 2;
	c->flow.cipher = KEYROT_CIPHER_AES_256_GCM;
	c->flow.grace_ms = KR_CFG_DEFAULT_GRACE_MS;
	c->flow.event_ms = KR_CFG_DEFAULT_EVENT_MS;
}

int kr_config_parse(struct kr_config *c, const char *file, const char *text,
		    size_t len, char *err, size_t errlen)
{
	struct parser *p;
	char line[LINE_MAX_LEN + 1], *s, *e;
	size_t pos = 0, n, i;
	int ret = 0;

	defaults(c, file);
	p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "%s: out of memory", file);
		return -ENOMEM;
	}
	p->c = c;
	p->file = file;
	p->err = err;
	p->errlen = errlen;
	while (!ret && pos < len) {
		p->line++;
		e = memchr(text + pos, '\n', len - pos);
		n = e ? (size_t)(e - (text + pos)) : len - pos;
		if (n > LINE_MAX_LEN) {
			ret = fail(p, p->line, "line longer than %d bytes",
				   LINE_MAX_LEN);
			break;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (e ? 1 : 0);
		for (i = 0; i < n; i++) {
			if ((line[i] < 0x20 && line[i] != '\t') ||
			    line[i] == 0x7f) {
				ret = fail(p, p->line,
					   "control character 0x%02x (only printable ASCII and tabs)",
					   (unsigned char)line[i]);
				break;
			}
		}
		if (ret)
			break;
		s = line;
		while (*s == ' ' || *s == '\t')
			s++;
		for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t');
		     e--)
			e[-1] = '\0';
		if (!*s || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			e = s + strlen(s) - 1;
			if (*e != ']') {
				ret = fail(p, p->line, "'[' without ']'");
				break;
			}
			*e = '\0';
			ret = section(p, s + 1);
			continue;
		}
		ret = key_value(p, s);
	}
	if (!ret)
		ret = finish(p);
	free(p);
	return ret;
}

int kr_config_load(struct kr_config *c, const char *path, char *err,
		   size_t errlen)
{
	struct stat st;
	char *text;
	ssize_t n;
	size_t len = 0;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out_close;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > FILE_MAX_LEN) {
		ret = -EINVAL;
		snprintf(err, errlen, "%s: not a regular file of at most %d bytes",
			 path, FILE_MAX_LEN);
		goto out_close;
	}
	if (st.st_mode & 0022) {
		ret = -EPERM;
		snprintf(err, errlen,
			 "%s: group or others may write it (mode %04o): it pins the peers' keys, refused",
			 path, (unsigned int)(st.st_mode & 07777));
		goto out_close;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		ret = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", path);
		goto out_close;
	}
	while (len < (size_t)st.st_size) {
		n = read(fd, text + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (memchr(text, '\0', len)) {
		ret = -EINVAL;
		snprintf(err, errlen, "%s: a NUL byte: not a text file", path);
	} else {
		ret = kr_config_parse(c, path, text, len, err, errlen);
	}
	free(text);
out_close:
	close(fd);
	return ret;
}

int kr_config_peer_index(const struct kr_config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->npeers; i++)
		if (!strcmp(c->peers[i].name, name))
			return (int)i;
	return -1;
}

const struct kr_cfg_service *kr_config_service(const struct kr_config *c,
					       const char *name)
{
	size_t i;

	for (i = 0; i < c->nservices; i++)
		if (!strcmp(c->services[i].name, name))
			return &c->services[i];
	return NULL;
}

bool kr_config_allows(const struct kr_cfg_service *s, int peer)
{
	return s->allow_all || (peer >= 0 && (s->allow & (1ULL << peer)));
}
