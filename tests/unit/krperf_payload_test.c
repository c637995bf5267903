// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/* krperf's payloads and receive accounting: what must pass and be caught. */
#include "../../tools/krperf/payload.h"
#include "../../tools/krperf/track.h"
#include "unit.h"

#include <stdbool.h>
#include <string.h>

static unsigned char buf[KRP_LEN_MAX + 2];

static bool roundtrip_all(uint64_t seed, size_t min, size_t max, int n)
{
	uint64_t seq, got;
	size_t len, off;
	int i;

	for (i = 0; i < n; i++) {
		seq = (uint64_t)i * 7919;
		len = krp_data_build(buf, seed, seq, min, max);
		if (len < min || len > max ||
		    len != krp_data_len(seed, seq, min, max) ||
		    krp_data_check(buf, len, seed, seq, &got, &off) != KRP_OK ||
		    got != seq)
			return false;
	}
	return true;
}

/*
 * SHORT payloads (1..10 bytes): a stream of them checks in order, each
 * against the seq the receiver expects next.
 */
static bool short_stream_ok(uint64_t seed, size_t min, size_t max, int n)
{
	uint64_t seq, got;
	size_t len, off;

	for (seq = 0; seq < (uint64_t)n; seq++) {
		len = krp_data_build(buf, seed, seq, min, max);
		if (len < min || len > max ||
		    (len < KRP_HDR_LEN) != !!(buf[0] & KRP_SHORT_TAG) ||
		    buf[0] == KRP_TYPE_ACK ||
		    krp_data_check(buf, len, seed, seq, &got, &off) != KRP_OK ||
		    got != seq)
			return false;
	}
	return true;
}

/* Find a SHORT payload of @want bytes in the stream of @seed; its seq. */
static uint64_t find_short(uint64_t seed, size_t want)
{
	uint64_t seq;

	for (seq = 0; seq < 100000; seq++)
		if (krp_data_len(seed, seq, 1, 10) == want)
			return seq;
	return 0;
}

static void test_short(void)
{
	size_t len, off = 0, lo = 99, hi = 0;
	uint64_t seq, got = 0;
	unsigned char copy[16];
	int i;

	UNIT_CASE("short_roundtrip_1_10", short_stream_ok(3, 1, 10, 5000));
	UNIT_CASE("short_and_long_mixed", short_stream_ok(4, 1, 1420, 5000));
	UNIT_CASE("short_one_byte_only", short_stream_ok(5, 1, 1, 100));
	for (i = 0; i < 2000; i++) {
		len = krp_data_len(6, i, 1, 10);
		lo = len < lo ? len : lo;
		hi = len > hi ? len : hi;
	}
	UNIT_CASE("short_lengths_cover_1_10", lo == 1 && hi == 10);

	/* A 10-byte SHORT payload, checked as the expected one. */
	seq = find_short(7, 10);
	len = krp_data_build(buf, 7, seq, 1, 10);
	memcpy(copy, buf, len);
	UNIT_CASE("short_intact", len == 10 &&
		  krp_data_check(buf, len, 7, seq, &got, &off) == KRP_OK &&
		  got == seq);
	buf[5] ^= 0x04;
	UNIT_CASE("short_bit_flip_caught",
		  krp_data_check(buf, len, 7, seq, &got, &off) ==
		  KRP_BAD_BYTES && off == 5);
	memcpy(buf, copy, len);
	UNIT_CASE("short_truncated_caught",
		  krp_data_check(buf, len - 1, 7, seq, &got, &off) ==
		  KRP_BAD_LEN);
	UNIT_CASE("short_extended_caught",
		  krp_data_check(buf, len + 1, 7, seq, &got, &off) ==
		  KRP_BAD_LEN);
	/* Expected one earlier (a packet lost): taken as a later seq. */
	UNIT_CASE("short_seq_ahead_found",
		  krp_data_check(buf, len, 7, seq - 3, &got, &off) == KRP_OK &&
		  got == seq);
	/* Expected eight earlier: the low bits match, the fill does not. */
	UNIT_CASE("short_wrong_seq_caught",
		  krp_data_check(buf, len, 7, seq + 1, &got, &off) ==
		  KRP_BAD_BYTES && got == seq + 8);
	UNIT_CASE("short_wrong_seed_caught",
		  krp_data_check(buf, len, 8, seq, &got, &off) ==
		  KRP_BAD_BYTES);
	buf[0] = KRP_SHORT_TAG | 12 << 3;	/* a length of 13 */
	UNIT_CASE("short_bad_tag_caught",
		  krp_data_check(buf, len, 7, seq, &got, &off) ==
		  KRP_BAD_TYPE);

	/* One byte: its tag is all there is, and it is checked. */
	seq = find_short(9, 1);
	len = krp_data_build(buf, 9, seq, 1, 10);
	UNIT_CASE("short_one_byte", len == 1 &&
		  buf[0] == (KRP_SHORT_TAG | (seq & 7)) &&
		  krp_data_check(buf, 1, 9, seq, &got, &off) == KRP_OK);
	buf[0] ^= 0x08;				/* now says 2 bytes */
	UNIT_CASE("short_one_byte_length_caught",
		  krp_data_check(buf, 1, 9, seq, &got, &off) == KRP_BAD_LEN);
}

