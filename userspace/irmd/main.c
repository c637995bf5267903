// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * irmd: the keyrot daemon (docs/irmd.md).  Allocates encrypted flows for
 * local applications with the peers' irmds, and re-keys them whenever the
 * kernel asks.  One thread, one epoll loop over: the signalfd, the kernel's
 * events, the peer socket, the control socket and its connections, and a
 * timerfd (retries, held requests).
 */
#include "irmd.h"
#include "clock.h"
#include "keycmd.h"
#include "libkeyrot.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <stddef.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#define KR_DEFAULT_CONFIG "/etc/keyrot/irmd.conf"

enum ep_tag {
	TAG_SIGNAL = 1,
	TAG_EVENTS,
	TAG_PEER,
	TAG_CTL,
	TAG_CLIENT,
	TAG_TIMER,
};

enum { EP_EVENTS = 32, EXIT_FAIL = 1, EXIT_USAGE = 2 };

static const char usage[] =
"usage: irmd [-f] [-c CONFIG] [--fail-at=STEP[:N]]\n"
"       irmd check [-c CONFIG]       check the configuration and exit\n"
"       irmd status [-c CONFIG | -s SOCKET]\n"
"                                    the registry: one line per flow\n"
"       irmd keygen FILE             make an identity key (0600)\n"
"       irmd pubkey FILE             print its public key for peers\n"
"\n"
"  -f             stay in the foreground, log to standard error (else:\n"
"                 a daemon logging to syslog)\n"
"  -c CONFIG      the configuration (default " KR_DEFAULT_CONFIG ")\n"
"  --fail-at=STEP[:N]  test only: exit with status 99, as if killed, the\n"
"                 Nth time (default 1st) STEP is reached; docs/irmd.md\n"
"                 lists the steps\n"
"\n"
"SIGTERM or SIGINT stop irmd cleanly: flows stay in the kernel, and the\n"
"next irmd adopts them.  docs/irmd.md says everything.\n";

unsigned int kr_irmd_rand1000(void)
{
	uint16_t v = 0;

	if (RAND_bytes((uint8_t *)&v, sizeof(v)) != 1)
		v = (uint16_t)kr_mono_ms();
	return v % 1000;
}

static void nl_log(const char *line)
{
	kr_err("kernel: %s", line);
}

