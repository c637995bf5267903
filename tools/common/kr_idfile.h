/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_IDFILE_H
#define KR_IDFILE_H

#include <stdint.h>

/**
 * kr_idfile_write() - write "ID\n" to @path atomically
 * @path: the file; a temporary beside it is renamed over it
 * @id: the flow id
 *
 * A script polling for @path never reads it half written.
 *
 * Return: 0, or -errno.
 */
int kr_idfile_write(const char *path, uint32_t id);

#endif /* KR_IDFILE_H */
