/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_OAP_RETRY_H
#define KR_OAP_RETRY_H

/*
 * When a requester sends its request again, and when it gives up
 * (docs/oap.md 12).  The same bytes go out each time; the first timeout is
 * grace / 20 (10 to 250 ms), doubling; the exchange is given up at three
 * quarters of the grace period after the first send, so it is over before
 * the answering end's kernel can report the seed "unconfirmed" (which it
 * does a grace period after installing it, and it installed it after the
 * first send).  Time is monotonic milliseconds, passed in.
 */
#include <stdint.h>

/**
 * struct kr_oap_retry - one request's schedule
 * @next_ms: when to send next (or give up); valid after the first poll
 * @deadline_ms: first send + 3/4 grace
 * @rto_ms: the current timeout
 * @sent: sends so far
 */
struct kr_oap_retry {
	uint64_t next_ms;
	uint64_t deadline_ms;
	uint32_t rto_ms;
	unsigned int sent;
};

/**
 * kr_oap_retry_start() - a new schedule, first send due at once
 * @r: the schedule
 * @now_ms: the time (monotonic)
 * @grace_ms: the flow's grace period (spec section 9; 5000 by default)
 */
void kr_oap_retry_start(struct kr_oap_retry *r, uint64_t now_ms,
			uint32_t grace_ms);

/**
 * kr_oap_retry_poll() - what to do at @now_ms
 * @r: the schedule
 * @now_ms: the time
 *
 * Return: 1 send (again) now; 0 wait until @r->next_ms; -ETIMEDOUT give
 * the exchange up (kr_oap_req_kill()).
 */
int kr_oap_retry_poll(struct kr_oap_retry *r, uint64_t now_ms);

#endif /* KR_OAP_RETRY_H */
