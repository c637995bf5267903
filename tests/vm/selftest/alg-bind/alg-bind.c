// SPDX-License-Identifier: GPL-2.0
/*
 * VM harness self-test helper: alg-bind TYPE NAME binds an AF_ALG socket to
 * the crypto algorithm NAME of TYPE (e.g. aead "gcm(aes)").  The kernel then
 * instantiates the algorithm, loading the modules it needs through
 * request_module() ("net-pf-38", "algif-aead", "crypto-*" aliases), which
 * shows that /proc/sys/kernel/modprobe and modules.alias work in the image.
 * Exits 0 when the bind succeeds, 1 (with a message) otherwise.
 */

#include <errno.h>
#include <linux/if_alg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef AF_ALG
#define AF_ALG 38
#endif

int main(int argc, char **argv)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	int fd;

	if (argc != 3 || strlen(argv[1]) >= sizeof(sa.salg_type) ||
	    strlen(argv[2]) >= sizeof(sa.salg_name)) {
		fprintf(stderr, "usage: alg-bind TYPE NAME\n");
		return 2;
	}
	strcpy((char *)sa.salg_type, argv[1]);
	strcpy((char *)sa.salg_name, argv[2]);

	fd = socket(AF_ALG, SOCK_SEQPACKET, 0);
	if (fd < 0) {
		fprintf(stderr, "alg-bind: socket(AF_ALG): %s\n", strerror(errno));
		return 1;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "alg-bind: bind %s \"%s\": %s\n", argv[1], argv[2],
			strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	return 0;
}
