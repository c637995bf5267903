// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "payload.h"

#include <errno.h>
#include <string.h>

/* splitmix64: tiny, fast, and good enough to catch any change of a byte. */
struct prng {
	uint64_t s;
};

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void prng_init(struct prng *p, uint64_t seed, uint64_t seq)
{
	p->s = mix64(seed ^ mix64(seq + 0x9e3779b97f4a7c15ULL));
}

static uint64_t prng_next(struct prng *p)
{
	p->s += 0x9e3779b97f4a7c15ULL;
	return mix64(p->s);
}

static void put_be(unsigned char *p, uint64_t v, int bytes)
{
	while (bytes--) {
		p[bytes] = (unsigned char)v;
		v >>= 8;
	}
}

static uint64_t get_be(const unsigned char *p, int bytes)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/* The fill of a packet: the PRNG's output after the length draw, each
 * 64-bit draw as 8 little-endian bytes.
 */
static void fill(unsigned char *out, size_t n, struct prng *p)
{
	uint64_t r = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(i & 7))
			r = prng_next(p);
		out[i] = (unsigned char)r;
		r >>= 8;
	}
}

static size_t draw_len(struct prng *p, size_t min, size_t max)
{
	return min + (size_t)(prng_next(p) % (max - min + 1));
}

size_t krp_data_len(uint64_t seed, uint64_t seq, size_t min, size_t max)
{
	struct prng p;

	prng_init(&p, seed, seq);
	return draw_len(&p, min, max);
}

size_t krp_data_build(unsigned char *buf, uint64_t seed, uint64_t seq,
		      size_t min, size_t max)
{
	struct prng p;
	size_t len;

	prng_init(&p, seed, seq);
	len = draw_len(&p, min, max);
	if (len < KRP_HDR_LEN) {
		buf[0] = KRP_SHORT_TAG | (len - 1) << 3 | (seq & 7);
		fill(buf + 1, len - 1, &p);
		return len;
	}
	buf[0] = KRP_TYPE_DATA;
	put_be(buf + 1, seq, 8);
	put_be(buf + 9, len, 2);
	fill(buf + KRP_HDR_LEN, len - KRP_HDR_LEN, &p);
	return len;
}

/* Compare the fill of @seq from @off on; KRP_BAD_BYTES at the first miss. */
static enum krp_verdict check_fill(const unsigned char *buf, size_t len,
				   size_t off, uint64_t seed, uint64_t seq,
				   size_t *bad_off)
{
	unsigned char want[64];
	struct prng p;
	size_t n;

	prng_init(&p, seed, seq);
	prng_next(&p);			/* the length draw */
	for (; off < len; off += n) {
		n = len - off < sizeof(want) ? len - off : sizeof(want);
		fill(want, n, &p);
		if (memcmp(want, buf + off, n)) {
			size_t i = 0;

			while (want[i] == buf[off + i])
				i++;
			*bad_off = off + i;
			return KRP_BAD_BYTES;
		}
	}
	return KRP_OK;
}

/* A SHORT payload: its tag says its length and the low bits of its seq. */
static enum krp_verdict check_short(const unsigned char *buf, size_t len,
				    uint64_t seed, uint64_t expect,
				    uint64_t *seq, size_t *bad_off)
{
	unsigned int tag_len = ((buf[0] >> 3) & 15) + 1;

	if (tag_len >= KRP_HDR_LEN)
		return KRP_BAD_TYPE;
	*seq = expect + ((buf[0] - expect) & 7);
	if (tag_len != len)
		return KRP_BAD_LEN;
	return check_fill(buf, len, 1, seed, *seq, bad_off);
}

enum krp_verdict krp_data_check(const unsigned char *buf, size_t len,
				uint64_t seed, uint64_t expect, uint64_t *seq,
				size_t *bad_off)
{
	if (len >= 1 && (buf[0] & KRP_SHORT_TAG))
		return check_short(buf, len, seed, expect, seq, bad_off);
	if (len < 1 || buf[0] != KRP_TYPE_DATA)
		return KRP_BAD_TYPE;
	if (len < KRP_HDR_LEN)
		return KRP_SHORT;
	*seq = get_be(buf + 1, 8);
	if (get_be(buf + 9, 2) != len)
		return KRP_BAD_LEN;
	return check_fill(buf, len, KRP_HDR_LEN, seed, *seq, bad_off);
}

size_t krp_ack_build(unsigned char *buf, uint64_t cum)
{
	buf[0] = KRP_TYPE_ACK;
	put_be(buf + 1, cum, 8);
	return KRP_ACK_LEN;
}

int krp_ack_parse(const unsigned char *buf, size_t len, uint64_t *cum)
{
	if (len != KRP_ACK_LEN || buf[0] != KRP_TYPE_ACK)
		return -EINVAL;
	*cum = get_be(buf + 1, 8);
	return 0;
}

const char *krp_verdict_name(enum krp_verdict v)
{
	switch (v) {
	case KRP_OK:		return "ok";
	case KRP_BAD_TYPE:	return "not a data payload";
	case KRP_SHORT:		return "shorter than the header";
	case KRP_BAD_LEN:	return "length differs from the header's";
	case KRP_BAD_BYTES:	return "bytes differ";
	}
	return "?";
}
