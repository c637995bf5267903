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

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "keyrot needs Linux 6.1 or later"
#endif

#endif /* _KR_COMPAT_H */
