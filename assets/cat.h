/*
 * cat: the kiosk's string catalogs, one file per language under assets/i18n/.
 *
 * Every word the kiosk shows a person lives in a catalog, never in screen code.
 * A catalog file holds "key = value" lines; '#' starts a comment line; blank
 * lines are ignored; in values "\n" is a line break and "\\" a backslash.
 * Keys are dotted lower-case names ("welcome.title"). Both languages must
 * define exactly the same keys with non-empty values; cat_open() refuses a
 * catalog pair that does not. Plain C, no I/O after cat_open().
 */
#ifndef KIOSK_CAT_H
#define KIOSK_CAT_H

#include <stddef.h>
#include <stdio.h>

typedef enum { CAT_ID = 0, CAT_EN = 1, CAT_NLANG = 2 } cat_lang;

typedef struct cat cat;

/*
 * Load DIR/id.txt and DIR/en.txt into *OUT.
 * Returns 0 on success. On any error (unreadable file, line without '=',
 * duplicate key, empty value, key present in one language only, file over
 * 256 KiB) prints one "FILE:LINE: message" line per problem to ERRORS (may be
 * NULL), leaves *OUT NULL and returns the number of problems (> 0).
 */
int cat_open(cat **out, const char *dir, FILE *errors);

/* Free a catalog and set *C to NULL. Accepts NULL and *C == NULL. */
void cat_free(cat **c);

/*
 * The text for KEY in LANG. Never NULL: an unknown key returns KEY itself so
 * the gap is visible on screen (and the catalog test catches it first).
 * The pointer stays valid until cat_free(). O(1) average (hash lookup).
 */
const char *cat_get(const cat *c, cat_lang lang, const char *key);

/* 1 when KEY exists (in both languages: cat_open guarantees they match). */
int cat_has(const cat *c, const char *key);

/* Number of keys, and the I-th key in load order (for tests and tools). */
size_t cat_count(const cat *c);
const char *cat_key_at(const cat *c, size_t i);

/* "id" / "en" */
const char *cat_lang_code(cat_lang lang);

/* Parse "id" or "en" into *OUT; returns 0, or -1 for anything else. */
int cat_lang_parse(const char *s, cat_lang *out);

#endif
