// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "peer.h"
#include "clock.h"
#include "log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum { RL_WINDOW_MS = 10000, RL_BURST = 3 };

static bool is_mapped(const struct sockaddr_in6 *a)
{
	return IN6_IS_ADDR_V4MAPPED(&a->sin6_addr);
}

int kr_addr_host(const struct sockaddr_storage *a, uint8_t out[16],
		 size_t *len)
{
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;

	if (a->ss_family == AF_INET) {
		memcpy(out, &a4->sin_addr, 4);
		*len = 4;
		return 0;
	}
	if (a->ss_family != AF_INET6)
		return -EAFNOSUPPORT;
	if (is_mapped(a6)) {
		memcpy(out, &a6->sin6_addr.s6_addr[12], 4);
		*len = 4;
	} else {
		memcpy(out, &a6->sin6_addr, 16);
		*len = 16;
	}
	return 0;
}

char *kr_addr_text(const struct sockaddr_storage *a, char *buf, size_t len)
{
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)a;
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)a;
	char host[INET6_ADDRSTRLEN];

	if (a->ss_family == AF_INET &&
	    inet_ntop(AF_INET, &a4->sin_addr, host, sizeof(host)))
		snprintf(buf, len, "%s:%u", host, ntohs(a4->sin_port));
	else if (a->ss_family == AF_INET6 &&
		 inet_ntop(AF_INET6, &a6->sin6_addr, host, sizeof(host)))
		snprintf(buf, len, "[%s]:%u", host, ntohs(a6->sin6_port));
	else
		snprintf(buf, len, "?");
	return buf;
}

int kr_peer_open(struct kr_peer_sock *ps, const struct sockaddr_storage *addr,
		 socklen_t len, char *why)
{
	char text[KR_ADDR_TEXT_LEN];
	int zero = 0, ret;

	memset(ps, 0, sizeof(*ps));
	ps->family = addr->ss_family;
	ps->fd = socket(ps->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			0);
	if (ps->fd < 0) {
		ret = -errno;
		snprintf(why, KR_ADDR_TEXT_LEN * 4, "peer socket: %s",
			 strerror(errno));
		return ret;
	}
	/* Dual stack: IPv4 peers too, as mapped addresses. */
	if (ps->family == AF_INET6)
		setsockopt(ps->fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero,
			   sizeof(zero));
	if (bind(ps->fd, (const struct sockaddr *)addr, len)) {
		ret = -errno;
		snprintf(why, KR_ADDR_TEXT_LEN * 4, "cannot listen on %s: %s",
			 kr_addr_text(addr, text, sizeof(text)),
			 strerror(errno));
		close(ps->fd);
		ps->fd = -1;
		return ret;
	}
	return 0;
}

void kr_peer_close(struct kr_peer_sock *ps)
{
	if (ps->fd >= 0)
		close(ps->fd);
	ps->fd = -1;
}

int kr_peer_send(struct kr_peer_sock *ps, const struct sockaddr_storage *to,
		 const void *buf, size_t len)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)to;
	struct sockaddr_storage ss = *to;
	struct sockaddr_in6 *m = (struct sockaddr_in6 *)&ss;
	socklen_t sl = to->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
			sizeof(struct sockaddr_in6);

	if (ps->family == AF_INET6 && to->ss_family == AF_INET) {
		memset(&ss, 0, sizeof(ss));
		m->sin6_family = AF_INET6;
		m->sin6_port = a4->sin_port;
		m->sin6_addr.s6_addr[10] = 0xff;
		m->sin6_addr.s6_addr[11] = 0xff;
		memcpy(&m->sin6_addr.s6_addr[12], &a4->sin_addr, 4);
		sl = sizeof(*m);
	}
	if (sendto(ps->fd, buf, len, 0, (struct sockaddr *)&ss, sl) < 0)
		return -errno;
	return 0;
}

ssize_t kr_peer_recv(struct kr_peer_sock *ps, void *buf, size_t size,
		     struct sockaddr_storage *from)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)from;
	socklen_t sl = sizeof(*from);
	struct sockaddr_in a4 = { .sin_family = AF_INET };
	ssize_t n;

	memset(from, 0, sizeof(*from));
	do {
		n = recvfrom(ps->fd, buf, size, MSG_TRUNC,
			     (struct sockaddr *)from, &sl);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (from->ss_family == AF_INET6 && is_mapped(a6)) {
		a4.sin_port = a6->sin6_port;
		memcpy(&a4.sin_addr, &a6->sin6_addr.s6_addr[12], 4);
		memset(from, 0, sizeof(*from));
		memcpy(from, &a4, sizeof(a4));
	}
	return n;
}

/* The slot of @host: its own, a free one, or the one idle the longest. */
static struct kr_peer_rl *rl_slot(struct kr_peer_sock *ps,
				  const uint8_t *host, size_t len)
{
	struct kr_peer_rl *oldest = &ps->rl[0];
	int i;

	for (i = 0; i < KR_PEER_RL_SLOTS; i++) {
		struct kr_peer_rl *r = &ps->rl[i];

		if (r->host_len == len && !memcmp(r->host, host, len))
			return r;
		if (r->last_ms < oldest->last_ms)
			oldest = r;
	}
	memset(oldest, 0, sizeof(*oldest));
	memcpy(oldest->host, host, len);
	oldest->host_len = len;
	return oldest;
}

void kr_peer_refused(struct kr_peer_sock *ps,
		     const struct sockaddr_storage *from, const char *what,
		     const char *why)
{
	char text[KR_ADDR_TEXT_LEN], more[64] = "";
	uint8_t host[16];
	size_t len = 0;
	struct kr_peer_rl *r;
	uint64_t now = kr_mono_ms();
	unsigned int held = 0;

	if (kr_addr_host(from, host, &len))
		len = 0;
	r = rl_slot(ps, host, len);
	if (!r->last_ms || now - r->last_ms >= RL_WINDOW_MS) {
		held = r->count > RL_BURST ? r->count - RL_BURST : 0;
		r->last_ms = now;
		r->count = 0;
	}
	if (++r->count > RL_BURST)
		return;
	if (held)
		snprintf(more, sizeof(more),
			 " (%u more refused from there were not logged)", held);
	kr_warn("refused %s from %s: %s%s", what,
		kr_addr_text(from, text, sizeof(text)), why, more);
}
