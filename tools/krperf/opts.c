// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "opts.h"
#include "payload.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char krp_usage[] =
"usage: krperf [--id-file PATH] [--send N] [--recv N] [--min BYTES]\n"
"              [--max BYTES] [--window W | --rate PPS] [--no-ack]\n"
"              [--seed X] [--peer-seed X] [--timeout SEC] [--stall SEC]\n"
"              [--linger SEC]\n"
"              [--rekey-at N] [--allow-reorder] [--sent-log PATH]\n"
"              [--recv-log PATH] [--done-file PATH]\n"
"              [--dev PATH] [--json]\n"
"              [--alloc PEER SERVICE | --accept SERVICE] [--dealloc]\n"
"\n"
"One end of a keyrot flow: opens /dev/keyrot, writes the flow id to\n"
"--id-file (atomically), waits until the flow is writable, then sends N\n"
"DATA packets and receives N, checking every byte and the order.\n"
"\n"
"  --send N        DATA packets to send (default 0)\n"
"  --recv N        DATA packets to receive (default 0)\n"
"  --min BYTES     smallest payload, header included (default 11, least 1;\n"
"                  shorter than 11 a payload is SHORT, see the README)\n"
"  --max BYTES     largest payload (default: the flow's max payload)\n"
"  --window W      at most W DATA packets unacknowledged (default 64)\n"
"  --rate PPS      pace by time instead; no ACKs needed (one-way flows)\n"
"  --no-ack        never send ACKs (the peer must use --rate)\n"
"  --seed X        seed of the stream sent (default 1)\n"
"  --peer-seed X   seed of the stream received (default: --seed)\n"
"  --timeout SEC   give up after SEC seconds (default 60)\n"
"  --stall SEC     give up once nothing was sent, acknowledged or received\n"
"                  for SEC seconds, after the flow became writable (off)\n"
"  --linger SEC    stay this long once done, so last packets leave (0.3)\n"
"  --done-file PATH  create PATH once done (before lingering)\n"
"  --rekey-at N    ask for a re-key (KEYROT_IOC_REKEY) after N sent\n"
"  --allow-reorder count packets arriving out of order, but do not fail\n"
"  --sent-log PATH every payload written (DATA and ACK), hex, one a line\n"
"  --recv-log PATH every payload read, hex, one a line\n"
"  --json          the result as one JSON object\n"
"  --alloc PEER SERVICE  take the flow from irmd (libkeyrot's flow_alloc)\n"
"                  instead of opening --dev; its id still goes to --id-file\n"
"  --accept SERVICE  take it from irmd's flow_accept (a peer allocates)\n"
"  --dealloc       end with flow_dealloc() (irmd takes the flow down)\n"
"\n"
"SIGTERM, SIGINT or SIGHUP end the run and print the result: once done\n"
"(lingering) a normal end; before, the run fails as stopped.\n"
"\n"
"Exit status: 0 if every expected packet arrived intact and in order (or\n"
"any order with --allow-reorder), exactly once, and\n"
"every packet was sent and acknowledged; 1 otherwise; 2 usage error.\n";

static int num(const char *s, uint64_t max, uint64_t *v)
{
	unsigned long long x;
	int base = 10;
	char *end;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!((*s >= '0' && *s <= '9') ||
	      (base == 16 && ((*s >= 'a' && *s <= 'f') ||
			      (*s >= 'A' && *s <= 'F')))))
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, base);
	if (*end || errno || x > max)
		return -EINVAL;
	*v = x;
	return 0;
}

static int seconds(const char *s, double *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	*v = strtod(s, &end);
	if (*end || !isfinite(*v) || *v > 1e7)
		return -EINVAL;
	return 0;
}

