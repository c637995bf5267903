/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_REG_H
#define KR_REG_H

/*
 * The registry: one struct kr_reg_flow per flow irmd made (or adopted),
 * with its re-key state (after Ouroboros' reg_flow, docs/irmd.md
 * "Registry"), and the re-key state machine as pure functions: each takes
 * what happened and the time, changes the flow's struct kr_rk, and returns
 * what irmd must do next (enum kr_rk_action).  Nothing here touches a
 * socket, the kernel or a clock, so tests drive every transition.
 *
 * Phases (docs/irmd.md "Re-key state machine"):
 *
 *   IDLE        nothing in flight, no seed pending
 *   REQUESTING  this end's rekey-req is out (the collision rule's
 *               "in flight")
 *   INSTALLED   this end completed an exchange (installed with "peer holds
 *               it"); the kernel switches at once: waiting for its event
 *   ANSWERED    this end answered the peer's exchange: its next epoch is
 *               pending, unconfirmed, until a packet from the peer
 *               authenticates on it
 *   HOLDS       ANSWERED, and the kernel said "unconfirmed": this end's
 *               holds? query is out
 *   CONFIRMING  the peer said it holds the seed: epoch-confirm sent,
 *               waiting for the switch
 *
 * One exchange per flow at a time: a need that arrives in any phase but
 * IDLE, or before the backoff ends, starts nothing.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "oap_retry.h"
#include "oap_session.h"

enum kr_reg_state {
	KR_REG_ALLOCATING,	/* requester: alloc-req out, descriptor ours */
	KR_REG_ALLOCATED,	/* the application holds the descriptor */
};

enum kr_rk_phase {
	KR_RK_IDLE,
	KR_RK_REQUESTING,
	KR_RK_INSTALLED,
	KR_RK_ANSWERED,
	KR_RK_HOLDS,
	KR_RK_CONFIRMING,
};

enum kr_rk_action {
	KR_RK_NOTHING,
	KR_RK_SEND_REKEY,	/* build and send a rekey-req for @pending */
	KR_RK_SEND_HOLDS,	/* ask the peer about @key_id at @pending */
	KR_RK_CONFIRM,		/* epoch-confirm @key_id */
	KR_RK_WITHDRAW,		/* epoch-withdraw @key_id, drop its answer */
	KR_RK_DELETE,		/* flow-del: the first seed's exchange is dead */
	KR_RK_DOWN,		/* flow-state down: the peer has no such flow */
};

/* What the current exchange of this end is (kr_reg_flow.req). */
enum kr_xchg_kind {
	KR_XCHG_NONE,
	KR_XCHG_ALLOC,
	KR_XCHG_REKEY,
	KR_XCHG_HOLDS,
};

/**
 * struct kr_rk - a flow's re-key state
 * @phase: enum kr_rk_phase
 * @by_us: this end started the current re-key (else the peer did); the
 *	flow's role is fixed, this is not
 * @pending: the epoch the current re-key is for (or of the pending seed)
 * @first: the pending seed is the flow's first (allocation)
 * @key_id: the key id of this end's last install (or of the pending seed)
 * @exchange: the exchange id (request nonce) of that install
 * @exchange_known: false when only the kernel's word is known (adopted):
 *	holds? then names a stand-in exchange id
 * @sends: how many times the exchange in flight was sent
 * @failed: exchanges ended without a seed since the last switch
 * @rekeys: epochs switched to since the flow was made
 * @not_before_ms: backoff: no new exchange before this (monotonic)
 * @need: the reasons of the last rekey-needed event (0: none seen)
 * @last_err: -errno of the last failure, 0 after a switch
 * @last_why: what it was
 */
struct kr_rk {
	int phase;
	bool by_us;
	uint8_t pending;
	bool first;
	uint8_t key_id[KEYROT_KEY_ID_LEN];
	uint8_t exchange[KR_OAP_NONCE_LEN];
	bool exchange_known;
	unsigned int sends;
	unsigned int failed;
	unsigned int rekeys;
	uint64_t not_before_ms;
	uint32_t need;
	int last_err;
	char last_why[128];
};

/**
 * struct kr_reg_flow - one flow
 * @next: the registry's list
 * @id: this end's flow id
 * @peer_id: the peer's (0 until known)
 * @peer: the peer's index in the configuration
 * @service: the service ("" for an adopted flow: the kernel does not know)
 * @role: this end's role (enum keyrot_role), fixed for the flow's life
 * @cipher: enum keyrot_cipher
 * @has_epoch: @epoch is known
 * @epoch: the transmit epoch
 * @state: enum kr_reg_state
 * @adopted: taken over from the kernel at start (docs/irmd.md "Restart")
 * @peer_gone: the kernel said the peer is gone (cleared by a switch)
 * @grace_ms: the flow's grace period (the retry schedule's bound)
 * @event_ms: its re-key event period (the backoff's unit)
 * @rk: re-key state
 * @kind: what @req is (enum kr_xchg_kind), NONE if nothing was built
 * @req: this end's last exchange as requester, kept after it ended so a
 *	late answer is refused as "exchange over"
 * @retry: its retry schedule
 * @fd: ALLOCATING: irmd's descriptor of the flow, else -1
 * @client: ALLOCATING: the control client waiting for it, else -1
 * @created_ms: when it entered the registry (monotonic)
 * @mark: scratch for a comparison with the kernel's flows (adopt.c)
 */
