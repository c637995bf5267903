// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
/*
 * Identity keys (docs/oap.md 3): a saved key loads back to the same key,
 * the file is 0600 whatever the umask, an existing file is never
 * overwritten, a key file others may read (or not regular, or not a PEM
 * Ed25519 key) is refused; public keys in base64 and hex, canonical only.
 */
#include "identity.h"
#include "keycmd.h"
#include "oap_crypto.h"
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

static char dir[] = "/tmp/kr_ident_XXXXXX";

static char *path(const char *name)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static bool loads(const char *p, int want)
{
	struct kr_ident id;
	const char *why = NULL;
	int ret = kr_ident_load(&id, p, &why);

	kr_ident_free(&id);
	return ret == want && (!ret || why);
}

static void write_file(const char *p, const char *text, mode_t mode)
{
	FILE *f = fopen(p, "w");

	fputs(text, f);
	fclose(f);
	chmod(p, mode);
}

static void files(void)
{
	struct kr_ident id, back;
	uint8_t th[32] = { 1 }, sig[64];
	const char *why;
	struct stat st;
	mode_t old;

	kr_ident_generate(&id);
	old = umask(0);
	UNIT_CASE("save", !kr_ident_save(&id, path("id.pem"), &why));
	umask(old);
	UNIT_CASE("saved_mode_0600_despite_umask_0",
		  !stat(path("id.pem"), &st) && (st.st_mode & 07777) == 0600);
	UNIT_CASE("load_same_key",
		  !kr_ident_load(&back, path("id.pem"), &why) &&
		  !memcmp(back.pub, id.pub, 32));
	UNIT_CASE("loaded_key_signs",
		  !kr_oap_crypto_sign(back.key, th, sig) &&
		  !kr_oap_crypto_verify(id.pub, th, sig));
	kr_ident_free(&back);
	UNIT_CASE("never_overwrites",
		  kr_ident_save(&id, path("id.pem"), &why) == -EEXIST);
	UNIT_CASE("existing_file_unchanged", loads(path("id.pem"), 0));

	chmod(path("id.pem"), 0640);
	UNIT_CASE("group_readable_refused", loads(path("id.pem"), -EPERM));
	chmod(path("id.pem"), 0604);
	UNIT_CASE("world_readable_refused", loads(path("id.pem"), -EPERM));
	chmod(path("id.pem"), 0610);
	UNIT_CASE("group_executable_refused", loads(path("id.pem"), -EPERM));
	chmod(path("id.pem"), 0602);
	UNIT_CASE("world_writable_refused", loads(path("id.pem"), -EPERM));
	chmod(path("id.pem"), 0400);
	UNIT_CASE("mode_0400_accepted", loads(path("id.pem"), 0));
	UNIT_CASE("directory_refused", loads(dir, -EPERM) ||
		  loads(dir, -EISDIR));
	UNIT_CASE("missing_refused", loads(path("nope.pem"), -ENOENT));
	write_file(path("junk.pem"), "not a key\n", 0600);
	UNIT_CASE("not_pem_refused", loads(path("junk.pem"), -EINVAL));

	/* a PEM private key of another type */
	{
		EVP_PKEY *x = EVP_PKEY_Q_keygen(NULL, NULL, "X25519");
		FILE *f = fopen(path("x25519.pem"), "w");

		PEM_write_PrivateKey(f, x, NULL, NULL, 0, NULL, NULL);
		fclose(f);
		chmod(path("x25519.pem"), 0600);
		EVP_PKEY_free(x);
		UNIT_CASE("x25519_key_refused",
			  loads(path("x25519.pem"), -EINVAL));
	}
	/* an encrypted key is refused, never prompted for */
	{
		FILE *f = fopen(path("enc.pem"), "w");

		PEM_write_PKCS8PrivateKey(f, id.key, EVP_aes_256_cbc(), NULL,
					  0, NULL, (void *)"secret");
		fclose(f);
		chmod(path("enc.pem"), 0600);
		UNIT_CASE("encrypted_key_refused_without_prompt",
			  loads(path("enc.pem"), -EINVAL));
	}
	kr_ident_free(&id);
}

