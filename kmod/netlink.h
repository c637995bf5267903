/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 */
#ifndef _KR_NETLINK_H
#define _KR_NETLINK_H

#include <linux/types.h>

struct kr_flow;

/* netlink.c APIs: */
int kr_netlink_init(void);
void kr_netlink_uninit(void);
void kr_netlink_notify_rekey(struct kr_flow *flow, u32 need);
void kr_netlink_notify_epoch(struct kr_flow *flow, u8 cmd, u8 epoch,
			     const u8 *key_id, int old);
void kr_netlink_notify_flow(struct kr_flow *flow, u8 cmd);

#endif /* _KR_NETLINK_H */
