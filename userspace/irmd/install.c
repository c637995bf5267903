// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * What an exchange installs in the kernel (docs/oap.md 8): OAP calls
 * kr_install_cb() with the seed, synchronously, and wipes the seed when it
 * returns.  For a flow's first seed the flow is configured first (peer,
 * role, cipher, irmd's cookie, the [flow] settings).
 */
#include "irmd.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

uint64_t kr_irmd_cookie(const struct kr_irmd *d, int peer)
{
	const uint8_t *pub = d->cfg.peers[peer].pub;
	uint64_t c = KR_COOKIE_MAGIC << KR_COOKIE_SHIFT;
	int i;

	for (i = 0; i < 6; i++)
		c |= (uint64_t)pub[i] << (8 * (5 - i));
	return c;
}

int kr_irmd_cookie_peer(const struct kr_irmd *d, uint64_t cookie)
{
	size_t i;

	if (cookie >> KR_COOKIE_SHIFT != KR_COOKIE_MAGIC)
		return -2;
	for (i = 0; i < d->cfg.npeers; i++)
		if (kr_irmd_cookie(d, (int)i) == cookie)
			return (int)i;
	return -1;
}

int kr_install_cb(void *arg, const struct kr_oap_install *in)
{
	struct kr_install_ctx *x = arg;
	struct kr_irmd *d = x->d;
	struct kr_nlc_seed s = {
		.id = in->flow_id,
		.epoch = in->epoch,
		.seed = in->seed,
		.key_id = in->key_id,
		.peer_holds = in->peer_holds,
		.has_start = in->has_start,
		.start = { in->start[0], in->start[1] },
	};
	struct kr_nlc_flowset fs = {
		.id = in->flow_id,
		.peer_id = in->peer_flow_id,
		.role = in->role,
		.cipher = in->cipher,
		.has_cookie = true,
		.cookie = kr_irmd_cookie(d, x->peer),
		.set = &d->cfg.flow.set,
	};
	uint8_t host[16];
	int ret;

	x->err = 0;
	x->why[0] = '\0';
	if (in->first) {
		ret = kr_addr_host(x->peer_addr, host, &fs.addr_len);
		if (ret) {
			snprintf(x->why, sizeof(x->why),
				 "flow %u: the peer's address is neither IPv4 nor IPv6",
				 in->flow_id);
			goto err;
		}
		fs.addr = host;
		fs.port = in->peer_port;
		ret = kr_nlc_flow_set(&d->nlc, &fs, x->why);
		if (ret)
			goto err;
	}
	if (x->fail_before)
		kr_fail_point(x->fail_before);
	ret = kr_nlc_seed_install(&d->nlc, &s, x->why);
	if (ret)
		goto err;
	x->done = true;
	x->in = *in;
	x->in.seed = NULL;
	x->in.service = NULL;
	if (x->fail_after)
		kr_fail_point(x->fail_after);
	return 0;

err:
	x->err = ret;
	return ret;
}
