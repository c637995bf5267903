/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 */
#ifndef _KR_HKDF_H
#define _KR_HKDF_H

#include <linux/types.h>

int __must_check kr_hkdf_expand(const u8 *prk, unsigned int prk_len,
				const u8 *info, unsigned int info_len,
				u8 *okm, unsigned int okm_len);

#endif /* _KR_HKDF_H */
