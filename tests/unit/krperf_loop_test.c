// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * krperf's poll loop end to end without the module: two ends (two
 * processes) over an AF_UNIX SOCK_SEQPACKET pair, which keeps message
 * boundaries, order, and EAGAIN/POLLOUT like a flow descriptor.  Shows the
 * pacing terminates, both directions work at once, and that a wrong
 * stream, a short sender, extra packets and a --max above the flow's max
 * payload are reported as failures.
 */
#include "../../tools/krperf/loop.h"
#include "../../tools/krperf/opts.h"
#include "unit.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "keyrot_dev.h"

static uint32_t next_id = 100;

static int fake_info(int fd, struct keyrot_info *info)
{
	(void)fd;
	memset(info, 0, sizeof(*info));
	info->flow_id = next_id;
	info->flags = RB_RD | RB_WR;
	info->max_payload = 1420;
	return 0;
}

static int parse(const char *line, struct krp_opts *o)
{
	static char bufs[2][512];
	static int which;
	char *argv[40] = { "krperf" }, *buf = bufs[which++ & 1], *tok;
	char err[160];
	int argc = 1;

	snprintf(buf, 512, "%s", line);
	for (tok = strtok(buf, " "); tok && argc < 39; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	return krp_opts_parse(argc, argv, o, err, sizeof(err));
}

/* Run end A (this process) and end B (a child) with these options. */
static bool run_pair(const char *a_opts, const char *b_opts,
		     struct krp_result *ra, struct krp_result *rb, int *ret_a,
		     int *ret_b)
{
	struct krp_opts oa, ob;
	int sv[2], res[2], status;
	pid_t pid;

	if (parse(a_opts, &oa) || parse(b_opts, &ob))
		return false;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) ||
	    pipe(res))
		return false;
	pid = fork();
	if (pid < 0)
		return false;
	if (!pid) {
		close(sv[0]);
		close(res[0]);
		next_id = 200;
		status = krp_run(&ob, sv[1], fake_info, rb);
		if (write(res[1], rb, sizeof(*rb)) != sizeof(*rb))
			_exit(99);
		_exit(status < 0 ? 98 : status);
	}
	close(sv[1]);
	close(res[1]);
	*ret_a = krp_run(&oa, sv[0], fake_info, ra);
	close(sv[0]);
	if (read(res[0], rb, sizeof(*rb)) != sizeof(*rb))
		return false;
	close(res[0]);
	waitpid(pid, &status, 0);
	*ret_b = WIFEXITED(status) ? WEXITSTATUS(status) : 97;
	return true;
}

static bool same_file(const char *a, const char *b)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "cmp -s %s %s", a, b);
	return system(cmd) == 0;
}

