// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "seed.h"
#include "kr_hex.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

/* Longer than any accepted form, so that a long file is seen as long. */
enum { SEED_FILE_MAX = 2 * KEYROT_SEED_LEN + 3 };

int kr_seed_parse(unsigned char seed[KEYROT_SEED_LEN],
		  const unsigned char *buf, size_t len, char *err,
		  size_t errlen)
{
	size_t hexlen = len;

	if (len == KEYROT_SEED_LEN) {
		memcpy(seed, buf, KEYROT_SEED_LEN);
		return 0;
	}
	if (hexlen && buf[hexlen - 1] == '\n')
		hexlen--;
	if (hexlen && buf[hexlen - 1] == '\r' && hexlen != len)
		hexlen--;
	if (hexlen == 2 * KEYROT_SEED_LEN) {
		if (!kr_hex_decode(seed, KEYROT_SEED_LEN, (const char *)buf,
				   hexlen))
			return 0;
		OPENSSL_cleanse(seed, KEYROT_SEED_LEN);
		snprintf(err, errlen,
			 "seed: 64 characters that are not all hex digits");
		return -EINVAL;
	}
	snprintf(err, errlen,
		 "seed: %s (%zu bytes): want 32 raw bytes or 64 hex digits",
		 len < KEYROT_SEED_LEN ? "too short" :
		 len > 2 * KEYROT_SEED_LEN + 2 ? "too long" :
		 "neither raw nor hex", len);
	return -EINVAL;
}

int kr_seed_read(unsigned char seed[KEYROT_SEED_LEN], const char *path,
		 char *err, size_t errlen)
{
	unsigned char buf[SEED_FILE_MAX];
	bool own = path && strcmp(path, "-");
	size_t len = 0;
	int fd = 0, ret;
	ssize_t n;

	if (own) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			ret = -errno;
			snprintf(err, errlen, "seed: %s: %s", path,
				 strerror(errno));
			return ret;
		}
	}
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			snprintf(err, errlen, "seed: %s: %s",
				 own ? path : "standard input",
				 strerror(errno));
			goto out_wipe;
		}
		if (n == 0)
			break;
		len += n;
	}
	if (len == sizeof(buf)) {
		snprintf(err, errlen,
			 "seed: too long (more than %zu bytes): want 32 raw bytes or 64 hex digits",
			 sizeof(buf) - 1);
		ret = -EINVAL;
		goto out_wipe;
	}
	ret = kr_seed_parse(seed, buf, len, err, errlen);
out_wipe:
	OPENSSL_cleanse(buf, sizeof(buf));
	if (own)
		close(fd);
	return ret;
}
