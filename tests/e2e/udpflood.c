// SPDX-License-Identifier: GPL-2.0
/*
 * Copyright (C) 2026 The keyrot authors.
 *
 * udpflood: plain UDP traffic with no keyrot in it, for
 * tests/e2e/tcg-chacha-repro.sh.
 *
 *   udpflood send PORT N ADDR   N datagrams of 1..1400 bytes to ADDR:PORT,
 *                               a 1 ms pause every 32
 *   udpflood recv PORT N        count up to N datagrams; stop after 5 s of
 *                               silence; print "received COUNT"
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: udpflood send PORT N ADDR | recv PORT N\n");
	return 2;
}

static int flood(int s, struct sockaddr_in *to, long n)
{
	unsigned char buf[1400];
	long i;

	for (i = 0; i < n; i++) {
		size_t len = 1 + (size_t)(i * 7919) % sizeof(buf);

		memset(buf, (int)(i & 0xff), len);
		if (sendto(s, buf, len, 0, (struct sockaddr *)to,
			   sizeof(*to)) < 0)
			perror("udpflood: sendto");
		if (i % 32 == 31)
			usleep(1000);
	}
	return 0;
}

static int count(int s, struct sockaddr_in *at, long n)
{
	struct timeval quiet = { .tv_sec = 5 };
	unsigned char buf[2048];
	long got = 0;

	if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &quiet, sizeof(quiet)) ||
	    bind(s, (struct sockaddr *)at, sizeof(*at))) {
		perror("udpflood: bind");
		return 1;
	}
	while (got < n && recv(s, buf, sizeof(buf), 0) >= 0)
		got++;
	printf("received %ld\n", got);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int s;
	long n;

	if (argc < 4)
		return usage();
	a.sin_port = htons((unsigned short)atoi(argv[2]));
	n = atol(argv[3]);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0) {
		perror("udpflood: socket");
		return 1;
	}
	if (!strcmp(argv[1], "send") && argc == 5) {
		if (inet_pton(AF_INET, argv[4], &a.sin_addr) != 1)
			return usage();
		return flood(s, &a, n);
	}
	if (!strcmp(argv[1], "recv") && argc == 4)
		return count(s, &a, n);
	return usage();
}
