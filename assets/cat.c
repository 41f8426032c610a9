/*
 * cat: loader and lookup for the string catalogs (assets/i18n/id.txt and
 * en.txt); the contract is in cat.h.
 *
 * Each file is read whole (at most CAT_FILE_MAX bytes) into one buffer that
 * the catalog keeps: lines are cut in place, keys and values are trimmed and
 * NUL-terminated where they lie, and escapes are undone in place (unescaping
 * only shrinks text). While a file is parsed its keys go into an
 * open-addressing hash table (FNV-1a, linear probing, at most half full),
 * which finds duplicates; the two tables then check that both languages hold
 * the same keys, and the Indonesian file's table becomes the catalog's index.
 * Every problem is one "FILE:LINE: message" line; problems about a whole file
 * (unreadable, too large, out of memory) use line 0. After cat_open() nothing
 * allocates or does I/O, so lookups are safe from any thread.
 */
#include "cat.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum {
	CAT_FILE_MAX = 256 * 1024, /* bytes per catalog file */
	CAT_KEY_MAX = 64,          /* characters per key */
	CAT_VALUE_MAX = 2048,      /* bytes per value, after unescaping */
	CAT_PATH_MAX = 4096,
};

/* Broken invariants (a caller's bug) stop the program where they happen. */
#define expect(cond)                                                                     \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "%s:%d: %s: expected %s\n", __FILE__, __LINE__, \
				__func__, #cond);                                        \
			abort();                                                         \
		}                                                                        \
	} while (0)

static const char *const cat_file_names[CAT_NLANG] = {"id.txt", "en.txt"};

/* One "key = value" line of one file. */
struct cat_line {
	char *key;
	char *val;     /* NULL when the value was refused */
	unsigned line; /* 1-based */
};

/* A hash index over an array of keys: slot holds index + 1, 0 is empty. */
struct cat_index {
	uint32_t *slot;
	size_t mask; /* slot count - 1; slot count is a power of two */
};

/* One catalog file while it is being loaded. */
struct cat_file {
	char path[CAT_PATH_MAX];
	char *buf;
	struct cat_line *lines;
	size_t n;
	struct cat_index idx;
	int ok; /* read and parsed (possibly with errors in single lines) */
};

struct cat_entry {
	const char *key;
	const char *val[CAT_NLANG];
};

struct cat {
	char *buf[CAT_NLANG];
	struct cat_entry *ent;
	size_t n;
	struct cat_index idx;
};

_Static_assert(offsetof(struct cat_line, key) == 0, "cat_index_find reads the key first");
_Static_assert(offsetof(struct cat_entry, key) == 0, "cat_index_find reads the key first");

/* Load state: where problems go and how many there were. */
struct cat_load {
	FILE *errors;
	int nerr;
};

__attribute__((format(printf, 4, 5))) static void
cat_report(struct cat_load *ld, const char *path, unsigned line, const char *fmt, ...)
{
	va_list ap;

	ld->nerr++;
	if (ld->errors == NULL)
		return;
	fprintf(ld->errors, "%s:%u: ", path, line);
	va_start(ap, fmt);
	vfprintf(ld->errors, fmt, ap);
	va_end(ap);
	fputc('\n', ld->errors);
}

/* FNV-1a, 32 bits. */
static uint32_t cat_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 16777619u;
	}
	return h;
}

/* Size the index for up to MAXKEYS keys (load factor <= 1/2). Returns 0 or -1. */
static int cat_index_init(struct cat_index *ix, size_t maxkeys)
{
	size_t cap = 8;

	while (cap < 2 * maxkeys)
		cap *= 2;
	ix->slot = calloc(cap, sizeof(*ix->slot));
	ix->mask = cap - 1;
	return ix->slot != NULL ? 0 : -1;
}

/*
 * The slot where KEY lives, or the empty slot where it would go. BASE is the
 * array the index points into (struct cat_line or struct cat_entry, STRIDE
 * bytes apart); both start with their key pointer (asserted below).
 */
static size_t cat_index_find(const struct cat_index *ix, const void *base, size_t stride,
			     const char *key)
{
	size_t i = cat_hash(key) & ix->mask;

	for (;;) {
		uint32_t s = ix->slot[i];
		const char *k;

		if (s == 0)
			return i;
		memcpy(&k, (const char *)base + (s - 1) * stride, sizeof(k));
		if (strcmp(k, key) == 0)
			return i;
		i = (i + 1) & ix->mask;
	}
}

