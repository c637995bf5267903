// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/* The line krctl create --watch writes when a flow goes down. */
#include "../../tools/krctl/fdstate.h"
#include "unit.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <string.h>

#include "keyrot.h"

static char buf[512];

static bool line_is(const struct kr_fdstate *st, const char *want)
{
	return kr_fdstate_format(st, buf, sizeof(buf)) == (int)strlen(want) &&
	       !strcmp(buf, want);
}

int main(void)
{
	struct kr_fdstate st = {
		.flow_id = 7, .revents = POLLIN | POLLHUP,
		.flags = RB_RD | RB_WR | RB_FLOWDOWN,
		.drained = 2, .write_err = EPIPE, .rekey_err = EPIPE,
		.sent = 10, .received = 9,
	};
	char small[8];

	UNIT_CASE("down_line", line_is(&st,
		  "flow 7 down revents in,hup flags rd,wr,flowdown read 0 "
		  "drained 2 write EPIPE rekey EPIPE sent 10 received 9\n"));
	st.read_err = EAGAIN;
	st.info_err = ENOTTY;
	st.write_err = 0;
	st.rekey_err = 0;
	st.revents = 0;
	UNIT_CASE("not_down_line", line_is(&st,
		  "flow 7 down revents - flags ENOTTY read EAGAIN drained 2 "
		  "write ok rekey ok sent 10 received 9\n"));
	UNIT_CASE("too_small", kr_fdstate_format(&st, small, sizeof(small)) ==
		  -1);
	UNIT_CASE("poll_every_bit",
		  !strcmp(kr_poll_names(buf, sizeof(buf), POLLIN | POLLPRI |
					POLLOUT | POLLERR | POLLHUP |
					POLLNVAL | POLLRDHUP),
			  "in,pri,out,err,hup,nval,rdhup"));
	UNIT_CASE("poll_none", !strcmp(kr_poll_names(buf, sizeof(buf), 0), "-"));
	UNIT_CASE("poll_truncated",
		  strlen(kr_poll_names(small, sizeof(small), POLLIN | POLLPRI |
				       POLLOUT | POLLHUP)) < sizeof(small));
	UNIT_CASE("errno_names", !strcmp(kr_errno_name(EPIPE), "EPIPE") &&
		  !strcmp(kr_errno_name(0), "ok") &&
		  !strcmp(kr_errno_name(EKEYEXPIRED), "EKEYEXPIRED") &&
		  !strcmp(kr_errno_name(4095), "E?"));
	return unit_done();
}
