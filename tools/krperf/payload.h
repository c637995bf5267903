/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KRP_PAYLOAD_H
#define KRP_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>

/*
 * krperf's payloads, inside keyrot packets (all integers big-endian):
 *
 *   DATA  'D' | seq (u64) | len (u16) | fill (len - 11 bytes)  len >= 11
 *   SHORT 0x80 | (len - 1) << 3 | (seq & 7) | fill (len - 1)   len 1..10
 *   ACK   'A' | cum (u64)                              9 bytes
 *
 * len is the whole payload's length, drawn uniformly from [min, max] by a
 * PRNG keyed by (stream seed, seq); fill is the same PRNG's following
 * output.  So a receiver that knows the sender's seed checks every byte,
 * the length and the order of each packet, without being told the
 * contents; min and max are the sender's business.  cum acknowledges
 * every DATA packet below it (the receiver's first missing seq).
 *
 * A DATA payload shorter than its header is a SHORT one: its first byte
 * (never 'A' or 'D') carries its length and the low 3 bits of its seq, the
 * rest is the same fill.  The receiver takes its seq to be the first one
 * at or above the one it expects next with those low bits, and checks the
 * fill of that seq: in order, every byte is checked; a packet lost or
 * reordered shows as out of order or as wrong bytes, never as intact.
 */
enum krp_payload {
	KRP_TYPE_DATA = 'D',
	KRP_TYPE_ACK = 'A',
	KRP_HDR_LEN = 11,	/* the smallest DATA payload with a header */
	KRP_ACK_LEN = 9,
	KRP_SHORT_TAG = 0x80,	/* the first byte of a SHORT payload */
	KRP_LEN_MAX = 65535,
};

/* What krp_data_check() found. */
enum krp_verdict {
	KRP_OK,
	KRP_BAD_TYPE,		/* not a DATA payload */
	KRP_SHORT,		/* shorter than the header, and not SHORT */
	KRP_BAD_LEN,		/* the header's length is not the payload's */
	KRP_BAD_BYTES,		/* a fill byte differs from the PRNG's */
};

/**
 * krp_data_len() - the length of DATA packet @seq of a stream
 * @seed: the stream's seed
 * @seq: the sequence number
 * @min: the smallest length, at least 1
 * @max: the largest, at least @min, at most KRP_LEN_MAX
 */
size_t krp_data_len(uint64_t seed, uint64_t seq, size_t min, size_t max);

/**
 * krp_data_build() - DATA packet @seq of the stream into @buf
 * @buf: room for @max bytes (a payload below KRP_HDR_LEN is SHORT)
 * @seed: the stream's seed
 * @seq: the sequence number
 * @min: as krp_data_len()
 * @max: as krp_data_len()
 *
 * Return: its length.
 */
size_t krp_data_build(unsigned char *buf, uint64_t seed, uint64_t seq,
		      size_t min, size_t max);

/**
 * krp_data_check() - whether @buf is an intact DATA packet of the stream
 * @buf: the payload read
 * @len: its length
 * @seed: the sending stream's seed
 * @expect: the seq the receiver expects next (a SHORT payload's seq is
 *	the first at or above it with the payload's low 3 bits)
 * @seq: receives the packet's seq (when the header or SHORT tag is there)
 * @bad_off: receives the first wrong offset for KRP_BAD_BYTES
 *
 * Return: a verdict, KRP_OK for an intact packet.
 */
enum krp_verdict krp_data_check(const unsigned char *buf, size_t len,
				uint64_t seed, uint64_t expect, uint64_t *seq,
				size_t *bad_off);

/* ACK payload acknowledging every DATA packet below @cum; returns its length. */
size_t krp_ack_build(unsigned char *buf, uint64_t cum);

/* The cum of an ACK payload; -EINVAL if @buf is not one. */
int krp_ack_parse(const unsigned char *buf, size_t len, uint64_t *cum);

/* What a verdict means, for messages. */
const char *krp_verdict_name(enum krp_verdict v);

#endif /* KRP_PAYLOAD_H */
