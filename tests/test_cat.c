/*
 * test_cat: the string catalogs (assets/cat.c) and the shipped catalogs.
 *
 * The first tests load small catalog pairs written to temporary directories
 * and check lookups, escapes and, for every kind of bad input, the exact
 * "FILE:LINE: message" lines cat_open() prints. The last tests guard the
 * shipped catalogs: assets/i18n must load without a problem, and every string
 * literal in app/ (recursively, *.c only) that looks like a catalog key must
 * be one. A literal "looks like a key" when its raw text matches
 * ^[a-z][a-z0-9_]*\.[a-z0-9_.]+$ and its first segment (before the first dot)
 * is a namespace that at least one catalog key uses; so "welcome.titel" is
 * caught while "kiosk.conf" or "1.2" are not (unless a namespace "kiosk"
 * exists). Comments, character literals and #include names are skipped. A
 * fixture tree shows the scan reports exactly the missing key and nothing
 * else, so a failure of the real scan means real missing keys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cat.h"

#ifndef KIOSK_SOURCE_DIR
#error "KIOSK_SOURCE_DIR (the repository root) must be defined by the build"
#endif

enum { SCAN_FILE_MAX = 4 * 1024 * 1024 };

/* ---- helpers ------------------------------------------------------------ */


static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Each test gets a fresh directory in *STATE, removed even when it fails. */
static int setup_dir(void **state)
{
	char tmpl[] = "/tmp/test_cat.XXXXXX";

	if (mkdtemp(tmpl) == NULL)
		return -1;
	*state = strdup(tmpl);
	return *state != NULL ? 0 : -1;
}

static int teardown_dir(void **state)
{
	nftw(*state, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(*state);
	return 0;
}

/* Write LEN bytes of TEXT (LEN 0: strlen) to DIR/NAME, creating DIR. */
static void write_file(const char *dir, const char *name, const char *text, size_t len)
{
	char path[4096];
	FILE *fp;

	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	if (len == 0)
		len = strlen(text);
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* cat_open() with its error lines captured into *ERRS (caller frees). */
static int open_capture(cat **c, const char *dir, char **errs)
{
	size_t len = 0;
	FILE *mem = open_memstream(errs, &len);
	int rc;

	assert_non_null(mem);
	rc = cat_open(c, dir, mem);
	assert_int_equal(fclose(mem), 0);
	return rc;
}

/* printf-style expected text, for messages that contain the temp dir. */
__attribute__((format(printf, 1, 2))) static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, f);
	n = vasprintf(&s, f, ap);
	va_end(ap);
	assert_true(n >= 0);
	return s;
}

/* TMPL with every "%s" replaced by DIR (caller frees). */
static char *subst(const char *tmpl, const char *dir)
{
	char *s = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&s, &len);

	assert_non_null(mem);
	for (const char *p = tmpl; *p != '\0'; p++) {
		if (p[0] == '%' && p[1] == 's') {
			fputs(dir, mem);
			p++;
		} else {
			fputc(*p, mem);
		}
	}
	assert_int_equal(fclose(mem), 0);
	return s;
}

/* ---- valid catalogs ----------------------------------------------------- */

