/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * The VM test build runs on Debian kernels without CONFIG_KUNIT, next to an
 * out-of-tree kunit.ko.  Their module loader does not collect a module's
 * .kunit_test_suites section, so that build starts our suites itself from
 * module init (tests/selfstart.c).  Every other build compiles this away.
 */
#ifndef _KR_SELFSTART_H
#define _KR_SELFSTART_H

#ifdef KEYROT_KUNIT_SELFSTART
int kr_selfstart_init(void);
void kr_selfstart_exit(void);
#else
static inline int kr_selfstart_init(void)
{
	return 0;
}

static inline void kr_selfstart_exit(void)
{
}
#endif

#endif /* _KR_SELFSTART_H */
