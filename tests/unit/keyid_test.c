// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * Key ids against the spec's vectors: two pairs embedded, and any number
 * of "ROOT KEY_ID" hex lines on standard input (run.sh feeds those of the
 * vectors file).
 */
#include "kr_hex.h"
#include "kr_keyid.h"
#include "unit.h"

#include <stdbool.h>
#include <string.h>

static bool matches(const char *root_hex, const char *kid_hex)
{
	unsigned char root[32], want[8], got[8];

	if (kr_hex_decode(root, 32, root_hex, strlen(root_hex)) ||
	    kr_hex_decode(want, 8, kid_hex, strlen(kid_hex)))
		return false;
	return !kr_keyid_compute(got, root) && !memcmp(got, want, 8);
}

int main(void)
{
	static const char *const pairs[][2] = {
		{ "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
		  "e76ddc92f43f6bfc" },
		{ "c0ffee00112233445566778899aabbccddeeff00112233445566778899aabbcc",
		  "1c637fc16ee75168" },
	};
	char root[100], kid[100], name[64];
	unsigned char seed[32] = { 0 }, a[8], b[8];
	char enc[17];
	int n = 0;

	UNIT_CASE("embedded_vector_0", matches(pairs[0][0], pairs[0][1]));
	UNIT_CASE("embedded_vector_1", matches(pairs[1][0], pairs[1][1]));
	UNIT_CASE("wrong_key_id_detected", !matches(pairs[0][0], pairs[1][1]));
	kr_keyid_compute(a, seed);
	seed[31] ^= 1;
	kr_keyid_compute(b, seed);
	UNIT_CASE("one_bit_changes_key_id", memcmp(a, b, 8));
	kr_hex_encode(enc, a, 8);
	UNIT_CASE("hex_roundtrip", strlen(enc) == 16 &&
		  !kr_hex_decode(b, 8, enc, 16) && !memcmp(a, b, 8));
	UNIT_CASE("hex_odd_length", kr_hex_decode(b, 8, enc, 15));

	while (scanf("%99s %99s", root, kid) == 2) {
		snprintf(name, sizeof(name), "vectors_file_%d", n++);
		UNIT_CASE(name, matches(root, kid));
	}
	return unit_done();
}
