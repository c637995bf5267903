// SPDX-License-Identifier: GPL-2.0
/*
 * kr_kunit_example: a KUnit test module that starts its own suites, the way
 * keyrot's test build does on Debian kernels without CONFIG_KUNIT (see
 * tests/kunit/README.md).  It exercises the out-of-tree kunit.ko: cases,
 * parameterised cases, expectations and assertions, kunit_kzalloc(), init
 * and exit, suite_init, skips and, with the module parameter fail=1,
 * failures reported as "not ok".
 *
 * With fail=0: kr_example 6 cases (one skipped, one with 3 params),
 * kr_example_suite 1 case and, on 6.12, kr_example_platform 1 case, all
 * passing.  With fail=1: kr_example's "toggled", "assert_stops" and the
 * param "one" of "param_case" fail.  With crash=1 the first case writes
 * through a NULL pointer, to show what a crash does to the log.
 */

#include <kunit/test.h>
#include <kunit/test-bug.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

/* Kbuild defines it when the headers have <kunit/platform_device.h> (6.12). */
#ifdef KR_EX_PLATFORM
#include <kunit/platform_device.h>
#include <linux/platform_device.h>
#endif

static bool fail;
module_param(fail, bool, 0444);
MODULE_PARM_DESC(fail, "Make three checks fail on purpose");

static bool crash;
module_param(crash, bool, 0444);
MODULE_PARM_DESC(crash, "Oops in kr_ex_basic (with oops=panic: a log cut mid-suite)");

/* Never set: what crash=1 writes through. */
static u8 *kr_ex_nowhere;

struct kr_ex_ctx {
	int magic;
};

static int kr_ex_init(struct kunit *test)
{
	struct kr_ex_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);

	if (!ctx)
		return -ENOMEM;
	ctx->magic = 42;
	test->priv = ctx;
	return 0;
}

static void kr_ex_exit(struct kunit *test)
{
	struct kr_ex_ctx *ctx = test->priv;

	/* Runs before the managed allocations are released. */
	ctx->magic = 0;
}

static void kr_ex_basic(struct kunit *test)
{
	struct kr_ex_ctx *ctx = test->priv;
	u8 *buf;

	KUNIT_EXPECT_EQ(test, ctx->magic, 42);
	if (crash)
		*kr_ex_nowhere = 1;
	buf = kunit_kzalloc(test, 16, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, buf[15], 0);
	KUNIT_EXPECT_STREQ(test, "keyrot", "keyrot");
	KUNIT_EXPECT_LT(test, 1, 2);
}

/* Without CONFIG_KUNIT the "fail the current test" hook is compiled out. */
static void kr_ex_hook_is_noop(struct kunit *test)
{
	kunit_fail_current_test("must not fail this test");
	KUNIT_SUCCEED(test);
}

static void kr_ex_toggled(struct kunit *test)
{
	int got = fail;

	KUNIT_EXPECT_EQ_MSG(test, got, 0, "deliberate failure (fail=1)");
}

/* An assertion ends the case: with fail=1 only one message is printed. */
static void kr_ex_assert_stops(struct kunit *test)
{
	KUNIT_ASSERT_FALSE_MSG(test, fail, "deliberate assertion failure (fail=1)");
	KUNIT_EXPECT_FALSE_MSG(test, fail, "not reached after a failed assertion");
}

static void kr_ex_skipped(struct kunit *test)
{
	kunit_skip(test, "skipped on purpose");
	KUNIT_FAIL(test, "not reached after kunit_skip()");
}

struct kr_ex_param {
	const char *name;
	unsigned int in;
	unsigned int want;
};

static const struct kr_ex_param kr_ex_params[] = {
	{ "zero", 0, 0 },
	{ "one", 1, 1 },
	{ "big", 1000, 1000 },
};

static void kr_ex_param_desc(const struct kr_ex_param *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(kr_ex, kr_ex_params, kr_ex_param_desc);

static void kr_ex_param_case(struct kunit *test)
{
	const struct kr_ex_param *p = test->param_value;
	unsigned int want = p->want;

	if (fail && p->in == 1)
		want++;
	KUNIT_EXPECT_EQ(test, p->in, want);
}

static struct kunit_case kr_ex_cases[] = {
	KUNIT_CASE(kr_ex_basic),
	KUNIT_CASE(kr_ex_hook_is_noop),
	KUNIT_CASE_PARAM(kr_ex_param_case, kr_ex_gen_params),
	KUNIT_CASE(kr_ex_toggled),
	KUNIT_CASE(kr_ex_assert_stops),
	KUNIT_CASE(kr_ex_skipped),
	{}
};

static struct kunit_suite kr_ex_suite = {
	.name = "kr_example",
	.init = kr_ex_init,
	.exit = kr_ex_exit,
	.test_cases = kr_ex_cases,
};

static int kr_ex_suite_init_calls;

static int kr_ex_suite_init(struct kunit_suite *suite)
{
	kr_ex_suite_init_calls++;
	return 0;
}

static void kr_ex_suite_init_ran(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, kr_ex_suite_init_calls, 1);
}

static struct kunit_case kr_ex_suite_cases[] = {
	KUNIT_CASE(kr_ex_suite_init_ran),
	{}
};

static struct kunit_suite kr_ex_suite2 = {
	.name = "kr_example_suite",
	.suite_init = kr_ex_suite_init,
	.test_cases = kr_ex_suite_cases,
};

#ifdef KR_EX_PLATFORM
/* A test-managed platform device, unregistered when the case ends. */
static void kr_ex_platform_device(struct kunit *test)
{
	struct platform_device *pdev;

	pdev = kunit_platform_device_alloc(test, "kr-example", PLATFORM_DEVID_NONE);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pdev);
	KUNIT_ASSERT_EQ(test, kunit_platform_device_add(test, pdev), 0);
	KUNIT_EXPECT_TRUE(test, device_is_registered(&pdev->dev));
}

static struct kunit_case kr_ex_platform_cases[] = {
	KUNIT_CASE(kr_ex_platform_device),
	{}
};

static struct kunit_suite kr_ex_suite3 = {
	.name = "kr_example_platform",
	.test_cases = kr_ex_platform_cases,
};
#endif

/*
 * Not kunit_test_suites(): the loader of a kernel without CONFIG_KUNIT
 * ignores .kunit_test_suites, so the module runs its suites itself.
 */
static struct kunit_suite *kr_ex_suites[] = {
	&kr_ex_suite,
	&kr_ex_suite2,
#ifdef KR_EX_PLATFORM
	&kr_ex_suite3,
#endif
};

static int __init kr_ex_mod_init(void)
{
	return __kunit_test_suites_init(kr_ex_suites, ARRAY_SIZE(kr_ex_suites));
}
module_init(kr_ex_mod_init);

static void __exit kr_ex_mod_exit(void)
{
	__kunit_test_suites_exit(kr_ex_suites, ARRAY_SIZE(kr_ex_suites));
}
module_exit(kr_ex_mod_exit);

MODULE_DESCRIPTION("keyrot: example KUnit module for the out-of-tree kunit.ko");
MODULE_LICENSE("GPL");
