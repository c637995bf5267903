// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * krperf: one end of a keyrot flow carrying checkable traffic.  The test
 * script configures the flow with krctl, using the id krperf writes.
 */
#include "flow.h"
#include "loop.h"
#include "opts.h"
#include "kr_idfile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "keyrot_dev.h"

static int dev_info(int fd, struct keyrot_info *info)
{
	return ioctl(fd, KEYROT_IOC_INFO, info);
}

static void print_json(const struct krp_result *r, bool ok)
{
	printf("{\"flow_id\":%u,\"ok\":%s,\"sent\":%" PRIu64
	       ",\"acked\":%" PRIu64 ",\"received\":%" PRIu64
	       ",\"in_order\":%" PRIu64 ",\"out_of_order\":%" PRIu64
	       ",\"corrupt\":%" PRIu64 ",\"duplicates\":%" PRIu64
	       ",\"missing\":%" PRIu64 ",\"extra\":%" PRIu64
	       ",\"bytes_sent\":%" PRIu64 ",\"bytes_received\":%" PRIu64
	       ",\"acks_sent\":%" PRIu64 ",\"acks_received\":%" PRIu64
	       ",\"eagain\":%" PRIu64 ",\"ekeyexpired\":%" PRIu64
	       ",\"not_ready\":%" PRIu64 ",\"rekey_signals\":%" PRIu64
	       ",\"errors\":%" PRIu64 ",\"flow_down\":%s,\"peer_gone\":%s"
	       ",\"timed_out\":%s,\"stalled\":%s,\"stopped\":%s"
	       ",\"max_payload\":%u"
	       ",\"elapsed\":%.6f",
	       r->flow_id, ok ? "true" : "false", r->sent, r->acked,
	       r->received, r->in_order, r->out_of_order, r->corrupt,
	       r->duplicates, r->missing, r->extra, r->bytes_sent,
	       r->bytes_received, r->acks_sent, r->acks_received, r->eagain,
	       r->ekeyexpired, r->not_ready, r->rekey_signals, r->errors,
	       r->flow_down ? "true" : "false",
	       r->peer_gone ? "true" : "false",
	       r->timed_out ? "true" : "false",
	       r->stalled ? "true" : "false",
	       r->stopped ? "true" : "false", r->max_payload, r->elapsed);
	printf(",\"first_error\":\"");
	for (const char *p = r->first_error; *p; p++) {
		if (*p == '"' || *p == '\\')
			putchar('\\');
		putchar(*p >= 0x20 ? *p : ' ');
	}
	printf("\"}\n");
}

static void print_text(const struct krp_result *r, bool ok)
{
	printf("flow %u: %s\n", r->flow_id, ok ? "ok" : "FAILED");
	printf("  sent %" PRIu64 " (acked %" PRIu64 ", %" PRIu64 " bytes)"
	       "  received %" PRIu64 " (%" PRIu64 " bytes) in %.3f s\n",
	       r->sent, r->acked, r->bytes_sent, r->received,
	       r->bytes_received, r->elapsed);
	printf("  in order %" PRIu64 "  out of order %" PRIu64
	       "  corrupt %" PRIu64 "  duplicates %" PRIu64
	       "  missing %" PRIu64 "  extra %" PRIu64 "\n",
	       r->in_order, r->out_of_order, r->corrupt, r->duplicates,
	       r->missing, r->extra);
	printf("  eagain %" PRIu64 "  ekeyexpired %" PRIu64
	       "  rekey signals %" PRIu64 "  errors %" PRIu64 "%s%s%s%s%s\n",
	       r->eagain, r->ekeyexpired, r->rekey_signals, r->errors,
	       r->flow_down ? "  flow down" : "",
	       r->peer_gone ? "  peer gone" : "",
	       r->timed_out ? "  TIMED OUT" : "",
	       r->stalled ? "  STALLED" : "",
	       r->stopped ? "  STOPPED" : "");
	if (r->first_error[0])
		printf("  first problem: %s\n", r->first_error);
}

/* Ends the run (loop.c): once done, normally; before, as stopped. */
static void on_stop(int sig)
{
	(void)sig;
	krp_stop = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { 0 };
	struct krp_result r;
	struct keyrot_info info;
	struct krp_opts o;
	char err[160];
	int fd, ret;

	ret = krp_opts_parse(argc, argv, &o, err, sizeof(err));
	if (ret == 1) {
		fputs(krp_usage, stdout);
		return 0;
	}
	if (ret) {
		fprintf(stderr, "krperf: %s (try krperf --help)\n", err);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	fd = krp_flow_open(&o);
	if (fd < 0)
		return 1;
	if (dev_info(fd, &info)) {
		fprintf(stderr, "krperf: KEYROT_IOC_INFO: %s\n", strerror(errno));
		ret = 1;
		goto out_close;
	}
	fprintf(stderr, "krperf: flow %u\n", info.flow_id);
	if (o.id_file) {
		ret = kr_idfile_write(o.id_file, info.flow_id);
		if (ret) {
			fprintf(stderr, "krperf: %s: %s\n", o.id_file,
				strerror(-ret));
			ret = 1;
			goto out_close;
		}
	}
	ret = krp_run(&o, fd, dev_info, &r);
	if (ret < 0) {
		ret = 1;
		goto out_close;
	}
	if (o.json)
		print_json(&r, ret == 0);
	else
		print_text(&r, ret == 0);
	if (fflush(stdout))
		ret = 1;
out_close:
	krp_flow_close(&o, fd);
	return ret;
}
