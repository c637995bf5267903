// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "kr_ctlmsg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

enum { MAX_WORDS = 4 };

/* A datagram split into words; the last one keeps the rest of the line. */
struct words {
	char line[KR_CTL_MSG_MAX + 1];
	char *w[MAX_WORDS];
	int n;
};

bool kr_ctl_peer_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 1 || n > KR_CTL_PEER_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			return false;
	}
	return true;
}

bool kr_ctl_service_name_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 1 || n > KR_CTL_SVC_MAX)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

/*
 * Check the datagram is one line of printable ASCII words separated by
 * single spaces, and split off up to @max words; the rest of the line,
 * if any, stays in the last word.
 */
static int split(struct words *ws, const char *buf, size_t len, int max,
		 const char **why)
{
	char *p;
	size_t i;

	memset(ws, 0, sizeof(*ws));
	if (len == 0) {
		*why = "empty message";
		return -EBADMSG;
	}
	if (len > KR_CTL_MSG_MAX) {
		*why = "message too long";
		return -EBADMSG;
	}
	for (i = 0; i < len; i++) {
		if (buf[i] < 0x20 || buf[i] > 0x7e) {
			*why = "not printable ASCII";
			return -EBADMSG;
		}
	}
	if (buf[0] == ' ' || buf[len - 1] == ' ') {
		*why = "leading or trailing space";
		return -EBADMSG;
	}
	memcpy(ws->line, buf, len);
	ws->line[len] = '\0';
	if (strstr(ws->line, "  ")) {
		*why = "two spaces in a row";
		return -EBADMSG;
	}
	p = ws->line;
	while (p && ws->n < max) {
		ws->w[ws->n++] = p;
		if (ws->n == max)
			break;
		p = strchr(p, ' ');
		if (p)
			*p++ = '\0';
	}
	return 0;
}

/* A decimal number without sign, leading zero or trailing characters. */
static int number(const char *s, unsigned long max, unsigned long *v)
{
	unsigned long x = 0;
	const char *p;

	if (!*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		if (x > (max - (unsigned long)(*p - '0')) / 10)
			return -ERANGE;
		x = x * 10 + (unsigned long)(*p - '0');
	}
	*v = x;
	return 0;
}

static const char *op_word(int op)
{
	switch (op) {
	case KR_CTL_ALLOC:	return "alloc";
	case KR_CTL_ACCEPT:	return "accept";
	case KR_CTL_DEALLOC:	return "dealloc";
	case KR_CTL_STATUS:	return "status";
	default:		return NULL;
	}
}

int kr_ctl_req_encode(const struct kr_ctl_req *q, char *buf, size_t size)
{
	char line[KR_CTL_MSG_MAX + 1];
	const char *op = op_word(q->op);
	int n;

	if (!op)
		return -EINVAL;
	switch (q->op) {
	case KR_CTL_ALLOC:
		if (!kr_ctl_peer_name_ok(q->peer) ||
		    !kr_ctl_service_name_ok(q->service))
			return -EINVAL;
		n = snprintf(line, sizeof(line), "%s %s %s", op, q->peer,
			     q->service);
		break;
	case KR_CTL_ACCEPT:
		if (!kr_ctl_service_name_ok(q->service))
			return -EINVAL;
		n = snprintf(line, sizeof(line), "%s %s", op, q->service);
		break;
	default:
		n = snprintf(line, sizeof(line), "%s", op);
		break;
	}
	if (n < 0 || (size_t)n > size || n > KR_CTL_MSG_MAX)
		return -EMSGSIZE;
	memcpy(buf, line, (size_t)n);
	return n;
}

