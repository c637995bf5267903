/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * Everything that differs between the kernels we support lives here, and only
 * here: Debian's 6.1 (6.1.y, see README.md for the oldest y) and 6.12.
 */
#ifndef _KR_COMPAT_H
#define _KR_COMPAT_H

#include <linux/version.h>

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 1, 0)
#error "keyrot needs Linux 6.1 or later"
#endif

#endif /* _KR_COMPAT_H */
