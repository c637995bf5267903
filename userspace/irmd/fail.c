// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * Test-only fault injection (docs/irmd.md "Fault injection"):
 * --fail-at=STEP[:N] makes irmd exit at once, without any cleanup (as if
 * killed), the Nth time (default the first) it reaches STEP.  The kernel
 * keeps what was installed, the peer keeps what it has: the test then
 * checks that the two recover.
 */
#include "irmd.h"
#include "log.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { FAIL_EXIT = 99 };

const char *const kr_fail_steps[] = {
	"alloc-req-sent",	/* requester: alloc-req sent (first copy) */
	"alloc-req-answered",	/* requester: ok authenticated, not installed */
	"alloc-req-installed",	/* requester: installed, fd not handed over */
	"alloc-resp-installed",	/* answering: installed, answer not sent */
	"alloc-resp-answered",	/* answering: answered, fd not handed over */
	"rekey-req-sent",	/* requester: rekey-req sent (first copy) */
	"rekey-req-answered",	/* requester: ok authenticated, not installed */
	"rekey-req-installed",	/* requester: installed with "peer holds it" */
	"rekey-resp-opened",	/* answering: request authenticated, nothing done */
	"rekey-resp-installed",	/* answering: installed, answer not sent */
	"rekey-resp-answered",	/* answering: answer sent */
	"holds-req-sent",	/* answering end of the seed: holds? sent */
	"holds-req-answered",	/* idem: answer taken, nothing confirmed yet */
	"holds-resp-answered",	/* the queried end: holds? answered */
	NULL,
};

static struct {
	const char *step;
	unsigned long nth;
	unsigned long seen;
} fail = { .nth = 1 };

int kr_fail_parse(const char *arg)
{
	const char *colon = strchr(arg, ':');
	size_t n = colon ? (size_t)(colon - arg) : strlen(arg);
	char *end;
	int i;

	for (i = 0; kr_fail_steps[i]; i++)
		if (strlen(kr_fail_steps[i]) == n &&
		    !strncmp(kr_fail_steps[i], arg, n))
			break;
	if (!kr_fail_steps[i])
		return -EINVAL;
	fail.step = kr_fail_steps[i];
	if (colon) {
		errno = 0;
		fail.nth = strtoul(colon + 1, &end, 10);
		if (errno || *end || !fail.nth || colon[1] < '1' ||
		    colon[1] > '9')
			return -EINVAL;
	}
	return 0;
}

void kr_fail_point(const char *step)
{
	if (!fail.step || strcmp(fail.step, step))
		return;
	if (++fail.seen < fail.nth)
		return;
	kr_warn("fail-at %s: exiting here as asked (test only, exit status %d)",
		step, FAIL_EXIT);
	_exit(FAIL_EXIT);
}
