// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "kr_names.h"

#include <stdio.h>
#include <string.h>

#include "keyrot.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

const char *const kr_rb_names[] = { "rd", "wr", "flowdown", "flowpeer",
				    "rekey" };
const int kr_rb_count = ARRAY_SIZE(kr_rb_names);
const char *const kr_reason_names[] = { "watermark", "interval", "request",
					"unconfirmed" };
const int kr_reason_count = ARRAY_SIZE(kr_reason_names);

static const char *const roles[] = {
	[KEYROT_ROLE_INITIATOR] = "initiator",
	[KEYROT_ROLE_RESPONDER] = "responder",
};

static const char *const ciphers[] = {
	[KEYROT_CIPHER_AES_256_GCM] = "aes-256-gcm",
	[KEYROT_CIPHER_CHACHA20_POLY1305] = "chacha20-poly1305",
};

static const char *const states[] = {
	[KEYROT_EPOCH_STATE_NEXT] = "next",
	[KEYROT_EPOCH_STATE_TRANSMIT] = "transmit",
	[KEYROT_EPOCH_STATE_PREVIOUS] = "previous",
};

static const char *const ops[] = {
	[KEYROT_CMD_FLOW_SET] = "flow-set",
	[KEYROT_CMD_FLOW_GET] = "flow-get",
	[KEYROT_CMD_FLOW_DEL] = "flow-del",
	[KEYROT_CMD_FLOW_STATE] = "flow-state",
	[KEYROT_CMD_SEED_INSTALL] = "seed-install",
	[KEYROT_CMD_EPOCH_CONFIRM] = "epoch-confirm",
	[KEYROT_CMD_EPOCH_WITHDRAW] = "epoch-withdraw",
	[KEYROT_CMD_REKEY_REQUEST] = "rekey-request",
	[KEYROT_CMD_NETNS_SET] = "netns-set",
	[KEYROT_CMD_NETNS_GET] = "netns-get",
	[KEYROT_CMD_REKEY_NEEDED_NTF] = "rekey-needed-ntf",
	[KEYROT_CMD_EPOCH_CONFIRMED_NTF] = "epoch-confirmed-ntf",
	[KEYROT_CMD_EPOCH_SWITCHED_NTF] = "epoch-switched-ntf",
	[KEYROT_CMD_FLOW_DOWN_NTF] = "flow-down-ntf",
	[KEYROT_CMD_PEER_GONE_NTF] = "peer-gone-ntf",
};

static const char *const events[] = {
	[KEYROT_CMD_REKEY_NEEDED_NTF] = "rekey-needed",
	[KEYROT_CMD_EPOCH_CONFIRMED_NTF] = "epoch-confirmed",
	[KEYROT_CMD_EPOCH_SWITCHED_NTF] = "epoch-switched",
	[KEYROT_CMD_FLOW_DOWN_NTF] = "flow-down",
	[KEYROT_CMD_PEER_GONE_NTF] = "peer-gone",
};

static const char *const flow_attrs[] = {
	[KEYROT_A_FLOW_ID] = "id",
	[KEYROT_A_FLOW_COOKIE] = "cookie",
	[KEYROT_A_FLOW_PEER_ADDR] = "peer-addr",
	[KEYROT_A_FLOW_PEER_PORT] = "peer-port",
	[KEYROT_A_FLOW_PEER_ID] = "peer-id",
	[KEYROT_A_FLOW_ROLE] = "role",
	[KEYROT_A_FLOW_CIPHER] = "cipher",
	[KEYROT_A_FLOW_MAX_PAYLOAD] = "max-payload",
	[KEYROT_A_FLOW_RX_QUEUE_LEN] = "rx-queue-len",
	[KEYROT_A_FLOW_TX_QUEUE_LEN] = "tx-queue-len",
	[KEYROT_A_FLOW_REPLAY_WINDOW] = "replay-window",
	[KEYROT_A_FLOW_WATERMARK] = "watermark",
	[KEYROT_A_FLOW_REKEY_INTERVAL_MS] = "rekey-interval-ms",
	[KEYROT_A_FLOW_REKEY_JITTER_PCT] = "rekey-jitter-pct",
	[KEYROT_A_FLOW_GRACE_MS] = "grace-ms",
	[KEYROT_A_FLOW_RETIRE_MS] = "retire-ms",
	[KEYROT_A_FLOW_CONFIRM_MS] = "confirm-ms",
	[KEYROT_A_FLOW_EVENT_MS] = "event-ms",
	[KEYROT_A_FLOW_KEEPALIVE_MS] = "keepalive-ms",
	[KEYROT_A_FLOW_PEER_TIMEOUT_MS] = "peer-timeout-ms",
	[KEYROT_A_FLOW_TRIAL_MS] = "trial-ms",
	[KEYROT_A_FLOW_FLAGS] = "flags",
	[KEYROT_A_FLOW_REKEY_NEED] = "rekey-need",
	[KEYROT_A_FLOW_LAST_RX_MS] = "last-rx-ms",
	[KEYROT_A_FLOW_EPOCH] = "epoch",
	[KEYROT_A_FLOW_STATS] = "stats",
	[KEYROT_A_FLOW_DOWN] = "down",
	[KEYROT_A_FLOW_PEER_GONE] = "peer-gone",
};

