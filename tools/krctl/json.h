/* SPDX-License-Identifier: GPL-2.0 */
/* Copyright (C) 2026 keyrot authors */
#ifndef KR_JSON_H
#define KR_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

enum { KR_JSON_DEPTH = 8 };

/*
 * A JSON writer for one value on one line: objects and arrays nest, the
 * writer puts the commas.  @key is the member's name inside an object and
 * NULL inside an array or at the top.  Deeper than KR_JSON_DEPTH is a bug.
 */
struct kr_json {
	FILE *f;
	int depth;
	bool first[KR_JSON_DEPTH];
};

void kr_json_init(struct kr_json *j, FILE *f);
void kr_json_obj_open(struct kr_json *j, const char *key);
void kr_json_obj_close(struct kr_json *j);
void kr_json_arr_open(struct kr_json *j, const char *key);
void kr_json_arr_close(struct kr_json *j);
void kr_json_u64(struct kr_json *j, const char *key, uint64_t v);
void kr_json_str(struct kr_json *j, const char *key, const char *s);
void kr_json_bool(struct kr_json *j, const char *key, bool v);
/* The names of the bits set in @v as an array of strings (numbers if unnamed). */
void kr_json_flags(struct kr_json *j, const char *key, uint32_t v,
		   const char *const *names, int n);

#endif /* KR_JSON_H */
