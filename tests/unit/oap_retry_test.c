// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * The retry schedule (docs/oap.md 12): sends at 0, 250, 750, 1750 ms for
 * the default 5 s grace period, given up at 3750 ms; for any grace period
 * nothing is sent at or after three quarters of it, however late the
 * timer fires.
 */
#include "oap_retry.h"
#include "unit.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Poll every ms from @t0: the send times, and when it gave up. */
static int run(uint32_t grace, uint64_t t0, uint64_t step, uint64_t *sends,
	       int max, uint64_t *gave_up)
{
	struct kr_oap_retry r;
	uint64_t t;
	int n = 0, ret;

	kr_oap_retry_start(&r, t0, grace);
	for (t = t0; t < t0 + 2ULL * grace + 100; t += step) {
		ret = kr_oap_retry_poll(&r, t);
		if (ret == 1 && n < max)
			sends[n++] = t - t0;
		if (ret == -ETIMEDOUT) {
			*gave_up = t - t0;
			return n;
		}
	}
	*gave_up = UINT64_MAX;
	return n;
}

int main(void)
{
	uint64_t s[64], gave;
	uint32_t grace;
	bool all = true;
	int n;

	n = run(5000, 1000, 1, s, 64, &gave);
	UNIT_CASE("default_grace_sends", n == 4 && s[0] == 0 && s[1] == 250 &&
		  s[2] == 750 && s[3] == 1750);
	UNIT_CASE("default_grace_gives_up_at_3750", gave == 3750);

	n = run(200, 0, 1, s, 64, &gave);
	UNIT_CASE("small_grace_first_timeout_10ms", n >= 2 && s[1] == 10 &&
		  gave == 150);

	for (grace = 40; grace <= 60000; grace = grace * 3 / 2 + 7) {
		n = run(grace, 123, 1, s, 64, &gave);
		if (n < 1 || s[n - 1] >= (uint64_t)grace * 3 / 4 ||
		    gave != (uint64_t)grace * 3 / 4 || gave >= grace)
			all = false;
	}
	UNIT_CASE("every_grace_over_before_three_quarters", all);

	/* A timer that fires late never sends past the deadline. */
	all = true;
	for (grace = 100; grace <= 10000; grace += 300) {
		n = run(grace, 5, 97, s, 64, &gave);
		if (n < 1 || s[n - 1] >= (uint64_t)grace * 3 / 4)
			all = false;
	}
	UNIT_CASE("late_timer_never_sends_after_deadline", all);

	{
		struct kr_oap_retry r;

		kr_oap_retry_start(&r, 0, 5000);
		UNIT_CASE("first_poll_sends", kr_oap_retry_poll(&r, 0) == 1);
		UNIT_CASE("early_poll_waits", kr_oap_retry_poll(&r, 249) == 0 &&
			  r.next_ms == 250);
	}
	return unit_done();
}
