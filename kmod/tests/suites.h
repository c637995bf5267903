/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * Registering a KUnit suite.  In a kernel with KUnit, kr_kunit_suite() is
 * kunit_test_suite() and the loader finds it.  In the self-starting VM build
 * the suite must be reachable from tests/selfstart.c instead, so it gets a
 * global name listed there.
 */
#ifndef _KR_TEST_SUITES_H
#define _KR_TEST_SUITES_H

#include <kunit/test.h>

#ifdef KEYROT_KUNIT_SELFSTART
#define kr_kunit_suite(suite) \
	struct kunit_suite *const kr_suite_##suite = &(suite)

/* Listed in tests/selfstart.c. */
extern struct kunit_suite *const kr_suite_kr_hkdf_suite;
extern struct kunit_suite *const kr_suite_kr_keytree_vectors_suite;
extern struct kunit_suite *const kr_suite_kr_keytree_suite;
extern struct kunit_suite *const kr_suite_kr_epoch_suite;
extern struct kunit_suite *const kr_suite_kr_replay_suite;
extern struct kunit_suite *const kr_suite_kr_aead_suite;
extern struct kunit_suite *const kr_suite_kr_cryptq_suite;
#else
#define kr_kunit_suite(suite) kunit_test_suite(suite)
#endif

#endif /* _KR_TEST_SUITES_H */