static void test_valid_lookup(void **state)
{
	const char *dir = *state;
	char *errs = NULL;
	cat *c = NULL;
	cat_lang l;

	/* A byte order mark, CRLF line ends, comments, blank lines, spaces. */
	write_file(dir, "id.txt",
		   "\xef\xbb\xbf# Indonesian\r\n"
		   "\r\n"
		   "welcome.title = Selamat datang\r\n"
		   "  common.ok=Oke  \n"
		   "\t# indented comment\n"
		   "help.multi = Baris satu\\nBaris dua \\\\ akhir\n"
		   "help.sign =  a = b # bukan komentar\n"
		   "common.lang_name = Bahasa Indonesia",
		   0);
	write_file(dir, "en.txt",
		   "common.ok = OK\n"
		   "welcome.title\t=\tWelcome\n"
		   "help.multi = Line one\\nLine two \\\\ end\n"
		   "help.sign = a = b # not a comment\n"
		   "common.lang_name = English\n",
		   0);

	assert_int_equal(open_capture(&c, dir, &errs), 0);
	assert_string_equal(errs, "");
	assert_non_null(c);

	assert_int_equal(cat_count(c), 5);
	assert_string_equal(cat_key_at(c, 0), "welcome.title"); /* Indonesian file's order */
	assert_string_equal(cat_key_at(c, 1), "common.ok");
	assert_string_equal(cat_key_at(c, 4), "common.lang_name");

	assert_string_equal(cat_get(c, CAT_ID, "welcome.title"), "Selamat datang");
	assert_string_equal(cat_get(c, CAT_EN, "welcome.title"), "Welcome");
	assert_string_equal(cat_get(c, CAT_ID, "common.ok"), "Oke");
	assert_string_equal(cat_get(c, CAT_EN, "common.ok"), "OK");
	assert_string_equal(cat_get(c, CAT_ID, "help.multi"), "Baris satu\nBaris dua \\ akhir");
	assert_string_equal(cat_get(c, CAT_EN, "help.multi"), "Line one\nLine two \\ end");
	assert_string_equal(cat_get(c, CAT_ID, "help.sign"), "a = b # bukan komentar");
	assert_string_equal(cat_get(c, CAT_ID, "common.lang_name"), "Bahasa Indonesia");

	assert_true(cat_has(c, "common.ok"));
	assert_false(cat_has(c, "common"));
	assert_false(cat_has(c, "common.ok.x"));

	/* An unknown key comes back as itself (the same pointer). */
	{
		const char *unknown = "welcome.nope";

		assert_ptr_equal(cat_get(c, CAT_ID, unknown), unknown);
		assert_ptr_equal(cat_get(c, CAT_EN, unknown), unknown);
	}

	assert_string_equal(cat_lang_code(CAT_ID), "id");
	assert_string_equal(cat_lang_code(CAT_EN), "en");
	assert_int_equal(cat_lang_parse("en", &l), 0);
	assert_int_equal(l, CAT_EN);
	assert_int_equal(cat_lang_parse("id", &l), 0);
	assert_int_equal(l, CAT_ID);
	assert_int_equal(cat_lang_parse("EN", &l), -1);
	assert_int_equal(cat_lang_parse("", &l), -1);
	assert_int_equal(cat_lang_parse(NULL, &l), -1);

	cat_free(&c);
	assert_null(c);
	cat_free(&c);   /* *c == NULL is fine */
	cat_free(NULL); /* and so is NULL */
	free(errs);
}

/* Many keys: the hash table grows past its first size and finds them all. */
static void test_many_keys(void **state)
{
	const char *dir = *state;
	char *errs = NULL;
	char *id = NULL, *en = NULL, key[32], want[48];
	size_t idlen = 0, enlen = 0;
	FILE *fi = open_memstream(&id, &idlen), *fe = open_memstream(&en, &enlen);
	cat *c = NULL;

	assert_non_null(fi);
	assert_non_null(fe);
	for (int i = 0; i < 3000; i++) {
		fprintf(fi, "ns%d.key_%d = nilai %d\n", i % 7, i, i);
		int j = 2999 - i; /* the other file in the opposite order */

		fprintf(fe, "ns%d.key_%d = value %d\n", j % 7, j, j);
	}
	fclose(fi);
	fclose(fe);
	write_file(dir, "id.txt", id, 0);
	write_file(dir, "en.txt", en, 0);

	assert_int_equal(open_capture(&c, dir, &errs), 0);
	assert_int_equal(cat_count(c), 3000);
	for (int i = 0; i < 3000; i++) {
		snprintf(key, sizeof(key), "ns%d.key_%d", i % 7, i);
		assert_string_equal(cat_key_at(c, (size_t)i), key);
		snprintf(want, sizeof(want), "value %d", i);
		assert_string_equal(cat_get(c, CAT_EN, key), want);
		snprintf(want, sizeof(want), "nilai %d", i);
		assert_string_equal(cat_get(c, CAT_ID, key), want);
	}
	cat_free(&c);
	free(errs);
	free(id);
	free(en);
}

