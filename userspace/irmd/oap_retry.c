// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "oap_retry.h"

#include <errno.h>

enum { RTO_MIN_MS = 10, RTO_MAX_FIRST_MS = 250 };

void kr_oap_retry_start(struct kr_oap_retry *r, uint64_t now_ms,
			uint32_t grace_ms)
{
	uint32_t rto = grace_ms / 20;

	if (rto < RTO_MIN_MS)
		rto = RTO_MIN_MS;
	if (rto > RTO_MAX_FIRST_MS)
		rto = RTO_MAX_FIRST_MS;
	r->rto_ms = rto;
	r->next_ms = now_ms;
	r->deadline_ms = now_ms + (uint64_t)grace_ms * 3 / 4;
	r->sent = 0;
}

int kr_oap_retry_poll(struct kr_oap_retry *r, uint64_t now_ms)
{
	if (now_ms < r->next_ms)
		return 0;
	if (r->sent && (r->next_ms >= r->deadline_ms ||
			now_ms >= r->deadline_ms))
		return -ETIMEDOUT;
	r->sent++;
	r->next_ms = now_ms + r->rto_ms;
	if (r->next_ms > r->deadline_ms)
		r->next_ms = r->deadline_ms;
	r->rto_ms *= 2;
	return 1;
}
