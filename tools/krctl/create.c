// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "create.h"
#include "args.h"
#include "fdstate.h"
#include "kr_idfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "keyrot_dev.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static volatile sig_atomic_t stop;	/* set by the signal handler */

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Whether end of file on standard input can mean "let go". */
static bool stdin_can_close(void)
{
	struct stat st;

	if (fstat(STDIN_FILENO, &st))
		return false;
	return S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) ||
	       isatty(STDIN_FILENO);
}

/* What holding watches and moves, besides standard input. */
struct holder {
	const struct kr_cmd *cmd;
	int fd;
	uint32_t id;
	bool active;		/* the flow descriptor is polled */
	struct timespec next;	/* the next --traffic packet */
	unsigned long sent, received;
};

static double ts_ms(const struct timespec *t)
{
	return t->tv_sec * 1e3 + t->tv_nsec / 1e6;
}

static void ts_add_ns(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	while (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
}

/* Write @text to @path through a temporary renamed over it. */
static int write_atomic(const char *path, const char *text)
{
	char tmp[PATH_MAX];
	size_t len = strlen(text);
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	if (fwrite(text, 1, len, f) != len || fclose(f)) {
		unlink(tmp);
		return -EIO;
	}
	if (rename(tmp, path)) {
		int ret = -errno;

		unlink(tmp);
		return ret;
	}
	return 0;
}

/* The flow is down: probe what the descriptor shows, and report it. */
static void report_down(struct holder *h)
{
	struct pollfd pfd = {
		.fd = h->fd,
		.events = POLLIN | POLLOUT | POLLPRI | POLLRDHUP,
	};
	struct kr_fdstate st = {
		.flow_id = h->id, .sent = h->sent, .received = h->received,
	};
	struct keyrot_info info;
	char buf[1536], line[512];
	ssize_t n;
	int ret;

	h->active = false;
	if (poll(&pfd, 1, 0) == 1)
		st.revents = pfd.revents;
	if (ioctl(h->fd, KEYROT_IOC_INFO, &info))
		st.info_err = errno;
	else
		st.flags = info.flags;
	for (;;) {
		n = read(h->fd, buf, sizeof(buf));
		if (n > 0) {
			st.drained++;
			continue;
		}
		st.read_err = n < 0 ? errno : 0;
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	if (write(h->fd, "x", 1) < 0)
		st.write_err = errno;
	if (ioctl(h->fd, KEYROT_IOC_REKEY))
		st.rekey_err = errno;
	if (kr_fdstate_format(&st, line, sizeof(line)) < 0)
		return;
	if (h->cmd->watch_file) {
		ret = write_atomic(h->cmd->watch_file, line);
		if (ret)
			fprintf(stderr, "krctl: create: %s: %s\n",
				h->cmd->watch_file, strerror(-ret));
	} else {
		fputs(line, stdout);
		fflush(stdout);
	}
}

/* Read what is queued.  Returns true when the flow is down. */
static bool drain(struct holder *h)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		n = read(h->fd, buf, sizeof(buf));
		if (n > 0) {
			h->received++;
			continue;
		}
		if (n == 0)
			return true;	/* down, queue empty */
		return errno == EPIPE;	/* EAGAIN: nothing more */
	}
}

/* One --traffic packet when it is due.  Returns true when the flow is down. */
static bool tick(struct holder *h)
{
	struct timespec now;
	char pkt[64];
	int len;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (ts_ms(&now) < ts_ms(&h->next))
		return false;
	ts_add_ns(&h->next, 1000000000L / h->cmd->traffic_pps);
	if (ts_ms(&h->next) < ts_ms(&now))	/* fell behind: no burst */
		h->next = now;
	len = snprintf(pkt, sizeof(pkt), "krctl traffic flow %u packet %lu",
		       h->id, h->sent);
	if (write(h->fd, pkt, len) == len) {
		h->sent++;
		return false;
	}
	/* Not configured, no epoch yet, queue full: try the next time. */
	return errno == EPIPE;
}

/* Milliseconds until the next --traffic packet, for ppoll. */
static void until_tick(const struct holder *h, struct timespec *wait)
{
	struct timespec now;
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = ts_ms(&h->next) - ts_ms(&now);
	if (ms < 0)
		ms = 0;
	wait->tv_sec = (time_t)(ms / 1000);
	wait->tv_nsec = (long)((ms - wait->tv_sec * 1000.0) * 1e6);
}

