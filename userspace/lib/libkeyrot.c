// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "libkeyrot.h"
#include "kr_ctlmsg.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "keyrot_dev.h"

const char *flow_irmd_socket(void)
{
	const char *p = getenv(KEYROT_IRMD_SOCKET_ENV);

	return p && *p ? p : KEYROT_IRMD_SOCKET_DEFAULT;
}

static int ctl_connect(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = flow_irmd_socket();
	int s, ret;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun))) {
		ret = -errno;
		close(s);
		return ret;
	}
	return s;
}

/* One request, with @pass (a descriptor, or -1) attached. */
static int send_req(int s, const struct kr_ctl_req *q, int pass)
{
	char buf[KR_CTL_MSG_MAX];
	int n;

	n = kr_ctl_req_encode(q, buf, sizeof(buf));
	if (n < 0)
		return n;
	return kr_ctl_send(s, buf, (size_t)n, pass, 0);
}

/* Close every descriptor a control message brought. */
static void close_passed(struct msghdr *mh, int keep)
{
	struct cmsghdr *c;
	int fd;
	size_t i, n;

	for (c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (fd != keep)
				close(fd);
		}
	}
}

/*
 * One reply; @fd receives the descriptor that came with it, or -1.  A
 * truncated reply, or one with more than one descriptor, is refused and
 * whatever came with it closed.
 */
static int recv_rep(int s, struct kr_ctl_rep *r, int *fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char buf[KR_CTL_MSG_MAX];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;
	const char *why;
	ssize_t n;

	*fd = -1;
	do {
		n = recvmsg(s, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ECONNRESET;	/* irmd went away */
	if (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
		close_passed(&mh, -1);
		return -EPROTO;
	}
	c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(fd, CMSG_DATA(c), sizeof(int));
	else if (c)
		close_passed(&mh, -1);
	if (kr_ctl_rep_decode(r, buf, (size_t)n, &why)) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		return -EPROTO;
	}
	return 0;
}

/* alloc or accept: the descriptor irmd hands over, and the peer's name. */
static int get_flow(const struct kr_ctl_req *q, char *peer, size_t len)
{
	struct kr_ctl_rep r;
	int s, fd, ret;
	char *sp;

	s = ctl_connect();
	if (s < 0)
		return s;
	ret = send_req(s, q, -1);
	if (!ret)
		ret = recv_rep(s, &r, &fd);
	close(s);
	if (ret)
		return ret;
	if (r.kind == KR_CTL_REP_ERR) {
		if (fd >= 0)
			close(fd);
		return -r.err;
	}
	if (r.kind != KR_CTL_REP_OK || fd < 0) {
		if (fd >= 0)
			close(fd);
		return -EPROTO;
	}
	if (peer && len) {
		sp = strchr(r.text, ' ');
		if (sp)
			*sp = '\0';
		if (strlen(r.text) >= len) {
			close(fd);
			return -ENAMETOOLONG;
		}
		strcpy(peer, r.text);
	}
	return fd;
}

int flow_alloc(const char *peer, const char *service)
{
	struct kr_ctl_req q = { .op = KR_CTL_ALLOC };

	if (!peer || !service || !kr_ctl_peer_name_ok(peer) ||
	    !kr_ctl_service_name_ok(service))
		return -EINVAL;
	strcpy(q.peer, peer);
	strcpy(q.service, service);
	return get_flow(&q, NULL, 0);
}

int flow_accept_from(const char *service, char *peer, size_t len)
{
	struct kr_ctl_req q = { .op = KR_CTL_ACCEPT };

	if (!service || !kr_ctl_service_name_ok(service))
		return -EINVAL;
	strcpy(q.service, service);
	return get_flow(&q, peer, len);
}

int flow_accept(const char *service)
{
	return flow_accept_from(service, NULL, 0);
}

int flow_dealloc(int fd)
{
	struct kr_ctl_req q = { .op = KR_CTL_DEALLOC };
	struct keyrot_info info;
	struct kr_ctl_rep r;
	int s, got, ret;

	if (ioctl(fd, KEYROT_IOC_INFO, &info))
		return -errno;	/* not a flow: leave it alone */
	s = ctl_connect();
	if (s < 0) {
		close(fd);
		return s;
	}
	ret = send_req(s, &q, fd);
	if (!ret)
		ret = recv_rep(s, &r, &got);
	close(s);
	close(fd);
	if (ret)
		return ret;
	if (got >= 0)
		close(got);
	if (r.kind == KR_CTL_REP_ERR)
		return -r.err;
	return r.kind == KR_CTL_REP_OK ? 0 : -EPROTO;
}

ssize_t flow_read(int fd, void *buf, size_t n)
{
	ssize_t ret = read(fd, buf, n);

	return ret < 0 ? -errno : ret;
}

ssize_t flow_write(int fd, const void *buf, size_t n)
{
	ssize_t ret = write(fd, buf, n);

	return ret < 0 ? -errno : ret;
}

int flow_poll(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int ret = poll(&p, 1, timeout_ms);

	if (ret < 0)
		return -errno;
	return ret ? p.revents : 0;
}

int flow_info(int fd, struct keyrot_info *info)
{
	return ioctl(fd, KEYROT_IOC_INFO, info) ? -errno : 0;
}

int flow_irmd_status(void (*line)(const char *text, void *arg), void *arg)
{
	struct kr_ctl_req q = { .op = KR_CTL_STATUS };
	struct kr_ctl_rep r;
	int s, fd, ret;

	s = ctl_connect();
	if (s < 0)
		return s;
	ret = send_req(s, &q, -1);
	while (!ret) {
		ret = recv_rep(s, &r, &fd);
		if (ret)
			break;
		if (fd >= 0)
			close(fd);
		if (r.kind == KR_CTL_REP_LINE) {
			line(r.text, arg);
			continue;
		}
		ret = r.kind == KR_CTL_REP_OK ? (int)r.value : -r.err;
		break;
	}
	close(s);
	return ret;
}
