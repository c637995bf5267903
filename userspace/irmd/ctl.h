/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_CTL_H
#define KR_CTL_H

/*
 * The control socket local applications ask irmd for flows on
 * (docs/irmd.md "Control socket"; messages: userspace/lib/kr_ctlmsg.h): a
 * Unix SOCK_SEQPACKET socket whose file mode and group decide who may ask.
 * One request at a time per connection; flow descriptors are handed over
 * with SCM_RIGHTS, and irmd closes its own copy at once.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "kr_ctlmsg.h"

struct kr_config;
struct kr_irmd;

enum { KR_CTL_CLIENTS_MAX = 256 };

enum kr_ctl_wait {
	KR_CTL_IDLE,		/* no request in progress */
	KR_CTL_WAIT_ALLOC,	/* alloc: the exchange is under way */
	KR_CTL_WAIT_ACCEPT,	/* accept: waiting for a peer's request */
};

/**
 * struct kr_ctl_client - one connection
 * @fd: it, -1 for a free slot
 * @wait: enum kr_ctl_wait
 * @service: WAIT_ACCEPT: the service
 * @uid: the peer's credentials (SO_PEERCRED), for the log
 * @pid: idem
 * @since_ms: WAIT_ACCEPT: since when (acceptors are served oldest first)
 */
struct kr_ctl_client {
	int fd;
	int wait;
	char service[KR_CTL_SVC_MAX + 1];
	uid_t uid;
	pid_t pid;
	uint64_t since_ms;
};

/**
 * struct kr_ctl - the listening socket and its connections
 * @lfd: the listening socket
 * @path: its path (unlinked at close)
 * @c: the connections
 */
struct kr_ctl {
	int lfd;
	char path[108];
	struct kr_ctl_client c[KR_CTL_CLIENTS_MAX];
};

/**
 * kr_ctl_open() - create the socket file with the configured mode and group
 * @ctl: filled in
 * @cfg: control, control-mode, control-group
 * @why: receives a reason on failure (256 bytes)
 *
 * A stale socket file is replaced; any other file there is not.  The
 * directory is created (0755) if missing.
 *
 * Return: 0, or -errno.
 */
int kr_ctl_open(struct kr_ctl *ctl, const struct kr_config *cfg, char *why);

void kr_ctl_close(struct kr_ctl *ctl);

/**
 * kr_ctl_accept() - take a new connection
 * @ctl: the socket
 *
 * Return: its slot, or -errno (-EAGAIN: none; -EMFILE: no free slot).
 */
int kr_ctl_accept(struct kr_ctl *ctl);

/**
 * kr_ctl_serve() - read and handle the request on connection @i
 * @d: the daemon
 * @i: the slot
 *
 * A connection that hung up, sent garbage or a second request while one
 * is in progress is closed (and what it waited for given up).
 */
void kr_ctl_serve(struct kr_irmd *d, int i);

/**
 * kr_ctl_reply() - send one reply, with a descriptor if @fd >= 0
 * @ctl: the socket
 * @i: the slot
 * @r: the reply
 * @fd: a descriptor to hand over, or -1 (the caller still closes it)
 *
 * The connection goes back to IDLE.
 *
 * Return: 0, or -errno (the connection is then closed).
 */
int kr_ctl_reply(struct kr_ctl *ctl, int i, const struct kr_ctl_rep *r,
		 int fd);

/**
 * kr_ctl_fail() - reply "err ERRNO TEXT"
 * @ctl: the socket
 * @i: the slot
 * @err: a negative errno
 * @text: why
 */
void kr_ctl_fail(struct kr_ctl *ctl, int i, int err, const char *text);

/**
 * kr_ctl_drop() - close connection @i
 * @d: the daemon (what it waited for is given up)
 * @i: the slot
 */
void kr_ctl_drop(struct kr_irmd *d, int i);

/**
 * kr_ctl_acceptor() - the oldest connection waiting to accept @service
 * @ctl: the socket
 * @service: the service
 *
 * Return: its slot, or -1.
 */
int kr_ctl_acceptor(const struct kr_ctl *ctl, const char *service);

#endif /* KR_CTL_H */
