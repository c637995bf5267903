/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef LIBKEYROT_H
#define LIBKEYROT_H

/*
 * libkeyrot: encrypted flows for applications (build/libkeyrot.a).
 *
 * An application asks the local irmd for a flow over irmd's control socket;
 * irmd runs the key exchange with the peer's irmd, configures the flow in
 * the kernel and hands its descriptor (a /dev/keyrot descriptor) over with
 * SCM_RIGHTS.  From then on the descriptor is the flow: read() and write()
 * carry one packet each, poll() reports data, room, re-key need (EPOLLPRI),
 * flow down (EPOLLHUP) and peer gone (EPOLLRDHUP); README.md "Flows" has
 * every errno.  Keys rotate by themselves: irmd re-keys the flow whenever
 * the kernel asks, and the application sees nothing but, rarely, RB_REKEY.
 *
 * The socket: $KEYROT_IRMD_SOCKET, else KEYROT_IRMD_SOCKET_DEFAULT.  Who
 * may ask is decided by the socket file's permissions (irmd's "control-mode"
 * and "control-group"): connect() needs write permission on it.
 *
 * Every call returns a value >= 0 or a negative errno; none sets errno.
 * The calls block; none is async-signal-safe.  Link with -lkeyrot.
 */
#include <stddef.h>
#include <sys/types.h>

#define KEYROT_IRMD_SOCKET_ENV		"KEYROT_IRMD_SOCKET"
#define KEYROT_IRMD_SOCKET_DEFAULT	"/run/keyrot/irmd.sock"

struct keyrot_info;

/**
 * flow_irmd_socket() - the path of irmd's control socket
 *
 * Return: $KEYROT_IRMD_SOCKET if set and not empty, else the default.
 */
const char *flow_irmd_socket(void);

/**
 * flow_alloc() - a new flow to @service at @peer
 * @peer: the peer's name in the local irmd's configuration ("[peer NAME]")
 * @service: the service name the peer offers
 *
 * Blocks until the peer's irmd has answered (and a process there accepted
 * the flow) or the exchange was given up (at most 3/4 of the grace period,
 * plus the peer's accept wait).
 *
 * Return: the flow's descriptor (O_RDWR, close-on-exec; blocking: set
 * O_NONBLOCK yourself if you want it); or -ENXIO no such peer in the
 * configuration, -ESRCH the peer offers no such service, -EPERM the peer
 * refused (this peer may not use the service), -EAGAIN nobody accepted in
 * time or the peer's kernel was busy, -ETIMEDOUT the peer's irmd did not
 * answer, -EIO the exchange failed, -EINVAL a bad name; connecting:
 * -ENOENT no irmd socket, -ECONNREFUSED no irmd listening, -EACCES not
 * allowed to use it.
 */
int flow_alloc(const char *peer, const char *service);

/**
 * flow_accept() - wait for a peer's flow to @service
 * @service: a service of the local irmd's configuration ("[service NAME]")
 *
 * Blocks until a peer allocates a flow to @service (requests that arrive
 * while nobody waits are held for irmd's accept-timeout).
 *
 * Return: the flow's descriptor; or -ESRCH no such service here, or a
 * connecting error as flow_alloc().
 */
int flow_accept(const char *service);

/**
 * flow_accept_from() - flow_accept(), also saying which peer asked
 * @service: as flow_accept()
 * @peer: receives the peer's name in the local configuration
 * @len: size of @peer (KR_CTL_PEER_MAX + 1 always fits)
 *
 * Return: as flow_accept().
 */
int flow_accept_from(const char *service, char *peer, size_t len);

/**
 * flow_dealloc() - tear a flow down and close @fd
 * @fd: a flow descriptor from flow_alloc() or flow_accept()
 *
 * irmd takes the flow down in the kernel (flow-del), even if other copies
 * of the descriptor exist (fork, dup); then @fd is closed.  If irmd cannot
 * be reached, @fd is closed anyway (the last close tears a flow down too).
 *
 * Return: 0, or -errno (@fd is closed either way, unless -EBADF).
 */
int flow_dealloc(int fd);

/**
 * flow_read() - read one packet
 * @fd: the flow
 * @buf: receives it
 * @n: room; less than the packet: -EMSGSIZE and the packet stays queued
 *
 * Return: its length; 0 once the flow is down and drained; or -errno
 * (-EAGAIN on a non-blocking descriptor with nothing queued, -EINTR).
 */
ssize_t flow_read(int fd, void *buf, size_t n);

/**
 * flow_write() - send one packet
 * @fd: the flow
 * @buf: the packet
 * @n: its length, 1 to the flow's max payload
 *
 * Return: @n; or -errno (-EAGAIN, -EMSGSIZE, -EKEYEXPIRED keys exhausted
 * until the next epoch, -EPIPE the flow is down, -EINTR).
 */
ssize_t flow_write(int fd, const void *buf, size_t n);

/**
 * flow_poll() - wait for @events on one flow
 * @fd: the flow
 * @events: POLLIN, POLLOUT, POLLPRI (re-key needed); POLLHUP and
 *	POLLRDHUP (peer gone) are reported as poll(2) does
 * @timeout_ms: as poll(2): -1 for ever, 0 not at all
 *
 * Return: the events that happened (0 on timeout), or -errno.
 */
int flow_poll(int fd, short events, int timeout_ms);

/**
 * flow_info() - the flow's id, flags word, max payload and re-key need
 * @fd: the flow
 * @info: receives KEYROT_IOC_INFO's answer (uapi/keyrot_dev.h)
 *
 * Return: 0, or -errno.
 */
int flow_info(int fd, struct keyrot_info *info);

/**
 * flow_irmd_status() - irmd's registry, one line per flow
 * @line: called with each line (no newline)
 * @arg: passed to @line
 *
 * Return: the number of flows, or -errno.
 */
int flow_irmd_status(void (*line)(const char *text, void *arg), void *arg);

#endif /* LIBKEYROT_H */