static int cat_is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

/*
 * Length of the valid UTF-8 prefix of S[0..N) (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF); N when all of it is valid.
 * A NUL byte counts as invalid: the catalog hands out C strings.
 */
static size_t cat_utf8_valid(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i];
		size_t len;
		unsigned lo = 0x80, hi = 0xbf;

		if (c == 0)
			return i;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			if (c == 0xe0)
				lo = 0xa0; /* overlong */
			else if (c == 0xed)
				hi = 0x9f; /* surrogates */
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			if (c == 0xf0)
				lo = 0x90; /* overlong */
			else if (c == 0xf4)
				hi = 0x8f; /* above U+10FFFF */
		} else {
			return i;
		}
		if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k < len; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return i;
		i += len;
	}
	return n;
}

/* 1 when S[0..N) matches [a-z0-9_]+(\.[a-z0-9_]+)+. */
static int cat_key_valid(const char *s, size_t n)
{
	size_t seg = 0; /* characters in the current segment */
	int dots = 0;

	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_') {
			seg++;
		} else if (ch == '.' && seg > 0) {
			dots++;
			seg = 0;
		} else {
			return 0;
		}
	}
	return dots > 0 && seg > 0;
}

/* Quote S[0..N) for a message: printable ASCII as is, other bytes as \xNN. */
static const char *cat_quote(char *out, size_t outlen, const char *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			out[o++] = (char)c;
		} else {
			snprintf(out + o, outlen - o, "\\x%02x", c);
			o += 4;
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * Undo \n and \\ in VAL in place and NUL-terminate it. Returns 0, or -1 with
 * the offending escape's position in *BAD (the backslash).
 */
static int cat_unescape(char *val, size_t n, size_t *bad)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (val[i] != '\\') {
			val[o++] = val[i];
			continue;
		}
		if (i + 1 < n && val[i + 1] == 'n') {
			val[o++] = '\n';
		} else if (i + 1 < n && val[i + 1] == '\\') {
			val[o++] = '\\';
		} else {
			*bad = i;
			return -1;
		}
		i++;
	}
	val[o] = '\0';
	return 0;
}

/* Parse one line (LINE[0..LEN), no newline) of F into F->lines. */
static void cat_parse_line(struct cat_load *ld, struct cat_file *f, unsigned lineno, char *line,
			   size_t len)
{
	char *const line0 = line; /* for columns in messages */
	char qbuf[4 * CAT_KEY_MAX + 16];
	char *eq, *key, *val;
	size_t klen, vlen, bad, slot;
	struct cat_line *cl;

	if (len > 0 && line[len - 1] == '\r')
		len--; /* a file saved with CRLF line ends */
	while (len > 0 && cat_is_space(*line)) {
		line++;
		len--;
	}
	if (len == 0 || *line == '#')
		return;

	eq = memchr(line, '=', len);
	if (eq == NULL) {
		cat_report(ld, f->path, lineno, "missing '=' (expected \"key = value\")");
		return;
	}

	key = line;
	klen = (size_t)(eq - line);
	while (klen > 0 && cat_is_space(key[klen - 1]))
		klen--;
	val = eq + 1;
	vlen = (size_t)(line + len - val);
	while (vlen > 0 && cat_is_space(*val)) {
		val++;
		vlen--;
	}
	while (vlen > 0 && cat_is_space(val[vlen - 1]))
		vlen--;

	if (klen == 0) {
		cat_report(ld, f->path, lineno, "missing key before '='");
		return;
	}
	if (klen > CAT_KEY_MAX) {
		cat_report(ld, f->path, lineno, "key \"%s\" is longer than %d characters",
			   cat_quote(qbuf, sizeof(qbuf), key, CAT_KEY_MAX), CAT_KEY_MAX);
		return;
	}
	if (!cat_key_valid(key, klen)) {
		cat_report(ld, f->path, lineno,
			   "bad key \"%s\" (expected dotted lower-case words like "
			   "\"welcome.title\": a-z 0-9 _ and '.')",
			   cat_quote(qbuf, sizeof(qbuf), key, klen));
		return;
	}
	key[klen] = '\0'; /* at most overwrites the '=' */

	slot = cat_index_find(&f->idx, f->lines, sizeof(*f->lines), key);
	if (f->idx.slot[slot] != 0) {
		cat_report(ld, f->path, lineno, "%s: duplicate key (first defined at line %u)",
			   key, f->lines[f->idx.slot[slot] - 1].line);
		return;
	}
	cl = &f->lines[f->n];
	cl->key = key;
	cl->val = NULL;
	cl->line = lineno;
	f->idx.slot[slot] = (uint32_t)++f->n;

	/* From here the key is recorded even when its value is refused, so the
	 * other language does not also report it as missing. */
	bad = cat_utf8_valid((const unsigned char *)val, vlen);
	if (bad < vlen) {
		cat_report(ld, f->path, lineno,
			   "%s: value is not valid UTF-8 (byte 0x%02x at column %zu)", key,
			   (unsigned char)val[bad], (size_t)(val - line0) + bad + 1);
		return;
	}
	if (cat_unescape(val, vlen, &bad) != 0) {
		if (bad + 1 == vlen)
			cat_report(ld, f->path, lineno, "%s: value ends with a lone '\\'", key);
		else
			cat_report(ld, f->path, lineno,
				   "%s: unknown escape \"\\%s\" (only \\n and \\\\ are allowed)",
				   key, cat_quote(qbuf, sizeof(qbuf), val + bad + 1, 1));
		return;
	}
	vlen = strlen(val);
	if (vlen > CAT_VALUE_MAX) {
		cat_report(ld, f->path, lineno, "%s: value is longer than %d bytes", key,
			   CAT_VALUE_MAX);
		return;
	}
	if (strspn(val, " \t\n") == vlen) {
		cat_report(ld, f->path, lineno, "%s: empty value", key);
		return;
	}
	cl->val = val;
}

