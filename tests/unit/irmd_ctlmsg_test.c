// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * irmd's control protocol (userspace/lib/kr_ctlmsg.h): every request and
 * reply survives encode then decode; the decoder refuses everything else
 * (wrong words, counts, spacing, characters, names, numbers, lengths); the
 * encoder refuses to write what the decoder would refuse.
 */
#include "kr_ctlmsg.h"
#include "unit.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* Decode @s as a request: 0 or the error. */
static int req(const char *s, struct kr_ctl_req *q)
{
	const char *why;

	return kr_ctl_req_decode(q, s, strlen(s), &why);
}

/* Decode @len bytes of @s as a request. */
static int req_n(const char *s, size_t len, struct kr_ctl_req *q)
{
	const char *why;

	return kr_ctl_req_decode(q, s, len, &why);
}

static int rep(const char *s, struct kr_ctl_rep *r)
{
	const char *why;

	return kr_ctl_rep_decode(r, s, strlen(s), &why);
}

/* Encode @q, decode it again: the same request? */
static bool req_round_trip(const struct kr_ctl_req *q)
{
	char buf[KR_CTL_MSG_MAX];
	struct kr_ctl_req back;
	const char *why;
	int n;

	n = kr_ctl_req_encode(q, buf, sizeof(buf));
	if (n < 0 || kr_ctl_req_decode(&back, buf, (size_t)n, &why))
		return false;
	return back.op == q->op && !strcmp(back.peer, q->peer) &&
	       !strcmp(back.service, q->service);
}

static bool rep_round_trip(const struct kr_ctl_rep *r)
{
	char buf[KR_CTL_MSG_MAX];
	struct kr_ctl_rep back;
	const char *why;
	int n;

	n = kr_ctl_rep_encode(r, buf, sizeof(buf));
	if (n < 0 || kr_ctl_rep_decode(&back, buf, (size_t)n, &why))
		return false;
	return back.kind == r->kind && back.value == r->value &&
	       back.err == r->err && !strcmp(back.text, r->text);
}

