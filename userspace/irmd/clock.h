/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_CLOCK_H
#define KR_CLOCK_H

/*
 * The two clocks irmd reads: monotonic for every timer and timeout, real
 * time (UTC) only for OAP timestamps (docs/oap.md 4.1), which both hosts
 * compare.
 */
#include <stdint.h>
#include <time.h>

static inline uint64_t kr_clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline uint64_t kr_mono_ms(void)
{
	return kr_clock_ms(CLOCK_MONOTONIC);
}

static inline uint64_t kr_real_ms(void)
{
	return kr_clock_ms(CLOCK_REALTIME);
}

#endif /* KR_CLOCK_H */
