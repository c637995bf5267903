/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_ARGS_H
#define KR_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyrot.h"

/* Verbs of krctl, one netlink operation each (create and keyid: none). */
enum kr_verb {
	KR_VERB_HELP,
	KR_VERB_CREATE,
	KR_VERB_SET,
	KR_VERB_INSTALL,
	KR_VERB_KEYID,
	KR_VERB_CONFIRM,
	KR_VERB_WITHDRAW,
	KR_VERB_REKEY,
	KR_VERB_DOWN,
	KR_VERB_PEER_GONE,
	KR_VERB_DEL,
	KR_VERB_PORT,
	KR_VERB_STATS,
	KR_VERB_SHOW,
	KR_VERB_EVENTS,
};

/* How a flow-set value goes on the wire. */
enum kr_set_kind {
	KR_SET_ADDR,	/* binary, 4 or 16 bytes */
	KR_SET_U8,
	KR_SET_U16,
	KR_SET_U32,
	KR_SET_U64,
};

enum { KR_SET_MAX = 24 };	/* more than flow-set has settings */

enum { KR_TRAFFIC_MAX_PPS = 100000 };	/* create --traffic, at most */

/* One setting of `krctl set`: attribute KEYROT_A_FLOW_* and its value. */
struct kr_set_attr {
	int type;
	enum kr_set_kind kind;
	uint64_t val;
	unsigned char addr[16];
	size_t addr_len;
};

/* A parsed command line.  Only the fields of its verb are meaningful. */
struct kr_cmd {
	enum kr_verb verb;
	bool json;
	bool have_id;		/* show: ID given (a do, not a dump) */
	uint32_t id;		/* flow id */

	/* set */
	struct kr_set_attr set[KR_SET_MAX];
	int nset;

	/* install, keyid */
	uint8_t epoch;
	bool peer_holds;
	bool have_start_d0, have_start_d1;
	uint64_t start_d0, start_d1;
	const char *seed_file;	/* NULL or "-": standard input */

	/* confirm, withdraw */
	unsigned char key_id[KEYROT_KEY_ID_LEN];

	/* port */
	uint16_t port;

	/* create */
	bool hold;
	const char *id_file;
	const char *netns;	/* NULL: the caller's; a name or a path */
	const char *watch_file;	/* report the flow going down there */
	unsigned int traffic_pps; /* 0: no traffic */

	/* events */
	unsigned long count;	/* 0: no limit */
	double timeout;		/* seconds, 0: none */
	bool have_flow_filter;
	uint32_t flow_filter;
	const char *ready_file;
};

/**
 * kr_args_parse() - parse krctl's command line (argv[0] is the program)
 * @argc: argument count
 * @argv: the arguments
 * @cmd: filled in; zeroed first
 * @err: receives a one-line reason on failure (no program name, no newline)
 * @errlen: size of @err
 *
 * Checks syntax and that each number fits its attribute's type; the range
 * each attribute accepts is the kernel's policy to check (so tests can
 * probe it through krctl), and its extack reply says what is wrong.
 *
 * Return: 0, or -EINVAL (usage error, @err set).
 */
int kr_args_parse(int argc, char **argv, struct kr_cmd *cmd, char *err,
		  size_t errlen);

/**
 * kr_args_number() - parse an unsigned number that fits in @max
 * @s: decimal, or hex after "0x"; no sign, space or trailing characters
 * @max: the largest value accepted
 * @val: receives the value
 *
 * Return: 0, -EINVAL if @s is not a number, -ERANGE if it exceeds @max.
 */
int kr_args_number(const char *s, uint64_t max, uint64_t *val);

/**
 * kr_args_addr() - parse an IPv4 or IPv6 address into network-order bytes
 * @s: dotted quad or RFC 4291 text
 * @addr: receives 4 or 16 bytes
 * @len: receives 4 or 16
 *
 * Return: 0, or -EINVAL.
 */
int kr_args_addr(const char *s, unsigned char addr[16], size_t *len);

#endif /* KR_ARGS_H */
