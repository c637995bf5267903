/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_SEED_H
#define KR_SEED_H

#include <stddef.h>

#include "keyrot.h"

/**
 * kr_seed_parse() - a root seed from the bytes of a seed file
 * @seed: receives KEYROT_SEED_LEN bytes (wiped on failure)
 * @buf: the file's bytes
 * @len: how many
 * @err: receives a one-line reason on failure
 * @errlen: size of @err
 *
 * Accepts exactly 32 raw bytes, or 64 hex digits optionally followed by one
 * newline ("\n" or "\r\n").  Anything else is refused: a seed is never
 * guessed from a short, long or mixed file.
 *
 * Return: 0, or -EINVAL.
 */
int kr_seed_parse(unsigned char seed[KEYROT_SEED_LEN],
		  const unsigned char *buf, size_t len, char *err,
		  size_t errlen);

/**
 * kr_seed_read() - read a root seed from a file or standard input
 * @seed: receives KEYROT_SEED_LEN bytes (wiped on failure)
 * @path: the file; NULL or "-" for standard input
 * @err: receives a one-line reason on failure
 * @errlen: size of @err
 *
 * Reads with read(2) into one stack buffer (no stdio buffer ever holds the
 * seed) and wipes it before returning, on every path.
 *
 * Return: 0, -errno if the file could not be read, -EINVAL if it does not
 * hold a seed.
 */
int kr_seed_read(unsigned char seed[KEYROT_SEED_LEN], const char *path,
		 char *err, size_t errlen);

#endif /* KR_SEED_H */
