// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * krctl: inspect and steer keyrot flows over the "keyrot" generic netlink
 * family.  Exit status: 0 done, 1 the operation failed, 2 usage error.
 */
#include "args.h"
#include "create.h"
#include "events.h"
#include "kr_nl.h"
#include "ops.h"
#include "show.h"

#include <stdio.h>

static const char usage[] =
"usage: krctl COMMAND [ARGS]\n"
"\n"
"  create [--hold] [--id-file PATH] [--netns NAME|PATH] [--watch PATH]\n"
"         [--traffic PPS]\n"
"        open /dev/keyrot and print the new flow's id; --hold keeps it open\n"
"        until SIGTERM/SIGINT/SIGHUP or EOF on a piped/terminal stdin;\n"
"        --netns opens it in that network namespace and comes back;\n"
"        --watch writes what the descriptor shows once the flow is down;\n"
"        --traffic sends PPS small packets a second, reads what arrives\n"
"  set ID [SETTING VALUE]...                        flow-set\n"
"        peer ADDR (IPv4 or IPv6)   port N      peer-id N    cookie N\n"
"        role initiator|responder   cipher aes-256-gcm|chacha20-poly1305\n"
"        max-payload N  rx-queue N  tx-queue N  window N  watermark N\n"
"        rekey-interval MS  jitter PCT  grace MS  retire MS  confirm MS\n"
"        event MS  keepalive MS  peer-timeout MS  trial MS\n"
"  install ID EPOCH [--peer-holds] [--start-d0 S] [--start-d1 S]\n"
"          [--seed-file PATH]                      seed-install\n"
"        the seed (32 raw bytes, or 64 hex digits and an optional newline)\n"
"        is read from PATH or standard input, never from the command line\n"
"  keyid [--seed-file PATH]     print the key id of a seed (no kernel)\n"
"  confirm ID KEYID             epoch-confirm (KEYID: 16 hex digits)\n"
"  withdraw ID KEYID            epoch-withdraw\n"
"  rekey ID                     rekey-request\n"
"  down ID                      flow-state down\n"
"  peer-gone ID                 flow-state peer-gone\n"
"  del ID                       flow-del\n"
"  port N                       netns-set: the namespace's UDP port\n"
"  stats [--json]               netns-get: port, flows, counters\n"
"  show [ID] [--json]           flow-get: one flow, or all of the namespace\n"
"  events [--count N] [--timeout SEC] [--flow ID] [--ready-file PATH]\n"
"         [--json]              print notifications of the \"events\" group;\n"
"        exit 1 if the timeout ends it before N events\n"
"\n"
"Numbers are decimal or 0x-hex.  krctl checks that a value fits its\n"
"attribute; the kernel checks its range and says why it refuses one.\n"
"Exit status: 0 done, 1 failed, 2 usage error.\n";

int main(int argc, char **argv)
{
	struct kr_cmd cmd;
	struct kr_nl nl;
	char err[256];
	int ret;

	if (kr_args_parse(argc, argv, &cmd, err, sizeof(err))) {
		fprintf(stderr, "krctl: %s\n", err);
		return 2;
	}
	switch (cmd.verb) {
	case KR_VERB_HELP:
		fputs(usage, stdout);
		return 0;
	case KR_VERB_CREATE:
		return kr_create_run(&cmd) ? 1 : 0;
	case KR_VERB_KEYID:
		return kr_ops_keyid(&cmd) ? 1 : 0;
	case KR_VERB_EVENTS:
		return kr_events_run(&cmd) ? 1 : 0;
	default:
		break;
	}

	if (kr_nl_open(&nl))
		return 1;
	if (cmd.verb == KR_VERB_SHOW || cmd.verb == KR_VERB_STATS)
		ret = kr_show_run(&nl, &cmd);
	else
		ret = kr_ops_run(&nl, &cmd);
	kr_nl_close(&nl);
	if (fflush(stdout))
		return 1;
	return ret ? 1 : 0;
}
