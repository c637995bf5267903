// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "fdstate.h"
#include "kr_names.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	int err;
	const char *name;
} errnos[] = {
	{ EPIPE, "EPIPE" },		{ EAGAIN, "EAGAIN" },
	{ EBADF, "EBADF" },		{ EINVAL, "EINVAL" },
	{ EMSGSIZE, "EMSGSIZE" },	{ ENODEV, "ENODEV" },
	{ ENOTCONN, "ENOTCONN" },	{ EKEYEXPIRED, "EKEYEXPIRED" },
	{ ENOKEY, "ENOKEY" },		{ EDESTADDRREQ, "EDESTADDRREQ" },
	{ EINTR, "EINTR" },		{ EIO, "EIO" },
	{ ENOTTY, "ENOTTY" },		{ EFAULT, "EFAULT" },
	{ ENOMEM, "ENOMEM" },		{ EPERM, "EPERM" },
	{ EACCES, "EACCES" },		{ ENOENT, "ENOENT" },
};

const char *kr_errno_name(int err)
{
	size_t i;

	if (!err)
		return "ok";
	for (i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].err == err)
			return errnos[i].name;
	return "E?";
}

char *kr_poll_names(char *buf, size_t len, short revents)
{
	static const struct {
		short bit;
		const char *name;
	} bits[] = {
		{ POLLIN, "in" }, { POLLPRI, "pri" }, { POLLOUT, "out" },
		{ POLLERR, "err" }, { POLLHUP, "hup" }, { POLLNVAL, "nval" },
		{ POLLRDHUP, "rdhup" },
	};
	size_t i, used = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		if (!(revents & bits[i].bit))
			continue;
		used += snprintf(buf + used, used < len ? len - used : 0,
				 "%s%s", used ? "," : "", bits[i].name);
		if (used >= len)
			break;
	}
	if (!used)
		snprintf(buf, len, "-");
	return buf;
}

int kr_fdstate_format(const struct kr_fdstate *st, char *buf, size_t len)
{
	char ev[64], fl[96];
	int n;

	kr_poll_names(ev, sizeof(ev), st->revents);
	if (st->info_err)
		snprintf(fl, sizeof(fl), "%s", kr_errno_name(st->info_err));
	else
		kr_name_flags(fl, sizeof(fl), st->flags, kr_rb_names,
			      kr_rb_count);
	n = snprintf(buf, len,
		     "flow %u down revents %s flags %s read %s drained %lu "
		     "write %s rekey %s sent %lu received %lu\n",
		     st->flow_id, ev, fl,
		     st->read_err ? kr_errno_name(st->read_err) : "0",
		     st->drained, kr_errno_name(st->write_err),
		     kr_errno_name(st->rekey_err), st->sent, st->received);
	return n < 0 || (size_t)n >= len ? -1 : n;
}
