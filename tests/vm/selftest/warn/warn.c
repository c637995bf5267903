// SPDX-License-Identifier: GPL-2.0
/*
 * VM harness self-test: a module that triggers a kernel warning when it is
 * loaded (unless loaded with warn=0), so that tests/vm/selftest.sh can check
 * that a WARNING on the console fails a run, and that the taint messages of
 * an out-of-tree module alone do not.
 */

#include <linux/bug.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

static bool warn = true;
module_param(warn, bool, 0444);
MODULE_PARM_DESC(warn, "Trigger a WARN_ON() at load time (default: true)");

static int __init keyrot_vm_warn_init(void)
{
	WARN_ON(warn);
	pr_info("keyrot_vm_warn: loaded (warn=%d)\n", warn);
	return 0;
}

static void __exit keyrot_vm_warn_exit(void)
{
}

module_init(keyrot_vm_warn_init);
module_exit(keyrot_vm_warn_exit);

MODULE_DESCRIPTION("keyrot VM harness self-test: a warning at load time");
MODULE_LICENSE("GPL");
