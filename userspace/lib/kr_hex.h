/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_HEX_H
#define KR_HEX_H

#include <stddef.h>

/**
 * kr_hex_decode() - decode exactly 2 * @len hex digits into @out
 * @out: receives @len bytes
 * @len: bytes wanted
 * @hex: the digits (either case), not necessarily NUL-terminated
 * @hexlen: digits available; must be exactly 2 * @len
 *
 * Return: 0, -EINVAL on a length mismatch or a character that is not a hex
 * digit (nothing is promised about @out then: wipe it if it matters).
 */
int kr_hex_decode(unsigned char *out, size_t len, const char *hex,
		  size_t hexlen);

/**
 * kr_hex_encode() - write @len bytes as lower-case hex and a NUL
 * @out: room for 2 * @len + 1 characters
 * @in: the bytes
 * @len: how many
 */
void kr_hex_encode(char *out, const unsigned char *in, size_t len);

#endif /* KR_HEX_H */
