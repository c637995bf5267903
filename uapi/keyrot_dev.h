/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * keyrot flow descriptors: /dev/keyrot.
 *
 * open("/dev/keyrot") creates a flow in the opener's network namespace; the
 * last close() tears it down and wipes its keys.  write() sends one packet,
 * read() returns one (message boundaries kept).  poll(): EPOLLIN a packet is
 * queued, EPOLLOUT there is room, EPOLLPRI while RB_REKEY is set (level
 * triggered; use EPOLLET for the edge only), EPOLLHUP the flow is down,
 * EPOLLRDHUP the peer is gone.  The flags word is enum keyrot_rb.
 */
#ifndef _UAPI_LINUX_KEYROT_DEV_H
#define _UAPI_LINUX_KEYROT_DEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

#include "keyrot.h"

/**
 * struct keyrot_info - what KEYROT_IOC_INFO returns
 * @flow_id: this end's flow id, for the control plane
 * @flags: the flags word, enum keyrot_rb
 * @max_payload: the largest write() and the smallest read() that always fits
 * @rekey_need: why a re-key is needed, enum keyrot_rekey_reason, or 0
 */
struct keyrot_info {
	__u32 flow_id;
	__u32 flags;
	__u32 max_payload;
	__u32 rekey_need;
};

#define KEYROT_IOC_MAGIC	0xd5	/* free in ioctl-number.rst (6.1, 6.12) */

/* The flow id, flags word and limits of this descriptor's flow. */
#define KEYROT_IOC_INFO		_IOR(KEYROT_IOC_MAGIC, 1, struct keyrot_info)
/* Ask for a re-key (reason KEYROT_REKEY_REASON_REQUEST). */
#define KEYROT_IOC_REKEY	_IO(KEYROT_IOC_MAGIC, 2)

#endif /* _UAPI_LINUX_KEYROT_DEV_H */
