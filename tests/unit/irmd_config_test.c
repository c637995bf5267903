// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * irmd's configuration file (userspace/irmd/config.c): a file using every
 * key gives every value; a minimal one gives the defaults; and each kind
 * of error is refused with "FILE:LINE: what", naming the right line.
 */
#include "config.h"
#include "identity.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEY_B "2222222222222222222222222222222222222222222222222222222222222222"
#define KEY_C_HEX "3333333333333333333333333333333333333333333333333333333333333333"
#define MIN "[irmd]\nidentity = /k.pem\n"	/* lines 1, 2 */

static struct kr_config c;
static char err[KR_CFG_ERR_LEN];

static int parse(const char *text)
{
	err[0] = '\0';
	return kr_config_parse(&c, "t.conf", text, strlen(text), err,
			       sizeof(err));
}

/* @text is refused, the message names @line and says @phrase. */
static bool refused(const char *text, int line, const char *phrase)
{
	char where[32];

	snprintf(where, sizeof(where), "t.conf:%d: ", line);
	if (parse(text) != -EINVAL) {
		printf("  accepted: %s", text);
		return false;
	}
	if (strncmp(err, where, strlen(where)) || !strstr(err, phrase)) {
		printf("  message: %s (want %s...%s)\n", err, where, phrase);
		return false;
	}
	return true;
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

static bool good_file(void)
{
	char b64c[KR_IDENT_B64_LEN + 1], text[4096];
	uint8_t pubc[32];
	const struct kr_cfg_flow *f = &c.flow;
	const struct sockaddr_in6 *l6 = (const struct sockaddr_in6 *)&c.listen;
	int n;

	memset(pubc, 0x33, sizeof(pubc));
	kr_ident_pub_b64(b64c, pubc);
	n = snprintf(text, sizeof(text),
		"# a comment\n"
		"; another\n"
		"\n"
		"[irmd]\n"
		"  name = host-a\n"
		"identity=/etc/keyrot/a.pem\n"
		"listen = [::]:6000\n"
		"control = /run/x.sock\n"
		"control-mode = 0660\n"
		"control-group = 0\n"
		"data-port = 40000\n"
		"freshness-window = 20000\n"
		"replay-cache = 64\n"
		"accept-timeout = 500\n"
		"allow-start = yes\n"
		"log = debug\n"
		"[peer b]\n"
		"key = " KEY_B "\n"
		"address = 10.0.0.2\n"
		"[peer c]\n"
		"address = [fd00::3]:7000\n"
		"key = %s\n"
		"[service echo]\n"
		"[service sink]\n"
		"\tallow = c , b\t\n"
		"[flow]\n"
		"cipher = chacha20-poly1305\n"
		"max-payload = 1000\nrx-queue = 2048\ntx-queue = 512\n"
		"window = 16384\nwatermark = 100\nrekey-interval = 1500\n"
		"jitter = 0\ngrace = 2000\nretire = 500\nconfirm = 50\n"
		"event = 200\nkeepalive = 1000\npeer-timeout = 3000\n"
		"trial = 100\nfirst-epoch = 250\nstart-d0 = 8589934591\n"
		"start-d1 = 5\nrekey-start-d0 = 1\nrekey-start-d1 = 2\n", b64c);
	if (n >= (int)sizeof(text) || parse(text)) {
		printf("  %s\n", err);
		return false;
	}
	return !strcmp(c.name, "host-a") &&
	       !strcmp(c.identity, "/etc/keyrot/a.pem") &&
	       c.listen.ss_family == AF_INET6 && port_of(&c.listen) == 6000 &&
	       IN6_IS_ADDR_UNSPECIFIED(&l6->sin6_addr) &&
	       !strcmp(c.control, "/run/x.sock") && c.control_mode == 0660 &&
	       c.has_control_gid && c.control_gid == 0 &&
	       c.data_port == 40000 && c.window_ms == 20000 &&
	       c.cache == 64 && c.accept_ms == 500 && c.allow_start &&
	       c.log_level == 3 && c.npeers == 2 &&
	       !strcmp(c.peers[0].name, "b") && c.peers[0].pub[0] == 0x22 &&
	       c.peers[0].addr.ss_family == AF_INET &&
	       port_of(&c.peers[0].addr) == 51818 &&
	       !strcmp(c.peers[1].name, "c") &&
	       !memcmp(c.peers[1].pub, pubc, 32) &&
	       c.peers[1].addr.ss_family == AF_INET6 &&
	       port_of(&c.peers[1].addr) == 7000 &&
	       c.nservices == 2 && c.services[0].allow_all &&
	       !c.services[1].allow_all && c.services[1].allow == 3 &&
	       kr_config_allows(&c.services[1], 1) &&
	       kr_config_peer_index(&c, "c") == 1 &&
	       kr_config_service(&c, "sink") == &c.services[1] &&
	       !kr_config_service(&c, "nosuch") &&
	       f->cipher == KEYROT_CIPHER_CHACHA20_POLY1305 &&
	       f->set.val[KEYROT_A_FLOW_MAX_PAYLOAD] == 1000 &&
	       f->set.val[KEYROT_A_FLOW_RX_QUEUE_LEN] == 2048 &&
	       f->set.val[KEYROT_A_FLOW_TX_QUEUE_LEN] == 512 &&
	       f->set.val[KEYROT_A_FLOW_REPLAY_WINDOW] == 16384 &&
	       f->set.val[KEYROT_A_FLOW_WATERMARK] == 100 &&
	       f->set.val[KEYROT_A_FLOW_REKEY_INTERVAL_MS] == 1500 &&
	       (f->set.has & (1ULL << KEYROT_A_FLOW_REKEY_JITTER_PCT)) &&
	       f->set.val[KEYROT_A_FLOW_REKEY_JITTER_PCT] == 0 &&
	       f->set.val[KEYROT_A_FLOW_TRIAL_MS] == 100 &&
	       f->grace_ms == 2000 && f->event_ms == 200 &&
	       f->has_first_epoch && f->first_epoch == 250 &&
	       f->has_start && f->start[0] == KEYROT_SEQ_LIMIT - 1 &&
	       f->start[1] == 5 && f->has_rekey_start &&
	       f->rekey_start[0] == 1 && f->rekey_start[1] == 2 &&
	       !(f->set.has & (1ULL << KEYROT_A_FLOW_COOKIE));
}

static bool defaults(void)
{
	if (parse(MIN))
		return false;
	return c.listen.ss_family == AF_INET &&
	       port_of(&c.listen) == KR_OAP_DEFAULT_PORT &&
	       !strcmp(c.control, KR_CFG_DEFAULT_CONTROL) &&
	       c.control_mode == 0600 && !c.has_control_gid &&
	       !c.data_port && !c.window_ms && !c.cache &&
	       c.accept_ms == KR_CFG_DEFAULT_ACCEPT_MS && !c.allow_start &&
	       !c.npeers && !c.nservices && !c.flow.set.has &&
	       c.flow.cipher == KEYROT_CIPHER_AES_256_GCM &&
	       c.flow.grace_ms == 5000 && c.flow.event_ms == 1000 &&
	       !c.flow.has_first_epoch && !c.flow.has_start;
}

static bool addresses(void)
{
	struct sockaddr_storage ss;
	socklen_t len;

	return !kr_config_addr_parse("10.1.2.3:9", 1, &ss, &len) &&
	       port_of(&ss) == 9 && len == sizeof(struct sockaddr_in) &&
	       !kr_config_addr_parse("fd00::1", 7, &ss, &len) &&
	       port_of(&ss) == 7 && ss.ss_family == AF_INET6 &&
	       !kr_config_addr_parse("[::1]", 7, &ss, &len) &&
	       kr_config_addr_parse("host.example:80", 1, &ss, &len) &&
	       kr_config_addr_parse("10.1.2.3:0", 1, &ss, &len) &&
	       kr_config_addr_parse("10.1.2.3:65536", 1, &ss, &len) &&
	       kr_config_addr_parse("[::1]x", 1, &ss, &len) &&
	       kr_config_addr_parse("[::1", 1, &ss, &len) &&
	       kr_config_addr_parse("10.1.2.3:", 1, &ss, &len) &&
	       kr_config_addr_parse("", 1, &ss, &len);
}

static bool long_line(void)
{
	static char text[2200];
	size_t n = strlen(MIN "name = ");

	memcpy(text, MIN "name = ", n);
	memset(text + n, 'a', 1100);
	strcpy(text + n + 1100, "\n");
	return refused(text, 3, "line longer than 1024 bytes");
}

int main(void)
{
	UNIT_CASE("good_file_every_key", good_file());
	UNIT_CASE("minimal_file_defaults", defaults());
	UNIT_CASE("addresses", addresses());

	/* Structure */
	UNIT_CASE("err_no_irmd_section",
		  refused("[flow]\ngrace = 100\n", 2, "no [irmd] section"));
	UNIT_CASE("err_missing_identity",
		  refused("\n[irmd]\nname = x\n", 2, "identity is missing"));
	UNIT_CASE("err_key_outside_section",
		  refused("identity = /k\n", 1, "outside any section"));
	UNIT_CASE("err_unknown_section",
		  refused(MIN "[peers b]\n", 3, "unknown section [peers b]"));
	UNIT_CASE("err_unclosed_section",
		  refused(MIN "[flow\n", 3, "'[' without ']'"));
	UNIT_CASE("err_second_irmd",
		  refused(MIN "[flow]\n[irmd]\n", 4,
			  "a second [irmd] section (first at line 1)"));
	UNIT_CASE("err_irmd_with_name",
		  refused("[irmd x]\n", 1, "[irmd] takes no name"));
	UNIT_CASE("err_unknown_key",
		  refused(MIN "\n[flow]\njiter = 0\n", 5,
			  "unknown key 'jiter' in [flow]"));
	UNIT_CASE("err_key_twice",
		  refused(MIN "identity = /j.pem\n", 3, "identity given twice"));
	UNIT_CASE("err_no_equals",
		  refused(MIN "[flow]\ngrace 100\n", 4,
			  "expected 'key = value'"));
	UNIT_CASE("err_empty_value",
		  refused(MIN "[flow]\ngrace =\n", 4, "grace: empty value"));
	UNIT_CASE("err_empty_key",
		  refused(MIN "= 5\n", 3, "a value without a key"));
	UNIT_CASE("err_bad_key_chars",
		  refused(MIN "Grace = 5\n", 3, "'Grace' is not a key"));
	UNIT_CASE("err_control_char",
		  refused(MIN "name = a\rb\n", 3, "control character 0x0d"));
	UNIT_CASE("err_long_line", long_line());

	/* [irmd] values */
	UNIT_CASE("err_identity_relative",
		  refused("[irmd]\nidentity = k.pem\n", 2,
			  "identity: an absolute path is needed"));
	UNIT_CASE("err_listen_host_name",
		  refused(MIN "listen = irmd.example:51818\n", 3,
			  "listen: 'irmd.example:51818' is not an address"));
	UNIT_CASE("err_control_relative",
		  refused(MIN "control = irmd.sock\n", 3, "control: an absolute path"));
	UNIT_CASE("err_control_mode_not_octal",
		  refused(MIN "control-mode = 660\n", 3, "not an octal mode"));
	UNIT_CASE("err_control_mode_others",
		  refused(MIN "control-mode = 0666\n", 3, "lets anyone ask for flows"));
	UNIT_CASE("err_control_mode_owner_no_write",
		  refused(MIN "control-mode = 0460\n", 3,
			  "the owner needs write permission"));
	UNIT_CASE("err_control_group_unknown",
		  refused(MIN "control-group = no-such-group-here\n", 3,
			  "control-group: no group 'no-such-group-here'"));
	UNIT_CASE("err_data_port_range",
		  refused(MIN "data-port = 65536\n", 3,
			  "data-port: 65536 is out of range (1 to 65535)"));
	UNIT_CASE("err_not_a_number",
		  refused(MIN "data-port = 0x10\n", 3,
			  "data-port: '0x10' is not a decimal number"));
	UNIT_CASE("err_leading_zero",
		  refused(MIN "data-port = 080\n", 3, "not a decimal number"));
	UNIT_CASE("err_bad_bool",
		  refused(MIN "allow-start = true\n", 3,
			  "allow-start: 'true' is neither yes nor no"));
	UNIT_CASE("err_bad_log",
		  refused(MIN "log = verbose\n", 3, "neither info nor debug"));
	UNIT_CASE("err_bad_name",
		  refused(MIN "name = a b\n", 3, "name: 'a b' is not a name"));
	UNIT_CASE("err_accept_timeout_vs_grace",
		  refused(MIN "accept-timeout = 1500\n[flow]\ngrace = 2000\n", 3,
			  "accept-timeout 1500 ms must be below 3/4 of the grace period (2000 ms)"));
	UNIT_CASE("err_grace_vs_default_accept",
		  refused(MIN "[flow]\ngrace = 1000\n", 4,
			  "accept-timeout 1000 ms must be below 3/4"));

	/* [peer] */
	UNIT_CASE("err_peer_no_key",
		  refused(MIN "[peer b]\naddress = 10.0.0.2\n[flow]\n", 3,
			  "[peer b]: key is missing"));
	UNIT_CASE("err_peer_no_address_at_eof",
		  refused(MIN "[peer b]\nkey = " KEY_B "\n", 3,
			  "[peer b]: address is missing"));
	UNIT_CASE("err_peer_bad_key",
		  refused(MIN "[peer b]\nkey = 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo\n",
			  4, "key: not a public key"));
	UNIT_CASE("err_peer_noncanonical_base64",
		  refused(MIN "[peer b]\nkey = 11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURp=\n",
			  4, "key: not a public key"));
	UNIT_CASE("err_peer_same_key",
		  refused(MIN "[peer b]\nkey = " KEY_B "\naddress = 10.0.0.2\n"
			  "[peer c]\nkey = " KEY_B "\n", 7,
			  "key: the same key as [peer b] (line 3)"));
	UNIT_CASE("err_peer_key_prefix",
		  refused(MIN "[peer b]\nkey = " KEY_B "\naddress = 10.0.0.2\n"
			  "[peer c]\nkey = 222222222222ff22222222222222222222222222222222222222222222222222\n"
			  "address = 10.0.0.3\n", 7,
			  "first 6 bytes are those of [peer b]'s"));
	UNIT_CASE("err_peer_bad_address",
		  refused(MIN "[peer b]\nkey = " KEY_B "\naddress = 10.0.0.256\n", 5,
			  "address: '10.0.0.256' is not an address"));
	UNIT_CASE("err_peer_twice",
		  refused(MIN "[peer b]\nkey = " KEY_B "\naddress = 10.0.0.2\n"
			  "[peer b]\n", 6, "a second [peer b]"));
	UNIT_CASE("err_peer_bad_name",
		  refused(MIN "[peer b/c]\n", 3, "[peer NAME]: NAME is"));
	UNIT_CASE("err_peer_without_name",
		  refused(MIN "[peer]\n", 3, "[peer NAME]: NAME is"));

	/* [service] */
	UNIT_CASE("err_service_twice",
		  refused(MIN "[service echo]\n[service echo]\n", 4,
			  "a second [service echo]"));
	UNIT_CASE("err_service_name_too_long",
		  refused(MIN "[service "
			  "sssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssssss]\n",
			  3, "[service NAME]: NAME is 1 to 64"));
	UNIT_CASE("err_allow_unknown_peer",
		  refused(MIN "[service echo]\nallow = b\n", 4,
			  "allow: no [peer b] in this file"));
	UNIT_CASE("err_allow_empty_name",
		  refused(MIN "[peer b]\nkey = " KEY_B "\naddress = 10.0.0.2\n"
			  "[service echo]\nallow = b,,b\n", 7,
			  "allow: an empty name in the list"));

	/* [flow] */
	UNIT_CASE("err_jitter_range",
		  refused(MIN "[flow]\njitter = 51\n", 4,
			  "jitter: 51 is out of range (0 to 50)"));
	UNIT_CASE("err_window_power_of_two",
		  refused(MIN "[flow]\nwindow = 12288\n", 4,
			  "window: 12288 is not a power of two"));
	UNIT_CASE("err_window_range",
		  refused(MIN "[flow]\nwindow = 4096\n", 4, "window: 4096 is out of range"));
	UNIT_CASE("err_grace_zero",
		  refused(MIN "[flow]\ngrace = 0\n", 4, "grace: 0 is out of range"));
	UNIT_CASE("err_u32_overflow",
		  refused(MIN "[flow]\nevent = 4294967296\n", 4,
			  "event: 4294967296 is out of range"));
	UNIT_CASE("err_u64_overflow",
		  refused(MIN "[flow]\nevent = 99999999999999999999999\n", 4,
			  "is out of range"));
	UNIT_CASE("err_cipher",
		  refused(MIN "[flow]\ncipher = aes-128-gcm\n", 4,
			  "cipher: 'aes-128-gcm' is neither"));
	UNIT_CASE("err_first_epoch_range",
		  refused(MIN "[flow]\nfirst-epoch = 256\n", 4,
			  "first-epoch: 256 is out of range (0 to 255)"));
	UNIT_CASE("err_start_beyond_tree",
		  refused(MIN "[flow]\nstart-d1 = 8589934592\n", 4,
			  "start-d1: 8589934592 is out of range (0 to 8589934591)"));
	UNIT_CASE("err_flow_key_in_irmd",
		  refused(MIN "grace = 100\n", 3, "unknown key 'grace' in [irmd]"));
	return unit_done();
}