int kr_ctl_req_decode(struct kr_ctl_req *q, const char *buf, size_t len,
		      const char **why)
{
	struct words ws;
	int ret, want;

	memset(q, 0, sizeof(*q));
	ret = split(&ws, buf, len, MAX_WORDS, why);
	if (ret)
		return ret;
	if (!strcmp(ws.w[0], "alloc")) {
		q->op = KR_CTL_ALLOC;
		want = 3;
	} else if (!strcmp(ws.w[0], "accept")) {
		q->op = KR_CTL_ACCEPT;
		want = 2;
	} else if (!strcmp(ws.w[0], "dealloc")) {
		q->op = KR_CTL_DEALLOC;
		want = 1;
	} else if (!strcmp(ws.w[0], "status")) {
		q->op = KR_CTL_STATUS;
		want = 1;
	} else {
		*why = "unknown request";
		goto err;
	}
	if (ws.n != want) {
		*why = ws.n < want ? "missing argument" : "too many arguments";
		goto err;
	}
	if (q->op == KR_CTL_ALLOC) {
		if (!kr_ctl_peer_name_ok(ws.w[1])) {
			*why = "bad peer name";
			goto err;
		}
		strcpy(q->peer, ws.w[1]);
	}
	if (q->op == KR_CTL_ALLOC || q->op == KR_CTL_ACCEPT) {
		if (!kr_ctl_service_name_ok(ws.w[want - 1])) {
			*why = "bad service name";
			goto err;
		}
		strcpy(q->service, ws.w[want - 1]);
	}
	return 0;

err:
	memset(q, 0, sizeof(*q));
	return -EBADMSG;
}

int kr_ctl_rep_encode(const struct kr_ctl_rep *r, char *buf, size_t size)
{
	char line[KR_CTL_MSG_MAX + 1], text[KR_CTL_MSG_MAX];
	size_t i;
	int n;

	snprintf(text, sizeof(text), "%s", r->text);
	for (i = 0; text[i]; i++)
		if (text[i] < 0x20 || text[i] > 0x7e)
			text[i] = '?';
	switch (r->kind) {
	case KR_CTL_REP_OK:
		if (text[0] && (text[0] == ' ' || text[i - 1] == ' '))
			return -EINVAL;
		n = snprintf(line, sizeof(line), "ok %u%s%s", r->value,
			     text[0] ? " " : "", text);
		break;
	case KR_CTL_REP_ERR:
		if (r->err <= 0 || !text[0] || text[0] == ' ' ||
		    text[i - 1] == ' ')
			return -EINVAL;
		n = snprintf(line, sizeof(line), "err %d %s", r->err, text);
		break;
	case KR_CTL_REP_LINE:
		if (!text[0] || text[0] == ' ' || text[i - 1] == ' ')
			return -EINVAL;
		n = snprintf(line, sizeof(line), "line %s", text);
		break;
	default:
		return -EINVAL;
	}
	if (n < 0 || n > KR_CTL_MSG_MAX || (size_t)n > size)
		return -EMSGSIZE;
	if (strstr(line, "  "))
		return -EINVAL;	/* the decoder refuses it */
	memcpy(buf, line, (size_t)n);
	return n;
}

int kr_ctl_rep_decode(struct kr_ctl_rep *r, const char *buf, size_t len,
		      const char **why)
{
	unsigned long v;
	struct words ws;
	int ret;

	memset(r, 0, sizeof(*r));
	ret = split(&ws, buf, len, 3, why);
	if (ret)
		return ret;
	if (!strcmp(ws.w[0], "line")) {
		/* "line TEXT": the text may have spaces; glue it back. */
		if (ws.n < 2) {
			*why = "missing text";
			goto err;
		}
		r->kind = KR_CTL_REP_LINE;
		memcpy(r->text, buf + 5, len - 5);
		r->text[len - 5] = '\0';
		return 0;
	}
	if (!strcmp(ws.w[0], "ok")) {
		r->kind = KR_CTL_REP_OK;
		if (ws.n < 2 || number(ws.w[1], UINT32_MAX, &v)) {
			*why = "bad value";
			goto err;
		}
		r->value = (uint32_t)v;
		if (ws.n == 3)
			snprintf(r->text, sizeof(r->text), "%s", ws.w[2]);
		return 0;
	}
	if (!strcmp(ws.w[0], "err")) {
		r->kind = KR_CTL_REP_ERR;
		if (ws.n < 2 || number(ws.w[1], 4095, &v) || !v) {
			*why = "bad errno";
			goto err;
		}
		if (ws.n < 3) {
			*why = "missing text";
			goto err;
		}
		r->err = (int)v;
		snprintf(r->text, sizeof(r->text), "%s", ws.w[2]);
		return 0;
	}
	*why = "unknown reply";
err:
	memset(r, 0, sizeof(*r));
	return -EBADMSG;
}

int kr_ctl_send(int s, const char *buf, size_t len, int pass, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (pass >= 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof(u.buf);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &pass, sizeof(int));
	}
	while (sendmsg(s, &mh, flags | MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}
