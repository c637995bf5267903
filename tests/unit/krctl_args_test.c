// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/* krctl's command line: every verb, and what must be refused. */
#include "../../tools/krctl/args.h"
#include "unit.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

static struct kr_cmd cmd;
static char err[256];

/* Parse "krctl" followed by the words of @line (split on spaces). */
static int parse(const char *line)
{
	static char buf[1024];
	char *argv[64] = { "krctl" };
	int argc = 1;
	char *tok;

	snprintf(buf, sizeof(buf), "%s", line);
	for (tok = strtok(buf, " "); tok && argc < 63; tok = strtok(NULL, " "))
		argv[argc++] = tok;
	argv[argc] = NULL;
	return kr_args_parse(argc, argv, &cmd, err, sizeof(err));
}

static bool refused(const char *line, const char *why)
{
	return parse(line) == -EINVAL && strstr(err, why);
}

static const struct kr_set_attr *find(int type)
{
	int i;

	for (i = 0; i < cmd.nset; i++)
		if (cmd.set[i].type == type)
			return &cmd.set[i];
	return NULL;
}

static bool has(int type, uint64_t val)
{
	const struct kr_set_attr *a = find(type);

	return a && a->val == val;
}

static void test_numbers(void)
{
	uint64_t v = 0;

	UNIT_CASE("number_decimal", !kr_args_number("42", 100, &v) && v == 42);
	UNIT_CASE("number_hex", !kr_args_number("0x2A", 100, &v) && v == 42);
	UNIT_CASE("number_u64_max",
		  !kr_args_number("18446744073709551615", UINT64_MAX, &v) &&
		  v == UINT64_MAX);
	UNIT_CASE("number_u64_overflow",
		  kr_args_number("18446744073709551616", UINT64_MAX, &v) ==
		  -ERANGE);
	UNIT_CASE("number_above_max", kr_args_number("101", 100, &v) == -ERANGE);
	UNIT_CASE("number_empty", kr_args_number("", 100, &v) == -EINVAL);
	UNIT_CASE("number_negative", kr_args_number("-1", 100, &v) == -EINVAL);
	UNIT_CASE("number_plus", kr_args_number("+1", 100, &v) == -EINVAL);
	UNIT_CASE("number_space", kr_args_number(" 1", 100, &v) == -EINVAL);
	UNIT_CASE("number_trailing", kr_args_number("1x", 100, &v) == -EINVAL);
	UNIT_CASE("number_bare_0x", kr_args_number("0x", 100, &v) == -EINVAL);
	UNIT_CASE("number_bad_hex", kr_args_number("0xg", 100, &v) == -EINVAL);
}

static void test_addresses(void)
{
	static const unsigned char v6[16] = { 0xfe, 0x80, [15] = 1 };
	static const unsigned char v4[4] = { 10, 0, 0, 2 };
	unsigned char a[16];
	size_t len = 0;

	UNIT_CASE("addr_v4", !kr_args_addr("10.0.0.2", a, &len) && len == 4 &&
		  !memcmp(a, v4, 4));
	UNIT_CASE("addr_v6", !kr_args_addr("fe80::1", a, &len) && len == 16 &&
		  !memcmp(a, v6, 16));
	UNIT_CASE("addr_v4_mapped", !kr_args_addr("::ffff:1.2.3.4", a, &len) &&
		  len == 16 && a[10] == 0xff && a[15] == 4);
	UNIT_CASE("addr_v4_octet_too_big", kr_args_addr("1.2.3.256", a, &len));
	UNIT_CASE("addr_v4_short", kr_args_addr("1.2.3", a, &len));
	UNIT_CASE("addr_v6_bad", kr_args_addr("fe80:::1", a, &len));
	UNIT_CASE("addr_name", kr_args_addr("localhost", a, &len));
}

