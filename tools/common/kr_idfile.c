// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "kr_idfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int kr_idfile_write(const char *path, uint32_t id)
{
	char tmp[4096], line[16];
	int fd, len, ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	len = snprintf(line, sizeof(line), "%u\n", id);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	errno = 0;
	if (write(fd, line, len) != len) {
		ret = errno ? -errno : -EIO;
		goto err_unlink;
	}
	if (close(fd)) {
		ret = -errno;
		fd = -1;
		goto err_unlink;
	}
	if (rename(tmp, path)) {
		ret = -errno;
		fd = -1;
		goto err_unlink;
	}
	return 0;

err_unlink:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return ret;
}