static const char *const seed_attrs[] = {
	[KEYROT_A_SEED_FLOW_ID] = "flow-id",
	[KEYROT_A_SEED_EPOCH] = "epoch",
	[KEYROT_A_SEED_SEED] = "seed",
	[KEYROT_A_SEED_KEY_ID] = "key-id",
	[KEYROT_A_SEED_PEER_HOLDS] = "peer-holds",
	[KEYROT_A_SEED_SEQ_START_D0] = "seq-start-d0",
	[KEYROT_A_SEED_SEQ_START_D1] = "seq-start-d1",
};

static const char *const netns_attrs[] = {
	[KEYROT_A_NETNS_PORT] = "port",
	[KEYROT_A_NETNS_FLOWS] = "flows",
	[KEYROT_A_NETNS_STATS] = "stats",
	[KEYROT_A_NETNS_TFMS] = "tfms",
};

static const char *const stats[] = {
	[KEYROT_A_STATS_TX_PACKETS] = "tx-packets",
	[KEYROT_A_STATS_TX_BYTES] = "tx-bytes",
	[KEYROT_A_STATS_RX_PACKETS] = "rx-packets",
	[KEYROT_A_STATS_RX_BYTES] = "rx-bytes",
	[KEYROT_A_STATS_TX_KEEPALIVES] = "tx-keepalives",
	[KEYROT_A_STATS_TX_CONFIRMATIONS] = "tx-confirmations",
	[KEYROT_A_STATS_DROP_SHORT] = "drop-short",
	[KEYROT_A_STATS_DROP_TYPE] = "drop-type",
	[KEYROT_A_STATS_DROP_UNKNOWN_FLOW] = "drop-unknown-flow",
	[KEYROT_A_STATS_DROP_EPOCH] = "drop-epoch",
	[KEYROT_A_STATS_DROP_SEQ_LIMIT] = "drop-seq-limit",
	[KEYROT_A_STATS_DROP_TOO_OLD] = "drop-too-old",
	[KEYROT_A_STATS_DROP_TOO_FAR] = "drop-too-far",
	[KEYROT_A_STATS_DROP_NO_KEY] = "drop-no-key",
	[KEYROT_A_STATS_DROP_AUTH] = "drop-auth",
	[KEYROT_A_STATS_DROP_REPLAY] = "drop-replay",
	[KEYROT_A_STATS_DROP_RX_QUEUE] = "drop-rx-queue",
	[KEYROT_A_STATS_DROP_DOWN] = "drop-down",
	[KEYROT_A_STATS_DROP_TX_ERROR] = "drop-tx-error",
	[KEYROT_A_STATS_TRIALS] = "trials",
	[KEYROT_A_STATS_TRIALS_OK] = "trials-ok",
	[KEYROT_A_STATS_REKEY_EVENTS] = "rekey-events",
	[KEYROT_A_STATS_EPOCHS_INSTALLED] = "epochs-installed",
	[KEYROT_A_STATS_EPOCHS_RETIRED] = "epochs-retired",
	[KEYROT_A_STATS_DROP_OVERSIZE] = "drop-oversize",
	[KEYROT_A_STATS_DROP_RX_ERROR] = "drop-rx-error",
};

#define LOOKUP(table, v) \
	((size_t)(v) < ARRAY_SIZE(table) ? (table)[(size_t)(v)] : NULL)

const char *kr_name_role(unsigned int v)
{
	return LOOKUP(roles, v);
}

const char *kr_name_cipher(unsigned int v)
{
	return LOOKUP(ciphers, v);
}

const char *kr_name_epoch_state(unsigned int v)
{
	return LOOKUP(states, v);
}

const char *kr_name_op(int cmd)
{
	return cmd < 0 ? NULL : LOOKUP(ops, cmd);
}

const char *kr_name_event(int cmd)
{
	return cmd < 0 ? NULL : LOOKUP(events, cmd);
}

const char *kr_name_stat(int type)
{
	return type < 0 ? NULL : LOOKUP(stats, type);
}

const char *kr_name_attr(int cmd, int type)
{
	if (type < 0)
		return NULL;
	switch (cmd) {
	case KEYROT_CMD_SEED_INSTALL:
	case KEYROT_CMD_EPOCH_CONFIRM:
	case KEYROT_CMD_EPOCH_WITHDRAW:
		return LOOKUP(seed_attrs, type);
	case KEYROT_CMD_NETNS_SET:
	case KEYROT_CMD_NETNS_GET:
		return LOOKUP(netns_attrs, type);
	default:
		return LOOKUP(flow_attrs, type);
	}
}

char *kr_name_flags(char *buf, size_t len, uint32_t v,
		    const char *const *names, int n)
{
	size_t off = 0;
	uint32_t rest = v;
	int i;

	buf[0] = '\0';
	for (i = 0; i < n && i < 32; i++) {
		if (!(v & (1u << i)))
			continue;
		rest &= ~(1u << i);
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				off ? "," : "", names[i]);
	}
	if (rest)
		off += snprintf(buf + off, off < len ? len - off : 0,
				"%s0x%x", off ? "," : "", rest);
	if (!off)
		snprintf(buf, len, "-");
	return buf;
}
