/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_CONFIG_H
#define KR_CONFIG_H

/*
 * irmd's configuration file (docs/irmd.md, "Configuration"): INI-like
 * sections [irmd], [flow], [peer NAME], [service NAME] of "key = value"
 * lines.  Strict: an unknown section or key, a repeated one, a value out of
 * range, a missing required key are errors, each naming FILE:LINE and what
 * is wrong; nothing is guessed.
 */
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "nlc.h"
#include "oap.h"

enum {
	KR_CFG_PEERS_MAX	= 64,
	KR_CFG_SERVICES_MAX	= 64,
	KR_CFG_NAME_MAX		= 63,	/* peer names, irmd's own name */
	KR_CFG_ERR_LEN		= 512,	/* room for a message */
};

/* Defaults of the [irmd] section (docs/irmd.md). */
#define KR_CFG_DEFAULT_CONTROL		"/run/keyrot/irmd.sock"
#define KR_CFG_DEFAULT_CONTROL_MODE	0600
#define KR_CFG_DEFAULT_ACCEPT_MS	1000
#define KR_CFG_DEFAULT_GRACE_MS		5000	/* the kernel's (spec 9) */
#define KR_CFG_DEFAULT_EVENT_MS		1000

/**
 * struct kr_cfg_flow - [flow]: how irmd configures the flows it makes
 * @set: flow-set settings (timers, queues, limits); only those given
 * @cipher: the cipher of flows this end allocates (enum keyrot_cipher)
 * @grace_ms: the grace period flows get (given or the kernel's default):
 *	the requester's retry schedule is bound to it (docs/oap.md 12)
 * @event_ms: the re-key event period (given or default): backoff unit
 * @has_first_epoch: test only: @first_epoch instead of a random one
 * @first_epoch: the first epoch of flows this end allocates
 * @has_start: test only: start values in this end's allocation requests
 * @start: start values of direction 0 and 1
 * @has_rekey_start: test only: start values in this end's re-key requests
 * @rekey_start: start values of direction 0 and 1
 */
struct kr_cfg_flow {
	struct kr_nlc_settings set;
	uint8_t cipher;
	uint32_t grace_ms;
	uint32_t event_ms;
	bool has_first_epoch;
	uint8_t first_epoch;
	bool has_start;
	uint64_t start[2];
	bool has_rekey_start;
	uint64_t rekey_start[2];
};

/**
 * struct kr_cfg_peer - [peer NAME]: a pinned peer irmd
 * @name: its name, as applications and logs name it
 * @pub: its Ed25519 public key (key =)
 * @addr: its irmd's address and UDP port (address =)
 * @addr_len: sizeof the address
 * @line: the line of its section header
 */
struct kr_cfg_peer {
	char name[KR_CFG_NAME_MAX + 1];
	uint8_t pub[KR_OAP_PUB_LEN];
	struct sockaddr_storage addr;
	socklen_t addr_len;
	int line;
};

/**
 * struct kr_cfg_service - [service NAME]: a service this host offers
 * @name: the service name (OAP's: 1 to 64 of 0x21..0x7e)
 * @allow_all: every pinned peer may allocate flows to it (no allow =)
 * @allow: else, bit i: peer i may
 * @line: the line of its section header
 */
struct kr_cfg_service {
	char name[KR_OAP_NAME_MAX + 1];
	bool allow_all;
	uint64_t allow;
	int line;
};

/**
 * struct kr_config - the whole file
 * @file: its path, for messages
 * @name: [irmd] name: shown in log lines (default: none)
 * @identity: [irmd] identity: the identity key file (required)
 * @listen: [irmd] listen: address and UDP port for peer irmds
 * @listen_len: its length
 * @control: [irmd] control: the control socket's path
 * @control_mode: [irmd] control-mode: its file mode (octal)
 * @has_control_gid: [irmd] control-group given
 * @control_gid: the socket's group
 * @data_port: [irmd] data-port: the namespace's keyrot UDP port, set at
 *	start (netns-set); 0 keeps the namespace's
 * @window_ms: [irmd] freshness-window: OAP timestamps (0: default)
 * @cache: [irmd] replay-cache: entries (0: default)
 * @accept_ms: [irmd] accept-timeout: how long a flow request waits for a
 *	local flow_accept()
 * @allow_start: [irmd] allow-start: accept peers' start values (tests)
 * @log_level: [irmd] log: info or debug
 * @flow: [flow]
 * @peers: the [peer] sections, in file order
 * @npeers: how many
 * @services: the [service] sections
 * @nservices: how many
 */
struct kr_config {
	char file[PATH_MAX];
	char name[KR_CFG_NAME_MAX + 1];
	char identity[PATH_MAX];
	struct sockaddr_storage listen;
	socklen_t listen_len;
	char control[108];
	unsigned int control_mode;
	bool has_control_gid;
	gid_t control_gid;
	uint16_t data_port;
	uint32_t window_ms;
	uint32_t cache;
	uint32_t accept_ms;
	bool allow_start;
	int log_level;
	struct kr_cfg_flow flow;
	struct kr_cfg_peer peers[KR_CFG_PEERS_MAX];
	size_t npeers;
	struct kr_cfg_service services[KR_CFG_SERVICES_MAX];
	size_t nservices;
};

/**
 * kr_config_parse() - parse configuration text
 * @c: receives it (defaults first)
 * @file: the file name, for messages
 * @text: the contents
 * @len: their length
 * @err: receives "FILE:LINE: what is wrong" on failure
 * @errlen: size of @err
 *
 * Return: 0, or -EINVAL.
 */
int kr_config_parse(struct kr_config *c, const char *file, const char *text,
		    size_t len, char *err, size_t errlen);

/**
 * kr_config_load() - read and parse a configuration file
 * @c: receives it
 * @path: the file; refused if group or others may write it (it pins keys)
 * @err: receives the reason on failure
 * @errlen: size of @err
 *
 * Return: 0, or -errno.
 */
int kr_config_load(struct kr_config *c, const char *path, char *err,
		   size_t errlen);

/**
 * kr_config_peer_index() - the index of the peer named @name
 * @c: the configuration
 * @name: a peer name
 *
 * Return: its index in @c->peers, or -1.
 */
int kr_config_peer_index(const struct kr_config *c, const char *name);

/**
 * kr_config_service() - the service named @name
 * @c: the configuration
 * @name: a service name
 *
 * Return: it, or NULL.
 */
const struct kr_cfg_service *kr_config_service(const struct kr_config *c,
					       const char *name);

/**
 * kr_config_allows() - may peer @peer allocate flows to @s?
 * @s: a service
 * @peer: a peer index
 *
 * Return: true if it may.
 */
bool kr_config_allows(const struct kr_cfg_service *s, int peer);

/**
 * kr_config_addr_parse() - "IP", "IP:PORT", "[IPv6]" or "[IPv6]:PORT"
 * @s: the text (numeric addresses only: no name lookups)
 * @def_port: the port when none is given
 * @ss: receives the address
 * @len: receives its length
 *
 * Return: 0, or -EINVAL.
 */
int kr_config_addr_parse(const char *s, uint16_t def_port,
			 struct sockaddr_storage *ss, socklen_t *len);

#endif /* KR_CONFIG_H */
