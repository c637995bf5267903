// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "ctl.h"
#include "clock.h"
#include "irmd.h"
#include "kr_names.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "keyrot_dev.h"

enum { WHY_LEN = 256, LINE_LEN = 448 };

/* The directory of @path, created if missing (one level). */
static int make_dir(const char *path, char *why)
{
	char dir[sizeof(((struct kr_ctl *)0)->path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	if (!mkdir(dir, 0755) || errno == EEXIST)
		return 0;
	snprintf(why, WHY_LEN, "control socket directory %s: %s", dir,
		 strerror(errno));
	return -errno;
}

/* A socket file left by an irmd that died may go; a live one may not. */
static int clear_stale(const char *path, char *why)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int s, ret;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(why, WHY_LEN,
			 "control socket %s: a file that is not a socket is there",
			 path);
		return -EEXIST;
	}
	strcpy(sun.sun_path, path);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	ret = connect(s, (struct sockaddr *)&sun, sizeof(sun));
	close(s);
	if (!ret) {
		snprintf(why, WHY_LEN,
			 "control socket %s: another irmd is listening there",
			 path);
		return -EADDRINUSE;
	}
	if (unlink(path) && errno != ENOENT) {
		snprintf(why, WHY_LEN, "control socket %s: cannot remove the stale one: %s",
			 path, strerror(errno));
		return -errno;
	}
	return 0;
}

int kr_ctl_open(struct kr_ctl *ctl, const struct kr_config *cfg, char *why)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	mode_t old;
	int i, ret;

	memset(ctl, 0, sizeof(*ctl));
	ctl->lfd = -1;
	for (i = 0; i < KR_CTL_CLIENTS_MAX; i++)
		ctl->c[i].fd = -1;
	snprintf(ctl->path, sizeof(ctl->path), "%s", cfg->control);
	strcpy(sun.sun_path, ctl->path);
	ret = make_dir(ctl->path, why);
	if (!ret)
		ret = clear_stale(ctl->path, why);
	if (ret)
		return ret;
	ctl->lfd = socket(AF_UNIX,
			  SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->lfd < 0) {
		ret = -errno;
		snprintf(why, WHY_LEN, "control socket: %s", strerror(errno));
		return ret;
	}
	/* Nobody may connect before the mode and group are set. */
	old = umask(0077);
	ret = bind(ctl->lfd, (struct sockaddr *)&sun, sizeof(sun)) ? -errno : 0;
	umask(old);
	if (ret) {
		snprintf(why, WHY_LEN, "control socket %s: %s", ctl->path,
			 strerror(-ret));
		goto err_close;
	}
	if ((cfg->has_control_gid && chown(ctl->path, (uid_t)-1,
					   cfg->control_gid)) ||
	    chmod(ctl->path, cfg->control_mode)) {
		ret = -errno;
		snprintf(why, WHY_LEN, "control socket %s: mode or group: %s",
			 ctl->path, strerror(errno));
		goto err_unlink;
	}
	if (listen(ctl->lfd, 64)) {
		ret = -errno;
		snprintf(why, WHY_LEN, "control socket %s: %s", ctl->path,
			 strerror(errno));
		goto err_unlink;
	}
	return 0;

err_unlink:
	unlink(ctl->path);
err_close:
	close(ctl->lfd);
	ctl->lfd = -1;
	return ret;
}

void kr_ctl_close(struct kr_ctl *ctl)
{
	int i;

	for (i = 0; i < KR_CTL_CLIENTS_MAX; i++) {
		if (ctl->c[i].fd >= 0)
			close(ctl->c[i].fd);
		ctl->c[i].fd = -1;
	}
	if (ctl->lfd >= 0) {
		close(ctl->lfd);
		unlink(ctl->path);
	}
	ctl->lfd = -1;
}