/* The caps are inclusive: a 64-character key, a 2048-byte value, a 256 KiB file. */
static void test_limits_ok(void **state)
{
	const char *dir = *state;
	char *errs = NULL;
	char key[80], line[2200], *big;
	size_t n;
	cat *c = NULL;

	memset(key, 'k', 64);
	key[1] = '.';
	key[64] = '\0';
	n = (size_t)snprintf(line, sizeof(line), "%s = ", key);
	line[n + 2048] = '\n';
	line[n + 2049] = '\0';
	memset(line + n, 'v', 2048);

	big = malloc(256 * 1024);
	assert_non_null(big);
	memset(big, '#', 256 * 1024);
	memcpy(big, line, strlen(line)); /* the rest is one long comment line */
	write_file(dir, "id.txt", big, 256 * 1024);
	write_file(dir, "en.txt", line, 0);

	assert_int_equal(open_capture(&c, dir, &errs), 0);
	assert_string_equal(errs, "");
	assert_int_equal(strlen(cat_get(c, CAT_ID, key)), 2048);
	cat_free(&c);
	free(errs);
	free(big);
}

/* ---- errors ------------------------------------------------------------- */

struct bad_case {
	const char *name;
	const char *id;
	const char *en;
	const char *want; /* each %s is the directory */
	int nerr;
};

static const struct bad_case bad_cases[] = {
	{"missing =", "a.b = x\nthis line has no equals sign\n", "a.b = y\n",
	 "%s/id.txt:2: missing '=' (expected \"key = value\")\n", 1},
	{"missing key", "a.b = x\n = y\n", "a.b = y\n", "%s/id.txt:2: missing key before '='\n",
	 1},
	{"duplicate key", "a.b = x\n\n# c\na.b = z\n", "a.b = y\n",
	 "%s/id.txt:4: a.b: duplicate key (first defined at line 1)\n", 1},
	{"empty value", "a.b = x\n", "a.b =   \t \n", "%s/en.txt:1: a.b: empty value\n", 1},
	{"value of escaped blanks", "a.b = \\n \\n\n", "a.b = y\n",
	 "%s/id.txt:1: a.b: empty value\n", 1},
	{"bad key: upper case", "Welcome.title = x\na.b = x\n", "a.b = y\n",
	 "%s/id.txt:1: bad key \"Welcome.title\" (expected dotted lower-case words like "
	 "\"welcome.title\": a-z 0-9 _ and '.')\n",
	 1},
	{"bad key: no dot", "a.b = x\nwelcome = x\n", "a.b = y\n",
	 "%s/id.txt:2: bad key \"welcome\" (expected dotted lower-case words like "
	 "\"welcome.title\": a-z 0-9 _ and '.')\n",
	 1},
	{"bad key: empty segment", "a.b = x\n", "a..b = y\na.b = y\n",
	 "%s/en.txt:1: bad key \"a..b\" (expected dotted lower-case words like "
	 "\"welcome.title\": a-z 0-9 _ and '.')\n",
	 1},
	{"bad key: trailing dot and space inside", "a.b = x\nwelcome. title = x\n", "a.b = y\n",
	 "%s/id.txt:2: bad key \"welcome. title\" (expected dotted lower-case words like "
	 "\"welcome.title\": a-z 0-9 _ and '.')\n",
	 1},
	{"bad key: too long",
	 "a.b = x\nk.123456789012345678901234567890123456789012345678901234567890123 = x\n",
	 "a.b = y\n",
	 "%s/id.txt:2: key \"k.12345678901234567890123456789012345678901234567890123456789012\" "
	 "is longer than 64 characters\n",
	 1},
	{"invalid UTF-8: Latin-1 byte", "a.b = caf\xe9\n", "a.b = cafe\n",
	 "%s/id.txt:1: a.b: value is not valid UTF-8 (byte 0xe9 at column 10)\n", 1},
	{"invalid UTF-8: overlong", "a.b = x\n", "a.b = \xc0\xaf\n",
	 "%s/en.txt:1: a.b: value is not valid UTF-8 (byte 0xc0 at column 7)\n", 1},
	{"invalid UTF-8: surrogate", "a.b =  ok \xed\xa0\x80\n", "a.b = y\n",
	 "%s/id.txt:1: a.b: value is not valid UTF-8 (byte 0xed at column 11)\n", 1},
	{"invalid UTF-8: cut sequence", "a.b = x\xe2\x82\n", "a.b = y\n",
	 "%s/id.txt:1: a.b: value is not valid UTF-8 (byte 0xe2 at column 8)\n", 1},
	{"unknown escape", "a.b = tab\\there\n", "a.b = y\n",
	 "%s/id.txt:1: a.b: unknown escape \"\\t\" (only \\n and \\\\ are allowed)\n", 1},
	{"lone backslash", "a.b = x\n", "a.b = y\\\n", "%s/en.txt:1: a.b: value ends with a lone '\\'\n",
	 1},
	{"key in English only", "a.b = x\n", "a.b = y\n\nwelcome.title = Welcome\n",
	 "%s/en.txt:3: welcome.title: missing in id.txt\n", 1},
	{"keys in one language each", "a.b = x\nid.only = x\n", "en.only = y\na.b = y\n",
	 "%s/id.txt:2: id.only: missing in en.txt\n"
	 "%s/en.txt:1: en.only: missing in id.txt\n",
	 2},
	{"several problems at once", "a.b = x\nnope\na.b = y\nc.d =\n", "a.b = y\nc.d = z\n",
	 "%s/id.txt:2: missing '=' (expected \"key = value\")\n"
	 "%s/id.txt:3: a.b: duplicate key (first defined at line 1)\n"
	 "%s/id.txt:4: c.d: empty value\n",
	 3},
};

