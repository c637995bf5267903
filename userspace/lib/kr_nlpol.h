/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_NLPOL_H
#define KR_NLPOL_H

/*
 * The libnl attribute policies for what the keyrot family sends: flow-get
 * replies (flow, epoch, stats nests), netns-get replies, and the events.
 * One table per attribute set, shared by irmd and krctl, so both check the
 * kernel's messages the same way (uapi/keyrot.yaml gives the types).
 */
#include <netlink/attr.h>

#include "keyrot.h"

extern const struct nla_policy kr_nlpol_flow[KEYROT_A_FLOW_MAX + 1];
extern const struct nla_policy kr_nlpol_epoch[KEYROT_A_EPOCH_MAX + 1];
extern const struct nla_policy kr_nlpol_stats[KEYROT_A_STATS_MAX + 1];
extern const struct nla_policy kr_nlpol_netns[KEYROT_A_NETNS_MAX + 1];
extern const struct nla_policy kr_nlpol_event[KEYROT_A_EVENT_MAX + 1];

#endif /* KR_NLPOL_H */
