/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_KEYCMD_H
#define KR_KEYCMD_H

/*
 * The identity verbs of the irmd command line (docs/oap.md 3):
 *
 *   irmd keygen FILE   make an identity, write FILE (0600, never
 *                      overwritten), print its public key
 *   irmd pubkey FILE   print FILE's public key (base64), for peers' configs
 *
 * The daemon's main() hands argv from the verb on to kr_keycmd_run().
 */
#include <stdio.h>

/**
 * kr_keycmd_is_verb() - is @verb one of ours?
 * @verb: argv[1] of irmd
 *
 * Return: 1 for "keygen" or "pubkey", else 0.
 */
int kr_keycmd_is_verb(const char *verb);

/**
 * kr_keycmd_run() - run "keygen FILE" or "pubkey FILE"
 * @argc: arguments from the verb on
 * @argv: argv[0] is the verb
 * @out: the public key goes here, one line of base64
 * @err: "irmd: FILE: reason" on failure
 *
 * No private key byte is ever printed.
 *
 * Return: the exit status: 0, 1 on failure, 2 on a usage error.
 */
int kr_keycmd_run(int argc, char **argv, FILE *out, FILE *err);

#endif /* KR_KEYCMD_H */