static void test_bad_catalogs(void **state)
{
	const char *dir = *state;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		char *errs = NULL, *want;
		cat *c = (cat *)&errs; /* not NULL: cat_open must clear it */
		int rc;

		write_file(dir, "id.txt", bc->id, 0);
		write_file(dir, "en.txt", bc->en, 0);
		want = subst(bc->want, dir);
		rc = open_capture(&c, dir, &errs);
		if (strcmp(errs, want) != 0 || rc != bc->nerr)
			print_error("case \"%s\": got %d error(s):\n%swanted %d:\n%s", bc->name, rc,
				    errs, bc->nerr, want);
		assert_string_equal(errs, want);
		assert_int_equal(rc, bc->nerr);
		assert_null(c);

		/* The same count without an error stream. */
		c = (cat *)&errs;
		assert_int_equal(cat_open(&c, dir, NULL), bc->nerr);
		assert_null(c);

		free(want);
		free(errs);
	}
}

static void test_unreadable_dir(void **state)
{
	const char *dir = *state;
	char *errs = NULL, *want, *missing;
	cat *c = NULL;

	missing = fmt("%s/no-such-dir", dir);
	want = fmt("%s/id.txt:0: cannot open: No such file or directory\n"
		   "%s/en.txt:0: cannot open: No such file or directory\n",
		   missing, missing);
	assert_int_equal(open_capture(&c, missing, &errs), 2);
	assert_string_equal(errs, want);
	assert_null(c);
	free(errs);
	free(want);

	/* One file missing: only that problem, no "missing in" noise for the other. */
	write_file(dir, "en.txt", "a.b = y\n", 0);
	want = fmt("%s/id.txt:0: cannot open: No such file or directory\n", dir);
	assert_int_equal(open_capture(&c, dir, &errs), 1);
	assert_string_equal(errs, want);
	free(errs);
	free(want);

	free(missing);
}

static void test_too_big(void **state)
{
	const char *dir = *state;
	char *errs = NULL, *want, *big;
	cat *c = NULL;

	big = malloc(256 * 1024 + 1);
	assert_non_null(big);
	memset(big, '#', 256 * 1024 + 1);
	write_file(dir, "id.txt", big, 256 * 1024 + 1);
	write_file(dir, "en.txt", "a.b = y\n", 0);
	want = fmt("%s/id.txt:0: file is larger than 256 KiB\n", dir);
	assert_int_equal(open_capture(&c, dir, &errs), 1);
	assert_string_equal(errs, want);
	assert_null(c);
	free(errs);
	free(want);

	/* A value of 2049 bytes once unescaped: 2048 'v' and a "\n". */
	memset(big, 'v', 2100);
	memcpy(big, "a.b = ", 6);
	memcpy(big + 6 + 2048, "\\n\n", 4);
	write_file(dir, "id.txt", big, 0);
	want = fmt("%s/id.txt:1: a.b: value is longer than 2048 bytes\n", dir);
	assert_int_equal(open_capture(&c, dir, &errs), 1);
	assert_string_equal(errs, want);
	free(errs);
	free(want);
	free(big);
}