static void test_set(void)
{
	const struct kr_set_attr *a;

	UNIT_CASE("set_every_setting",
		  !parse("set 7 peer 10.0.0.2 port 51819 peer-id 9 role responder "
			 "cipher chacha20-poly1305 cookie 0x2a max-payload 1000 "
			 "rx-queue 256 tx-queue 128 window 8192 watermark 2048 "
			 "rekey-interval 120000 jitter 10 grace 5000 retire 2000 "
			 "confirm 100 event 1000 keepalive 10000 peer-timeout 30000 "
			 "trial 100") &&
		  cmd.verb == KR_VERB_SET && cmd.id == 7 && cmd.nset == 20 &&
		  has(KEYROT_A_FLOW_PEER_PORT, 51819) &&
		  has(KEYROT_A_FLOW_PEER_ID, 9) &&
		  has(KEYROT_A_FLOW_ROLE, KEYROT_ROLE_RESPONDER) &&
		  has(KEYROT_A_FLOW_CIPHER, KEYROT_CIPHER_CHACHA20_POLY1305) &&
		  has(KEYROT_A_FLOW_COOKIE, 42) &&
		  has(KEYROT_A_FLOW_MAX_PAYLOAD, 1000) &&
		  has(KEYROT_A_FLOW_RX_QUEUE_LEN, 256) &&
		  has(KEYROT_A_FLOW_TX_QUEUE_LEN, 128) &&
		  has(KEYROT_A_FLOW_REPLAY_WINDOW, 8192) &&
		  has(KEYROT_A_FLOW_WATERMARK, 2048) &&
		  has(KEYROT_A_FLOW_REKEY_INTERVAL_MS, 120000) &&
		  has(KEYROT_A_FLOW_REKEY_JITTER_PCT, 10) &&
		  has(KEYROT_A_FLOW_GRACE_MS, 5000) &&
		  has(KEYROT_A_FLOW_RETIRE_MS, 2000) &&
		  has(KEYROT_A_FLOW_CONFIRM_MS, 100) &&
		  has(KEYROT_A_FLOW_EVENT_MS, 1000) &&
		  has(KEYROT_A_FLOW_KEEPALIVE_MS, 10000) &&
		  has(KEYROT_A_FLOW_PEER_TIMEOUT_MS, 30000) &&
		  has(KEYROT_A_FLOW_TRIAL_MS, 100));
	a = find(KEYROT_A_FLOW_PEER_ADDR);
	UNIT_CASE("set_peer_v4_bytes", a && a->kind == KR_SET_ADDR &&
		  a->addr_len == 4 && a->addr[0] == 10 && a->addr[3] == 2);
	a = find(KEYROT_A_FLOW_REKEY_JITTER_PCT);
	UNIT_CASE("set_widths", a && a->kind == KR_SET_U8 &&
		  find(KEYROT_A_FLOW_PEER_PORT)->kind == KR_SET_U16 &&
		  find(KEYROT_A_FLOW_COOKIE)->kind == KR_SET_U64);
	UNIT_CASE("set_peer_v6", !parse("set 7 peer 2001:db8::5") &&
		  (a = find(KEYROT_A_FLOW_PEER_ADDR)) && a->addr_len == 16 &&
		  a->addr[0] == 0x20 && a->addr[15] == 5);
	UNIT_CASE("set_only_id", !parse("set 7") && cmd.nset == 0);
	UNIT_CASE("set_hex_id", !parse("set 0x10 port 1") && cmd.id == 16);
	UNIT_CASE("set_role_number_passes", !parse("set 7 role 5") &&
		  has(KEYROT_A_FLOW_ROLE, 5));
	UNIT_CASE("set_jitter_type_max", !parse("set 7 jitter 255") &&
		  has(KEYROT_A_FLOW_REKEY_JITTER_PCT, 255));
	UNIT_CASE("set_jitter_above_u8", refused("set 7 jitter 256",
						 "out of range"));
	UNIT_CASE("set_port_above_u16", refused("set 7 port 65536",
						"out of range"));
	UNIT_CASE("set_u32_above", refused("set 7 grace 4294967296",
					   "out of range"));
	UNIT_CASE("set_negative", refused("set 7 port -1", "not a number"));
	UNIT_CASE("set_junk_number", refused("set 7 window 8k", "not a number"));
	UNIT_CASE("set_bad_v4", refused("set 7 peer 10.0.0.256",
					"not an IPv4 or IPv6"));
	UNIT_CASE("set_bad_role", refused("set 7 role boss", "not one of"));
	UNIT_CASE("set_bad_cipher", refused("set 7 cipher rot13", "not one of"));
	UNIT_CASE("set_unknown_word", refused("set 7 colour 3",
					      "unknown setting"));
	UNIT_CASE("set_twice", refused("set 7 port 1 port 2", "given twice"));
	UNIT_CASE("set_missing_value", refused("set 7 port", "needs a value"));
	UNIT_CASE("set_missing_id", refused("set", "missing argument"));
	UNIT_CASE("set_bad_id", refused("set seven", "not a number"));
	UNIT_CASE("set_id_above_u32", refused("set 4294967296", "out of range"));
}

