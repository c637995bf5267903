// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "track.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int krp_track_init(struct krp_track *t, uint64_t expect)
{
	memset(t, 0, sizeof(*t));
	t->expect = expect;
	t->seen = calloc(expect / 8 + 1, 1);
	return t->seen ? 0 : -ENOMEM;
}

void krp_track_free(struct krp_track *t)
{
	free(t->seen);
	t->seen = NULL;
}

static bool test_and_set(unsigned char *map, uint64_t bit)
{
	unsigned char mask = (unsigned char)(1u << (bit & 7));
	bool was = map[bit >> 3] & mask;

	map[bit >> 3] |= mask;
	return was;
}

static bool is_set(const unsigned char *map, uint64_t bit)
{
	return map[bit >> 3] & (1u << (bit & 7));
}

enum krp_rx krp_track_data(struct krp_track *t, uint64_t seq)
{
	if (seq >= t->expect) {
		t->extra++;
		return KRP_RX_EXTRA;
	}
	if (test_and_set(t->seen, seq)) {
		t->duplicates++;
		return KRP_RX_DUPLICATE;
	}
	t->distinct++;
	if (seq != t->next) {
		t->out_of_order++;
		return KRP_RX_OUT_OF_ORDER;
	}
	t->in_order++;
	/* A gap just filled: skip what arrived ahead of it. */
	while (t->next < t->expect && is_set(t->seen, t->next))
		t->next++;
	return KRP_RX_IN_ORDER;
}
