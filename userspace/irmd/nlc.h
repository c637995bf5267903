/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_NLC_H
#define KR_NLC_H

/*
 * irmd's kernel client, on the shared libnl client (userspace/lib/kr_nl.h):
 * a command socket for requests (each runs to its ack, synchronously) and
 * a non-blocking socket joined to the "events" group.  Every failure comes
 * back as -errno with one line saying why, in the spec's words (extack).
 * A seed only ever exists in the seed-install request, which is wiped as
 * soon as it is sent.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kr_nl.h"
#include "keyrot.h"

enum { KR_NLC_WHY_LEN = 384, KR_NLC_EPOCHS_MAX = 3 };

/**
 * struct kr_nlc_settings - flow-set settings (timers, queues, limits)
 * @has: bit KEYROT_A_FLOW_x set: that attribute is given
 * @val: its value (jitter is a u8 on the wire, the others u32)
 */
struct kr_nlc_settings {
	uint64_t has;
	uint32_t val[KEYROT_A_FLOW_MAX + 1];
};

/**
 * struct kr_nlc_flowset - one flow-set request
 * @id: the flow
 * @addr: the peer's address (4 or 16 bytes), NULL for none
 * @addr_len: 4 or 16
 * @port: the peer's keyrot UDP port (with @addr)
 * @peer_id: the peer's flow id, 0 for none
 * @role: enum keyrot_role, -1 for none
 * @cipher: enum keyrot_cipher, -1 for none
 * @has_cookie: send @cookie
 * @cookie: opaque to the kernel; irmd's flows carry its mark (docs/irmd.md)
 * @set: the settings, or NULL
 */
struct kr_nlc_flowset {
	uint32_t id;
	const uint8_t *addr;
	size_t addr_len;
	uint16_t port;
	uint32_t peer_id;
	int role;
	int cipher;
	bool has_cookie;
	uint64_t cookie;
	const struct kr_nlc_settings *set;
};

/**
 * struct kr_nlc_seed - one seed-install request
 * @id: the flow
 * @epoch: the seed's epoch
 * @seed: KEYROT_SEED_LEN bytes, only read
 * @key_id: its key id
 * @peer_holds: spec section 6 (b)
 * @has_start: send @start
 * @start: start values of direction 0 and 1
 */
struct kr_nlc_seed {
	uint32_t id;
	uint8_t epoch;
	const uint8_t *seed;
	const uint8_t *key_id;
	bool peer_holds;
	bool has_start;
	uint64_t start[2];
};

/* One live epoch of a flow (flow-get). */
struct kr_nlc_epoch {
	uint8_t number;
	uint8_t key_id[KEYROT_KEY_ID_LEN];
	uint32_t state;		/* enum keyrot_epoch_state */
	bool confirmed;
	bool peer_seen;
};

/**
 * struct kr_nlc_flow - a flow's settings and state (flow-get)
 * @id: its id
 * @cookie: its cookie
 * @peer_addr: the peer's address, @addr_len bytes (0: none yet)
 * @addr_len: 0, 4 or 16
 * @peer_port: the peer's port
 * @peer_id: the peer's flow id (0: none yet)
 * @role: enum keyrot_role
 * @cipher: enum keyrot_cipher
 * @grace_ms: its grace period
 * @event_ms: its re-key event period
 * @flags: the flags word (enum keyrot_rb)
 * @need: the re-key need (enum keyrot_rekey_reason), 0 if none
 * @nepochs: live epochs
 * @ep: each of them
 */
struct kr_nlc_flow {
	uint32_t id;
	uint64_t cookie;
	uint8_t peer_addr[16];
	size_t addr_len;
	uint16_t peer_port;
	uint32_t peer_id;
	uint8_t role;
	uint8_t cipher;
	uint32_t grace_ms;
	uint32_t event_ms;
	uint32_t flags;
	uint32_t need;
	int nepochs;
	struct kr_nlc_epoch ep[KR_NLC_EPOCHS_MAX];
};

/**
 * struct kr_nlc_event - one notification of the events group
 * @cmd: KEYROT_CMD_*_NTF
 * @flow_id: the flow
 * @cookie: its cookie
 * @reason: rekey-needed: enum keyrot_rekey_reason bits
 * @has_epoch: @epoch given (rekey-needed: the transmit epoch, if any)
 * @epoch: the epoch
 * @has_key_id: @key_id given
 * @key_id: its key id
 * @has_old: @old_epoch given (epoch-switched)
 * @old_epoch: the previous transmit epoch
 */