int krp_opts_parse(int argc, char **argv, struct krp_opts *o, char *err,
		   size_t errlen)
{
	bool have_peer_seed = false;
	uint64_t v;
	int i;

	memset(o, 0, sizeof(*o));
	o->dev = "/dev/keyrot";
	o->min = KRP_HDR_LEN;
	o->window = 64;
	o->seed = 1;
	o->timeout = 60;
	o->linger = 0.3;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		bool bad = false;

		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return 1;
		if (!strcmp(a, "--json")) {
			o->json = true;
			continue;
		}
		if (!strcmp(a, "--no-ack")) {
			o->no_ack = true;
			continue;
		}
		if (!strcmp(a, "--dealloc")) {
			o->dealloc = true;
			continue;
		}
		if (!strcmp(a, "--alloc") && i + 2 < argc) {
			o->alloc_peer = argv[++i];
			o->alloc_service = argv[++i];
			continue;
		}
		if (!strcmp(a, "--allow-reorder")) {
			o->allow_reorder = true;
			continue;
		}
		if (strncmp(a, "--", 2) || i + 1 >= argc) {
			snprintf(err, errlen, "%s: %s", a,
				 strncmp(a, "--", 2) ? "unexpected argument" :
				 "needs a value (or is unknown)");
			return -EINVAL;
		}
		val = argv[++i];
		v = 0;
		if (!strcmp(a, "--id-file")) {
			o->id_file = val;
		} else if (!strcmp(a, "--sent-log")) {
			o->sent_log = val;
		} else if (!strcmp(a, "--recv-log")) {
			o->recv_log = val;
		} else if (!strcmp(a, "--done-file")) {
			o->done_file = val;
		} else if (!strcmp(a, "--accept")) {
			o->accept_service = val;
		} else if (!strcmp(a, "--dev")) {
			o->dev = val;
		} else if (!strcmp(a, "--send")) {
			bad = num(val, UINT32_MAX * 16ULL, &o->send);
		} else if (!strcmp(a, "--recv")) {
			bad = num(val, UINT32_MAX * 16ULL, &o->recv);
		} else if (!strcmp(a, "--min")) {
			bad = num(val, KRP_LEN_MAX, &v);
			o->min = v;
		} else if (!strcmp(a, "--max")) {
			bad = num(val, KRP_LEN_MAX, &v);
			o->max = v;
		} else if (!strcmp(a, "--window")) {
			bad = num(val, UINT32_MAX, &v) || !v;
			o->window = (uint32_t)v;
			o->window_set = true;
		} else if (!strcmp(a, "--rate")) {
			bad = seconds(val, &o->rate) || o->rate <= 0;
		} else if (!strcmp(a, "--seed")) {
			bad = num(val, UINT64_MAX, &o->seed);
		} else if (!strcmp(a, "--peer-seed")) {
			bad = num(val, UINT64_MAX, &o->peer_seed);
			have_peer_seed = true;
		} else if (!strcmp(a, "--timeout")) {
			bad = seconds(val, &o->timeout) || o->timeout <= 0;
		} else if (!strcmp(a, "--stall")) {
			bad = seconds(val, &o->stall);
		} else if (!strcmp(a, "--linger")) {
			bad = seconds(val, &o->linger);
		} else if (!strcmp(a, "--rekey-at")) {
			bad = num(val, UINT64_MAX, &o->rekey_at);
			o->have_rekey_at = true;
		} else {
			snprintf(err, errlen, "unknown option %s", a);
			return -EINVAL;
		}
		if (bad) {
			snprintf(err, errlen, "%s: bad value '%s'", a, val);
			return -EINVAL;
		}
	}
	if (!have_peer_seed)
		o->peer_seed = o->seed;
	if (o->alloc_peer && o->accept_service) {
		snprintf(err, errlen, "--alloc and --accept: one or the other");
		return -EINVAL;
	}
	if (o->min < 1) {
		snprintf(err, errlen, "--min: at least 1");
		return -EINVAL;
	}
	if (o->max && o->max < o->min) {
		snprintf(err, errlen, "--max %zu is below --min %zu", o->max,
			 o->min);
		return -EINVAL;
	}
	return 0;
}
