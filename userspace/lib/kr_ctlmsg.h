/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_CTLMSG_H
#define KR_CTLMSG_H

/*
 * The messages of irmd's control socket (docs/irmd.md, "Control socket"):
 * a Unix SOCK_SEQPACKET socket, one request or reply per datagram, each one
 * line of printable ASCII words separated by single spaces, at most
 * KR_CTL_MSG_MAX bytes, no newline, no NUL.
 *
 *   alloc PEER SERVICE     a flow to SERVICE at PEER; reply "ok ID PEER
 *                          SERVICE" with the descriptor (SCM_RIGHTS)
 *   accept SERVICE         wait for a flow to SERVICE; same reply
 *   dealloc                with a flow descriptor attached: tear it down;
 *                          reply "ok ID"
 *   status                 one "line TEXT" reply per flow, then "ok COUNT"
 *
 *   err ERRNO TEXT         the request failed: ERRNO is a positive Linux
 *                          errno, TEXT says why
 *
 * Pure: encode and strictly decode; the daemon and libkeyrot share it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum {
	KR_CTL_MSG_MAX	= 512,	/* bytes in one request or reply */
	KR_CTL_PEER_MAX	= 63,	/* a peer name: [A-Za-z0-9._-] */
	KR_CTL_SVC_MAX	= 64,	/* a service name: 0x21 to 0x7e (OAP's) */
};

enum kr_ctl_op {
	KR_CTL_ALLOC = 1,
	KR_CTL_ACCEPT,
	KR_CTL_DEALLOC,
	KR_CTL_STATUS,
};

/**
 * struct kr_ctl_req - one request
 * @op: enum kr_ctl_op
 * @peer: alloc: the peer's name in irmd's configuration
 * @service: alloc, accept: the service name
 */
struct kr_ctl_req {
	int op;
	char peer[KR_CTL_PEER_MAX + 1];
	char service[KR_CTL_SVC_MAX + 1];
};

enum kr_ctl_rep_kind {
	KR_CTL_REP_OK = 1,	/* "ok VALUE[ TEXT]" */
	KR_CTL_REP_ERR,		/* "err ERRNO TEXT" */
	KR_CTL_REP_LINE,	/* "line TEXT": more replies follow */
};

/**
 * struct kr_ctl_rep - one reply
 * @kind: enum kr_ctl_rep_kind
 * @value: OK: the flow id, or the number of status lines
 * @err: ERR: a positive errno
 * @text: OK: optional ("PEER SERVICE"); ERR, LINE: the text
 */
struct kr_ctl_rep {
	int kind;
	uint32_t value;
	int err;
	char text[KR_CTL_MSG_MAX];
};

/**
 * kr_ctl_peer_name_ok() - is @s a valid peer name?
 * @s: NUL-terminated
 *
 * Return: true for 1 to KR_CTL_PEER_MAX of [A-Za-z0-9._-].
 */
bool kr_ctl_peer_name_ok(const char *s);

/**
 * kr_ctl_service_name_ok() - is @s a valid service name?
 * @s: NUL-terminated
 *
 * Return: true for 1 to KR_CTL_SVC_MAX bytes of 0x21 to 0x7e (docs/oap.md
 * 4.2).
 */
bool kr_ctl_service_name_ok(const char *s);

/**
 * kr_ctl_req_encode() - write @q as one datagram
 * @q: the request
 * @buf: the output (not NUL-terminated)
 * @size: room in @buf
 *
 * Return: the length, -EINVAL (a name or op the decoder would refuse), or
 * -EMSGSIZE.
 */
int kr_ctl_req_encode(const struct kr_ctl_req *q, char *buf, size_t size);

/**
 * kr_ctl_req_decode() - parse one request datagram, strictly
 * @q: receives it (zeroed first)
 * @buf: the datagram
 * @len: its length
 * @why: receives a reason on failure (a static string)
 *
 * Return: 0, or -EBADMSG.
 */
int kr_ctl_req_decode(struct kr_ctl_req *q, const char *buf, size_t len,
		      const char **why);

/**
 * kr_ctl_rep_encode() - write @r as one datagram
 * @r: the reply; control characters in @r->text become '?'
 * @buf: the output (not NUL-terminated)
 * @size: room in @buf
 *
 * Return: the length, -EINVAL, or -EMSGSIZE.
 */
int kr_ctl_rep_encode(const struct kr_ctl_rep *r, char *buf, size_t size);

/**
 * kr_ctl_rep_decode() - parse one reply datagram, strictly
 * @r: receives it (zeroed first)
 * @buf: the datagram
 * @len: its length
 * @why: receives a reason on failure (a static string)
 *
 * Return: 0, or -EBADMSG.
 */
int kr_ctl_rep_decode(struct kr_ctl_rep *r, const char *buf, size_t len,
		      const char **why);

/*
 * Send one encoded message @buf of @len bytes on the control socket @s, with
 * descriptor @pass attached (SCM_RIGHTS) unless it is -1; @flags for
 * sendmsg() (MSG_NOSIGNAL is added).  Retried on EINTR.  0 or -errno.
 */
int kr_ctl_send(int s, const char *buf, size_t len, int pass, int flags);

#endif /* KR_CTLMSG_H */
