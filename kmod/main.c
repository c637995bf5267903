// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * Module init and exit: set up each piece in dependency order, the netlink
 * family last so userspace never meets a half-built module; tear down in
 * reverse.  Nothing else lives here.
 */

#include "chrdev.h"
#include "compat.h"
#include "epoch.h"
#include "flow.h"
#include "keytree.h"
#include "netlink.h"
#include "tests/selfstart.h"

#include "../uapi/keyrot.h"

#include <linux/genetlink.h>
#include <linux/init.h>
#include <linux/module.h>
#include <net/genetlink.h>

static int __init kr_mod_init(void)
{
	int ret;

	ret = kr_keytree_init();
	if (ret)
		goto err_keytree;
	ret = kr_epoch_init();
	if (ret)
		goto err_epoch;
	ret = kr_selfstart_init();
	if (ret)
		goto err_selfstart;
	ret = kr_flow_init();
	if (ret)
		goto err_flow;
	ret = kr_chrdev_init();
	if (ret)
		goto err_chrdev;
	ret = kr_netlink_init();
	if (ret)
		goto err_netlink;
	return 0;

err_netlink:
	kr_chrdev_uninit();
err_chrdev:
	kr_flow_uninit();
err_flow:
	kr_selfstart_exit();
err_selfstart:
	kr_epoch_uninit();
err_epoch:
	kr_keytree_uninit();
err_keytree:
	return ret;
}

static void __exit kr_mod_exit(void)
{
	kr_netlink_uninit();
	kr_chrdev_uninit();
	kr_flow_uninit();
	kr_selfstart_exit();
	kr_epoch_uninit();
	kr_keytree_uninit();
}

module_init(kr_mod_init);
module_exit(kr_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("keyrot: encrypted flows with rotating key trees");
MODULE_AUTHOR("The keyrot authors");
MODULE_ALIAS_GENL_FAMILY(KEYROT_GENL_NAME);
