/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_NL_H
#define KR_NL_H

/*
 * A libnl-3 client of the keyrot generic netlink family, shared by krctl
 * and irmd: connect with extended acks and NETLINK_CAP_ACK (an error ack
 * never echoes a request, so never a seed), resolve the family and its
 * events group, run one request to its ack (dumps included), and say why a
 * request failed in the words of the spec (attribute names, extack).
 *
 * What goes wrong is reported as one line through the log hook
 * (kr_nl_set_log()); by default "PROG: message" on standard error, PROG
 * being "krctl" unless set.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nl_msg;
struct nl_sock;

/* A generic netlink socket with the keyrot family resolved. */
struct kr_nl {
	struct nl_sock *sk;
	int family;
};

/* Why a request failed, as the kernel or libnl said. */
struct kr_nl_err {
	int err;		/* -errno from the kernel, 0 if none */
	int nle;		/* libnl's NLE_* (positive), 0 if none */
	char msg[256];		/* NLMSGERR_ATTR_MSG, "" if none */
	int bad_attr;		/* attribute NLMSGERR_ATTR_OFFS points at, 0 */
	int miss_type;		/* NLMSGERR_ATTR_MISS_TYPE, 0 if none */
	bool dump_intr;		/* NLM_F_DUMP_INTR seen: redo the dump */
};

/* Called for each reply message; returns 0 or -errno (stops the request). */
typedef int (*kr_nl_reply_fn)(struct nl_msg *msg, void *arg);

/* Receives each line the client reports, without program name or newline. */
typedef void (*kr_nl_log_fn)(const char *line);

/**
 * kr_nl_set_log() - where the client's reports go
 * @prog: the program name of the default hook ("krctl"); NULL keeps it
 * @fn: NULL for the default: "PROG: line" on standard error
 */
void kr_nl_set_log(const char *prog, kr_nl_log_fn fn);

/**
 * kr_nl_open() - connect, ask for extended acks, resolve the keyrot family
 * @nl: filled in
 *
 * Reports what failed, naming the module when the family is missing.
 *
 * Return: 0, or -errno.
 */
int kr_nl_open(struct kr_nl *nl);

/**
 * kr_nl_open_events() - kr_nl_open(), joined to the "events" group
 * @nl: filled in; its socket is non-blocking, without sequence checks
 *
 * Return: 0, or -errno (reported; -EPERM names the capability).
 */
int kr_nl_open_events(struct kr_nl *nl);

void kr_nl_close(struct kr_nl *nl);

/**
 * kr_nl_msg() - a new request of @nl's family
 * @nl: the socket
 * @cmd: KEYROT_CMD_*
 * @flags: extra nlmsg flags (NLM_F_DUMP)
 *
 * Return: the message (free with nlmsg_free()), or NULL.
 */
struct nl_msg *kr_nl_msg(struct kr_nl *nl, uint8_t cmd, int flags);

/**
 * kr_nl_request() - send @msg, hand each reply to @fn, wait for the ack
 * @nl: the socket
 * @msg: the request; still the caller's to free
 * @secret: wipe @msg's buffer right after sending it
 * @fn: called for each reply message, or NULL
 * @arg: passed to @fn
 * @e: receives what failed
 *
 * Return: 0; the kernel's -errno (@e->err, with its extack in @e); -EIO for
 * a libnl failure (@e->nle); -EINTR when a dump was interrupted
 * (@e->dump_intr: start again); or what @fn returned.
 */
int kr_nl_request(struct kr_nl *nl, struct nl_msg *msg, bool secret,
		  kr_nl_reply_fn fn, void *arg, struct kr_nl_err *e);

/**
 * kr_nl_describe() - why @op failed, as one line
 * @buf: receives the text, "flow 7: seed-install: Invalid argument
 *	(kernel: "...", attribute key-id)"
 * @len: size of @buf
 * @op: the operation's spec name ("seed-install")
 * @cmd: its KEYROT_CMD_*, to name attributes
 * @flow: the flow it was about, 0 for none
 * @ret: what kr_nl_request() returned
 * @e: what it filled in
 *
 * Return: @buf.
 */
char *kr_nl_describe(char *buf, size_t len, const char *op, int cmd,
		     uint32_t flow, int ret, const struct kr_nl_err *e);

/**
 * kr_nl_report() - report why @op failed through the log hook
 * @op: the operation's spec name ("seed-install")
 * @cmd: its KEYROT_CMD_*, to name attributes
 * @flow: the flow it was about, 0 for none
 * @ret: what kr_nl_request() returned
 * @e: what it filled in
 *
 * "krctl: flow 7: seed-install: Invalid argument (kernel: "...")".
 */
void kr_nl_report(const char *op, int cmd, uint32_t flow, int ret,
		  const struct kr_nl_err *e);

#endif /* KR_NL_H */
