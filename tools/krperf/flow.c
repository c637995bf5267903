// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "flow.h"
#include "opts.h"
#include "libkeyrot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int krp_flow_open(const struct krp_opts *o)
{
	char peer[64] = "";
	int fd, fl;

	if (o->alloc_peer) {
		fd = flow_alloc(o->alloc_peer, o->alloc_service);
		if (fd < 0) {
			fprintf(stderr, "krperf: flow_alloc %s %s: %s (irmd at %s)\n",
				o->alloc_peer, o->alloc_service,
				strerror(-fd), flow_irmd_socket());
			return fd;
		}
	} else if (o->accept_service) {
		fd = flow_accept_from(o->accept_service, peer, sizeof(peer));
		if (fd < 0) {
			fprintf(stderr, "krperf: flow_accept %s: %s (irmd at %s)\n",
				o->accept_service, strerror(-fd),
				flow_irmd_socket());
			return fd;
		}
		fprintf(stderr, "krperf: accepted a flow from %s\n", peer);
	} else {
		fd = open(o->dev, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			fd = -errno;
			fprintf(stderr, "krperf: %s: %s%s\n", o->dev,
				strerror(-fd),
				fd == -ENOENT ? " (is keyrot.ko loaded?)" : "");
		}
		return fd;
	}
	/* irmd hands a blocking descriptor over; the loop polls. */
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK)) {
		fl = -errno;
		fprintf(stderr, "krperf: O_NONBLOCK: %s\n", strerror(errno));
		close(fd);
		return fl;
	}
	return fd;
}

void krp_flow_close(const struct krp_opts *o, int fd)
{
	int ret;

	if (!o->dealloc) {
		close(fd);
		return;
	}
	ret = flow_dealloc(fd);
	if (ret)
		fprintf(stderr, "krperf: flow_dealloc: %s\n", strerror(-ret));
	else
		fprintf(stderr, "krperf: flow deallocated\n");
}