static void test_install(void)
{
	UNIT_CASE("install_all_options",
		  !parse("install 7 3 --peer-holds --start-d0 100 "
			 "--start-d1=0x200 --seed-file /tmp/s") &&
		  cmd.verb == KR_VERB_INSTALL && cmd.id == 7 &&
		  cmd.epoch == 3 && cmd.peer_holds && cmd.have_start_d0 &&
		  cmd.start_d0 == 100 && cmd.have_start_d1 &&
		  cmd.start_d1 == 0x200 && !strcmp(cmd.seed_file, "/tmp/s"));
	UNIT_CASE("install_plain", !parse("install 7 255") && cmd.epoch == 255 &&
		  !cmd.peer_holds && !cmd.have_start_d0 && !cmd.seed_file);
	UNIT_CASE("install_options_first",
		  !parse("install --peer-holds 7 1") && cmd.id == 7 &&
		  cmd.epoch == 1 && cmd.peer_holds);
	UNIT_CASE("install_epoch_above_u8", refused("install 7 256",
						    "out of range"));
	UNIT_CASE("install_missing_epoch", refused("install 7",
						   "missing argument"));
	UNIT_CASE("install_extra_arg", refused("install 7 1 2",
					       "unexpected argument"));
	UNIT_CASE("install_flag_with_value",
		  refused("install 7 1 --peer-holds=1", "takes no value"));
	UNIT_CASE("install_seed_on_argv_refused",
		  refused("install 7 1 --seed 00", "unknown option"));
	UNIT_CASE("keyid_plain", !parse("keyid") && cmd.verb == KR_VERB_KEYID &&
		  !cmd.seed_file);
	UNIT_CASE("keyid_file", !parse("keyid --seed-file -") &&
		  !strcmp(cmd.seed_file, "-"));
	UNIT_CASE("keyid_extra", refused("keyid 00", "unexpected argument"));
}

static void test_flow_verbs(void)
{
	static const unsigned char kid[8] = {
		0xe7, 0x6d, 0xdc, 0x92, 0xf4, 0x3f, 0x6b, 0xfc
	};

	UNIT_CASE("confirm", !parse("confirm 7 e76ddc92f43f6bfc") &&
		  cmd.verb == KR_VERB_CONFIRM && cmd.id == 7 &&
		  !memcmp(cmd.key_id, kid, 8));
	UNIT_CASE("withdraw_upper_hex", !parse("withdraw 9 E76DDC92F43F6BFC") &&
		  cmd.verb == KR_VERB_WITHDRAW && cmd.id == 9 &&
		  !memcmp(cmd.key_id, kid, 8));
	UNIT_CASE("confirm_short_keyid", refused("confirm 7 e76ddc92f43f6bf",
						 "not 16 hex digits"));
	UNIT_CASE("confirm_long_keyid", refused("confirm 7 e76ddc92f43f6bfc0",
						"not 16 hex digits"));
	UNIT_CASE("confirm_bad_hex", refused("confirm 7 z76ddc92f43f6bfc",
					     "not 16 hex digits"));
	UNIT_CASE("confirm_missing_keyid", refused("confirm 7",
						   "missing argument"));
	UNIT_CASE("rekey", !parse("rekey 3") && cmd.verb == KR_VERB_REKEY &&
		  cmd.id == 3);
	UNIT_CASE("down", !parse("down 3") && cmd.verb == KR_VERB_DOWN);
	UNIT_CASE("peer_gone", !parse("peer-gone 3") &&
		  cmd.verb == KR_VERB_PEER_GONE);
	UNIT_CASE("del", !parse("del 3") && cmd.verb == KR_VERB_DEL);
	UNIT_CASE("del_missing_id", refused("del", "missing argument"));
	UNIT_CASE("rekey_extra", refused("rekey 3 4", "unexpected argument"));
	UNIT_CASE("port", !parse("port 51819") && cmd.verb == KR_VERB_PORT &&
		  cmd.port == 51819);
	UNIT_CASE("port_above_u16", refused("port 65536", "out of range"));
	UNIT_CASE("port_missing", refused("port", "missing argument"));
}