static void pubkeys(void)
{
	static const char hexkey[] =
		"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
	char b64[KR_IDENT_B64_LEN + 1], bad[80];
	uint8_t pub[32], back[32];

	UNIT_CASE("parse_hex", !kr_ident_pub_parse(pub, hexkey) &&
		  pub[0] == 0xd7 && pub[31] == 0x1a);
	kr_ident_pub_b64(b64, pub);
	UNIT_CASE("b64_known", !strcmp(b64,
		  "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="));
	UNIT_CASE("b64_roundtrip", !kr_ident_pub_parse(back, b64) &&
		  !memcmp(back, pub, 32));
	strcpy(bad, b64);
	bad[42] = 'p';		/* same bytes, non-zero padding bits */
	UNIT_CASE("b64_non_canonical_refused",
		  kr_ident_pub_parse(back, bad) == -EINVAL);
	UNIT_CASE("b64_short_refused", kr_ident_pub_parse(back,
		  "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUR=") == -EINVAL);
	UNIT_CASE("b64_long_refused", kr_ident_pub_parse(back,
		  "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo==") == -EINVAL);
	UNIT_CASE("b64_bad_char_refused", kr_ident_pub_parse(back,
		  "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcH*Ro=") == -EINVAL);
	UNIT_CASE("b64_no_padding_refused", kr_ident_pub_parse(back,
		  "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURoA") == -EINVAL);
	UNIT_CASE("hex_63_refused", kr_ident_pub_parse(back, hexkey + 1) ==
		  -EINVAL);
	strcpy(bad, hexkey);
	bad[10] = 'g';
	UNIT_CASE("hex_bad_digit_refused", kr_ident_pub_parse(back, bad) ==
		  -EINVAL);
	strcpy(bad, " ");
	strcat(bad, b64);
	UNIT_CASE("surrounding_space_refused", kr_ident_pub_parse(back, bad) ==
		  -EINVAL);
}

/* Run an irmd verb; @out receives its standard output. */
static int verb(const char *v, const char *file, char *out, size_t size)
{
	char *argv[] = { (char *)v, (char *)file, NULL };
	char *o = NULL, *e = NULL;
	size_t ol = 0, el = 0;
	FILE *fo = open_memstream(&o, &ol), *fe = open_memstream(&e, &el);
	int ret = kr_keycmd_run(file ? 2 : 1, argv, fo, fe);

	fclose(fo);
	fclose(fe);
	snprintf(out, size, "%s", o);
	free(o);
	free(e);
	return ret;
}

static void commands(void)
{
	char a[128], b[128];
	struct stat st;

	UNIT_CASE("keygen_prints_public_key",
		  !verb("keygen", path("k.pem"), a, sizeof(a)) &&
		  strlen(a) == KR_IDENT_B64_LEN + 1 && a[KR_IDENT_B64_LEN] == '\n');
	UNIT_CASE("keygen_file_0600", !stat(path("k.pem"), &st) &&
		  (st.st_mode & 07777) == 0600);
	UNIT_CASE("pubkey_same_key", !verb("pubkey", path("k.pem"), b,
					   sizeof(b)) && !strcmp(a, b));
	UNIT_CASE("keygen_never_overwrites",
		  verb("keygen", path("k.pem"), b, sizeof(b)) == 1 && !*b &&
		  !verb("pubkey", path("k.pem"), b, sizeof(b)) && !strcmp(a, b));
	chmod(path("k.pem"), 0644);
	UNIT_CASE("pubkey_refuses_readable_file",
		  verb("pubkey", path("k.pem"), b, sizeof(b)) == 1 && !*b);
	UNIT_CASE("usage", verb("pubkey", NULL, b, sizeof(b)) == 2 &&
		  verb("keys", path("k.pem"), b, sizeof(b)) == 2 &&
		  kr_keycmd_is_verb("keygen") && !kr_keycmd_is_verb("run"));
	unlink(path("k.pem"));
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	files();
	pubkeys();
	commands();
	unlink(path("id.pem"));
	unlink(path("junk.pem"));
	unlink(path("x25519.pem"));
	unlink(path("enc.pem"));
	rmdir(dir);
	return unit_done();
}