struct kr_reg_flow {
	struct kr_reg_flow *next;
	uint32_t id;
	uint32_t peer_id;
	int peer;
	char service[KR_OAP_NAME_MAX + 1];
	uint8_t role;
	uint8_t cipher;
	bool has_epoch;
	uint8_t epoch;
	int state;
	bool adopted;
	bool peer_gone;
	uint32_t grace_ms;
	uint32_t event_ms;
	struct kr_rk rk;
	int kind;
	struct kr_oap_req req;
	struct kr_oap_retry retry;
	int fd;
	int client;
	uint64_t created_ms;
	bool mark;
};

/**
 * struct kr_reg - every flow
 * @head: the list, newest first
 * @n: how many
 */
struct kr_reg {
	struct kr_reg_flow *head;
	size_t n;
};

/**
 * kr_reg_add() - a new flow, IDLE, with no exchange
 * @reg: the registry
 * @id: its flow id (unique: -EEXIST otherwise)
 * @peer: the peer's index
 * @f: receives it
 *
 * Return: 0, -EEXIST or -ENOMEM.
 */
int kr_reg_add(struct kr_reg *reg, uint32_t id, int peer,
	       struct kr_reg_flow **f);

/**
 * kr_reg_del() - forget a flow: its exchange is killed (ephemeral key
 * freed, a late answer refused) and its memory wiped
 * @reg: the registry
 * @f: the flow; its @fd is the caller's to close first
 */
void kr_reg_del(struct kr_reg *reg, struct kr_reg_flow *f);

struct kr_reg_flow *kr_reg_find(const struct kr_reg *reg, uint32_t id);

/**
 * kr_reg_find_req() - the flow whose exchange has this id
 * @reg: the registry
 * @nonce: the exchange id an answer echoes
 *
 * Return: the flow (its exchange may be over), or NULL.
 */
struct kr_reg_flow *kr_reg_find_req(const struct kr_reg *reg,
				    const uint8_t nonce[KR_OAP_NONCE_LEN]);

/**
 * kr_reg_free() - forget every flow (shutdown)
 * @reg: the registry
 */
void kr_reg_free(struct kr_reg *reg);

/* The state machine: see each phase above and docs/irmd.md. */

/**
 * kr_rk_on_need() - the kernel says the flow needs a re-key
 * @f: the flow
 * @reasons: the event's reasons (enum keyrot_rekey_reason), not
 *	"unconfirmed" (kr_rk_on_unconfirmed())
 * @has_tx: @tx is known (the event names the transmit epoch)
 * @tx: the transmit epoch
 * @next_pending: the kernel lists a next epoch (nothing may start)
 * @now_ms: the time
 *
 * The event also tells that a switch happened: a transmit epoch equal to
 * the pending one ends INSTALLED, ANSWERED or CONFIRMING as a switch would
 * (a lost epoch-switched event costs nothing).
 *
 * Return: KR_RK_SEND_REKEY (REQUESTING, by us, @pending = @tx + 1) or
 * KR_RK_NOTHING.
 */
int kr_rk_on_need(struct kr_reg_flow *f, uint32_t reasons, bool has_tx,
		  uint8_t tx, bool next_pending, uint64_t now_ms);

/**
 * kr_rk_on_unconfirmed() - the kernel says a pending seed is unconfirmed
 * @f: the flow
 * @epoch: the pending seed's epoch (flow-get)
 * @key_id: its key id
 *
 * A seed irmd did not record (adopted, or another key id) gets a stand-in
 * exchange id.  A query already out is not repeated.
 *
 * Return: KR_RK_SEND_HOLDS (HOLDS) or KR_RK_NOTHING.
 */
int kr_rk_on_unconfirmed(struct kr_reg_flow *f, uint8_t epoch,
			 const uint8_t key_id[KEYROT_KEY_ID_LEN]);

/**
 * kr_rk_on_answered() - this end answered the peer's exchange: its seed is
 * installed, pending (no "peer holds it")
 * @f: the flow
 * @epoch: the seed's epoch
 * @key_id: its key id
 * @exchange: the exchange id
 * @first: the flow's first seed
 * @yielded: this end's own re-key lost a collision: it is over
 *
 * Return: KR_RK_NOTHING.
 */
int kr_rk_on_answered(struct kr_reg_flow *f, uint8_t epoch,
		      const uint8_t key_id[KEYROT_KEY_ID_LEN],
		      const uint8_t exchange[KR_OAP_NONCE_LEN], bool first,
		      bool yielded);