/* Read and parse F->path. Sets F->ok when the file could be read whole. */
static void cat_load_file(struct cat_load *ld, struct cat_file *f)
{
	FILE *fp;
	size_t len, nlines, start;
	unsigned lineno;
	int err;

	fp = fopen(f->path, "rb");
	if (fp == NULL) {
		cat_report(ld, f->path, 0, "cannot open: %s", strerror(errno));
		return;
	}
	f->buf = malloc(CAT_FILE_MAX + 1);
	if (f->buf == NULL) {
		fclose(fp);
		cat_report(ld, f->path, 0, "out of memory");
		return;
	}
	/* One byte more than the cap tells "exactly at the cap" from "over". */
	len = fread(f->buf, 1, CAT_FILE_MAX + 1, fp);
	err = ferror(fp) ? errno : 0;
	fclose(fp);
	if (err != 0) {
		cat_report(ld, f->path, 0, "cannot read: %s", strerror(err));
		return;
	}
	if (len > CAT_FILE_MAX) {
		cat_report(ld, f->path, 0, "file is larger than %d KiB", CAT_FILE_MAX / 1024);
		return;
	}
	f->buf[len] = '\0';

	nlines = 1;
	for (size_t i = 0; i < len; i++)
		nlines += f->buf[i] == '\n';
	f->lines = calloc(nlines, sizeof(*f->lines));
	if (f->lines == NULL || cat_index_init(&f->idx, nlines) != 0) {
		cat_report(ld, f->path, 0, "out of memory");
		return;
	}

	/* A UTF-8 byte order mark, as some Windows editors write, is not part of the
	 * first key. */
	start = (len >= 3 && memcmp(f->buf, "\xef\xbb\xbf", 3) == 0) ? 3 : 0;
	lineno = 1;
	while (start < len) {
		char *nl = memchr(f->buf + start, '\n', len - start);
		size_t end = nl != NULL ? (size_t)(nl - f->buf) : len;

		f->buf[end] = '\0';
		cat_parse_line(ld, f, lineno, f->buf + start, end - start);
		start = end + 1;
		lineno++;
	}
	f->ok = 1;
}

static void cat_file_free(struct cat_file *f)
{
	free(f->buf);
	free(f->lines);
	free(f->idx.slot);
	f->buf = NULL;
	f->lines = NULL;
	f->idx.slot = NULL;
}

/* Report every key of A that B lacks, at A's line. */
static void cat_cross_check(struct cat_load *ld, const struct cat_file *a,
			    const struct cat_file *b, const char *bname)
{
	for (size_t i = 0; i < a->n; i++) {
		size_t s = cat_index_find(&b->idx, b->lines, sizeof(*b->lines), a->lines[i].key);

		if (b->idx.slot[s] == 0)
			cat_report(ld, a->path, a->lines[i].line, "%s: missing in %s",
				   a->lines[i].key, bname);
	}
}

