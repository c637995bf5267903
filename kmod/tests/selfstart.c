// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * Starts our KUnit suites from module init in the VM test build; see
 * selfstart.h for why.  Every suite registered with kr_kunit_suite() must be
 * listed here and declared in suites.h; the build fails on a name that is
 * listed but not registered, and tests/style.sh on one registered only.
 */

#include "selfstart.h"
#include "suites.h"

static struct kunit_suite *const *const registered[] = {
	&kr_suite_kr_hkdf_suite,
	&kr_suite_kr_keytree_vectors_suite,
	&kr_suite_kr_keytree_suite,
	&kr_suite_kr_epoch_suite,
	&kr_suite_kr_replay_suite,
	&kr_suite_kr_aead_suite,
	&kr_suite_kr_cryptq_suite,
};

static struct kunit_suite *suites[ARRAY_SIZE(registered)];

int kr_selfstart_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(registered); i++)
		suites[i] = *registered[i];
	return __kunit_test_suites_init(suites, ARRAY_SIZE(suites));
}

void kr_selfstart_exit(void)
{
	__kunit_test_suites_exit(suites, ARRAY_SIZE(suites));
}
