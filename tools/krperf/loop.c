// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * One poll() loop that sends and receives at once.  Pacing is the
 * application's own: at most --window DATA packets unacknowledged, so the
 * sender never overruns the receiver's queue and any loss is keyrot's; or
 * --rate packets per second for one-way flows.  The receiver acknowledges
 * cumulatively every window/4 in-order packets and whenever its queue runs
 * dry.  EPOLLPRI is level-triggered: once seen it is left out of the poll
 * set until KEYROT_IOC_INFO shows RB_REKEY clear, so each rise counts once
 * and the loop never spins on it.
 */
#include "loop.h"
#include "opts.h"
#include "payload.h"
#include "track.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "keyrot_dev.h"

#ifndef fallthrough
#define fallthrough __attribute__((__fallthrough__))
#endif

enum {
	RX_BUF = KRP_LEN_MAX + 1,	/* any payload keyrot can carry */
	MAX_MESSAGES = 10,		/* problems told on stderr, at most */
};

static const double TICK = 0.1;		/* state checks, re-acks */
static const double RETRY = 0.01;	/* after EKEYEXPIRED, not ready */
static const double SPURIOUS = 0.005;	/* EAGAIN although POLLOUT said */
static const double REACK = 0.25;	/* repeat a stalled ACK */
static const double BURST = 0.05;	/* --rate catches up this much */

volatile sig_atomic_t krp_stop;

struct end {
	const struct krp_opts *o;
	struct krp_result *r;
	krp_info_fn info;
	int fd;
	struct krp_track track;
	FILE *sent_log, *recv_log;
	unsigned char *tx, *rx;
	int messages;

	double now, start, ready_at, deadline, next_tick;
	double progress_at;		/* last packet sent, acked or received */
	size_t max;			/* largest DATA payload, once ready */
	bool ready;			/* writable seen, sizes fixed */
	bool window_mode;		/* pace by ACKs */
	uint32_t ack_every;

	/* sending */
	uint64_t next_seq;
	double next_send_at, retry_at;
	bool want_out, out_reported, tx_dead, wrote_once, rekey_done;

	/* receiving and acknowledging */
	bool rx_eof, ack_pending;
	uint64_t ack_sent_val, since_ack;
	double last_ack_at;

