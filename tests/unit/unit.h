/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_UNIT_H
#define KR_UNIT_H

/*
 * The smallest test harness: one "PASS name" or "FAIL name" line per case,
 * then "N passed, N failed"; main returns unit_done().  run.sh turns the
 * lines into $KEYROT_RESULTS entries.
 */
#include <stdio.h>

static int unit_passed, unit_failed;

#define UNIT_CASE(name, cond) do {					\
		if (cond) {						\
			printf("PASS %s\n", (name));			\
			unit_passed++;					\
		} else {						\
			printf("FAIL %s (%s:%d: %s)\n", (name),		\
			       __FILE__, __LINE__, #cond);		\
			unit_failed++;					\
		}							\
		fflush(stdout);						\
	} while (0)

static inline int unit_done(void)
{
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif /* KR_UNIT_H */
