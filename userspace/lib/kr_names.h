/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_NAMES_H
#define KR_NAMES_H

#include <stddef.h>
#include <stdint.h>

/*
 * The names uapi/keyrot.yaml gives values, attributes and operations: what
 * krctl prints and what its JSON keys are, so that its output reads like
 * the spec and like YNL's cli.py.
 */

/* Each returns NULL for a value the spec does not name. */
const char *kr_name_role(unsigned int v);
const char *kr_name_cipher(unsigned int v);
const char *kr_name_epoch_state(unsigned int v);
const char *kr_name_op(int cmd);
/* An event's name without "-ntf": "rekey-needed", "flow-down", ... */
const char *kr_name_event(int cmd);
/* The attribute @type of the set operation @cmd's requests use. */
const char *kr_name_attr(int cmd, int type);
/* A stats attribute (KEYROT_A_STATS_*). */
const char *kr_name_stat(int type);

/* Names of the bits of the flags word (enum keyrot_rb) and of the reasons. */
extern const char *const kr_rb_names[];
extern const int kr_rb_count;
extern const char *const kr_reason_names[];
extern const int kr_reason_count;

/**
 * kr_name_flags() - "rd,wr,rekey": the names of the bits set in @v
 * @buf: receives the text, "-" when @v is 0
 * @len: size of @buf
 * @v: the word
 * @names: the name of each bit, from bit 0
 * @n: how many bits have names; others print as 0x... once
 *
 * Return: @buf.
 */
char *kr_name_flags(char *buf, size_t len, uint32_t v,
		    const char *const *names, int n);

#endif /* KR_NAMES_H */