int main(void)
{
	struct krp_result ra, rb;
	time_t t0;
	int a, b;
	bool ran;

	signal(SIGPIPE, SIG_IGN);

	ran = run_pair("--send 3000 --timeout 20 --linger 0.05",
		       "--recv 3000 --timeout 20 --linger 0.05",
		       &ra, &rb, &a, &b);
	UNIT_CASE("window_one_way", ran && a == 0 && b == 0 &&
		  ra.sent == 3000 && ra.acked == 3000 &&
		  rb.in_order == 3000 && !rb.corrupt && !rb.missing &&
		  rb.acks_sent > 0 && rb.acks_sent < 3000);

	ran = run_pair("--send 2000 --recv 2000 --seed 1 --peer-seed 2 --window 16 --timeout 20 --linger 0.05",
		       "--send 2000 --recv 2000 --seed 2 --peer-seed 1 --window 16 --timeout 20 --linger 0.05",
		       &ra, &rb, &a, &b);
	UNIT_CASE("window_both_directions", ran && a == 0 && b == 0 &&
		  ra.in_order == 2000 && rb.in_order == 2000 &&
		  ra.acked == 2000 && rb.acked == 2000);

	ran = run_pair("--send 300 --rate 20000 --max 200 --timeout 20 --linger 0.05 --sent-log /tmp/krperf-unit-sent",
		       "--recv 300 --no-ack --timeout 20 --linger 0.05 --recv-log /tmp/krperf-unit-recv",
		       &ra, &rb, &a, &b);
	UNIT_CASE("rate_one_way_no_acks", ran && a == 0 && b == 0 &&
		  rb.in_order == 300 && rb.acks_sent == 0 &&
		  ra.acks_received == 0 && ra.bytes_sent == rb.bytes_received);
	UNIT_CASE("logs_sent_equals_received",
		  same_file("/tmp/krperf-unit-sent", "/tmp/krperf-unit-recv"));
	unlink("/tmp/krperf-unit-sent");
	unlink("/tmp/krperf-unit-recv");

	ran = run_pair("--send 50 --seed 7 --timeout 1 --linger 0.05",
		       "--recv 50 --seed 8 --timeout 1 --linger 0.05",
		       &ra, &rb, &a, &b);
	UNIT_CASE("wrong_stream_fails", ran && a == 1 && b == 1 &&
		  rb.corrupt > 0 && rb.missing == 50);

	ran = run_pair("--send 40 --rate 10000 --timeout 1 --linger 0.05",
		       "--recv 50 --no-ack --timeout 1 --linger 0.05",
		       &ra, &rb, &a, &b);
	UNIT_CASE("short_sender_fails", ran && a == 0 && b == 1 &&
		  rb.in_order == 40 && rb.missing == 10 &&
		  (rb.timed_out || rb.flow_down));

	ran = run_pair("--send 20 --rate 10000 --timeout 1 --linger 0.05",
		       "--recv 10 --no-ack --timeout 1 --linger 0.05",
		       &ra, &rb, &a, &b);
	UNIT_CASE("extra_packets_fail", ran && b == 1 && rb.extra == 10);

	unlink("/tmp/krperf-unit-done-a");
	unlink("/tmp/krperf-unit-done-b");
	ran = run_pair("--send 3000 --recv 3000 --min 1 --max 10 --seed 1 --peer-seed 2 --timeout 20 --linger 0.05 --done-file /tmp/krperf-unit-done-a",
		       "--send 3000 --recv 3000 --min 1 --max 40 --seed 2 --peer-seed 1 --timeout 20 --linger 0.05 --done-file /tmp/krperf-unit-done-b",
		       &ra, &rb, &a, &b);
	UNIT_CASE("short_payloads_both_ways", ran && a == 0 && b == 0 &&
		  ra.in_order == 3000 && rb.in_order == 3000 &&
		  !ra.corrupt && !rb.corrupt &&
		  rb.bytes_received == ra.bytes_sent &&
		  rb.bytes_received <= 3000 * 10);
	UNIT_CASE("done_file_created",
		  !access("/tmp/krperf-unit-done-a", F_OK) &&
		  !access("/tmp/krperf-unit-done-b", F_OK));
	unlink("/tmp/krperf-unit-done-a");
	unlink("/tmp/krperf-unit-done-b");

	/*
	 * A SHORT stream read with the wrong seed is caught (a 1-byte payload
	 * is its tag alone and cannot tell seeds apart; longer ones do).
	 */
	ran = run_pair("--send 50 --min 1 --max 10 --seed 7 --timeout 1 --linger 0.05",
		       "--recv 50 --seed 8 --timeout 1 --linger 0.05",
		       &ra, &rb, &a, &b);
	UNIT_CASE("short_wrong_stream_fails", ran && b == 1 &&
		  rb.corrupt > 0 && rb.missing > 0);

	/*
	 * Stopped while lingering (nothing to do: done at once): a normal
	 * end, without lingering 4 s.  Stopped before done: a failure.
	 */
	krp_stop = 1;
	t0 = time(NULL);
	ran = run_pair("--timeout 5 --linger 4", "--timeout 5 --linger 4",
		       &ra, &rb, &a, &b);
	krp_stop = 0;
	UNIT_CASE("stop_while_lingering_ok", ran && a == 0 && b == 0 &&
		  !ra.stopped && !rb.stopped && time(NULL) - t0 < 3);
	krp_stop = 1;
	ran = run_pair("--send 10 --recv 10 --timeout 5",
		       "--timeout 5 --linger 0.05",
		       &ra, &rb, &a, &b);
	krp_stop = 0;
	UNIT_CASE("stop_before_done_fails", ran && a == 1 && ra.stopped &&
		  !ra.timed_out);

	/* The receiver waits for 50, 40 come: it gives up after 0.5 s. */
	t0 = time(NULL);
	ran = run_pair("--send 40 --rate 10000 --timeout 10 --linger 2",
		       "--recv 50 --no-ack --timeout 10 --stall 0.5 --linger 0.05",
		       &ra, &rb, &a, &b);
	UNIT_CASE("stall_ends_a_stuck_run", ran && a == 0 && b == 1 &&
		  rb.stalled && !rb.timed_out && rb.in_order == 40 &&
		  time(NULL) - t0 < 5);

	ran = run_pair("--send 100 --max 2000 --timeout 1 --linger 0.05",
		       "--recv 100 --timeout 1 --linger 0.05",
		       &ra, &rb, &a, &b);
	UNIT_CASE("max_above_flow_refused", ran && a == 1 && ra.sent == 0 &&
		  ra.errors == 1);
	return unit_done();
}
