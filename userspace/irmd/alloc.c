// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * Flow allocation, both ends (docs/oap.md 8.1, docs/irmd.md "Flow
 * allocation").
 *
 * Requester (an application called flow_alloc()): irmd opens /dev/keyrot
 * (flow I), sends alloc-req and retries; on "ok" it configures I (peer,
 * role initiator) and installs the first seed with "peer holds it", hands
 * the descriptor to the application and closes its own copy.
 *
 * Answering end: a request for a configured service, from a peer allowed
 * to use it, is served at once if an application waits in flow_accept(),
 * else held up to accept-timeout (its retransmissions are ignored
 * meanwhile) and then answered "busy".  Served: irmd opens /dev/keyrot
 * (flow R), configures it (peer = the request's source host, role
 * responder), installs the seed (no "peer holds it"), answers, then hands
 * the descriptor to the acceptor and closes its copy.
 */
#include "irmd.h"
#include "clock.h"
#include "log.h"
#include "oap_msg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "keyrot_dev.h"

#define KR_DEV_PATH "/dev/keyrot"

/* A new flow in irmd's namespace: its descriptor and id. */
static int open_flow(uint32_t *id, char *why, size_t len)
{
	struct keyrot_info info;
	int fd, ret;

	fd = open(KR_DEV_PATH, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(why, len, "cannot open %s: %s%s", KR_DEV_PATH,
			 strerror(errno),
			 errno == ENOENT ? " (is keyrot.ko loaded?)" : "");
		return ret;
	}
	if (ioctl(fd, KEYROT_IOC_INFO, &info)) {
		ret = -errno;
		snprintf(why, len, "KEYROT_IOC_INFO: %s", strerror(errno));
		close(fd);
		return ret;
	}
	*id = info.flow_id;
	return fd;
}

/* The errno an application sees for a non-ok allocation answer. */
static int status_errno(uint8_t status)
{
	switch (status) {
	case KR_OAP_ST_NO_SERVICE:	return -ESRCH;
	case KR_OAP_ST_REFUSED:		return -EPERM;
	case KR_OAP_ST_BUSY:		return -EAGAIN;
	default:			return -EIO;
	}
}

/* The requester's allocation is over without a flow: tell and forget. */
static void alloc_failed(struct kr_irmd *d, struct kr_reg_flow *f, int err,
			 const char *text)
{
	if (f->client >= 0)
		kr_ctl_fail(&d->ctl, f->client, err, text);
	if (f->fd >= 0)
		close(f->fd);	/* the last close tears the flow down */
	f->fd = -1;
	kr_reg_del(&d->reg, f);
}

int kr_alloc_request(struct kr_irmd *d, int client, const char *peer,
		     const char *service)
{
	struct kr_oap_alloc_params p = {
		.service = service,
		.cipher = d->cfg.flow.cipher,
		.port = d->data_port,
		.has_start = d->cfg.flow.has_start,
		.start = { d->cfg.flow.start[0], d->cfg.flow.start[1] },
	};
	char why[KR_NLC_WHY_LEN], text[KR_NLC_WHY_LEN + 64];
	struct kr_reg_flow *f;
	const char *owhy = "";
	uint32_t id;
	int pi, fd, ret;

	pi = kr_config_peer_index(&d->cfg, peer);
	if (pi < 0) {
		snprintf(text, sizeof(text),
			 "no [peer %s] in irmd's configuration", peer);
		kr_ctl_fail(&d->ctl, client, -ENXIO, text);
		return -ENXIO;
	}
	fd = open_flow(&id, why, sizeof(why));
	if (fd < 0) {
		kr_err("allocation to %s at %s: %s", service, peer, why);
		kr_ctl_fail(&d->ctl, client, fd, why);
		return fd;
	}
	ret = kr_reg_add(&d->reg, id, pi, &f);
	if (ret) {
		close(fd);
		kr_ctl_fail(&d->ctl, client, ret, "registry: out of memory");
		return ret;
	}
	f->state = KR_REG_ALLOCATING;
	f->fd = fd;
	f->client = client;
	f->role = KEYROT_ROLE_INITIATOR;
	f->cipher = d->cfg.flow.cipher;
	f->grace_ms = d->cfg.flow.grace_ms;
	f->event_ms = d->cfg.flow.event_ms;
	f->created_ms = kr_mono_ms();
	snprintf(f->service, sizeof(f->service), "%s", service);
	if (d->cfg.flow.has_first_epoch)
		p.epoch = d->cfg.flow.first_epoch;
	else if (RAND_bytes(&p.epoch, 1) != 1)
		p.epoch = 0;
	p.flow_id = id;
	ret = kr_oap_req_alloc(&f->req, &d->oap, d->cfg.peers[pi].pub, &p,
			       kr_real_ms(), &owhy);
	if (ret) {
		snprintf(text, sizeof(text), "cannot build the request: %s",
			 owhy);
		kr_err("flow %u: allocation to %s at %s: %s", id, service,
		       peer, text);
		alloc_failed(d, f, ret == -ENOMEM ? ret : -EIO, text);
		return ret;
	}
	f->kind = KR_XCHG_ALLOC;
	d->ctl.c[client].wait = KR_CTL_WAIT_ALLOC;
	kr_info("flow %u: allocation to %s at %s: alloc-req sent (first epoch %u, exchange %02x%02x%02x%02x)",
		id, service, peer, p.epoch, f->req.msg.h.nonce[0],
		f->req.msg.h.nonce[1], f->req.msg.h.nonce[2],
		f->req.msg.h.nonce[3]);
	kr_xchg_start(d, f);
	kr_fail_point("alloc-req-sent");
	return 0;
}

