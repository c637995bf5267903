// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * Per-CPU counters; see stats.h.
 */

#include "stats.h"

#include <linux/gfp.h>

/**
 * kr_stats_alloc() - zeroed per-CPU counters
 *
 * Context: Process context.
 * Return: the counters, or NULL.
 */
struct kr_stats __percpu *kr_stats_alloc(void)
{
	struct kr_stats __percpu *stats;
	int cpu;

	stats = alloc_percpu(struct kr_stats);
	if (!stats)
		return NULL;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(stats, cpu)->syncp);
	return stats;
}

/**
 * kr_stats_free() - free counters
 * @stats: from kr_stats_alloc(), or NULL
 *
 * Context: Any context.
 */
void kr_stats_free(struct kr_stats __percpu *stats)
{
	free_percpu(stats);
}

/**
 * kr_stats_sum() - add every CPU's counters into @sum
 * @stats: the counters
 * @sum: KEYROT_A_STATS_MAX + 1 totals, added to
 *
 * Context: Any context.
 */
void kr_stats_sum(struct kr_stats __percpu *stats, u64 *sum)
{
	unsigned int start, i;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct kr_stats *s = per_cpu_ptr(stats, cpu);
		u64 c[KEYROT_A_STATS_MAX + 1];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (i = 0; i <= KEYROT_A_STATS_MAX; i++)
				c[i] = u64_stats_read(&s->c[i]);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i <= KEYROT_A_STATS_MAX; i++)
			sum[i] += c[i];
	}
}
