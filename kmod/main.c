// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * Module init and exit: set up each piece in dependency order, tear down in
 * reverse.  Nothing else lives here.
 */

#include "compat.h"
#include "keytree.h"
#include "tests/selfstart.h"

#include "../uapi/keyrot.h"

#include <linux/init.h>
#include <linux/module.h>

static int __init kr_mod_init(void)
{
	int ret;

	ret = kr_keytree_init();
	if (ret)
		goto err_keytree;

	ret = kr_selfstart_init();
	if (ret)
		goto err_selfstart;

	return 0;

err_selfstart:
	kr_keytree_uninit();
err_keytree:
	return ret;
}

static void __exit kr_mod_exit(void)
{
	kr_selfstart_exit();
	kr_keytree_uninit();
}

module_init(kr_mod_init);
module_exit(kr_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("keyrot: encrypted flows with rotating key trees");
MODULE_AUTHOR("The keyrot authors");