/* Hand @fd over to @client ("ok ID PEER SERVICE"); false if it is gone. */
static bool hand_over(struct kr_irmd *d, int client, uint32_t id, int peer,
		      const char *service, int fd)
{
	struct kr_ctl_rep r = { .kind = KR_CTL_REP_OK, .value = id };

	if (client < 0 || d->ctl.c[client].fd < 0)
		return false;
	snprintf(r.text, sizeof(r.text), "%s %s", kr_peer_name(d, peer),
		 service);
	return !kr_ctl_reply(&d->ctl, client, &r, fd);
}

void kr_alloc_on_answer(struct kr_irmd *d, struct kr_reg_flow *f,
			const uint8_t *buf, size_t len,
			const struct sockaddr_storage *from)
{
	struct kr_install_ctx x = {
		.d = d,
		.peer = f->peer,
		.peer_addr = &d->cfg.peers[f->peer].addr,
		.fail_before = "alloc-req-answered",
		.fail_after = "alloc-req-installed",
	};
	const char *peer = kr_peer_name(d, f->peer), *why;
	char text[KR_NLC_WHY_LEN + 64];
	uint8_t status;

	switch (kr_xchg_complete(d, f, buf, len, from, &x, &why)) {
	case KR_ANS_REFUSED:
		return;
	case KR_ANS_FAILED:
		snprintf(text, sizeof(text), "%s: %s", why,
			 x.why[0] ? x.why : "the exchange failed");
		kr_warn("flow %u: allocation to %s at %s failed: %s", f->id,
			f->service, peer, text);
		alloc_failed(d, f, x.err ? x.err : -EIO, text);
		return;
	}
	status = f->req.status;
	if (status != KR_OAP_ST_OK) {
		snprintf(text, sizeof(text), "%s answered %s", peer,
			 kr_oap_status_name(status));
		kr_warn("flow %u: allocation to %s at %s refused: %s", f->id,
			f->service, peer, kr_oap_status_name(status));
		alloc_failed(d, f, status_errno(status), text);
		return;
	}
	f->state = KR_REG_ALLOCATED;
	f->peer_id = f->req.peer_flow_id;
	f->has_epoch = true;
	f->epoch = x.in.epoch;
	kr_rk_on_completed(f, x.in.epoch, x.in.key_id, x.in.exchange);
	kr_info("flow %u: allocated: service %s at %s (role initiator, peer flow %u, epoch %u)",
		f->id, f->service, peer, f->peer_id, x.in.epoch);
	if (!hand_over(d, f->client, f->id, f->peer, f->service, f->fd)) {
		kr_warn("flow %u: the application that asked for it went away: flow closed",
			f->id);
		close(f->fd);
		f->fd = -1;
		kr_reg_del(&d->reg, f);
		return;
	}
	close(f->fd);	/* the application's descriptor is the flow now */
	f->fd = -1;
	f->client = -1;
}

