/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_IRMD_H
#define KR_IRMD_H

/*
 * irmd: the daemon's state, and the functions each of its files offers the
 * others.  One thread, one epoll loop (main.c); every handler runs to its
 * end, talking to the kernel synchronously.
 *
 *   main.c     arguments, signals (signalfd), the loop, clean shutdown
 *   config.c   the configuration file
 *   nlc.c      the kernel (genetlink): requests and events
 *   peer.c     the UDP socket to peer irmds
 *   xchg.c     OAP datagrams in, this end's requests out and their retries
 *   alloc.c    flow allocation, both ends; held requests
 *   rekey.c    re-keys and holds? queries, both ends; kernel events
 *   install.c  what an exchange installs in the kernel
 *   adopt.c    flows found in the kernel at start, and after lost events
 *   ctl.c      the control socket: alloc, accept, dealloc, status
 *   reg.c      the registry and the re-key state machine (pure)
 *   fail.c     test-only fault injection (--fail-at)
 *   log.c      the log
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "config.h"
#include "ctl.h"
#include "identity.h"
#include "nlc.h"
#include "oap_cache.h"
#include "oap_session.h"
#include "peer.h"
#include "reg.h"

/* The cookie of irmd's flows: "kr" and 6 bytes of the peer's key. */
#define KR_COOKIE_MAGIC		0x6b72ULL
#define KR_COOKIE_SHIFT		48

/**
 * struct kr_held - an allocation request waiting for a local acceptor
 * @next: the list, oldest first
 * @r: the request, opened (authenticated, not answered, not cached)
 * @from: where it came from: the answer goes there, and the flow's peer
 *	address is its host
 * @peer: the sender's index in the configuration
 * @deadline_ms: when it is answered "busy" if nobody accepted (monotonic)
 */
struct kr_held {
	struct kr_held *next;
	struct kr_oap_resp r;
	struct sockaddr_storage from;
	int peer;
	uint64_t deadline_ms;
};

/**
 * struct kr_irmd - the daemon
 * @cfg: the configuration
 * @me: this host's identity
 * @peers: the pinned peers, as OAP wants them (config order)
 * @cache: the replay and answer cache
 * @oap: OAP's context
 * @nlc: the kernel
 * @ps: the peer socket
 * @ctl: the control socket
 * @reg: the registry
 * @held: held allocation requests
 * @data_port: the namespace's keyrot UDP port (advertised in OAP)
 * @start_real_ms: when irmd started (UTC): older requests are refused
 * @lockfd: bound to the abstract name @keyrot-irmd: one irmd per network
 *	namespace (abstract Unix names are per namespace)
 * @epfd: the epoll instance
 * @sigfd: the signalfd
 * @timerfd: retries and held requests
 * @stop: a signal asked to stop
 * @resync: events were lost: compare the registry with the kernel
 */
struct kr_irmd {
	struct kr_config cfg;
	struct kr_ident me;
	struct kr_oap_peer peers[KR_CFG_PEERS_MAX];
	struct kr_oap_cache cache;
	struct kr_oap_ctx oap;
	struct kr_nlc nlc;
	struct kr_peer_sock ps;
	struct kr_ctl ctl;
	struct kr_reg reg;
	struct kr_held *held;
	uint16_t data_port;
	uint64_t start_real_ms;
	int lockfd;
	int epfd;
	int sigfd;
	int timerfd;
	bool stop;
	bool resync;
};

/* The peer's name for logs: its [peer NAME]. */
static inline const char *kr_peer_name(const struct kr_irmd *d, int peer)
{
	return peer >= 0 && (size_t)peer < d->cfg.npeers ?
	       d->cfg.peers[peer].name : "?";
}

/* A random number in [0, 1000), for backoffs. */
unsigned int kr_irmd_rand1000(void);

/* install.c */

/**
 * struct kr_install_ctx - one install callback's context and outcome
 * @d: the daemon
 * @peer: the peer's index (the cookie names it)
 * @peer_addr: first seed: the peer's host (its port is the exchange's)
 * @fail_before: the fail-at step just before seed-install, or NULL
 * @fail_after: the fail-at step just after it, or NULL
 * @done: the install ran and succeeded; @in holds what (no seed)
 * @in: a copy of what was installed, the seed pointer cleared
 * @err: the kernel's -errno on failure
 * @why: and why
 */
struct kr_install_ctx {
	struct kr_irmd *d;
	int peer;
	const struct sockaddr_storage *peer_addr;
	const char *fail_before;
	const char *fail_after;
	bool done;
	struct kr_oap_install in;
	int err;
	char why[KR_NLC_WHY_LEN];
};

/**
 * kr_install_cb() - OAP's install callback (kr_oap_install_fn): for a
 * first seed flow-set (peer, role, cipher, cookie, [flow] settings), then
 * seed-install; the seed lives only in the request, wiped once sent
 * @arg: a struct kr_install_ctx
 * @in: what to install
 *
 * Return: 0, or the kernel's -errno.
 */