/**
 * kr_rk_on_completed() - this end completed its exchange: installed with
 * "peer holds it" (INSTALLED)
 * @f: the flow
 * @epoch: the seed's epoch
 * @key_id: its key id
 * @exchange: the exchange id
 *
 * Return: KR_RK_NOTHING.
 */
int kr_rk_on_completed(struct kr_reg_flow *f, uint8_t epoch,
		       const uint8_t key_id[KEYROT_KEY_ID_LEN],
		       const uint8_t exchange[KR_OAP_NONCE_LEN]);

/**
 * kr_rk_on_failed() - this end's re-key ended without a seed
 * @f: the flow (REQUESTING)
 * @err: -errno: -ETIMEDOUT no answer, -EAGAIN busy, -EALREADY collision,
 *	-ENOENT no-flow, -EIO ...
 * @why: what happened, for status and logs
 * @now_ms: the time
 * @rnd: a random number in [0, 1000): the backoff is 0.5 to 1.5 event
 *	periods (docs/oap.md 12)
 *
 * Return: KR_RK_DOWN for -ENOENT (the peer has no such flow), else
 * KR_RK_NOTHING (IDLE, backing off).
 */
int kr_rk_on_failed(struct kr_reg_flow *f, int err, const char *why,
		    uint64_t now_ms, unsigned int rnd);

/**
 * kr_rk_on_holds_answer() - the peer answered this end's holds? query
 * @f: the flow (HOLDS)
 * @status: KR_OAP_ST_OK, _NOT_HELD or _NO_FLOW
 * @now_ms: the time
 * @rnd: as kr_rk_on_failed()
 *
 * Return: KR_RK_CONFIRM (CONFIRMING); KR_RK_WITHDRAW (IDLE, backing off);
 * KR_RK_DELETE for a first seed the peer does not hold (the allocation
 * failed at the other end).
 */
int kr_rk_on_holds_answer(struct kr_reg_flow *f, uint8_t status,
			  uint64_t now_ms, unsigned int rnd);

/**
 * kr_rk_on_holds_timeout() - this end's holds? query got no answer
 * @f: the flow (HOLDS)
 * @why: what went wrong, for the status ("no answer from P after N sends")
 *
 * The seed stays pending (the peer may be transmitting on it): ANSWERED,
 * asked again on the next "unconfirmed" event.  Counted as a failure, as a
 * re-key given up is: the status says the flow cannot re-key for now.
 *
 * Return: KR_RK_NOTHING.
 */
int kr_rk_on_holds_timeout(struct kr_reg_flow *f, const char *why);

/**
 * kr_rk_on_peer_holds_query() - the peer asks whether this end holds a seed
 * it does not hold: if this end's re-key in flight is that exchange, it is
 * dead here too (docs/oap.md 9)
 * @f: the flow
 * @exchange: the exchange id the query names
 * @now_ms: the time
 * @rnd: as kr_rk_on_failed()
 *
 * Return: true if this end's exchange was that one (the caller kills its
 * session); the flow is then IDLE, backing off.
 */
bool kr_rk_on_peer_holds_query(struct kr_reg_flow *f,
			       const uint8_t exchange[KR_OAP_NONCE_LEN],
			       uint64_t now_ms, unsigned int rnd);

/**
 * kr_rk_on_switched() - a new epoch became the transmit epoch
 * @f: the flow
 * @epoch: it
 *
 * Return: KR_RK_NOTHING (IDLE; failures and last error cleared).
 */
int kr_rk_on_switched(struct kr_reg_flow *f, uint8_t epoch);

/**
 * kr_rk_on_withdrawn() - the pending seed is gone (withdrawn, or a confirm
 * found it no longer pending)
 * @f: the flow
 *
 * Return: KR_RK_NOTHING.
 */
int kr_rk_on_withdrawn(struct kr_reg_flow *f);

/**
 * kr_rk_in_flight() - is this end's re-key request out (collision rule)?
 * @f: the flow
 *
 * Return: true in REQUESTING.
 */
bool kr_rk_in_flight(const struct kr_reg_flow *f);

const char *kr_rk_phase_name(int phase);
const char *kr_rk_action_name(int action);

/**
 * kr_reg_flow_status() - one line about @f, "key=value" words
 * @f: the flow
 * @peer: the peer's name
 * @extra: more "key=value" words to put before error=, or NULL
 * @buf: receives the line
 * @len: size of @buf
 *
 * "flow=ID peer=P service=S role=R cipher=C state=allocated epoch=E
 * rekeys=N phase=idle by=- pending=- need=- sends=0 failed=0
 * peer-gone=no [EXTRA] error=-"; error= is the last failure's text, last
 * on the line (it may hold spaces).
 *
 * Return: @buf.
 */
char *kr_reg_flow_status(const struct kr_reg_flow *f, const char *peer,
			 const char *extra, char *buf, size_t len);

#endif /* KR_REG_H */