void kr_alloc_on_timeout(struct kr_irmd *d, struct kr_reg_flow *f)
{
	char text[160];

	snprintf(text, sizeof(text), "no answer from %s after %u sends",
		 kr_peer_name(d, f->peer), f->rk.sends);
	kr_warn("flow %u: allocation to %s at %s given up: %s", f->id,
		f->service, kr_peer_name(d, f->peer), text);
	alloc_failed(d, f, -ETIMEDOUT, text);
}

/* Answer @r with @status and send it. */
static void refuse(struct kr_irmd *d, struct kr_oap_resp *r, uint8_t status,
		   const struct sockaddr_storage *from)
{
	if (!kr_oap_resp_refuse(r, status))
		kr_xchg_answer(d, r, from);
}

/* Serve an opened allocation request with acceptor @client. */
static void serve(struct kr_irmd *d, struct kr_oap_resp *r,
		  const struct sockaddr_storage *from, int pi, int client)
{
	const char *svc = r->msg.alloc_req.name, *peer = kr_peer_name(d, pi);
	struct kr_install_ctx x = {
		.d = d,
		.peer = pi,
		.peer_addr = from,
		.fail_after = "alloc-resp-installed",
	};
	char why[KR_NLC_WHY_LEN];
	struct kr_reg_flow *f;
	const char *owhy = "";
	uint32_t id;
	int fd, ret;

	fd = open_flow(&id, why, sizeof(why));
	if (fd < 0) {
		kr_err("alloc-req from %s for %s: %s: answered error", peer,
		       svc, why);
		refuse(d, r, KR_OAP_ST_ERROR, from);
		return;
	}
	ret = kr_oap_resp_alloc(r, id, d->data_port, kr_install_cb, &x, &owhy);
	if (ret) {
		kr_err("alloc-req from %s for %s: no answer could be made: %s",
		       peer, svc, owhy);
		close(fd);
		return;
	}
	kr_xchg_answer(d, r, from);
	if (r->status != KR_OAP_ST_OK) {
		kr_warn("alloc-req from %s for %s: answered %s: %s%s%s", peer,
			svc, kr_oap_status_name(r->status), owhy,
			x.why[0] ? ": " : "", x.why);
		close(fd);
		return;
	}
	kr_fail_point("alloc-resp-answered");
	ret = kr_reg_add(&d->reg, id, pi, &f);
	if (ret) {
		kr_err("flow %u: registry: %s: flow closed", id,
		       strerror(-ret));
		close(fd);
		return;
	}
	f->state = KR_REG_ALLOCATED;
	f->role = KEYROT_ROLE_RESPONDER;
	f->cipher = x.in.cipher;
	f->peer_id = x.in.peer_flow_id;
	f->grace_ms = d->cfg.flow.grace_ms;
	f->event_ms = d->cfg.flow.event_ms;
	f->created_ms = kr_mono_ms();
	snprintf(f->service, sizeof(f->service), "%s", svc);
	kr_rk_on_answered(f, x.in.epoch, x.in.key_id, x.in.exchange, true,
			  false);
	kr_info("flow %u: accepted: service %s from %s (role responder, peer flow %u, epoch %u pending until the peer's first packet)",
		id, svc, peer, f->peer_id, x.in.epoch);
	if (!hand_over(d, client, id, pi, svc, fd)) {
		kr_warn("flow %u: the application accepting %s went away: flow closed",
			id, svc);
		kr_reg_del(&d->reg, f);
	}
	close(fd);
}