int main(void)
{
	struct kr_ctl_req q = { .op = KR_CTL_ALLOC, .peer = "host-b.1",
				.service = "echo" };
	struct kr_ctl_rep r = { .kind = KR_CTL_REP_OK, .value = 4294967295U,
				.text = "b echo" };
	char buf[KR_CTL_MSG_MAX + 8], name[80];
	int ret;

	/* Requests */
	UNIT_CASE("req_alloc_round_trip", req_round_trip(&q));
	q.op = KR_CTL_ACCEPT;
	q.peer[0] = '\0';
	strcpy(q.service, "!~svc/x:y");
	UNIT_CASE("req_accept_round_trip", req_round_trip(&q));
	q.op = KR_CTL_DEALLOC;
	q.service[0] = '\0';
	UNIT_CASE("req_dealloc_round_trip", req_round_trip(&q));
	q.op = KR_CTL_STATUS;
	UNIT_CASE("req_status_round_trip", req_round_trip(&q));

	ret = req("alloc b echo", &q);
	UNIT_CASE("req_alloc_fields", !ret && q.op == KR_CTL_ALLOC &&
		  !strcmp(q.peer, "b") && !strcmp(q.service, "echo"));
	UNIT_CASE("req_refuses_empty", req("", &q) == -EBADMSG);
	UNIT_CASE("req_refuses_unknown_verb", req("connect b echo", &q) == -EBADMSG);
	UNIT_CASE("req_refuses_verb_case", req("ALLOC b echo", &q) == -EBADMSG);
	UNIT_CASE("req_refuses_missing_service", req("alloc b", &q) == -EBADMSG);
	UNIT_CASE("req_refuses_extra_word", req("alloc b echo x", &q) == -EBADMSG &&
		  req("status now", &q) == -EBADMSG &&
		  req("accept a b", &q) == -EBADMSG);
	UNIT_CASE("req_refuses_double_space", req("alloc b  echo", &q) == -EBADMSG);
	UNIT_CASE("req_refuses_edge_spaces", req(" status", &q) == -EBADMSG &&
		  req("status ", &q) == -EBADMSG);
	UNIT_CASE("req_refuses_newline", req("status\n", &q) == -EBADMSG);
	UNIT_CASE("req_refuses_tab", req("alloc\tb echo", &q) == -EBADMSG);
	UNIT_CASE("req_refuses_high_bytes", req("accept \xc3\xa9", &q) == -EBADMSG);
	UNIT_CASE("req_refuses_nul", req_n("status\0x", 8, &q) == -EBADMSG);
	UNIT_CASE("req_refuses_bad_peer_name", req("alloc b/c echo", &q) == -EBADMSG &&
		  req("alloc b:c echo", &q) == -EBADMSG);
	memset(name, 'p', 64);
	name[64] = '\0';
	snprintf(buf, sizeof(buf), "alloc %s echo", name);
	UNIT_CASE("req_refuses_long_peer_name", req(buf, &q) == -EBADMSG);
	name[63] = '\0';
	snprintf(buf, sizeof(buf), "alloc %s echo", name);
	UNIT_CASE("req_takes_63_byte_peer_name", req(buf, &q) == 0);
	memset(name, 's', 65);
	name[65] = '\0';
	snprintf(buf, sizeof(buf), "accept %s", name);
	UNIT_CASE("req_refuses_65_byte_service", req(buf, &q) == -EBADMSG);
	name[64] = '\0';
	snprintf(buf, sizeof(buf), "accept %s", name);
	UNIT_CASE("req_takes_64_byte_service", req(buf, &q) == 0 &&
		  strlen(q.service) == 64);
	memset(buf, 'a', sizeof(buf));
	UNIT_CASE("req_refuses_oversize",
		  req_n(buf, KR_CTL_MSG_MAX + 1, &q) == -EBADMSG);
	UNIT_CASE("req_refused_leaves_zero", req("alloc b", &q) && q.op == 0 &&
		  !q.peer[0]);

	q.op = KR_CTL_ALLOC;
	strcpy(q.peer, "b c");
	strcpy(q.service, "echo");
	UNIT_CASE("req_encode_refuses_bad_peer",
		  kr_ctl_req_encode(&q, buf, sizeof(buf)) == -EINVAL);
	strcpy(q.peer, "b");
	strcpy(q.service, "e cho");
	UNIT_CASE("req_encode_refuses_bad_service",
		  kr_ctl_req_encode(&q, buf, sizeof(buf)) == -EINVAL);
	q.op = 99;
	UNIT_CASE("req_encode_refuses_bad_op",
		  kr_ctl_req_encode(&q, buf, sizeof(buf)) == -EINVAL);
	q.op = KR_CTL_STATUS;
	UNIT_CASE("req_encode_refuses_small_buffer",
		  kr_ctl_req_encode(&q, buf, 3) == -EMSGSIZE);

	/* Replies */
	UNIT_CASE("rep_ok_round_trip", rep_round_trip(&r));
	r.text[0] = '\0';
	r.value = 0;
	UNIT_CASE("rep_ok_without_text_round_trip", rep_round_trip(&r));
	r.kind = KR_CTL_REP_ERR;
	r.err = ETIMEDOUT;
	strcpy(r.text, "no answer from b after 4 sends");
	UNIT_CASE("rep_err_round_trip", rep_round_trip(&r));
	r.kind = KR_CTL_REP_LINE;
	r.err = 0;
	strcpy(r.text, "flow=1 peer=b error=holds?: no answer  x");
	UNIT_CASE("rep_encode_refuses_double_space",
		  kr_ctl_rep_encode(&r, buf, sizeof(buf)) == -EINVAL);
	strcpy(r.text, "flow=1 peer=b error=holds?: no answer");
	UNIT_CASE("rep_line_round_trip", rep_round_trip(&r));
	strcpy(r.text, "a\nb");
	ret = kr_ctl_rep_encode(&r, buf, sizeof(buf));
	UNIT_CASE("rep_encode_masks_control_chars",
		  ret == 8 && !memcmp(buf, "line a?b", 8));

	ret = rep("ok 17 b echo", &r);
	UNIT_CASE("rep_ok_fields", !ret && r.kind == KR_CTL_REP_OK &&
		  r.value == 17 && !strcmp(r.text, "b echo"));
	ret = rep("err 110 no answer", &r);
	UNIT_CASE("rep_err_fields", !ret && r.kind == KR_CTL_REP_ERR &&
		  r.err == 110 && !strcmp(r.text, "no answer"));
	UNIT_CASE("rep_refuses_ok_without_value", rep("ok", &r) == -EBADMSG);
	UNIT_CASE("rep_refuses_leading_zero", rep("ok 01", &r) == -EBADMSG);
	UNIT_CASE("rep_refuses_value_above_u32", rep("ok 4294967296", &r) == -EBADMSG);
	UNIT_CASE("rep_refuses_sign", rep("ok -1", &r) == -EBADMSG &&
		  rep("ok +1", &r) == -EBADMSG);
	UNIT_CASE("rep_refuses_errno_0", rep("err 0 nothing", &r) == -EBADMSG);
	UNIT_CASE("rep_refuses_errno_4096", rep("err 4096 big", &r) == -EBADMSG);
	UNIT_CASE("rep_refuses_err_without_text", rep("err 5", &r) == -EBADMSG);
	UNIT_CASE("rep_refuses_line_without_text", rep("line", &r) == -EBADMSG);
	UNIT_CASE("rep_refuses_unknown_kind", rep("okay 1", &r) == -EBADMSG);
	r.kind = KR_CTL_REP_ERR;
	r.err = 0;
	strcpy(r.text, "x");
	UNIT_CASE("rep_encode_refuses_errno_0",
		  kr_ctl_rep_encode(&r, buf, sizeof(buf)) == -EINVAL);
	return unit_done();
}