/* A directory named id.txt: it opens but cannot be read. */
static void test_file_is_directory(void **state)
{
	const char *dir = *state;
	char *errs = NULL, *want, path[4096];
	cat *c = NULL;

	snprintf(path, sizeof(path), "%s/id.txt", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	write_file(dir, "en.txt", "a.b = y\n", 0);
	want = fmt("%s/id.txt:0: cannot read: Is a directory\n", dir);
	assert_int_equal(open_capture(&c, dir, &errs), 1);
	assert_string_equal(errs, want);
	assert_null(c);
	free(errs);
	free(want);
}

/* ---- the scan of app/ for keys ------------------------------------------ */

typedef void (*literal_fn)(void *arg, const char *lit, size_t n, unsigned line);

/*
 * Call FN for every string literal in the C text TEXT[0..LEN) with its raw
 * contents (escapes left as written) and the line it starts on. Skips //
 * and block comments, character literals, and the header name of #include.
 */
static void scan_literals(const char *text, size_t len, literal_fn fn, void *arg)
{
	unsigned line = 1;
	int bol = 1; /* only blanks so far on this line */
	size_t i = 0;

	while (i < len) {
		char ch = text[i];
		char next = i + 1 < len ? text[i + 1] : '\0';

		if (ch == '\n') {
			line++;
			bol = 1;
			i++;
		} else if (ch == '/' && next == '/') {
			while (i < len && text[i] != '\n')
				i++;
		} else if (ch == '/' && next == '*') {
			for (i += 2; i < len && !(text[i] == '*' && i + 1 < len && text[i + 1] == '/');
			     i++)
				line += text[i] == '\n';
			i += 2;
		} else if (ch == '#' && bol) {
			size_t j = i + 1;

			while (j < len && (text[j] == ' ' || text[j] == '\t'))
				j++;
			if (len - j >= 7 && memcmp(text + j, "include", 7) == 0) {
				while (j < len && text[j] != '\n')
					j++;
			}
			i = j;
			bol = 0;
		} else if (ch == '\'' || ch == '"') {
			size_t start = ++i;
			unsigned at = line;

			while (i < len && text[i] != ch && text[i] != '\n') {
				if (text[i] == '\\' && i + 1 < len) {
					line += text[i + 1] == '\n';
					i++;
				}
				i++;
			}
			if (ch == '"')
				fn(arg, text + start, i - start, at);
			i++;
			bol = 0;
		} else {
			if (ch != ' ' && ch != '\t' && ch != '\r')
				bol = 0;
			i++;
		}
	}
}

/* ^[a-z][a-z0-9_]*\.[a-z0-9_.]+$ */
static int looks_like_key(const char *s, size_t n)
{
	size_t i = 1;

	if (n < 3 || s[0] < 'a' || s[0] > 'z')
		return 0;
	while (i < n && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
		i++;
	if (i >= n || s[i] != '.' || i + 1 >= n)
		return 0;
	for (i++; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '.'))
			return 0;
	return 1;
}

/* 1 when some catalog key starts with NS[0..N) followed by '.'. */
static int namespace_used(const cat *c, const char *ns, size_t n)
{
	for (size_t i = 0; i < cat_count(c); i++) {
		const char *k = cat_key_at(c, i);

		if (strncmp(k, ns, n) == 0 && k[n] == '.')
			return 1;
	}
	return 0;
}

struct scan {
	const cat *c;
	const char *rel; /* file being scanned, relative to the root */
	FILE *out;       /* one line per problem */
	int problems;
	unsigned last_line; /* the last report, to say a key used twice on a line once */
	char last_key[256];
};

static void check_literal(void *arg, const char *lit, size_t n, unsigned line)
{
	struct scan *sc = arg;
	char key[256];

	if (!looks_like_key(lit, n))
		return;
	if (!namespace_used(sc->c, lit, (size_t)((const char *)memchr(lit, '.', n) - lit)))
		return;
	if (n < sizeof(key)) { /* longer ones cannot be keys (at most 64 characters) */
		memcpy(key, lit, n);
		key[n] = '\0';
		if (cat_has(sc->c, key))
			return;
	}
	if (line == sc->last_line && strlen(sc->last_key) == n && memcmp(sc->last_key, lit, n) == 0)
		return;
	sc->last_line = line;
	snprintf(sc->last_key, sizeof(sc->last_key), "%.*s", (int)n, lit);
	fprintf(sc->out, "%s:%u: key \"%.*s\" is not in the catalogs\n", sc->rel, line, (int)n,
		lit);
	sc->problems++;
}

static int not_hidden(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* OUT = A "/" B; paths longer than the buffer are a test setup bug. */
static void join(char *out, size_t outlen, const char *a, const char *b)
{
	int n = snprintf(out, outlen, "%s/%s", a, b);

	assert_true(n > 0 && (size_t)n < outlen);
}

/* Scan ROOT/REL (a directory) recursively, in name order. */
static void scan_dir(struct scan *sc, const char *root, const char *rel)
{
	struct dirent **names = NULL;
	char path[4096], sub[4096];
	int n;

	join(path, sizeof(path), root, rel);
	n = scandir(path, &names, not_hidden, alphasort);
	if (n < 0) {
		fprintf(sc->out, "%s: cannot list: %s\n", path, strerror(errno));
		sc->problems++;
		return;
	}
	for (int i = 0; i < n; i++) {
		struct stat st;

		join(sub, sizeof(sub), rel, names[i]->d_name);
		join(path, sizeof(path), root, sub);
		if (stat(path, &st) != 0) {
			fprintf(sc->out, "%s: cannot stat: %s\n", path, strerror(errno));
			sc->problems++;
		} else if (S_ISDIR(st.st_mode)) {
			scan_dir(sc, root, sub);
		} else if (S_ISREG(st.st_mode) && strlen(sub) > 2 &&
			   strcmp(sub + strlen(sub) - 2, ".c") == 0) {
			FILE *fp = fopen(path, "rb");
			char *text = malloc(SCAN_FILE_MAX);
			size_t len = 0;

			if (fp == NULL || text == NULL ||
			    (len = fread(text, 1, SCAN_FILE_MAX, fp)) == SCAN_FILE_MAX ||
			    ferror(fp)) {
				fprintf(sc->out, "%s: cannot read (or larger than %d bytes)\n", path,
					SCAN_FILE_MAX - 1);
				sc->problems++;
			} else {
				sc->rel = sub;
				sc->last_line = 0;
				scan_literals(text, len, check_literal, sc);
			}
			if (fp != NULL)
				fclose(fp);
			free(text);
		}
		free(names[i]);
	}
	free(names);
}

/* Scan ROOT/app (and ROOT/rules, whose codes name catalog keys, when it
 * exists) for keys missing from C; problem lines go into *REPORT. */
static int scan_app(const cat *c, const char *root, char **report)
{
	size_t len = 0;
	struct scan sc = {c, NULL, open_memstream(report, &len), 0, 0, ""};
	char rules[PATH_MAX];
	struct stat st;

	assert_non_null(sc.out);
	scan_dir(&sc, root, "app");
	snprintf(rules, sizeof rules, "%s/rules", root);
	if (stat(rules, &st) == 0 && S_ISDIR(st.st_mode))
		scan_dir(&sc, root, "rules");
	assert_int_equal(fclose(sc.out), 0);
	return sc.problems;
}

static void collect_literal(void *arg, const char *lit, size_t n, unsigned line)
{
	fprintf(arg, "%u:%.*s|", line, (int)n, lit);
}

static void test_scan_lexer(void **state)
{
	static const char text[] = "/* \"in.block\" */ a = \"one\";\n"
				   "// \"in.line\" 'x\n"
				   "b = '\"'; c = \"two\\\"x\\\\\"; d = '\\''; e = \"three\";\n"
				   "  #  include \"inc.h\"\n"
				   "f = \"a\\\nb\"; g = \"four\"; /* multi\n"
				   "line \"no\" */ h = u8\"five\"; // \"no\"\n"
				   "#define X \"six\"\n"
				   "x = a / b * c; \"seven\"";
	char *got = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&got, &len);

	(void)state;
	assert_non_null(mem);
	scan_literals(text, sizeof(text) - 1, collect_literal, mem);
	fclose(mem);
	assert_string_equal(got, "1:one|3:two\\\"x\\\\|3:three|5:a\\\nb|6:four|7:five|8:six|9:seven|");
	free(got);

	assert_true(looks_like_key("welcome.title", 13));
	assert_true(looks_like_key("a.b.c_1", 7));
	assert_true(looks_like_key("a.b.", 4)); /* matches the rule, then fails the lookup */
	assert_false(looks_like_key("a.", 2));
	assert_false(looks_like_key(".a", 2));
	assert_false(looks_like_key("Welcome.title", 13));
	assert_false(looks_like_key("1.2", 3));
	assert_false(looks_like_key("welcome", 7));
	assert_false(looks_like_key("welcome.%s", 10));
	assert_false(looks_like_key("welcome title.x", 15));
}

/* A fixture tree: one key missing, one present, and every kind of decoy. */
static void test_scan_fixture(void **state)
{
	const char *dir = *state;
	char *errs = NULL, *report = NULL, app[4096], sub[4096], i18n[4096];
	cat *c = NULL;

	snprintf(i18n, sizeof(i18n), "%s/i18n", dir);
	snprintf(app, sizeof(app), "%s/app", dir);
	snprintf(sub, sizeof(sub), "%s/app/screens", dir);
	write_file(i18n, "id.txt", "common.ok = Oke\nwelcome.title = Selamat datang\n", 0);
	write_file(i18n, "en.txt", "common.ok = OK\nwelcome.title = Welcome\n", 0);
	write_file(app, "screen.c",
		   "/* Fixture: \"welcome.in_comment\" is inside a comment,\n"
		   "   \"common.also_comment\" too. */\n"
		   "#include \"welcome.h\"\n"
		   "#  include \"common.h\"\n"
		   "static const char quote = '\"'; /* a quote in a char literal */\n"
		   "static const char *title = \"welcome.title\"; // \"welcome.in_line\"\n"
		   "static const char *esc = \"say \\\"welcome.escaped\\\"\";\n"
		   "static const char *other = \"other.namespace\";\n"
		   "static const char *file = \"kiosk.conf\";\n"
		   "static const char *gone[] = {\"welcome.subtitle\", \"welcome.subtitle\"};\n"
		   "static const char *bs = \"\\\\\"; static const char *ok = \"common.ok\";\n"
		   "static const char apos = '\\''; static const char *ver = \"1.2\";\n",
		   0);
	write_file(sub, "list.c", "const char *k = \"common.ok\"; /* \"common.nope\" */\n", 0);
	write_file(app, "notes.txt", "\"welcome.not_c_source\"\n", 0);
	write_file(app, "screen.h", "#define K \"welcome.in_header\"\n", 0);

	assert_int_equal(open_capture(&c, i18n, &errs), 0);
	assert_int_equal(scan_app(c, dir, &report), 1);
	assert_string_equal(report, "app/screen.c:10: key \"welcome.subtitle\" is not in the catalogs\n");

	cat_free(&c);
	free(errs);
	free(report);
}

/* The shipped catalogs load cleanly and hold every key app/ uses. */
static void test_shipped_catalogs(void **state)
{
	char *errs = NULL, *report = NULL;
	cat *c = NULL;
	int rc, blank = 0, missing;
	size_t n;

	(void)state;
	rc = open_capture(&c, KIOSK_SOURCE_DIR "/assets/i18n", &errs);
	if (rc != 0) {
		print_error("%s", errs);
		free(errs);
		fail_msg("assets/i18n: %d problem(s) (see above)", rc);
	}
	free(errs);
	n = cat_count(c);

	/* cat_open refuses blank values; make sure nothing slipped through. */
	for (size_t i = 0; i < n; i++) {
		for (int l = 0; l < CAT_NLANG; l++) {
			const char *v = cat_get(c, (cat_lang)l, cat_key_at(c, i));

			if (v[strspn(v, " \t\r\n")] == '\0') {
				print_error("%s: blank value in %s.txt\n", cat_key_at(c, i),
					    cat_lang_code((cat_lang)l));
				blank++;
			}
		}
	}

	missing = scan_app(c, KIOSK_SOURCE_DIR, &report);
	if (missing != 0)
		print_error("%s", report);
	/* Free before failing: a failure here is common while screens are being
	 * written, and leak reports would bury the list above. */
	cat_free(&c);
	free(report);
	assert_true(n > 0);
	assert_int_equal(blank, 0);
	if (missing != 0)
		fail_msg("%d key(s) used in app/ are not in assets/i18n (see above)", missing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_valid_lookup, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_many_keys, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_limits_ok, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_bad_catalogs, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_unreadable_dir, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_too_big, setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_file_is_directory, setup_dir, teardown_dir),
		cmocka_unit_test(test_scan_lexer),
		cmocka_unit_test_setup_teardown(test_scan_fixture, setup_dir, teardown_dir),
		cmocka_unit_test(test_shipped_catalogs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