int cat_open(cat **out, const char *dir, FILE *errors)
{
	struct cat_load ld = {errors, 0};
	struct cat_file f[CAT_NLANG];
	cat *c = NULL;

	expect(out != NULL);
	expect(dir != NULL);
	*out = NULL;
	memset(f, 0, sizeof(f));

	for (int l = 0; l < CAT_NLANG; l++) {
		int n = snprintf(f[l].path, sizeof(f[l].path), "%s/%s", dir, cat_file_names[l]);

		if (n < 0 || (size_t)n >= sizeof(f[l].path)) {
			snprintf(f[l].path, sizeof(f[l].path), "%s", cat_file_names[l]);
			cat_report(&ld, f[l].path, 0, "directory path is too long");
			continue;
		}
		cat_load_file(&ld, &f[l]);
	}
	/* Without both files every key of the readable one would be "missing". */
	if (f[CAT_ID].ok && f[CAT_EN].ok) {
		cat_cross_check(&ld, &f[CAT_ID], &f[CAT_EN], cat_file_names[CAT_EN]);
		cat_cross_check(&ld, &f[CAT_EN], &f[CAT_ID], cat_file_names[CAT_ID]);
	}
	if (ld.nerr > 0)
		goto fail;

	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->ent = calloc(f[CAT_ID].n + 1, sizeof(*c->ent))) == NULL) {
		cat_report(&ld, f[CAT_ID].path, 0, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < f[CAT_ID].n; i++) {
		const struct cat_line *id = &f[CAT_ID].lines[i];
		size_t s = cat_index_find(&f[CAT_EN].idx, f[CAT_EN].lines,
					  sizeof(*f[CAT_EN].lines), id->key);

		c->ent[i].key = id->key;
		c->ent[i].val[CAT_ID] = id->val;
		c->ent[i].val[CAT_EN] = f[CAT_EN].lines[f[CAT_EN].idx.slot[s] - 1].val;
	}
	c->n = f[CAT_ID].n;
	/* The Indonesian index maps keys to line numbers, which are the entry
	 * indexes too: take it over as is. */
	c->idx = f[CAT_ID].idx;
	f[CAT_ID].idx.slot = NULL;
	for (int l = 0; l < CAT_NLANG; l++) {
		c->buf[l] = f[l].buf;
		f[l].buf = NULL;
		cat_file_free(&f[l]);
	}
	*out = c;
	return 0;

fail:
	if (c != NULL) {
		free(c->ent);
		free(c);
	}
	for (int l = 0; l < CAT_NLANG; l++)
		cat_file_free(&f[l]);
	return ld.nerr;
}

void cat_free(cat **c)
{
	if (c == NULL || *c == NULL)
		return;
	for (int l = 0; l < CAT_NLANG; l++)
		free((*c)->buf[l]);
	free((*c)->ent);
	free((*c)->idx.slot);
	free(*c);
	*c = NULL;
}

static const struct cat_entry *cat_lookup(const cat *c, const char *key)
{
	size_t s = cat_index_find(&c->idx, c->ent, sizeof(*c->ent), key);

	return c->idx.slot[s] != 0 ? &c->ent[c->idx.slot[s] - 1] : NULL;
}

const char *cat_get(const cat *c, cat_lang lang, const char *key)
{
	const struct cat_entry *e;

	expect(c != NULL);
	expect(key != NULL);
	expect(lang == CAT_ID || lang == CAT_EN);
	e = cat_lookup(c, key);
	return e != NULL ? e->val[lang] : key;
}

int cat_has(const cat *c, const char *key)
{
	expect(c != NULL);
	expect(key != NULL);
	return cat_lookup(c, key) != NULL;
}

size_t cat_count(const cat *c)
{
	expect(c != NULL);
	return c->n;
}

const char *cat_key_at(const cat *c, size_t i)
{
	expect(c != NULL);
	expect(i < c->n);
	return c->ent[i].key;
}

const char *cat_lang_code(cat_lang lang)
{
	expect(lang == CAT_ID || lang == CAT_EN);
	return lang == CAT_ID ? "id" : "en";
}

int cat_lang_parse(const char *s, cat_lang *out)
{
	expect(out != NULL);
	if (s != NULL && strcmp(s, "id") == 0) {
		*out = CAT_ID;
		return 0;
	}
	if (s != NULL && strcmp(s, "en") == 0) {
		*out = CAT_EN;
		return 0;
	}
	return -1;
}