/* Signals are blocked but while ppoll() waits: none is missed. */
static int hold(struct holder *h)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal };
	struct pollfd pfd[2] = {
		{ .fd = STDIN_FILENO, .events = POLLIN },
		{ .fd = h->fd, .events = POLLIN | POLLPRI | POLLRDHUP },
	};
	bool watch_stdin = stdin_can_close();
	struct timespec wait;
	sigset_t block, orig;
	char buf[256];
	size_t i;
	ssize_t n;
	int ret = 0;

	h->active = h->cmd->watch_file || h->cmd->traffic_pps;
	clock_gettime(CLOCK_MONOTONIC, &h->next);
	sigemptyset(&block);
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		sigaddset(&block, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &block, &orig);
	while (!stop) {
		bool down = false;

		/* An inactive entry (fd -1) is ignored by ppoll. */
		pfd[0].fd = watch_stdin ? STDIN_FILENO : -1;
		pfd[1].fd = h->active ? h->fd : -1;
		pfd[0].revents = pfd[1].revents = 0;
		if (h->active && h->cmd->traffic_pps)
			until_tick(h, &wait);
		if (ppoll(pfd, 2, h->active && h->cmd->traffic_pps ? &wait :
			  NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (h->active) {
			if (pfd[1].revents & POLLIN)
				down = drain(h);
			if (pfd[1].revents & (POLLHUP | POLLERR))
				down = true;
			if (!down && h->cmd->traffic_pps)
				down = tick(h);
			if (down)
				report_down(h);
		}
		if (!watch_stdin || !pfd[0].revents)
			continue;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			break;
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return ret;
}

/*
 * Open /dev/keyrot in namespace @ns (a name under /run/netns, or a path
 * such as /proc/PID/ns/net), then come back: the flow lives there, the
 * process stays here.
 */
static int open_in_netns(const char *ns, int flags)
{
	char path[PATH_MAX];
	int self, target, fd = -1, err = 0;

	if (strchr(ns, '/'))
		snprintf(path, sizeof(path), "%s", ns);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		err = errno;
		fprintf(stderr, "krctl: create: /proc/self/ns/net: %s\n",
			strerror(err));
		return -err;
	}
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (target < 0) {
		err = errno;
		fprintf(stderr, "krctl: create: %s: %s\n", path, strerror(err));
		goto out_self;
	}
	if (setns(target, CLONE_NEWNET)) {
		err = errno;
		fprintf(stderr, "krctl: create: setns %s: %s\n", path,
			strerror(err));
		goto out_target;
	}
	fd = open("/dev/keyrot", flags);
	if (fd < 0) {
		err = errno;
		fprintf(stderr, "krctl: create: /dev/keyrot in %s: %s%s\n",
			path, strerror(err),
			err == ENOENT ? " (is keyrot.ko loaded?)" : "");
	}
	if (setns(self, CLONE_NEWNET)) {
		/* Never hold a flow from the wrong namespace. */
		fprintf(stderr, "krctl: create: setns back: %s\n",
			strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
		err = err ? err : EIO;
	}
out_target:
	close(target);
out_self:
	close(self);
	return fd >= 0 ? fd : -err;
}

int kr_create_run(const struct kr_cmd *cmd)
{
	int flags = O_RDWR | O_CLOEXEC;
	struct holder h = { .cmd = cmd };
	struct keyrot_info info;
	int fd, ret;

	/* Watching and traffic never block on the descriptor. */
	if (cmd->watch_file || cmd->traffic_pps)
		flags |= O_NONBLOCK;
	if (cmd->netns) {
		fd = open_in_netns(cmd->netns, flags);
		if (fd < 0)
			return fd;
	} else {
		fd = open("/dev/keyrot", flags);
		if (fd < 0) {
			ret = -errno;
			fprintf(stderr, "krctl: create: /dev/keyrot: %s%s\n",
				strerror(errno),
				errno == ENOENT ? " (is keyrot.ko loaded?)" : "");
			return ret;
		}
	}
	if (ioctl(fd, KEYROT_IOC_INFO, &info)) {
		ret = -errno;
		fprintf(stderr, "krctl: create: KEYROT_IOC_INFO: %s\n",
			strerror(errno));
		goto out_close;
	}
	printf("%u\n", info.flow_id);
	fflush(stdout);
	if (cmd->id_file) {
		ret = kr_idfile_write(cmd->id_file, info.flow_id);
		if (ret) {
			fprintf(stderr, "krctl: create: %s: %s\n", cmd->id_file,
				strerror(-ret));
			goto out_close;
		}
	}
	h.fd = fd;
	h.id = info.flow_id;
	ret = cmd->hold ? hold(&h) : 0;
	if (ret)
		fprintf(stderr, "krctl: create: hold: %s\n", strerror(-ret));
out_close:
	close(fd);
	return ret;
}
