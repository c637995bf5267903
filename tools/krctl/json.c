// SPDX-License-Identifier: GPL-2.0
/* Copyright (C) 2026 keyrot authors */
#include "json.h"

#include <inttypes.h>

void kr_json_init(struct kr_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = true;
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* The comma and the key before a member or element. */
static void member(struct kr_json *j, const char *key)
{
	if (!j->first[j->depth])
		fputc(',', j->f);
	j->first[j->depth] = false;
	if (key) {
		put_string(j->f, key);
		fputc(':', j->f);
	}
}

static void open_level(struct kr_json *j, const char *key, char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth + 1 < KR_JSON_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_level(struct kr_json *j, char c)
{
	fputc(c, j->f);
	if (j->depth > 0)
		j->depth--;
}

void kr_json_obj_open(struct kr_json *j, const char *key)
{
	open_level(j, key, '{');
}

void kr_json_obj_close(struct kr_json *j)
{
	close_level(j, '}');
}

void kr_json_arr_open(struct kr_json *j, const char *key)
{
	open_level(j, key, '[');
}

void kr_json_arr_close(struct kr_json *j)
{
	close_level(j, ']');
}

void kr_json_u64(struct kr_json *j, const char *key, uint64_t v)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void kr_json_str(struct kr_json *j, const char *key, const char *s)
{
	member(j, key);
	put_string(j->f, s);
}

void kr_json_bool(struct kr_json *j, const char *key, bool v)
{
	member(j, key);
	fputs(v ? "true" : "false", j->f);
}

void kr_json_flags(struct kr_json *j, const char *key, uint32_t v,
		   const char *const *names, int n)
{
	int i;

	kr_json_arr_open(j, key);
	for (i = 0; i < 32; i++) {
		if (!(v & (1u << i)))
			continue;
		if (i < n)
			kr_json_str(j, NULL, names[i]);
		else
			kr_json_u64(j, NULL, 1u << i);
	}
	kr_json_arr_close(j);
}