int kr_ctl_accept(struct kr_ctl *ctl)
{
	struct ucred cred = { 0 };
	socklen_t len = sizeof(cred);
	int fd, i;

	fd = accept4(ctl->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (i = 0; i < KR_CTL_CLIENTS_MAX; i++)
		if (ctl->c[i].fd < 0)
			break;
	if (i == KR_CTL_CLIENTS_MAX) {
		close(fd);
		kr_warn("control: connection refused: %d connections already",
			KR_CTL_CLIENTS_MAX);
		return -EMFILE;
	}
	getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
	memset(&ctl->c[i], 0, sizeof(ctl->c[i]));
	ctl->c[i].fd = fd;
	ctl->c[i].uid = cred.uid;
	ctl->c[i].pid = cred.pid;
	return i;
}

int kr_ctl_reply(struct kr_ctl *ctl, int i, const struct kr_ctl_rep *r,
		 int fd)
{
	char buf[KR_CTL_MSG_MAX];
	int n;

	ctl->c[i].wait = KR_CTL_IDLE;
	n = kr_ctl_rep_encode(r, buf, sizeof(buf));
	if (n < 0)
		return n;
	return kr_ctl_send(ctl->c[i].fd, buf, (size_t)n, fd, MSG_DONTWAIT);
}

void kr_ctl_fail(struct kr_ctl *ctl, int i, int err, const char *text)
{
	struct kr_ctl_rep r = { .kind = KR_CTL_REP_ERR, .err = -err };

	snprintf(r.text, sizeof(r.text), "%s", text);
	kr_ctl_reply(ctl, i, &r, -1);
}

void kr_ctl_drop(struct kr_irmd *d, int i)
{
	struct kr_ctl_client *c = &d->ctl.c[i];

	if (c->fd < 0)
		return;
	if (c->wait == KR_CTL_WAIT_ALLOC)
		kr_alloc_client_gone(d, i);
	close(c->fd);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

int kr_ctl_acceptor(const struct kr_ctl *ctl, const char *service)
{
	int i, best = -1;

	for (i = 0; i < KR_CTL_CLIENTS_MAX; i++) {
		const struct kr_ctl_client *c = &ctl->c[i];

		if (c->fd < 0 || c->wait != KR_CTL_WAIT_ACCEPT ||
		    strcmp(c->service, service))
			continue;
		if (best < 0 || c->since_ms < ctl->c[best].since_ms)
			best = i;
	}
	return best;
}

/* dealloc: the descriptor proves the asker holds the flow. */
static void dealloc(struct kr_irmd *d, int i, int fd)
{
	char why[KR_NLC_WHY_LEN], text[128];
	struct kr_ctl_rep r = { .kind = KR_CTL_REP_OK };
	struct keyrot_info info;
	struct kr_reg_flow *f;
	int ret;

	if (fd < 0) {
		kr_ctl_fail(&d->ctl, i, -EBADF,
			    "dealloc needs the flow's descriptor attached");
		return;
	}
	if (ioctl(fd, KEYROT_IOC_INFO, &info)) {
		kr_ctl_fail(&d->ctl, i, -EBADF, "not a flow descriptor");
		return;
	}
	f = kr_reg_find(&d->reg, info.flow_id);
	if (!f || f->state != KR_REG_ALLOCATED) {
		snprintf(text, sizeof(text), "flow %u is not one irmd made",
			 info.flow_id);
		kr_ctl_fail(&d->ctl, i, -ENOENT, text);
		return;
	}
	ret = kr_nlc_flow_del(&d->nlc, f->id, why);
	if (ret && ret != -ENOENT) {
		kr_warn("flow %u: dealloc: %s", f->id, why);
		kr_ctl_fail(&d->ctl, i, ret, why);
		return;
	}
	kr_info("flow %u: deallocated by uid %u pid %d", f->id,
		(unsigned int)d->ctl.c[i].uid, (int)d->ctl.c[i].pid);
	r.value = f->id;
	kr_rekey_forget(d, f, "deallocated");
	kr_ctl_reply(&d->ctl, i, &r, -1);
}

/* status: the registry, with the kernel's flags and need for each flow. */
static void status(struct kr_irmd *d, int i)
{
	char line[LINE_LEN], kern[160], flags[64], need[64];
	char why[KR_NLC_WHY_LEN];
	struct kr_ctl_rep r = { .kind = KR_CTL_REP_LINE };
	struct kr_nlc_flow kf;
	struct kr_reg_flow *f;
	uint32_t n = 0;

	for (f = d->reg.head; f; f = f->next) {
		if (kr_nlc_flow_get(&d->nlc, f->id, &kf, why)) {
			snprintf(kern, sizeof(kern), "kernel=gone");
		} else {
			kr_name_flags(flags, sizeof(flags), kf.flags,
				      kr_rb_names, kr_rb_count);
			kr_name_flags(need, sizeof(need), kf.need,
				      kr_reason_names, kr_reason_count);
			snprintf(kern, sizeof(kern), "kflags=%s kneed=%s",
				 flags, need);
		}
		kr_reg_flow_status(f, kr_peer_name(d, f->peer), kern, line,
				   sizeof(line));
		snprintf(r.text, sizeof(r.text), "%s", line);
		if (kr_ctl_reply(&d->ctl, i, &r, -1))
			return;
		n++;
	}
	r.kind = KR_CTL_REP_OK;
	r.value = n;
	r.text[0] = '\0';
	kr_ctl_reply(&d->ctl, i, &r, -1);
}

void kr_ctl_serve(struct kr_irmd *d, int i)
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
	struct kr_ctl_client *c = &d->ctl.c[i];
	struct kr_ctl_req q;
	struct cmsghdr *cm;
	const char *why;
	char text[160];
	int fd = -1;
	ssize_t n;

	n = recvmsg(c->fd, &mh, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	cm = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
	if (cm && cm->cmsg_level == SOL_SOCKET &&
	    cm->cmsg_type == SCM_RIGHTS &&
	    cm->cmsg_len == CMSG_LEN(sizeof(int)))
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (n <= 0 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC))) {
		if (fd >= 0)
			close(fd);
		kr_ctl_drop(d, i);
		return;
	}
	if (c->wait != KR_CTL_IDLE) {
		kr_warn("control: uid %u pid %d sent a request while one is in progress: connection closed",
			(unsigned int)c->uid, (int)c->pid);
		if (fd >= 0)
			close(fd);
		kr_ctl_drop(d, i);
		return;
	}
	if (kr_ctl_req_decode(&q, buf, (size_t)n, &why)) {
		snprintf(text, sizeof(text), "bad request: %s", why);
		kr_ctl_fail(&d->ctl, i, -EINVAL, text);
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fd >= 0 && q.op != KR_CTL_DEALLOC) {
		close(fd);
		fd = -1;
	}
	switch (q.op) {
	case KR_CTL_ALLOC:
		kr_info("control: uid %u pid %d asks for a flow to %s at %s",
			(unsigned int)c->uid, (int)c->pid, q.service, q.peer);
		kr_alloc_request(d, i, q.peer, q.service);
		break;
	case KR_CTL_ACCEPT:
		kr_info("control: uid %u pid %d accepts flows to %s",
			(unsigned int)c->uid, (int)c->pid, q.service);
		kr_alloc_accept(d, i, q.service);
		break;
	case KR_CTL_DEALLOC:
		dealloc(d, i, fd);
		break;
	default:
		status(d, i);
		break;
	}
	if (fd >= 0)
		close(fd);
}