struct kr_nlc_event {
	int cmd;
	uint32_t flow_id;
	uint64_t cookie;
	uint32_t reason;
	bool has_epoch;
	uint8_t epoch;
	bool has_key_id;
	uint8_t key_id[KEYROT_KEY_ID_LEN];
	bool has_old;
	uint8_t old_epoch;
};

/**
 * struct kr_nlc - the two sockets
 * @cmd: requests
 * @ev: the events group
 */
struct kr_nlc {
	struct kr_nl cmd;
	struct kr_nl ev;
};

typedef void (*kr_nlc_event_fn)(void *arg, const struct kr_nlc_event *ev);
typedef int (*kr_nlc_flow_fn)(void *arg, const struct kr_nlc_flow *f);

/**
 * kr_nlc_open() - connect both sockets
 * @c: filled in
 *
 * Return: 0, or -errno (reported through kr_nl's log hook).
 */
int kr_nlc_open(struct kr_nlc *c);

void kr_nlc_close(struct kr_nlc *c);

/* Each request: 0, or -errno with @why (KR_NLC_WHY_LEN) saying why. */
int kr_nlc_flow_set(struct kr_nlc *c, const struct kr_nlc_flowset *fs,
		    char *why);
int kr_nlc_seed_install(struct kr_nlc *c, const struct kr_nlc_seed *s,
			char *why);
int kr_nlc_epoch_confirm(struct kr_nlc *c, uint32_t id,
			 const uint8_t key_id[KEYROT_KEY_ID_LEN], char *why);
int kr_nlc_epoch_withdraw(struct kr_nlc *c, uint32_t id,
			  const uint8_t key_id[KEYROT_KEY_ID_LEN], char *why);
int kr_nlc_flow_del(struct kr_nlc *c, uint32_t id, char *why);
int kr_nlc_flow_down(struct kr_nlc *c, uint32_t id, char *why);
int kr_nlc_flow_get(struct kr_nlc *c, uint32_t id, struct kr_nlc_flow *f,
		    char *why);
int kr_nlc_netns_get(struct kr_nlc *c, uint16_t *port, char *why);
int kr_nlc_netns_set(struct kr_nlc *c, uint16_t port, char *why);

/**
 * kr_nlc_flow_dump() - every flow of the namespace
 * @c: the client
 * @fn: called for each; a non-zero return stops the dump with it
 * @arg: passed to @fn
 * @why: the reason on failure
 *
 * A dump the kernel says was interrupted (flows changed) is started again,
 * a few times; @fn may then see a flow twice.
 *
 * Return: 0, what @fn returned, or -errno.
 */
int kr_nlc_flow_dump(struct kr_nlc *c, kr_nlc_flow_fn fn, void *arg,
		     char *why);

/**
 * kr_nlc_events_fd() - the events socket, to poll for input
 * @c: the client
 *
 * Return: the descriptor.
 */
int kr_nlc_events_fd(const struct kr_nlc *c);

/**
 * kr_nlc_events_read() - hand every queued event to @fn
 * @c: the client
 * @fn: called for each well-formed event
 * @arg: passed to @fn
 *
 * Return: 0; -ENOBUFS when the kernel dropped events (the receive buffer
 * was full: resynchronise); -EIO.
 */
int kr_nlc_events_read(struct kr_nlc *c, kr_nlc_event_fn fn, void *arg);

/* The transmit epoch, the pending (next) epoch of @f: NULL if none. */
const struct kr_nlc_epoch *kr_nlc_tx(const struct kr_nlc_flow *f);
const struct kr_nlc_epoch *kr_nlc_next(const struct kr_nlc_flow *f);

/**
 * kr_nlc_holds() - does @f hold the seed @key_id at @epoch?
 * @f: the flow
 * @epoch: its epoch
 * @key_id: its key id
 *
 * Return: true if one of its live epochs is that one.
 */
bool kr_nlc_holds(const struct kr_nlc_flow *f, uint8_t epoch,
		  const uint8_t key_id[KEYROT_KEY_ID_LEN]);

#endif /* KR_NLC_H */