int kr_install_cb(void *arg, const struct kr_oap_install *in);

uint64_t kr_irmd_cookie(const struct kr_irmd *d, int peer);

/**
 * kr_irmd_cookie_peer() - whose flow a cookie says it is
 * @d: the daemon
 * @cookie: a flow's cookie
 *
 * Return: the peer's index; -1 an irmd cookie naming no configured peer;
 * -2 not an irmd cookie.
 */
int kr_irmd_cookie_peer(const struct kr_irmd *d, uint64_t cookie);

/* xchg.c */

void kr_xchg_on_readable(struct kr_irmd *d);

enum kr_ans {
	KR_ANS_TAKEN,	/* authenticated, the exchange is over (DONE) */
	KR_ANS_REFUSED,	/* refused and logged: nothing changed */
	KR_ANS_FAILED,	/* authenticated "ok", but the install failed */
};

/**
 * kr_xchg_complete() - hand an answer to @f's exchange
 * @d: the daemon
 * @f: the flow whose exchange id the answer echoes
 * @buf: the datagram
 * @len: its length
 * @from: its source, for the log
 * @x: the install context (the completing end installs with "peer holds")
 * @why: receives the reason of a failure
 *
 * Return: enum kr_ans; TAKEN: @f->req.status says how it went.
 */
int kr_xchg_complete(struct kr_irmd *d, struct kr_reg_flow *f,
		     const uint8_t *buf, size_t len,
		     const struct sockaddr_storage *from,
		     struct kr_install_ctx *x, const char **why);

/**
 * kr_xchg_start() - send @f's freshly built request and start its retries
 * @d: the daemon
 * @f: the flow; @f->req built, @f->kind set
 *
 * Return: 0 (a failed send is retried by the schedule).
 */
int kr_xchg_start(struct kr_irmd *d, struct kr_reg_flow *f);
void kr_xchg_timer(struct kr_irmd *d, uint64_t now_ms);
uint64_t kr_xchg_next_ms(const struct kr_irmd *d);
int kr_xchg_answer(struct kr_irmd *d, const struct kr_oap_resp *r,
		   const struct sockaddr_storage *to);

/* alloc.c */

int kr_alloc_request(struct kr_irmd *d, int client, const char *peer,
		     const char *service);
int kr_alloc_accept(struct kr_irmd *d, int client, const char *service);
void kr_alloc_on_request(struct kr_irmd *d, struct kr_oap_resp *r,
			 const struct sockaddr_storage *from);
void kr_alloc_on_answer(struct kr_irmd *d, struct kr_reg_flow *f,
			const uint8_t *buf, size_t len,
			const struct sockaddr_storage *from);
void kr_alloc_on_timeout(struct kr_irmd *d, struct kr_reg_flow *f);
bool kr_alloc_is_held(const struct kr_irmd *d, const struct kr_oap_resp *r);
void kr_alloc_timer(struct kr_irmd *d, uint64_t now_ms);
uint64_t kr_alloc_next_ms(const struct kr_irmd *d);
void kr_alloc_client_gone(struct kr_irmd *d, int client);
void kr_alloc_shutdown(struct kr_irmd *d);

/* rekey.c */

void kr_rekey_on_event(void *arg, const struct kr_nlc_event *ev);
void kr_rekey_on_request(struct kr_irmd *d, struct kr_oap_resp *r,
			 const struct sockaddr_storage *from);
void kr_rekey_on_holds_request(struct kr_irmd *d, struct kr_oap_resp *r,
			       const struct sockaddr_storage *from);
void kr_rekey_on_answer(struct kr_irmd *d, struct kr_reg_flow *f,
			const uint8_t *buf, size_t len,
			const struct sockaddr_storage *from);
void kr_rekey_on_timeout(struct kr_irmd *d, struct kr_reg_flow *f);

/**
 * kr_rekey_forget() - a flow is gone from the kernel: drop it
 * @d: the daemon
 * @f: the flow
 * @why: for the log
 */
void kr_rekey_forget(struct kr_irmd *d, struct kr_reg_flow *f,
		     const char *why);

/* adopt.c */

int kr_adopt_at_start(struct kr_irmd *d);
void kr_adopt_resync(struct kr_irmd *d);

/* fail.c */

/**
 * kr_fail_parse() - --fail-at=STEP[:N]
 * @arg: the value
 *
 * Return: 0, or -EINVAL (unknown step).
 */
int kr_fail_parse(const char *arg);

/**
 * kr_fail_point() - irmd reached @step: exit here if told to
 * @step: one of kr_fail_steps
 *
 * Exits with status 99 (no cleanup: as if killed) the Nth time @step is
 * reached, when --fail-at named it.
 */
void kr_fail_point(const char *step);

extern const char *const kr_fail_steps[];

#endif /* KR_IRMD_H */