static void test_payload(void)
{
	unsigned char copy[2000];
	size_t len, off = 0, lo = 99999, hi = 0;
	uint64_t seq = 0;
	int i;

	UNIT_CASE("roundtrip_1420", roundtrip_all(1, KRP_HDR_LEN, 1420, 2000));
	UNIT_CASE("roundtrip_header_only",
		  roundtrip_all(5, KRP_HDR_LEN, KRP_HDR_LEN, 100));
	UNIT_CASE("roundtrip_64k", roundtrip_all(9, 60000, KRP_LEN_MAX, 20));
	for (i = 0; i < 2000; i++) {
		len = krp_data_len(3, i, 20, 30);
		lo = len < lo ? len : lo;
		hi = len > hi ? len : hi;
	}
	UNIT_CASE("lengths_cover_range", lo == 20 && hi == 30);

	len = krp_data_build(buf, 1, 42, 1000, 1000);
	memcpy(copy, buf, len);
	UNIT_CASE("deterministic", krp_data_build(buf, 1, 42, 1000, 1000) ==
		  len && !memcmp(buf, copy, len));
	krp_data_build(buf, 1, 43, 1000, 1000);
	UNIT_CASE("seq_changes_fill", memcmp(buf + 11, copy + 11, len - 11));
	krp_data_build(buf, 2, 42, 1000, 1000);
	UNIT_CASE("seed_changes_fill", memcmp(buf + 11, copy + 11, len - 11));

	memcpy(buf, copy, len);
	buf[500] ^= 0x10;
	UNIT_CASE("fill_bit_flip_caught",
		  krp_data_check(buf, len, 1, 0, &seq, &off) == KRP_BAD_BYTES &&
		  off == 500 && seq == 42);
	memcpy(buf, copy, len);
	buf[len - 1] ^= 0x80;
	UNIT_CASE("last_byte_flip_caught",
		  krp_data_check(buf, len, 1, 0, &seq, &off) == KRP_BAD_BYTES &&
		  off == len - 1);
	memcpy(buf, copy, len);
	buf[0] ^= 1;
	UNIT_CASE("type_flip_caught",
		  krp_data_check(buf, len, 1, 0, &seq, &off) == KRP_BAD_TYPE);
	memcpy(buf, copy, len);
	buf[8] ^= 1;		/* seq 42 -> 43: the fill no longer matches */
	UNIT_CASE("seq_flip_caught",
		  krp_data_check(buf, len, 1, 0, &seq, &off) == KRP_BAD_BYTES);
	memcpy(buf, copy, len);
	buf[10] ^= 1;
	UNIT_CASE("length_flip_caught",
		  krp_data_check(buf, len, 1, 0, &seq, &off) == KRP_BAD_LEN);
	memcpy(buf, copy, len);
	UNIT_CASE("truncated_caught",
		  krp_data_check(buf, len - 1, 1, 0, &seq, &off) == KRP_BAD_LEN);
	buf[len] = 0;
	UNIT_CASE("extended_caught",
		  krp_data_check(buf, len + 1, 1, 0, &seq, &off) == KRP_BAD_LEN);
	UNIT_CASE("short_caught",
		  krp_data_check(buf, 10, 1, 0, &seq, &off) == KRP_SHORT);
	UNIT_CASE("empty_caught",
		  krp_data_check(buf, 0, 1, 0, &seq, &off) == KRP_BAD_TYPE);
	UNIT_CASE("wrong_seed_caught",
		  krp_data_check(buf, len, 2, 0, &seq, &off) == KRP_BAD_BYTES);
	UNIT_CASE("ack_roundtrip", krp_ack_build(buf, 123456789) == KRP_ACK_LEN &&
		  !krp_ack_parse(buf, KRP_ACK_LEN, &seq) && seq == 123456789);
	UNIT_CASE("ack_bad_length", krp_ack_parse(buf, KRP_ACK_LEN + 1, &seq));
	UNIT_CASE("ack_is_not_data",
		  krp_data_check(buf, KRP_ACK_LEN, 1, 0, &seq, &off) ==
		  KRP_BAD_TYPE);
}

/* Feed @seqs to a tracker of @n packets. */
static void feed(struct krp_track *t, uint64_t n, const uint64_t *seqs,
		 int count)
{
	int i;

	krp_track_init(t, n);
	for (i = 0; i < count; i++)
		krp_track_data(t, seqs[i]);
}

static void test_track(void)
{
	static const uint64_t in_order[] = { 0, 1, 2, 3, 4 };
	static const uint64_t swapped[] = { 0, 2, 1, 3, 4 };
	static const uint64_t dup[] = { 0, 1, 1, 2, 3, 4 };
	static const uint64_t gap[] = { 0, 1, 3 };
	static const uint64_t extra[] = { 0, 1, 2, 3, 4, 5 };
	struct krp_track t;

	feed(&t, 5, in_order, 5);
	UNIT_CASE("track_in_order", t.in_order == 5 && !t.out_of_order &&
		  !t.duplicates && krp_track_done(&t) &&
		  !krp_track_missing(&t) && t.next == 5);
	krp_track_free(&t);
	feed(&t, 5, swapped, 5);
	UNIT_CASE("track_wrong_order_caught", t.out_of_order == 1 &&
		  krp_track_done(&t) && t.next == 5);
	krp_track_free(&t);
	feed(&t, 5, dup, 6);
	UNIT_CASE("track_duplicate_caught", t.duplicates == 1 &&
		  !t.out_of_order && krp_track_done(&t));
	krp_track_free(&t);
	feed(&t, 5, gap, 3);
	UNIT_CASE("track_missing_counted", krp_track_missing(&t) == 2 &&
		  t.out_of_order == 1 && t.next == 2 && !krp_track_done(&t));
	krp_track_free(&t);
	feed(&t, 5, extra, 6);
	UNIT_CASE("track_extra_caught", t.extra == 1 && krp_track_done(&t));
	krp_track_free(&t);
	feed(&t, 0, NULL, 0);
	UNIT_CASE("track_nothing_expected", krp_track_done(&t));
	krp_track_free(&t);
}

int main(void)
{
	test_payload();
	test_short();
	test_track();
	return unit_done();
}
