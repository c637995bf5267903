// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "keycmd.h"
#include "identity.h"

#include <string.h>

int kr_keycmd_is_verb(const char *verb)
{
	return !strcmp(verb, "keygen") || !strcmp(verb, "pubkey");
}

int kr_keycmd_run(int argc, char **argv, FILE *out, FILE *err)
{
	char b64[KR_IDENT_B64_LEN + 1];
	const char *why = "";
	struct kr_ident id;
	int ret;

	if (argc != 2 || !kr_keycmd_is_verb(argv[0])) {
		fprintf(err, "usage: irmd keygen FILE | irmd pubkey FILE\n");
		return 2;
	}
	if (!strcmp(argv[0], "keygen")) {
		ret = kr_ident_generate(&id);
		if (ret) {
			fprintf(err, "irmd: keygen: cannot make a key\n");
			return 1;
		}
		ret = kr_ident_save(&id, argv[1], &why);
	} else {
		ret = kr_ident_load(&id, argv[1], &why);
	}
	if (ret) {
		fprintf(err, "irmd: %s: %s (%s)\n", argv[1], why, strerror(-ret));
		kr_ident_free(&id);
		return 1;
	}
	kr_ident_pub_b64(b64, id.pub);
	kr_ident_free(&id);
	fprintf(out, "%s\n", b64);
	return 0;
}