static int ep_add(struct kr_irmd *d, int fd, int tag, int idx)
{
	struct epoll_event ev = {
		.events = EPOLLIN,
		.data.u64 = ((uint64_t)tag << 32) | (uint32_t)idx,
	};

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/* The timerfd at the earliest deadline of retries and held requests. */
static void rearm(struct kr_irmd *d)
{
	uint64_t next = kr_xchg_next_ms(d), held = kr_alloc_next_ms(d);
	struct itimerspec its = { 0 };

	if (held < next)
		next = held;
	if (next != UINT64_MAX) {
		if (!next)
			next = 1;
		its.it_value.tv_sec = (time_t)(next / 1000);
		its.it_value.tv_nsec = (long)(next % 1000) * 1000000;
	}
	timerfd_settime(d->timerfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void on_signal(struct kr_irmd *d)
{
	struct signalfd_siginfo si;
	struct kr_reg_flow *f;
	char line[448];

	while (read(d->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			kr_info("SIGHUP: %zu flows (restart irmd to read its configuration again)",
				d->reg.n);
			for (f = d->reg.head; f; f = f->next) {
				kr_reg_flow_status(f, kr_peer_name(d, f->peer),
						   NULL, line, sizeof(line));
				kr_info("%s", line);
			}
			continue;
		}
		kr_info("%s: stopping", strsignal((int)si.ssi_signo));
		d->stop = true;
	}
}

static void on_events(struct kr_irmd *d)
{
	int ret = kr_nlc_events_read(&d->nlc, kr_rekey_on_event, d);

	if (ret == -ENOBUFS) {
		kr_warn("kernel events were lost (receive buffer full): comparing the registry with the kernel");
		d->resync = true;
	} else if (ret) {
		kr_err("kernel events: cannot read them");
	}
}

static void on_ctl(struct kr_irmd *d)
{
	int i;

	for (;;) {
		i = kr_ctl_accept(&d->ctl);
		if (i == -EAGAIN || i == -EWOULDBLOCK)
			return;
		if (i == -EMFILE || i == -ENFILE || i == -ECONNABORTED)
			continue;
		if (i < 0) {
			kr_warn("control socket: %s", strerror(-i));
			return;
		}
		if (ep_add(d, d->ctl.c[i].fd, TAG_CLIENT, i))
			kr_ctl_drop(d, i);
	}
}

static void on_timer(struct kr_irmd *d)
{
	uint64_t n;
	uint64_t now = kr_mono_ms();

	if (read(d->timerfd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		kr_warn("timer: %s", strerror(errno));
	kr_xchg_timer(d, now);
	kr_alloc_timer(d, now);
}

static int loop(struct kr_irmd *d)
{
	struct epoll_event ev[EP_EVENTS];
	int i, n, tag, idx;

	while (!d->stop) {
		rearm(d);
		n = epoll_wait(d->epfd, ev, EP_EVENTS, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			kr_err("epoll: %s", strerror(errno));
			return -errno;
		}
		for (i = 0; i < n && !d->stop; i++) {
			tag = (int)(ev[i].data.u64 >> 32);
			idx = (int)(uint32_t)ev[i].data.u64;
			switch (tag) {
			case TAG_SIGNAL:
				on_signal(d);
				break;
			case TAG_EVENTS:
				on_events(d);
				break;
			case TAG_PEER:
				kr_xchg_on_readable(d);
				break;
			case TAG_CTL:
				on_ctl(d);
				break;
			case TAG_CLIENT:
				if (d->ctl.c[idx].fd >= 0)
					kr_ctl_serve(d, idx);
				break;
			case TAG_TIMER:
				on_timer(d);
				break;
			}
		}
		if (d->resync)
			kr_adopt_resync(d);
	}
	return 0;
}

/* The OAP context: this identity, the pinned peers, the cache. */
static int oap_setup(struct kr_irmd *d)
{
	size_t i;
	int ret;

	for (i = 0; i < d->cfg.npeers; i++) {
		snprintf(d->peers[i].name, sizeof(d->peers[i].name), "%s",
			 d->cfg.peers[i].name);
		memcpy(d->peers[i].pub, d->cfg.peers[i].pub, KR_OAP_PUB_LEN);
	}
	ret = kr_oap_cache_init(&d->cache, d->cfg.cache);
	if (ret)
		return ret;
	d->oap.me = &d->me;
	d->oap.peers = d->peers;
	d->oap.npeers = d->cfg.npeers;
	d->oap.cache = &d->cache;
	d->oap.window_ms = d->cfg.window_ms;
	d->oap.allow_start = d->cfg.allow_start;
	return 0;
}

/*
 * One irmd per network namespace: two would adopt, and re-key, the same
 * flows.  An abstract Unix name is per namespace and goes with the process.
 */
static int netns_lock(struct kr_irmd *d)
{
	static const char name[] = "keyrot-irmd";
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	socklen_t len = offsetof(struct sockaddr_un, sun_path) + sizeof(name);
	int ret;

	memcpy(sun.sun_path + 1, name, sizeof(name) - 1);
	d->lockfd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (d->lockfd < 0)
		return -errno;
	if (!bind(d->lockfd, (struct sockaddr *)&sun, len))
		return 0;
	ret = -errno;
	if (ret == -EADDRINUSE)
		kr_err("another irmd runs in this network namespace (it holds the abstract socket @%s)",
		       name);
	else
		kr_err("abstract socket @%s: %s", name, strerror(-ret));
	close(d->lockfd);
	d->lockfd = -1;
	return ret;
}

static int data_port(struct kr_irmd *d)
{
	char why[KR_NLC_WHY_LEN];
	int ret;

	if (d->cfg.data_port) {
		ret = kr_nlc_netns_set(&d->nlc, d->cfg.data_port, why);
		if (ret) {
			kr_err("data-port %u: %s", d->cfg.data_port, why);
			return ret;
		}
	}
	ret = kr_nlc_netns_get(&d->nlc, &d->data_port, why);
	if (ret)
		kr_err("cannot read the namespace's keyrot port: %s", why);
	return ret;
}

static int signals(struct kr_irmd *d)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	d->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return d->sigfd < 0 ? -errno : 0;
}

/* Detach from the terminal: fork, new session, fork, stdio on /dev/null. */
static int daemonize(void)
{
	pid_t pid;
	int fd;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (chdir("/"))
		return -errno;
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

static void teardown(struct kr_irmd *d, bool started)
{
	size_t left;

	kr_alloc_shutdown(d);
	left = d->reg.n;
	kr_reg_free(&d->reg);	/* sessions killed, ephemeral keys freed */
	kr_ctl_close(&d->ctl);
	kr_peer_close(&d->ps);
	if (d->timerfd >= 0)
		close(d->timerfd);
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->lockfd >= 0)
		close(d->lockfd);
	kr_nlc_close(&d->nlc);
	kr_oap_cache_free(&d->cache);
	kr_ident_free(&d->me);
	if (started)
		kr_info("stopped: %zu flows left to the kernel (the next irmd adopts them)",
			left);
}

static int run(struct kr_irmd *d, bool foreground)
{
	char why[512], text[KR_ADDR_TEXT_LEN], b64[KR_IDENT_B64_LEN + 1];
	const char *iwhy = "";
	bool started = false;
	int i, ret;

	d->epfd = -1;
	d->lockfd = -1;
	d->sigfd = -1;
	d->timerfd = -1;
	d->ps.fd = -1;
	d->ctl.lfd = -1;
	for (i = 0; i < KR_CTL_CLIENTS_MAX; i++)
		d->ctl.c[i].fd = -1;
	kr_log_open(d->cfg.name, foreground, d->cfg.log_level);
	kr_nl_set_log("irmd", nl_log);
	d->start_real_ms = kr_real_ms();
	ret = netns_lock(d);
	if (ret)
		return ret;
	ret = kr_ident_load(&d->me, d->cfg.identity, &iwhy);
	if (ret) {
		kr_err("identity %s: %s (%s)", d->cfg.identity, iwhy,
		       strerror(-ret));
		goto out;
	}
	ret = oap_setup(d);
	if (ret) {
		kr_err("replay cache: %s", strerror(-ret));
		goto out;
	}
	ret = kr_nlc_open(&d->nlc);
	if (ret)
		goto out;
	ret = data_port(d);
	if (ret)
		goto out;
	ret = kr_peer_open(&d->ps, &d->cfg.listen, d->cfg.listen_len, why);
	if (ret) {
		kr_err("%s", why);
		goto out;
	}
	ret = kr_adopt_at_start(d);
	if (ret)
		goto out;
	ret = kr_ctl_open(&d->ctl, &d->cfg, why);
	if (ret) {
		kr_err("%s", why);
		goto out;
	}
	ret = signals(d);
	if (!ret) {
		d->timerfd = timerfd_create(CLOCK_MONOTONIC,
					    TFD_NONBLOCK | TFD_CLOEXEC);
		d->epfd = epoll_create1(EPOLL_CLOEXEC);
		ret = d->timerfd < 0 || d->epfd < 0 ? -errno : 0;
	}
	if (!ret)
		ret = ep_add(d, d->sigfd, TAG_SIGNAL, 0) ?:
		      ep_add(d, kr_nlc_events_fd(&d->nlc), TAG_EVENTS, 0) ?:
		      ep_add(d, d->ps.fd, TAG_PEER, 0) ?:
		      ep_add(d, d->ctl.lfd, TAG_CTL, 0) ?:
		      ep_add(d, d->timerfd, TAG_TIMER, 0);
	if (ret) {
		kr_err("event loop: %s", strerror(-ret));
		goto out;
	}
	if (!foreground) {
		ret = daemonize();
		if (ret) {
			kr_err("cannot become a daemon: %s", strerror(-ret));
			goto out;
		}
	}
	kr_ident_pub_b64(b64, d->me.pub);
	kr_info("started: identity %s, listening on %s, control %s (mode %04o), data port %u, %zu peers, %zu services",
		b64, kr_addr_text(&d->cfg.listen, text, sizeof(text)),
		d->ctl.path, d->cfg.control_mode, d->data_port,
		d->cfg.npeers, d->cfg.nservices);
	started = true;
	ret = loop(d);
out:
	teardown(d, started);
	kr_log_close();
	return ret;
}

/* irmd status: the registry through the control socket. */
static void print_line(const char *text, void *arg)
{
	(void)arg;
	printf("%s\n", text);
}

static int status_cmd(const char *sock)
{
	int n;

	if (sock)
		setenv(KEYROT_IRMD_SOCKET_ENV, sock, 1);
	n = flow_irmd_status(print_line, NULL);
	if (n < 0) {
		fprintf(stderr, "irmd: status: %s: %s\n", flow_irmd_socket(),
			strerror(-n));
		return EXIT_FAIL;
	}
	return fflush(stdout) ? EXIT_FAIL : 0;
}

int main(int argc, char **argv)
{
	static struct kr_irmd d;	/* large: not on the stack */
	const char *config = KR_DEFAULT_CONFIG, *sock = NULL;
	bool foreground = false, check = false, status = false;
	bool have_config = false;
	char err[KR_CFG_ERR_LEN];
	int i, ret;

	if (argc > 1 && kr_keycmd_is_verb(argv[1]))
		return kr_keycmd_run(argc - 1, argv + 1, stdout, stderr);
	i = 1;
	if (argc > 1 && !strcmp(argv[1], "check")) {
		check = true;
		i++;
	} else if (argc > 1 && !strcmp(argv[1], "status")) {
		status = true;
		i++;
	}
	for (; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(a, "-f") && !check && !status) {
			foreground = true;
		} else if (!strcmp(a, "-c") && i + 1 < argc) {
			config = argv[++i];
			have_config = true;
		} else if (!strcmp(a, "-s") && status && i + 1 < argc) {
			sock = argv[++i];
		} else if (!strncmp(a, "--fail-at=", 10) && !check && !status) {
			if (kr_fail_parse(a + 10)) {
				fprintf(stderr,
					"irmd: --fail-at: unknown step '%s' (docs/irmd.md lists them)\n",
					a + 10);
				return EXIT_USAGE;
			}
		} else {
			fprintf(stderr, "irmd: %s: unknown or incomplete option\n%s",
				a, usage);
			return EXIT_USAGE;
		}
	}
	if (status && !sock && have_config) {
		ret = kr_config_load(&d.cfg, config, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "irmd: %s\n", err);
			return EXIT_FAIL;
		}
		sock = d.cfg.control;
	}
	if (status)
		return status_cmd(sock);
	ret = kr_config_load(&d.cfg, config, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "irmd: %s\n", err);
		return EXIT_FAIL;
	}
	if (check) {
		printf("%s: ok: %zu peers, %zu services\n", config,
		       d.cfg.npeers, d.cfg.nservices);
		return 0;
	}
	ret = run(&d, foreground);
	return ret ? EXIT_FAIL : 0;
}
