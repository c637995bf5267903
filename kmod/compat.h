/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * Everything that differs between the kernels we support lives here, and only
 * here: Debian's 6.1 (6.1.y, see README.md for the oldest y) and 6.12.  An
 * out-of-tree module built for two kernels has to test the version somewhere;
 * this is the one place, which is why tests/style.sh lets checkpatch's
 * LINUX_VERSION_CODE warning through for this file alone.
 */
#ifndef _KR_COMPAT_H
#define _KR_COMPAT_H

#include <linux/crypto.h>
#include <linux/version.h>
#include <net/genetlink.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "keyrot needs Linux 6.1 or later"
#endif

/*
 * The events group must be closed to listeners without CAP_NET_ADMIN:
 * GENL_MCAST_CAP_NET_ADMIN came in 6.7 and reached 6.1.y in 6.1.176, which
 * makes 6.1.176 the oldest 6.1 we build for.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "keyrot needs GENL_MCAST_CAP_NET_ADMIN: Linux 6.1.176 or later"
#endif

/*
 * Crypto completion callbacks take the request's data pointer since 6.3
 * (before: the request).  KR_CRYPTO_DONE(name) declares one; in its body
 * kr_crypto_done_data() is the data pointer given to the request.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define KR_CRYPTO_DONE(name)	void name(void *kr_done_arg, int err)
#define kr_crypto_done_data()	(kr_done_arg)
#else
#define KR_CRYPTO_DONE(name) \
	void name(struct crypto_async_request *kr_done_arg, int err)
#define kr_crypto_done_data()	(kr_done_arg->data)
#endif

#endif /* _KR_COMPAT_H */
