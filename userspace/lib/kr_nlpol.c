// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "kr_nlpol.h"

const struct nla_policy kr_nlpol_flow[KEYROT_A_FLOW_MAX + 1] = {
	[KEYROT_A_FLOW_ID]		= { .type = NLA_U32 },
	[KEYROT_A_FLOW_COOKIE]		= { .type = NLA_U64 },
	[KEYROT_A_FLOW_PEER_ADDR]	= { .type = NLA_UNSPEC, .minlen = 4,
					    .maxlen = 16 },
	[KEYROT_A_FLOW_PEER_PORT]	= { .type = NLA_U16 },
	[KEYROT_A_FLOW_PEER_ID]		= { .type = NLA_U32 },
	[KEYROT_A_FLOW_ROLE]		= { .type = NLA_U8 },
	[KEYROT_A_FLOW_CIPHER]		= { .type = NLA_U8 },
	[KEYROT_A_FLOW_MAX_PAYLOAD]	= { .type = NLA_U32 },
	[KEYROT_A_FLOW_RX_QUEUE_LEN]	= { .type = NLA_U32 },
	[KEYROT_A_FLOW_TX_QUEUE_LEN]	= { .type = NLA_U32 },
	[KEYROT_A_FLOW_REPLAY_WINDOW]	= { .type = NLA_U32 },
	[KEYROT_A_FLOW_WATERMARK]	= { .type = NLA_U32 },
	[KEYROT_A_FLOW_REKEY_INTERVAL_MS] = { .type = NLA_U32 },
	[KEYROT_A_FLOW_REKEY_JITTER_PCT] = { .type = NLA_U8 },
	[KEYROT_A_FLOW_GRACE_MS]	= { .type = NLA_U32 },
	[KEYROT_A_FLOW_RETIRE_MS]	= { .type = NLA_U32 },
	[KEYROT_A_FLOW_CONFIRM_MS]	= { .type = NLA_U32 },
	[KEYROT_A_FLOW_EVENT_MS]	= { .type = NLA_U32 },
	[KEYROT_A_FLOW_KEEPALIVE_MS]	= { .type = NLA_U32 },
	[KEYROT_A_FLOW_PEER_TIMEOUT_MS]	= { .type = NLA_U32 },
	[KEYROT_A_FLOW_TRIAL_MS]	= { .type = NLA_U32 },
	[KEYROT_A_FLOW_FLAGS]		= { .type = NLA_U32 },
	[KEYROT_A_FLOW_REKEY_NEED]	= { .type = NLA_U32 },
	[KEYROT_A_FLOW_LAST_RX_MS]	= { .type = NLA_U64 },
	[KEYROT_A_FLOW_EPOCH]		= { .type = NLA_NESTED },
	[KEYROT_A_FLOW_STATS]		= { .type = NLA_NESTED },
	[KEYROT_A_FLOW_DOWN]		= { .type = NLA_FLAG },
	[KEYROT_A_FLOW_PEER_GONE]	= { .type = NLA_FLAG },
};

const struct nla_policy kr_nlpol_epoch[KEYROT_A_EPOCH_MAX + 1] = {
	[KEYROT_A_EPOCH_NUMBER]		= { .type = NLA_U8 },
	[KEYROT_A_EPOCH_KEY_ID]		= { .type = NLA_UNSPEC,
					    .minlen = KEYROT_KEY_ID_LEN,
					    .maxlen = KEYROT_KEY_ID_LEN },
	[KEYROT_A_EPOCH_STATE]		= { .type = NLA_U32 },
	[KEYROT_A_EPOCH_CONFIRMED]	= { .type = NLA_FLAG },
	[KEYROT_A_EPOCH_PEER_SEEN]	= { .type = NLA_FLAG },
	[KEYROT_A_EPOCH_TX_SEQ]		= { .type = NLA_U64 },
	[KEYROT_A_EPOCH_RX_SEQ]		= { .type = NLA_U64 },
	[KEYROT_A_EPOCH_LEAVES_REMAINING] = { .type = NLA_U32 },
	[KEYROT_A_EPOCH_AGE_MS]		= { .type = NLA_U64 },
};

/* Every counter is a u64; the pad attribute is never parsed. */
const struct nla_policy kr_nlpol_stats[KEYROT_A_STATS_MAX + 1] = {
	[KEYROT_A_STATS_TX_PACKETS] = { .type = NLA_U64 },
	[KEYROT_A_STATS_TX_BYTES] = { .type = NLA_U64 },
	[KEYROT_A_STATS_RX_PACKETS] = { .type = NLA_U64 },
	[KEYROT_A_STATS_RX_BYTES] = { .type = NLA_U64 },
	[KEYROT_A_STATS_TX_KEEPALIVES] = { .type = NLA_U64 },
	[KEYROT_A_STATS_TX_CONFIRMATIONS] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_SHORT] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_TYPE] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_UNKNOWN_FLOW] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_EPOCH] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_SEQ_LIMIT] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_TOO_OLD] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_TOO_FAR] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_NO_KEY] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_AUTH] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_REPLAY] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_RX_QUEUE] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_DOWN] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_TX_ERROR] = { .type = NLA_U64 },
	[KEYROT_A_STATS_TRIALS] = { .type = NLA_U64 },
	[KEYROT_A_STATS_TRIALS_OK] = { .type = NLA_U64 },
	[KEYROT_A_STATS_REKEY_EVENTS] = { .type = NLA_U64 },
	[KEYROT_A_STATS_EPOCHS_INSTALLED] = { .type = NLA_U64 },
	[KEYROT_A_STATS_EPOCHS_RETIRED] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_OVERSIZE] = { .type = NLA_U64 },
	[KEYROT_A_STATS_DROP_RX_ERROR] = { .type = NLA_U64 },
};

const struct nla_policy kr_nlpol_netns[KEYROT_A_NETNS_MAX + 1] = {
	[KEYROT_A_NETNS_PORT]		= { .type = NLA_U16 },
	[KEYROT_A_NETNS_FLOWS]		= { .type = NLA_U32 },
	[KEYROT_A_NETNS_STATS]		= { .type = NLA_NESTED },
	[KEYROT_A_NETNS_TFMS]		= { .type = NLA_U64 },
};

const struct nla_policy kr_nlpol_event[KEYROT_A_EVENT_MAX + 1] = {
	[KEYROT_A_EVENT_FLOW_ID]	= { .type = NLA_U32 },
	[KEYROT_A_EVENT_COOKIE]		= { .type = NLA_U64 },
	[KEYROT_A_EVENT_REASON]		= { .type = NLA_U32 },
	[KEYROT_A_EVENT_EPOCH]		= { .type = NLA_U8 },
	[KEYROT_A_EVENT_KEY_ID]		= { .type = NLA_UNSPEC,
					    .minlen = KEYROT_KEY_ID_LEN,
					    .maxlen = KEYROT_KEY_ID_LEN },
	[KEYROT_A_EVENT_OLD_EPOCH]	= { .type = NLA_U8 },
};