static void test_show_events(void)
{
	UNIT_CASE("show_dump", !parse("show") && cmd.verb == KR_VERB_SHOW &&
		  !cmd.have_id && !cmd.json);
	UNIT_CASE("show_id_json", !parse("show 7 --json") && cmd.have_id &&
		  cmd.id == 7 && cmd.json);
	UNIT_CASE("show_two_ids", refused("show 7 8", "unexpected argument"));
	UNIT_CASE("stats_json", !parse("stats --json") &&
		  cmd.verb == KR_VERB_STATS && cmd.json);
	UNIT_CASE("stats_extra", refused("stats 1", "unexpected argument"));
	UNIT_CASE("events_options",
		  !parse("events --count 3 --timeout 2.5 --flow 7 --json "
			 "--ready-file /tmp/r") &&
		  cmd.verb == KR_VERB_EVENTS && cmd.count == 3 &&
		  cmd.timeout == 2.5 && cmd.have_flow_filter &&
		  cmd.flow_filter == 7 && cmd.json &&
		  !strcmp(cmd.ready_file, "/tmp/r"));
	UNIT_CASE("events_bad_timeout", refused("events --timeout soon",
						"not a number of seconds"));
	UNIT_CASE("events_negative_count", refused("events --count -1",
						   "not a number"));
	UNIT_CASE("events_count_missing", refused("events --count",
						  "needs a value"));
	UNIT_CASE("create_hold", !parse("create --hold --id-file /tmp/i") &&
		  cmd.verb == KR_VERB_CREATE && cmd.hold &&
		  !strcmp(cmd.id_file, "/tmp/i"));
	UNIT_CASE("create_plain", !parse("create") &&
		  cmd.verb == KR_VERB_CREATE && !cmd.hold && !cmd.netns &&
		  !cmd.watch_file && !cmd.traffic_pps);
	UNIT_CASE("create_netns_watch_traffic",
		  !parse("create --hold --netns a --watch /tmp/w "
			 "--traffic=200") &&
		  cmd.hold && !strcmp(cmd.netns, "a") &&
		  !strcmp(cmd.watch_file, "/tmp/w") && cmd.traffic_pps == 200);
	UNIT_CASE("create_netns_path", !parse("create --netns /proc/1/ns/net") &&
		  !strcmp(cmd.netns, "/proc/1/ns/net"));
	UNIT_CASE("create_netns_empty", refused("create --netns=",
						"empty namespace name"));
	UNIT_CASE("create_netns_missing", refused("create --netns",
						  "needs a value"));
	UNIT_CASE("create_watch_needs_hold", refused("create --watch /tmp/w",
						     "--watch needs --hold"));
	UNIT_CASE("create_traffic_needs_hold", refused("create --traffic 5",
						       "--traffic needs --hold"));
	UNIT_CASE("create_traffic_zero", refused("create --hold --traffic 0",
						 "0 packets per second"));
	UNIT_CASE("create_traffic_max", !parse("create --hold --traffic 100000") &&
		  cmd.traffic_pps == 100000);
	UNIT_CASE("create_traffic_above_max",
		  refused("create --hold --traffic 100001", "out of range"));
	UNIT_CASE("create_traffic_junk", refused("create --hold --traffic fast",
						 "not a number"));
	UNIT_CASE("netns_not_for_show", refused("show --netns a",
						"unknown option"));
	UNIT_CASE("json_not_for_set", refused("set 7 --json", "unknown option"));
	UNIT_CASE("hold_not_for_show", refused("show --hold", "unknown option"));
	UNIT_CASE("single_dash_option", refused("show -j", "unknown option"));
}

static void test_usage(void)
{
	UNIT_CASE("no_command", refused("", "missing command"));
	UNIT_CASE("unknown_command", refused("frobnicate", "unknown command"));
	UNIT_CASE("help", !parse("--help") && cmd.verb == KR_VERB_HELP);
	UNIT_CASE("help_after_verb", !parse("set --help") &&
		  cmd.verb == KR_VERB_HELP);
}

int main(void)
{
	test_numbers();
	test_addresses();
	test_set();
	test_install();
	test_flow_verbs();
	test_show_events();
	test_usage();
	return unit_done();
}
