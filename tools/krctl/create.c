// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "create.h"
#include "args.h"
#include "kr_idfile.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
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

/* Signals are blocked but while ppoll() waits: none is missed. */
static int hold(void)
{
	static const int sigs[] = { SIGTERM, SIGINT, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal };
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	bool watch_stdin = stdin_can_close();
	sigset_t block, orig;
	char buf[256];
	size_t i;
	ssize_t n;

	sigemptyset(&block);
	for (i = 0; i < ARRAY_SIZE(sigs); i++) {
		sigaddset(&block, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &block, &orig);
	while (!stop) {
		if (ppoll(&pfd, watch_stdin ? 1 : 0, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!watch_stdin || !pfd.revents)
			continue;
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			break;
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return 0;
}

int kr_create_run(const struct kr_cmd *cmd)
{
	struct keyrot_info info;
	int fd, ret;

	fd = open("/dev/keyrot", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		fprintf(stderr, "krctl: create: /dev/keyrot: %s%s\n",
			strerror(errno),
			errno == ENOENT ? " (is keyrot.ko loaded?)" : "");
		return ret;
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
	ret = cmd->hold ? hold() : 0;
	if (ret)
		fprintf(stderr, "krctl: create: hold: %s\n", strerror(-ret));
out_close:
	close(fd);
	return ret;
}
