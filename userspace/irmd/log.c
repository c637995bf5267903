// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "log.h"
#include "clock.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

enum { RL_WINDOW_MS = 10000, RL_BURST = 5, LINE_LEN = 1024 };

static struct {
	char name[64];
	bool foreground;
	int level;
	uint64_t start_ms;
} lg = { .foreground = true, .level = KR_LOG_INFO };

void kr_log_open(const char *name, bool foreground, int level)
{
	snprintf(lg.name, sizeof(lg.name), "%s", name ? name : "");
	lg.foreground = foreground;
	lg.level = level;
	lg.start_ms = kr_mono_ms();
	if (!foreground)
		openlog("irmd", LOG_PID, LOG_DAEMON);
}

void kr_log_close(void)
{
	if (!lg.foreground)
		closelog();
}

void kr_log(int level, const char *fmt, ...)
{
	static const int prio[] = {
		[KR_LOG_ERR] = LOG_ERR, [KR_LOG_WARN] = LOG_WARNING,
		[KR_LOG_INFO] = LOG_INFO, [KR_LOG_DEBUG] = LOG_DEBUG,
	};
	char line[LINE_LEN];
	uint64_t t;
	va_list ap;

	if (level > lg.level)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (!lg.foreground) {
		syslog(prio[level], "%s", line);
		return;
	}
	t = kr_mono_ms() - lg.start_ms;
	fprintf(stderr, "%llu.%03llu irmd%s%s%s: %s\n",
		(unsigned long long)(t / 1000), (unsigned long long)(t % 1000),
		lg.name[0] ? "[" : "", lg.name, lg.name[0] ? "]" : "", line);
	fflush(stderr);
}

bool kr_log_ratelimit(uint64_t *last_ms, unsigned int *count,
		      unsigned int *suppressed)
{
	uint64_t now = kr_mono_ms();

	*suppressed = 0;
	if (!*last_ms || now - *last_ms >= RL_WINDOW_MS) {
		if (*count > RL_BURST)
			*suppressed = *count - RL_BURST;
		*last_ms = now;
		*count = 0;
	}
	return ++*count <= RL_BURST;
}
