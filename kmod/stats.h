/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * Per-CPU counters of a flow or a namespace, indexed by the stats
 * attributes of the netlink family (KEYROT_A_STATS_*), so each counter and
 * its attribute are one name.
 */
#ifndef _KR_STATS_H
#define _KR_STATS_H

#include "../uapi/keyrot.h"

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>

struct kr_stats {
	u64_stats_t c[KEYROT_A_STATS_MAX + 1];
	struct u64_stats_sync syncp;
};

/* Add @n to counter @idx (a KEYROT_A_STATS_* value).  Any context. */
static inline void kr_stats_add(struct kr_stats __percpu *stats,
				unsigned int idx, u64 n)
{
	struct kr_stats *s = get_cpu_ptr(stats);
	unsigned long flags;

	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_add(&s->c[idx], n);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(stats);
}

static inline void kr_stats_inc(struct kr_stats __percpu *stats,
				unsigned int idx)
{
	kr_stats_add(stats, idx, 1);
}

/* stats.c APIs: */
struct kr_stats __percpu *kr_stats_alloc(void);
void kr_stats_free(struct kr_stats __percpu *stats);
void kr_stats_sum(struct kr_stats __percpu *stats, u64 *sum);

#endif /* _KR_STATS_H */
