// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/* Reading a root seed: the forms accepted, and everything refused. */
#include "../../tools/krctl/seed.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char hex[] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
static unsigned char want[32];
static unsigned char seed[32];
static char err[256];

static int parse(const void *buf, size_t len)
{
	memset(seed, 0xaa, sizeof(seed));
	err[0] = '\0';
	return kr_seed_parse(seed, buf, len, err, sizeof(err));
}

static bool ok(const void *buf, size_t len)
{
	return !parse(buf, len) && !memcmp(seed, want, 32);
}

static bool refused(const void *buf, size_t len, const char *why)
{
	return parse(buf, len) == -EINVAL && strstr(err, why);
}

static bool wiped(void)
{
	static const unsigned char zero[32];

	return !memcmp(seed, zero, 32);
}

static char tmpl[] = "/tmp/krctl-seed-XXXXXX";

static int write_file(const void *buf, size_t len)
{
	int fd = open(tmpl, O_WRONLY | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, buf, len);
	close(fd);
	return n == (ssize_t)len ? 0 : -1;
}

/* kr_seed_read(NULL) with @buf on standard input, through a pipe. */
static int read_stdin(const void *buf, size_t len)
{
	int p[2], saved, ret;

	if (pipe(p))
		return -99;
	if (write(p[1], buf, len) != (ssize_t)len)
		return -99;
	close(p[1]);
	saved = dup(0);
	dup2(p[0], 0);
	close(p[0]);
	ret = kr_seed_read(seed, NULL, err, sizeof(err));
	dup2(saved, 0);
	close(saved);
	return ret;
}

int main(void)
{
	char upper[sizeof(hex)], buf[200];
	int i, fd;

	for (i = 0; i < 32; i++)
		want[i] = (unsigned char)i;
	for (i = 0; hex[i]; i++)
		upper[i] = (char)(hex[i] >= 'a' ? hex[i] - 32 : hex[i]);
	upper[64] = '\0';

	UNIT_CASE("raw_32_bytes", ok(want, 32));
	UNIT_CASE("hex_64", ok(hex, 64));
	UNIT_CASE("hex_upper", ok(upper, 64));
	snprintf(buf, sizeof(buf), "%s\n", hex);
	UNIT_CASE("hex_newline", ok(buf, 65));
	snprintf(buf, sizeof(buf), "%s\r\n", hex);
	UNIT_CASE("hex_crlf", ok(buf, 66));
	snprintf(buf, sizeof(buf), "%s\n\n", hex);
	UNIT_CASE("hex_two_newlines", refused(buf, 66, "neither raw nor hex"));
	snprintf(buf, sizeof(buf), "%s\r", hex);
	UNIT_CASE("hex_lone_cr", refused(buf, 65, "neither raw nor hex"));
	UNIT_CASE("empty", refused("", 0, "too short"));
	UNIT_CASE("raw_31", refused(want, 31, "too short"));
	UNIT_CASE("raw_33", refused(buf, 33, "neither raw nor hex"));
	snprintf(buf, sizeof(buf), "%.63s\n", hex);
	UNIT_CASE("hex_63_newline", refused(buf, 64, "neither raw nor hex"));
	snprintf(buf, sizeof(buf), "%.62sg0", hex);
	UNIT_CASE("hex_bad_digit", refused(buf, 64, "not all hex digits"));
	UNIT_CASE("hex_bad_digit_wiped", wiped());
	snprintf(buf, sizeof(buf), " %.63s", hex);
	UNIT_CASE("hex_leading_space", refused(buf, 64, "not all hex digits"));
	memset(buf, '0', 130);
	UNIT_CASE("hex_128", refused(buf, 128, "too long"));

	fd = mkstemp(tmpl);
	UNIT_CASE("tmpfile", fd >= 0);
	close(fd);
	UNIT_CASE("file_raw", !write_file(want, 32) &&
		  !kr_seed_read(seed, tmpl, err, sizeof(err)) &&
		  !memcmp(seed, want, 32));
	snprintf(buf, sizeof(buf), "%s\n", hex);
	UNIT_CASE("file_hex", !write_file(buf, 65) &&
		  !kr_seed_read(seed, tmpl, err, sizeof(err)) &&
		  !memcmp(seed, want, 32));
	memset(buf, 'a', sizeof(buf));
	UNIT_CASE("file_too_long", !write_file(buf, sizeof(buf)) &&
		  kr_seed_read(seed, tmpl, err, sizeof(err)) == -EINVAL &&
		  strstr(err, "too long"));
	UNIT_CASE("file_missing",
		  kr_seed_read(seed, "/nonexistent/seed", err, sizeof(err)) ==
		  -ENOENT && strstr(err, "/nonexistent/seed"));
	unlink(tmpl);
	UNIT_CASE("stdin_hex", !read_stdin(hex, 64) && !memcmp(seed, want, 32));
	UNIT_CASE("stdin_dash", !read_stdin(want, 32) &&
		  !memcmp(seed, want, 32));
	UNIT_CASE("stdin_short", read_stdin("abc", 3) == -EINVAL &&
		  strstr(err, "too short"));
	return unit_done();
}
