/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_FDSTATE_H
#define KR_FDSTATE_H

#include <stddef.h>
#include <stdint.h>

/*
 * What a flow descriptor showed once its flow went down (krctl create
 * --watch): the probes, in the order they were made, and the traffic
 * --traffic moved before.  Each errno field is 0 if the call succeeded.
 */
struct kr_fdstate {
	uint32_t flow_id;
	short revents;		/* poll(), every event asked for */
	int info_err;		/* KEYROT_IOC_INFO */
	uint32_t flags;		/* its flags word, if it worked */
	unsigned long drained;	/* packets read before read() stopped */
	int read_err;		/* the last read(): 0 if it returned 0 */
	int write_err;		/* a one-byte write() */
	int rekey_err;		/* KEYROT_IOC_REKEY */
	unsigned long sent;	/* --traffic packets written, then read */
	unsigned long received;
};

/**
 * kr_errno_name() - "EPIPE" for EPIPE: the symbolic name of an errno
 * @err: a positive errno, or 0
 *
 * Return: the name, "ok" for 0, or "E?" for one not in the table.
 */
const char *kr_errno_name(int err);

/**
 * kr_poll_names() - "in,hup": the names of poll(2) bits set in @revents
 * @buf: receives the text, "-" when none is set
 * @len: size of @buf
 * @revents: the bits
 *
 * Return: @buf.
 */
char *kr_poll_names(char *buf, size_t len, short revents);

/**
 * kr_fdstate_format() - one line, key and value pairs, for scripts
 * @st: the probes
 * @buf: receives the line, with its newline
 * @len: size of @buf
 *
 * "flow 7 down revents in,hup flags rd,wr,flowdown read 0 drained 2
 * write EPIPE rekey EPIPE sent 10 received 9": read is "0" when read()
 * returned 0, else the errno's name; flags is "E..." if the ioctl failed.
 *
 * Return: the length written, or -1 if @buf is too small.
 */
int kr_fdstate_format(const struct kr_fdstate *st, char *buf, size_t len);

#endif /* KR_FDSTATE_H */