	bool pri_armed, rdhup_armed;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void say(struct end *e, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A problem: counted as an error if @error, told on stderr a few times. */
static void say(struct end *e, bool error, const char *fmt, ...)
{
	char line[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (error)
		e->r->errors++;
	if (!e->r->first_error[0])
		snprintf(e->r->first_error, sizeof(e->r->first_error), "%s",
			 line);
	if (e->messages++ < MAX_MESSAGES)
		fprintf(stderr, "krperf: flow %u: %s\n", e->r->flow_id, line);
}

static void log_payload(FILE *f, const unsigned char *p, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	if (!f)
		return;
	for (i = 0; i < len; i++) {
		putc(digits[p[i] >> 4], f);
		putc(digits[p[i] & 15], f);
	}
	putc('\n', f);
}

static bool send_done(const struct end *e)
{
	if (e->window_mode)
		return e->r->acked == e->o->send;
	return e->next_seq == e->o->send;
}

static bool recv_done(const struct end *e)
{
	return krp_track_done(&e->track);
}

/*
 * The flow is writable (the first POLLOUT: it has a transmit epoch, so the
 * script has configured it): fix the payload sizes against its max payload.
 * RB_WR cannot tell: it is the descriptor's access mode.
 */
static int become_ready(struct end *e)
{
	struct keyrot_info info;

	if (e->info(e->fd, &info)) {
		say(e, true, "KEYROT_IOC_INFO: %s", strerror(errno));
		return -EIO;
	}
	e->r->max_payload = info.max_payload;
	e->max = e->o->max ? e->o->max : info.max_payload;
	if (e->max > info.max_payload || e->max < e->o->min) {
		say(e, true, "payload sizes %zu..%zu do not fit the flow's max payload %u",
		    e->o->min, e->max, info.max_payload);
		return -EINVAL;
	}
	e->ready = true;
	e->ready_at = e->now;
	e->progress_at = e->now;
	e->next_send_at = e->now;
	return 0;
}

/* Decide what a failed write() means; false: stop writing for now. */
static void write_failed(struct end *e, int err, const char *what)
{
	switch (err) {
	case EAGAIN:
		e->r->eagain++;
		if (e->out_reported)
			e->retry_at = e->now + SPURIOUS;
		else
			e->want_out = true;
		break;
	case EKEYEXPIRED:
		/* Keys exhausted until a re-key; nothing to poll for. */
		e->r->ekeyexpired++;
		e->retry_at = e->now + RETRY;
		break;
	case EPIPE:
		e->r->flow_down = true;
		e->tx_dead = true;
		break;
	case ENOTCONN:
	case EDESTADDRREQ:
	case ENOKEY:
		if (!e->wrote_once) {
			e->r->not_ready++;
			e->retry_at = e->now + RETRY;
			break;
		}
		fallthrough;
	default:
		say(e, true, "write %s: %s", what, strerror(err));
		e->tx_dead = true;
		break;
	}
}

static int write_payload(struct end *e, const unsigned char *p, size_t len)
{
	ssize_t n;

	do {
		n = write(e->fd, p, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t)n != len) {
		say(e, true, "write of %zu bytes wrote %zd", len, n);
		return -EIO;
	}
	e->wrote_once = true;
	log_payload(e->sent_log, p, len);
	return 0;
}

static bool can_write(const struct end *e)
{
	return e->ready && !e->tx_dead && !e->want_out &&
	       e->now >= e->retry_at;
}

static void send_ack(struct end *e)
{
	unsigned char ack[KRP_ACK_LEN];
	uint64_t cum = e->track.next;
	int ret;

	if (e->o->no_ack || !e->ack_pending || !can_write(e))
		return;
	krp_ack_build(ack, cum);
	ret = write_payload(e, ack, sizeof(ack));
	if (ret) {
		if (ret != -EIO)
			write_failed(e, -ret, "ACK");
		return;
	}
	e->r->acks_sent++;
	e->ack_pending = false;
	e->ack_sent_val = cum;
	e->since_ack = 0;
	e->last_ack_at = e->now;
}

static bool may_send_data(const struct end *e)
{
	const struct krp_opts *o = e->o;

	if (e->next_seq >= o->send || !can_write(e))
		return false;
	if (e->window_mode && e->next_seq - e->r->acked >= o->window)
		return false;
	if (o->rate > 0 && e->now < e->next_send_at)
		return false;
	return true;
}

static void send_data(struct end *e)
{
	const struct krp_opts *o = e->o;
	size_t len;
	int ret;

	while (may_send_data(e)) {
		if (o->have_rekey_at && e->next_seq == o->rekey_at &&
		    !e->rekey_done) {
			e->rekey_done = true;
			if (ioctl(e->fd, KEYROT_IOC_REKEY))
				say(e, true, "KEYROT_IOC_REKEY: %s",
				    strerror(errno));
		}
		len = krp_data_build(e->tx, o->seed, e->next_seq, o->min,
				     e->max);
		ret = write_payload(e, e->tx, len);
		if (ret) {
			if (ret != -EIO)
				write_failed(e, -ret, "DATA");
			else
				e->tx_dead = true;
			return;
		}
		e->next_seq++;
		e->r->sent++;
		e->progress_at = e->now;
		e->r->bytes_sent += len;
		if (o->rate > 0) {
			e->next_send_at += 1.0 / o->rate;
			if (e->next_send_at < e->now - BURST)
				e->next_send_at = e->now - BURST;
		}
	}
}

static void got_data(struct end *e, const unsigned char *p, size_t len)
{
	enum krp_verdict v;
	size_t off = 0;
	uint64_t seq = 0;

	v = krp_data_check(p, len, e->o->peer_seed, e->track.next, &seq,
			   &off);
	if (v != KRP_OK) {
		e->r->corrupt++;
		if (v == KRP_BAD_BYTES)
			say(e, false, "DATA seq %" PRIu64 " (%zu bytes): %s at offset %zu",
			    seq, len, krp_verdict_name(v), off);
		else
			say(e, false, "DATA payload of %zu bytes: %s", len,
			    krp_verdict_name(v));
		return;
	}
	e->r->received++;
	e->r->bytes_received += len;
	switch (krp_track_data(&e->track, seq)) {
	case KRP_RX_IN_ORDER:
		e->progress_at = e->now;
		if (++e->since_ack >= e->ack_every)
			e->ack_pending = true;
		break;
	case KRP_RX_OUT_OF_ORDER:
		e->progress_at = e->now;
		say(e, false, "DATA seq %" PRIu64 " arrived while %" PRIu64 " was expected",
		    seq, e->track.next);
		break;
	case KRP_RX_DUPLICATE:
		say(e, false, "DATA seq %" PRIu64 " arrived again", seq);
		break;
	case KRP_RX_EXTRA:
		say(e, false, "DATA seq %" PRIu64 " is beyond --recv %" PRIu64,
		    seq, e->o->recv);
		break;
	}
}

static void got_ack(struct end *e, const unsigned char *p, size_t len)
{
	uint64_t cum;

	if (krp_ack_parse(p, len, &cum)) {
		e->r->corrupt++;
		say(e, false, "ACK payload of %zu bytes is malformed", len);
		return;
	}
	e->r->acks_received++;
	if (cum > e->next_seq)
		say(e, true, "ACK of %" PRIu64 " packets, only %" PRIu64 " sent",
		    cum, e->next_seq);
	else if (cum > e->r->acked) {
		e->r->acked = cum;
		e->progress_at = e->now;
	}
}

/* Read until the queue is empty; then acknowledge what came. */
static void receive(struct end *e)
{
	ssize_t n;

	for (;;) {
		n = read(e->fd, e->rx, RX_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno != EAGAIN) {
				say(e, true, "read: %s", strerror(errno));
				e->rx_eof = true;
			}
			break;
		}
		if (n == 0) {		/* the flow is down and drained */
			e->rx_eof = true;
			e->r->flow_down = true;
			break;
		}
		log_payload(e->recv_log, e->rx, n);
		if (e->rx[0] == KRP_TYPE_ACK)
			got_ack(e, e->rx, n);
		else
			got_data(e, e->rx, n);
	}
	if (!e->o->no_ack && e->o->recv && e->track.next != e->ack_sent_val)
		e->ack_pending = true;
}

static void tick(struct end *e)
{
	struct keyrot_info info;

	if (e->now < e->next_tick)
		return;
	e->next_tick = e->now + TICK;
	if (!e->pri_armed && !e->info(e->fd, &info) &&
	    !(info.flags & RB_REKEY))
		e->pri_armed = true;
	if (!e->o->no_ack && e->o->recv && !recv_done(e) && e->track.next &&
	    e->now - e->last_ack_at >= REACK)
		e->ack_pending = true;
}

static int poll_timeout(const struct end *e, double until)
{
	double t = e->next_tick;

	if (until < t)
		t = until;
	if (e->ready && e->retry_at > e->now && e->retry_at < t)
		t = e->retry_at;
	if (e->ready && e->o->rate > 0 && e->next_seq < e->o->send &&
	    !e->want_out && e->next_send_at < t)
		t = e->next_send_at;
	t -= e->now;
	return t <= 0 ? 0 : (int)(t * 1000) + 1;
}

static void handle_events(struct end *e, short revents)
{
	if (revents & POLLPRI) {
		e->r->rekey_signals++;
		e->pri_armed = false;
	}
	if (revents & POLLRDHUP) {
		e->r->peer_gone = true;
		e->rdhup_armed = false;
	}
	if (revents & POLLHUP)
		e->r->flow_down = true;
	e->out_reported = revents & POLLOUT;
	if (e->out_reported)
		e->want_out = false;
	if (!e->rx_eof && (revents & (POLLIN | POLLHUP | POLLERR)))
		receive(e);
}

/* --done-file: this end is done; the file tells the script so. */
static void tell_done(struct end *e)
{
	int fd;

	if (!e->o->done_file)
		return;
	fd = open(e->o->done_file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		  0644);
	if (fd < 0)
		say(e, true, "%s: %s", e->o->done_file, strerror(errno));
	else
		close(fd);
}

static int loop(struct end *e)
{
	const struct krp_opts *o = e->o;
	struct pollfd pfd = { .fd = e->fd };
	double linger_until = 0;
	bool sending, receiving;
	int ret;

	for (;;) {
		e->now = now_s();
		if (!e->ready && !e->want_out) {
			if (become_ready(e))
				return -EINVAL;
		}
		tick(e);
		send_ack(e);
		send_data(e);

		if (send_done(e) && recv_done(e)) {
			if (!linger_until) {
				e->r->elapsed = e->now - (e->ready ?
							  e->ready_at : e->start);
				linger_until = e->now + o->linger;
				tell_done(e);
			}
			if (e->now >= linger_until || e->r->flow_down ||
			    krp_stop)
				return 0;
		} else {
			sending = !send_done(e) && !e->tx_dead &&
				  !(e->window_mode && e->rx_eof);
			receiving = !recv_done(e) && !e->rx_eof;
			if (!sending && !receiving)
				break;
			if (o->stall > 0 && e->ready &&
			    e->now - e->progress_at >= o->stall) {
				e->r->stalled = true;
				say(e, false,
				    "stalled for %.1f s: sent %" PRIu64 " of %"
				    PRIu64 " (%" PRIu64 " acknowledged), received %"
				    PRIu64 " of %" PRIu64, o->stall,
				    e->next_seq, o->send, e->r->acked,
				    e->track.distinct, o->recv);
				break;
			}
			if (krp_stop) {
				e->r->stopped = true;
				say(e, false,
				    "stopped by a signal: sent %" PRIu64 " of %"
				    PRIu64 " (%" PRIu64 " acknowledged), received %"
				    PRIu64 " of %" PRIu64,
				    e->next_seq, o->send, e->r->acked,
				    e->track.distinct, o->recv);
				break;
			}
			if (e->now >= e->deadline) {
				e->r->timed_out = true;
				say(e, false,
				    "timed out: sent %" PRIu64 " of %" PRIu64
				    " (%" PRIu64 " acknowledged%s), received %"
				    PRIu64 " of %" PRIu64,
				    e->next_seq, o->send, e->r->acked,
				    e->ready ? "" : ", never writable",
				    e->track.distinct, o->recv);
				break;
			}
		}

		pfd.events = 0;
		if (!e->rx_eof)
			pfd.events |= POLLIN;
		if (e->want_out)
			pfd.events |= POLLOUT;
		if (e->pri_armed)
			pfd.events |= POLLPRI;
		if (e->rdhup_armed)
			pfd.events |= POLLRDHUP;
		ret = poll(&pfd, 1, poll_timeout(e, linger_until ?
						 linger_until : e->deadline));
		if (ret < 0 && errno != EINTR) {
			say(e, true, "poll: %s", strerror(errno));
			break;
		}
		e->now = now_s();
		handle_events(e, ret > 0 ? pfd.revents : 0);
	}
	e->r->elapsed = e->now - (e->ready ? e->ready_at : e->start);
	return 0;
}

static FILE *open_log(const char *path)
{
	FILE *f;

	if (!path)
		return NULL;
	f = fopen(path, "we");
	if (f)
		setvbuf(f, NULL, _IOFBF, 1 << 20);
	return f;
}

static bool all_good(const struct end *e)
{
	const struct krp_result *r = e->r;

	return !r->timed_out && !r->stalled && !r->stopped && !r->errors &&
	       !r->corrupt &&
	       (!r->out_of_order || e->o->allow_reorder) &&
	       !r->duplicates && !r->extra &&
	       !r->missing && send_done(e) && r->sent == e->o->send;
}

int krp_run(const struct krp_opts *o, int fd, krp_info_fn info,
	    struct krp_result *r)
{
	struct keyrot_info ki;
	struct end e = {
		.o = o, .r = r, .info = info, .fd = fd,
		.pri_armed = true, .rdhup_armed = true,
		.want_out = true,	/* not ready until POLLOUT says so */
	};
	int ret;

	memset(r, 0, sizeof(*r));
	if (info(fd, &ki)) {
		ret = -errno;
		fprintf(stderr, "krperf: KEYROT_IOC_INFO: %s\n", strerror(errno));
		return ret;
	}
	r->flow_id = ki.flow_id;
	r->max_payload = ki.max_payload;
	e.window_mode = !(o->rate > 0) || o->window_set;
	e.ack_every = o->window / 4 ? o->window / 4 : 1;
	e.start = now_s();
	e.deadline = e.start + o->timeout;
	ret = krp_track_init(&e.track, o->recv);
	if (ret)
		return ret;
	e.tx = malloc(RX_BUF);
	e.rx = malloc(RX_BUF);
	if (!e.tx || !e.rx) {
		ret = -ENOMEM;
		goto out_free;
	}
	e.sent_log = open_log(o->sent_log);
	e.recv_log = open_log(o->recv_log);
	if ((o->sent_log && !e.sent_log) || (o->recv_log && !e.recv_log)) {
		ret = -errno;
		fprintf(stderr, "krperf: %s: %s\n",
			o->sent_log && !e.sent_log ? o->sent_log : o->recv_log,
			strerror(errno));
		goto out_close_logs;
	}

	ret = loop(&e);
	r->in_order = e.track.in_order;
	r->out_of_order = e.track.out_of_order;
	r->duplicates = e.track.duplicates;
	r->extra = e.track.extra;
	r->missing = krp_track_missing(&e.track);
	if (!ret)
		ret = all_good(&e) ? 0 : 1;
	else
		ret = 1;

out_close_logs:
	if (e.sent_log && fclose(e.sent_log) && !ret)
		ret = -EIO;
	if (e.recv_log && fclose(e.recv_log) && !ret)
		ret = -EIO;
out_free:
	free(e.tx);
	free(e.rx);
	krp_track_free(&e.track);
	return ret;
}
