// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "identity.h"
#include "kr_hex.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>

/* A PKCS#8 PEM Ed25519 key is 119 bytes; anything near this is not one. */
enum { PEM_MAX = 4096 };

/* Never prompt for a passphrase: an encrypted key file is refused. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static int fill_pub(struct kr_ident *id)
{
	size_t len = KR_OAP_PUB_LEN;

	if (EVP_PKEY_get_raw_public_key(id->key, id->pub, &len) != 1 ||
	    len != KR_OAP_PUB_LEN) {
		kr_ident_free(id);
		return -EIO;
	}
	return 0;
}

int kr_ident_generate(struct kr_ident *id)
{
	memset(id, 0, sizeof(*id));
	id->key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!id->key)
		return -ENOMEM;
	return fill_pub(id);
}

int kr_ident_from_seed(struct kr_ident *id, const uint8_t seed[32])
{
	memset(id, 0, sizeof(*id));
	id->key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed,
					       32);
	if (!id->key)
		return -ENOMEM;
	return fill_pub(id);
}

void kr_ident_free(struct kr_ident *id)
{
	EVP_PKEY_free(id->key);
	memset(id, 0, sizeof(*id));
}

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int kr_ident_save(const struct kr_ident *id, const char *path,
		  const char **why)
{
	char *pem = NULL;
	long pemlen;
	BIO *bio;
	int fd, ret;

	/* The secure heap is wiped when the BIO is freed. */
	bio = BIO_new(BIO_s_secmem());
	if (!bio) {
		*why = "out of memory";
		return -ENOMEM;
	}
	if (PEM_write_bio_PrivateKey(bio, id->key, NULL, NULL, 0, NULL,
				     NULL) != 1) {
		*why = "cannot encode the key";
		ret = -EIO;
		goto out_free_bio;
	}
	pemlen = BIO_get_mem_data(bio, &pem);
	if (pemlen <= 0) {
		*why = "cannot encode the key";
		ret = -EIO;
		goto out_free_bio;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		*why = ret == -EEXIST ? "file exists (not overwritten)" :
		       "cannot create the file";
		goto out_free_bio;
	}
	/* The umask may only have taken bits away; make it exactly 0600. */
	if (fchmod(fd, 0600)) {
		ret = -errno;
		*why = "cannot set mode 0600";
		goto out_unlink;
	}
	ret = write_all(fd, pem, (size_t)pemlen);
	if (!ret && fsync(fd))
		ret = -errno;
	if (ret) {
		*why = "cannot write the file";
		goto out_unlink;
	}
	if (close(fd)) {
		ret = -errno;
		*why = "cannot write the file";
		unlink(path);
		goto out_free_bio;
	}
	BIO_free(bio);
	return 0;

out_unlink:
	close(fd);
	unlink(path);
out_free_bio:
	BIO_free(bio);
	return ret;
}

int kr_ident_load(struct kr_ident *id, const char *path, const char **why)
{
	char buf[PEM_MAX];
	size_t len = 0;
	struct stat st;
	BIO *bio;
	ssize_t n;
	int fd, ret;

	memset(id, 0, sizeof(*id));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = "cannot open the file";
		return -errno;
	}
	if (fstat(fd, &st)) {
		ret = -errno;
		*why = "cannot stat the file";
		goto out_close;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		ret = -EPERM;
		goto out_close;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		*why = "owned by another user";
		ret = -EPERM;
		goto out_close;
	}
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		*why = "group or others may access it (chmod 600)";
		ret = -EPERM;
		goto out_close;
	}
	while (len < sizeof(buf)) {
		n = read(fd, buf + len, sizeof(buf) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			*why = "cannot read the file";
			goto out_wipe;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	if (len == sizeof(buf)) {
		*why = "too long for a key file";
		ret = -EINVAL;
		goto out_wipe;
	}
	bio = BIO_new_mem_buf(buf, (int)len);
	if (!bio) {
		*why = "out of memory";
		ret = -ENOMEM;
		goto out_wipe;
	}
	id->key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (!id->key || EVP_PKEY_get_id(id->key) != EVP_PKEY_ED25519) {
		kr_ident_free(id);
		*why = "not an Ed25519 private key in PEM";
		ret = -EINVAL;
		goto out_wipe;
	}
	ret = fill_pub(id);
	if (ret)
		*why = "cannot read the public key";
out_wipe:
	OPENSSL_cleanse(buf, sizeof(buf));
out_close:
	close(fd);
	return ret;
}

void kr_ident_pub_b64(char out[KR_IDENT_B64_LEN + 1],
		      const uint8_t pub[KR_OAP_PUB_LEN])
{
	EVP_EncodeBlock((unsigned char *)out, pub, KR_OAP_PUB_LEN);
	out[KR_IDENT_B64_LEN] = '\0';
}

int kr_ident_pub_parse(uint8_t pub[KR_OAP_PUB_LEN], const char *s)
{
	unsigned char raw[KR_OAP_PUB_LEN + 1];
	char again[KR_IDENT_B64_LEN + 1];
	size_t len = strlen(s);

	if (len == 2 * KR_OAP_PUB_LEN)
		return kr_hex_decode(pub, KR_OAP_PUB_LEN, s, len);
	if (len != KR_IDENT_B64_LEN || s[len - 1] != '=' || s[len - 2] == '=')
		return -EINVAL;
	/* 44 characters decode to 33 bytes, the last one the padding's. */
	if (EVP_DecodeBlock(raw, (const unsigned char *)s, (int)len) !=
	    KR_OAP_PUB_LEN + 1)
		return -EINVAL;
	kr_ident_pub_b64(again, raw);
	if (strcmp(again, s))
		return -EINVAL;
	memcpy(pub, raw, KR_OAP_PUB_LEN);
	return 0;
}
