/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_PEER_H
#define KR_PEER_H

/*
 * The UDP socket irmd talks OAP on with its peers (docs/oap.md 12): one
 * datagram per message, read with room above KR_OAP_MSG_MAX so an oversize
 * datagram is seen as such.  An IPv6 socket is dual-stack: IPv4 peers are
 * reached through mapped addresses, and mapped sources are given back as
 * IPv4.  Refused datagrams are logged at most a few times per source per
 * ten seconds (docs/oap.md 11).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

enum { KR_ADDR_TEXT_LEN = 64, KR_PEER_RL_SLOTS = 32 };

/* Rate limit state of one source of refused datagrams. */
struct kr_peer_rl {
	uint8_t host[16];
	size_t host_len;
	uint64_t last_ms;
	unsigned int count;
};

/**
 * struct kr_peer_sock - the socket
 * @fd: it (non-blocking)
 * @family: AF_INET or AF_INET6
 * @rl: the rate limits of refusal logs, by source host
 */
struct kr_peer_sock {
	int fd;
	int family;
	struct kr_peer_rl rl[KR_PEER_RL_SLOTS];
};

/**
 * kr_peer_open() - bind the socket
 * @ps: filled in
 * @addr: the listen address and port
 * @len: its length
 * @why: receives a reason on failure (KR_ADDR_TEXT_LEN * 4 bytes)
 *
 * Return: 0, or -errno.
 */
int kr_peer_open(struct kr_peer_sock *ps, const struct sockaddr_storage *addr,
		 socklen_t len, char *why);

void kr_peer_close(struct kr_peer_sock *ps);

/**
 * kr_peer_send() - one datagram to @to
 * @ps: the socket
 * @to: the address
 * @buf: the datagram
 * @len: its length
 *
 * Return: 0, or -errno (the caller logs; retries resend).
 */
int kr_peer_send(struct kr_peer_sock *ps, const struct sockaddr_storage *to,
		 const void *buf, size_t len);

/**
 * kr_peer_recv() - one datagram
 * @ps: the socket
 * @buf: receives it
 * @size: room (more than KR_OAP_MSG_MAX)
 * @from: receives the source (mapped IPv4 as IPv4)
 *
 * Return: its full length (more than @size if it was truncated), or
 * -errno (-EAGAIN: nothing more).
 */
ssize_t kr_peer_recv(struct kr_peer_sock *ps, void *buf, size_t size,
		     struct sockaddr_storage *from);

/**
 * kr_peer_refused() - log a refused datagram, rate-limited per source
 * @ps: the socket
 * @from: its source
 * @what: the message type or "datagram"
 * @why: the reason (docs/oap.md 11)
 */
void kr_peer_refused(struct kr_peer_sock *ps,
		     const struct sockaddr_storage *from, const char *what,
		     const char *why);

/**
 * kr_addr_text() - "10.99.0.2:51818" or "[fd99::2]:51818"
 * @a: the address
 * @buf: receives the text
 * @len: size of @buf (KR_ADDR_TEXT_LEN)
 *
 * Return: @buf.
 */
char *kr_addr_text(const struct sockaddr_storage *a, char *buf, size_t len);

/**
 * kr_addr_host() - the raw host address, as flow-set's peer-addr wants it
 * @a: the address (IPv4 or IPv6; mapped IPv4 gives 4 bytes)
 * @out: receives 4 or 16 bytes
 * @len: receives 4 or 16
 *
 * Return: 0, or -EAFNOSUPPORT.
 */
int kr_addr_host(const struct sockaddr_storage *a, uint8_t out[16],
		 size_t *len);

#endif /* KR_PEER_H */