void kr_alloc_on_request(struct kr_irmd *d, struct kr_oap_resp *r,
			 const struct sockaddr_storage *from)
{
	const char *svc = r->msg.alloc_req.name;
	const struct kr_cfg_service *s;
	int pi = (int)(r->peer - d->peers), client;
	const char *peer = kr_peer_name(d, pi);
	struct kr_held *h, **pp;

	s = kr_config_service(&d->cfg, svc);
	if (!s) {
		kr_warn("alloc-req from %s for %s: no such service here: answered no-service",
			peer, svc);
		refuse(d, r, KR_OAP_ST_NO_SERVICE, from);
		return;
	}
	if (!kr_config_allows(s, pi)) {
		kr_warn("alloc-req from %s for %s: %s may not use it: answered refused",
			peer, svc, peer);
		refuse(d, r, KR_OAP_ST_REFUSED, from);
		return;
	}
	client = kr_ctl_acceptor(&d->ctl, svc);
	if (client >= 0) {
		serve(d, r, from, pi, client);
		return;
	}
	if (!d->cfg.accept_ms) {
		kr_warn("alloc-req from %s for %s: nobody accepts it: answered busy",
			peer, svc);
		refuse(d, r, KR_OAP_ST_BUSY, from);
		return;
	}
	h = calloc(1, sizeof(*h));
	if (!h) {
		refuse(d, r, KR_OAP_ST_BUSY, from);
		return;
	}
	h->r = *r;
	h->from = *from;
	h->peer = pi;
	h->deadline_ms = kr_mono_ms() + d->cfg.accept_ms;
	for (pp = &d->held; *pp; pp = &(*pp)->next)
		;
	*pp = h;
	kr_info("alloc-req from %s for %s: held up to %u ms for an acceptor",
		peer, svc, d->cfg.accept_ms);
}

bool kr_alloc_is_held(const struct kr_irmd *d, const struct kr_oap_resp *r)
{
	const struct kr_held *h;

	for (h = d->held; h; h = h->next)
		if (!memcmp(h->r.msg.h.nonce, r->msg.h.nonce,
			    KR_OAP_NONCE_LEN))
			return true;
	return false;
}

static void free_held(struct kr_held *h)
{
	OPENSSL_cleanse(h, sizeof(*h));
	free(h);
}

int kr_alloc_accept(struct kr_irmd *d, int client, const char *service)
{
	struct kr_ctl_client *c = &d->ctl.c[client];
	struct kr_held *h, **pp;
	char text[160];

	if (!kr_config_service(&d->cfg, service)) {
		snprintf(text, sizeof(text),
			 "no [service %s] in irmd's configuration", service);
		kr_ctl_fail(&d->ctl, client, -ESRCH, text);
		return -ESRCH;
	}
	c->wait = KR_CTL_WAIT_ACCEPT;
	snprintf(c->service, sizeof(c->service), "%s", service);
	c->since_ms = kr_mono_ms();
	for (pp = &d->held; *pp; pp = &(*pp)->next) {
		h = *pp;
		if (strcmp(h->r.msg.alloc_req.name, service))
			continue;
		*pp = h->next;
		serve(d, &h->r, &h->from, h->peer, client);
		free_held(h);
		break;
	}
	return 0;
}

void kr_alloc_timer(struct kr_irmd *d, uint64_t now_ms)
{
	struct kr_held *h, **pp = &d->held;

	while ((h = *pp)) {
		if (h->deadline_ms > now_ms) {
			pp = &h->next;
			continue;
		}
		*pp = h->next;
		kr_warn("alloc-req from %s for %s: nobody accepted within %u ms: answered busy",
			kr_peer_name(d, h->peer), h->r.msg.alloc_req.name,
			d->cfg.accept_ms);
		refuse(d, &h->r, KR_OAP_ST_BUSY, &h->from);
		free_held(h);
	}
}

uint64_t kr_alloc_next_ms(const struct kr_irmd *d)
{
	const struct kr_held *h;
	uint64_t next = UINT64_MAX;

	for (h = d->held; h; h = h->next)
		if (h->deadline_ms < next)
			next = h->deadline_ms;
	return next;
}

void kr_alloc_client_gone(struct kr_irmd *d, int client)
{
	struct kr_reg_flow *f;

	for (f = d->reg.head; f; f = f->next) {
		if (f->state != KR_REG_ALLOCATING || f->client != client)
			continue;
		kr_info("flow %u: the application that asked for it went away; the allocation goes on and the flow is closed at its end",
			f->id);
		f->client = -1;
	}
}

void kr_alloc_shutdown(struct kr_irmd *d)
{
	struct kr_reg_flow *f, *next;
	struct kr_held *h;

	while ((h = d->held)) {
		d->held = h->next;
		refuse(d, &h->r, KR_OAP_ST_BUSY, &h->from);
		free_held(h);
	}
	for (f = d->reg.head; f; f = next) {
		next = f->next;
		if (f->state == KR_REG_ALLOCATING)
			alloc_failed(d, f, -ESHUTDOWN, "irmd is stopping");
	}
}
