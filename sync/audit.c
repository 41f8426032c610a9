/*
 * audit: the hash-chained staff audit log (see audit.h for the contracts).
 *
 * Statements are prepared per call on the queue handle's connection
 * (store_db): audit calls are rare next to a citizen's submit, and the
 * queue's own statement table stays the queue's. Strings are bound
 * SQLITE_STATIC and SQLite's error texts never leave this file.
 *
 * Verification loads the whole chain (seq, stored hash, recomputed hash,
 * prev_hash) into memory, indexes it by hash, and asks of each entry which
 * entry its prev_hash names ("its chain predecessor") and whether that is
 * the entry before it in seq order. An entry whose chain predecessor is
 * itself out of place is only a bystander of a move (the entry after a
 * moved one), so it is not reported again: that is what lets a swap of two
 * entries or a changed seq be named at the entries that were touched.
 */
#include "audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store.h"
#include "val.h"

#define HASH_LEN 64
#define ENCODING_TAG "kiosk-audit-v1\n"

static const char genesis[HASH_LEN + 1] = "0000000000000000000000000000000000000000000000000000000000000000";

_Static_assert(sizeof genesis == HASH_LEN + 1, "the genesis is 64 zeros");
_Static_assert(AUDIT_HASH_HEX == HASH_LEN + 1, "a hash in hex and its NUL");

/* ---- text rules ------------------------------------------------------------------ */

bool audit_text_ok(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint32_t cp;
		int len = val_utf8_decode(s + i, n - i, &cp);

		if (len == 0 || cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
			return false;
		i += (size_t)len;
	}
	return true;
}

/* BUF (CAP bytes) holds a NUL. */
static bool terminated(const char *buf, size_t cap)
{
	return memchr(buf, '\0', cap) != NULL;
}

/* S is non-empty and only a-z and '_'. */
static bool verb_ok(const char *s)
{
	if (s[0] == '\0')
		return false;
	for (; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || *s == '_'))
			return false;
	}
	return true;
}

static bool field_ok(const char *buf, size_t cap)
{
	return terminated(buf, cap) && audit_text_ok(buf, strlen(buf));
}

static bool rec_ok(const audit_rec *r)
{
	return r->at >= 0 && field_ok(r->actor, sizeof r->actor) && r->actor[0] != '\0' &&
	       field_ok(r->role, sizeof r->role) && verb_ok(r->role) &&
	       field_ok(r->action, sizeof r->action) && verb_ok(r->action) &&
	       field_ok(r->target, sizeof r->target) &&
	       field_ok(r->detail, sizeof r->detail);
}

/* Copy S into DST (CAP bytes, zero-filled first); false when it does not fit. */
static bool put(char *dst, size_t cap, const char *s)
{
	memset(dst, 0, cap);
	if (!s)
		return true;
	size_t n = strnlen(s, cap);
	if (n >= cap)
		return false;
	memcpy(dst, s, n);
	return true;
}

queue_err audit_rec_fill(audit_rec *r, int64_t at, const char *actor, const char *role, const char *action,
			 const char *target, const char *detail)
{
	if (!r)
		return QUEUE_ERR_INVALID;
	memset(r, 0, sizeof *r);
	r->at = at;
	if (!actor || !role || !action || !put(r->actor, sizeof r->actor, actor) ||
	    !put(r->role, sizeof r->role, role) || !put(r->action, sizeof r->action, action) ||
	    !put(r->target, sizeof r->target, target) || !put(r->detail, sizeof r->detail, detail) ||
	    !rec_ok(r)) {
		memset(r, 0, sizeof *r);
		return QUEUE_ERR_INVALID;
	}
	return QUEUE_OK;
}

/* ---- the hash -------------------------------------------------------------------- */

/* libsodium wants sodium_init() before use; it is idempotent and
 * thread-safe, and fails only when the system has no entropy source. */
static bool crypto_ready(void)
{
	return sodium_init() >= 0;
}

/* One field of the encoding: its decimal length, ':', the bytes, '\n'. */
static void hash_field(crypto_hash_sha256_state *h, const void *bytes, size_t n)
{
	char len[24];
	int k = snprintf(len, sizeof len, "%zu:", n);
	crypto_hash_sha256_update(h, (const unsigned char *)len, (unsigned long long)k);
	if (n > 0)
		crypto_hash_sha256_update(h, bytes, n);
	crypto_hash_sha256_update(h, (const unsigned char *)"\n", 1);
}

/* A field as bytes and length (stored values need not be NUL-free). */
typedef struct span {
	const void *p;
	size_t n;
} span;

/* The entry's hash, in lowercase hex, into OUT. F: actor, role, action,
 * target, detail. */
static void hash_entry(span prev, int64_t at, const span f[5], char out[AUDIT_HASH_HEX])
{
	crypto_hash_sha256_state h;
	unsigned char sum[crypto_hash_sha256_BYTES];
	char at_text[24];
	int k = snprintf(at_text, sizeof at_text, "%" PRId64, at);

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, (const unsigned char *)ENCODING_TAG, sizeof ENCODING_TAG - 1);
	hash_field(&h, prev.p, prev.n);
	hash_field(&h, at_text, (size_t)k);
	for (int i = 0; i < 5; i++)
		hash_field(&h, f[i].p, f[i].n);
	crypto_hash_sha256_final(&h, sum);
	sodium_bin2hex(out, AUDIT_HASH_HEX, sum, sizeof sum);
}

static span str_span(const char *s)
{
	return (span){s, strlen(s)};
}

/* ---- SQLite helpers ------------------------------------------------------------- */

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st)
{
	return sqlite3_prepare_v3(db, sql, -1, 0, st, NULL);
}

/* Copy column COL of ST (text, at most CAP - 1 bytes, cut at a character
 * boundary when longer) into DST, NUL-terminated and zero-filled. */
static void column_copy(sqlite3_stmt *st, int col, char *dst, size_t cap)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);
	memset(dst, 0, cap);
	if (!s)
		return;
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && (s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, s, n);
}

/* ---- append ---------------------------------------------------------------------- */

queue_err audit_append_locked(queue *q, const audit_rec *r)
{
	if (!q || !r || !rec_ok(r))
		return QUEUE_ERR_INVALID;
	sqlite3 *db = store_db(q);
	if (sqlite3_get_autocommit(db))
		return QUEUE_ERR_INVALID;
	if (!crypto_ready())
		return QUEUE_ERR_IO;

	sqlite3_stmt *st = NULL;
	bool have_head = false, have_rows = false;
	int64_t head_seq = 0, top_seq = 0;
	char head_hash[AUDIT_HASH_HEX] = "", top_hash[AUDIT_HASH_HEX] = "";

	int rc = prepare(db, "SELECT seq, hash FROM audit_head WHERE one = 1", &st);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		have_head = true;
		head_seq = sqlite3_column_int64(st, 0);
		column_copy(st, 1, head_hash, sizeof head_hash);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		return store_map_write(rc);

	rc = prepare(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &st);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		have_rows = true;
		top_seq = sqlite3_column_int64(st, 0);
		column_copy(st, 1, top_hash, sizeof top_hash);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		return store_map_write(rc);

	/* Chain from the head (see the header): a removed tail stays a gap.
	 * Without a head the highest row is all there is, and the head is left
	 * missing so the verification keeps saying so. */
	const char *prev = have_head ? head_hash : have_rows ? top_hash : genesis;
	int64_t base = have_head && (!have_rows || head_seq > top_seq) ? head_seq : top_seq;
	if (base == INT64_MAX)
		return QUEUE_ERR_IO;
	int64_t seq = base + 1;

	char hash[AUDIT_HASH_HEX];
	const span f[5] = {str_span(r->actor), str_span(r->role), str_span(r->action), str_span(r->target),
			   str_span(r->detail)};
	hash_entry(str_span(prev), r->at, f, hash);

	rc = prepare(db,
		     "INSERT INTO audit (seq, at, actor, role, action, target, detail, prev_hash, hash)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		     &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, seq);
		sqlite3_bind_int64(st, 2, r->at);
		sqlite3_bind_text(st, 3, r->actor, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, r->role, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, r->action, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, r->target, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, r->detail, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 8, prev, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 9, hash, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		return store_map_write(rc);

	if (have_head || !have_rows) {
		rc = prepare(db,
			     "INSERT INTO audit_head (one, seq, hash) VALUES (1, ?1, ?2)"
			     " ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
			     &st);
		if (rc == SQLITE_OK) {
			sqlite3_bind_int64(st, 1, seq);
			sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
			rc = sqlite3_step(st);
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return store_map_write(rc);
	}
	return QUEUE_OK;
}

queue_err audit_append(queue *q, const audit_rec *r)
{
	if (!q || !r || !rec_ok(r) || !sqlite3_get_autocommit(store_db(q)))
		return QUEUE_ERR_INVALID;
	queue_err err = store_begin(q);
	if (err != QUEUE_OK)
		return err;
	err = audit_append_locked(q, r);
	if (err != QUEUE_OK) {
		store_abandon(q);
		return err;
	}
	return store_commit(q);
}

/* ---- verify ---------------------------------------------------------------------- */

enum { PRED_NONE = -1, PRED_GENESIS = -2 };

typedef struct vrow {
	int64_t seq;
	char hash[AUDIT_HASH_HEX];   /* as stored (cut to 64 bytes) */
	char rehash[AUDIT_HASH_HEX]; /* recomputed from the content */
	char prev[AUDIT_HASH_HEX];   /* as stored (cut to 64 bytes) */
	bool hash_ok;                /* stored hash is 64 bytes */
	bool prev_ok;                /* stored prev_hash is 64 bytes */
	bool edited;
	bool in_place;               /* edited, or its chain predecessor is its seq predecessor */
	int pred;                    /* row index, PRED_NONE or PRED_GENESIS */
	int dup_of;                  /* row index of an identical earlier row, or -1 */
} vrow;

/* One hash of one row, for lookups by hash. */
typedef struct vkey {
	const char *h;
	int row;
} vkey;

static int vkey_cmp(const void *a, const void *b)
{
	const vkey *x = a, *y = b;
	int c = memcmp(x->h, y->h, HASH_LEN);
	return c != 0 ? c : (x->row > y->row) - (x->row < y->row);
}

/* The lowest row whose stored or recomputed hash is H (64 bytes), or -1. */
static int lookup(const vkey *keys, int nkeys, const char *h)
{
	int lo = 0, hi = nkeys;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (memcmp(keys[mid].h, h, HASH_LEN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nkeys && memcmp(keys[lo].h, h, HASH_LEN) == 0 ? keys[lo].row : -1;
}

/* Collects problems into the caller's array, dropping those beyond MAX. */
typedef struct sink {
	audit_problem *out;
	int max, n;
} sink;

static void report(sink *s, audit_kind kind, int64_t seq, bool has_other, int64_t other)
{
	if (s->n < s->max)
		s->out[s->n++] = (audit_problem){.kind = kind, .seq = seq, .other_seq = has_other ? other : 0,
						 .has_other = has_other};
}

/* Read every row of the log in seq order into *ROWS (malloc'd), *N rows. */
static queue_err load_rows(sqlite3 *db, vrow **rows, int *n)
{
	sqlite3_stmt *st = NULL;
	vrow *v = NULL;
	int cap = 0, count = 0;
	queue_err err = QUEUE_OK;

	int rc = prepare(db,
			 "SELECT seq, at, actor, role, action, target, detail, prev_hash, hash"
			 " FROM audit ORDER BY seq",
			 &st);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			if (cap > INT32_MAX / 4) {
				err = QUEUE_ERR_NOMEM;
				break;
			}
			int ncap = cap ? cap * 2 : 256;
			vrow *nv = realloc(v, (size_t)ncap * sizeof *nv);
			if (!nv) {
				err = QUEUE_ERR_NOMEM;
				break;
			}
			v = nv;
			cap = ncap;
		}
		vrow *r = &v[count];
		memset(r, 0, sizeof *r);
		r->seq = sqlite3_column_int64(st, 0);
		span f[5];
		for (int i = 0; i < 5; i++) {
			f[i].p = sqlite3_column_blob(st, 2 + i);
			f[i].n = (size_t)sqlite3_column_bytes(st, 2 + i);
		}
		span prev = {sqlite3_column_blob(st, 7), (size_t)sqlite3_column_bytes(st, 7)};
		hash_entry(prev, sqlite3_column_int64(st, 1), f, r->rehash);
		r->prev_ok = prev.n == HASH_LEN;
		column_copy(st, 7, r->prev, sizeof r->prev);
		r->hash_ok = sqlite3_column_bytes(st, 8) == HASH_LEN;
		column_copy(st, 8, r->hash, sizeof r->hash);
		r->edited = !r->hash_ok || memcmp(r->hash, r->rehash, HASH_LEN) != 0;
		count++;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(st);
	if (err == QUEUE_OK && rc != SQLITE_DONE)
		err = store_map(rc);
	if (err != QUEUE_OK) {
		free(v);
		return err;
	}
	*rows = v;
	*n = count;
	return QUEUE_OK;
}

/* Read the head row: *PRESENT, and its seq and hash. */
static queue_err load_head(sqlite3 *db, bool *present, int64_t *seq, char hash[AUDIT_HASH_HEX], bool *hash_ok)
{
	sqlite3_stmt *st = NULL;
	*present = false;
	int rc = prepare(db, "SELECT seq, hash FROM audit_head WHERE one = 1", &st);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*present = true;
		*seq = sqlite3_column_int64(st, 0);
		*hash_ok = sqlite3_column_bytes(st, 1) == HASH_LEN;
		column_copy(st, 1, hash, AUDIT_HASH_HEX);
		rc = SQLITE_DONE;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? QUEUE_OK : store_map(rc);
}

/* Link each row to its chain predecessor and mark what is in place. */
static void link_rows(vrow *v, int n, const vkey *keys, int nkeys)
{
	for (int i = 0; i < n; i++) {
		vrow *r = &v[i];
		r->dup_of = -1;
		if (!r->edited) {
			int j = lookup(keys, nkeys, r->rehash);
			if (j >= 0 && j < i)
				r->dup_of = j;
		}
		if (r->prev_ok && memcmp(r->prev, genesis, HASH_LEN) == 0) {
			r->pred = PRED_GENESIS;
		} else {
			int j = r->prev_ok ? lookup(keys, nkeys, r->prev) : -1;
			r->pred = j >= 0 && j != i ? j : PRED_NONE;
		}
		int seq_pred = i == 0 ? PRED_GENESIS : i - 1;
		r->in_place = r->edited || (r->dup_of < 0 && r->pred == seq_pred);
	}
}

/* The entries, in seq order. */
static void check_rows(const vrow *v, int n, sink *s)
{
	int first_bystander = -1;
	bool reordered = false;

	for (int i = 0; i < n; i++) {
		const vrow *r = &v[i];
		if (r->edited) {
			report(s, AUDIT_EDITED, r->seq, false, 0);
			continue;
		}
		if (r->dup_of >= 0) {
			report(s, AUDIT_DUPLICATE, r->seq, true, v[r->dup_of].seq);
			continue;
		}
		if (r->in_place)
			continue;
		if (r->pred == PRED_NONE) {
			report(s, AUDIT_REMOVED, r->seq, i > 0, i > 0 ? v[i - 1].seq : 0);
			continue;
		}
		/* The genesis never moves; an entry whose predecessor was moved is
		 * only a bystander of that move. */
		if (r->pred == PRED_GENESIS || v[r->pred].in_place) {
			report(s, AUDIT_REORDERED, r->seq, r->pred != PRED_GENESIS,
			       r->pred != PRED_GENESIS ? v[r->pred].seq : 0);
			reordered = true;
		} else if (first_bystander < 0) {
			first_bystander = i;
		}
	}
	/* Only bystanders (the moved entries point at each other in a cycle):
	 * name the first so the move is not silent. */
	if (!reordered && first_bystander >= 0) {
		const vrow *r = &v[first_bystander];
		report(s, AUDIT_REORDERED, r->seq, r->pred != PRED_GENESIS,
		       r->pred != PRED_GENESIS ? v[r->pred].seq : 0);
	}
}

/* The head against the newest entries. */
static void check_head(const vrow *v, int n, const vkey *keys, int nkeys, bool present, int64_t head_seq,
		       const char *head_hash, bool head_hash_ok, sink *s)
{
	if (!present) {
		if (n > 0)
			report(s, AUDIT_HEAD_MISSING, v[n - 1].seq, false, 0);
		return;
	}
	if (n == 0) {
		report(s, AUDIT_HEAD_MISSING, 0, true, head_seq);
		return;
	}
	int64_t last = v[n - 1].seq;
	int r = head_hash_ok ? lookup(keys, nkeys, head_hash) : -1;
	if (r < 0) {
		if (head_seq > last)
			report(s, AUDIT_TAIL_REMOVED, last, true, head_seq);
		else
			report(s, AUDIT_HEAD_MISMATCH, head_seq, false, 0);
		return;
	}
	if (r == n - 1) {
		if (v[r].seq != head_seq)
			report(s, AUDIT_HEAD_MISMATCH, last, true, head_seq);
		return;
	}
	/* The head's entry is not the last row. When it was moved, or every row
	 * after it was, the entries' own problems already say what happened. */
	if (!v[r].in_place || v[r].dup_of >= 0)
		return;
	for (int i = r + 1; i < n; i++) {
		if (v[i].in_place && v[i].dup_of < 0 && !v[i].edited) {
			report(s, AUDIT_HEAD_MISMATCH, last, true, head_seq);
			return;
		}
	}
}

queue_err audit_verify(queue *q, audit_problem *out, int max, int *n, int64_t *entries)
{
	if (n)
		*n = 0;
	if (!q || !n || max < 0 || (max > 0 && !out))
		return QUEUE_ERR_INVALID;
	if (!crypto_ready())
		return QUEUE_ERR_IO;
	sqlite3 *db = store_db(q);

	/* One read snapshot for the rows and the head (unless the caller
	 * already holds a transaction, which is then the snapshot). */
	bool own = sqlite3_get_autocommit(db) != 0;
	if (own) {
		int rc = sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			return store_map(rc);
	}
	vrow *v = NULL;
	vkey *keys = NULL;
	int rows = 0;
	bool present = false, head_hash_ok = false;
	int64_t head_seq = 0;
	char head_hash[AUDIT_HASH_HEX] = "";

	queue_err err = load_rows(db, &v, &rows);
	if (err == QUEUE_OK)
		err = load_head(db, &present, &head_seq, head_hash, &head_hash_ok);
	if (own)
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	if (err != QUEUE_OK)
		goto done;

	keys = malloc(((size_t)rows * 2 + 1) * sizeof *keys);
	if (!keys) {
		err = QUEUE_ERR_NOMEM;
		goto done;
	}
	int nkeys = 0;
	for (int i = 0; i < rows; i++) {
		if (v[i].hash_ok)
			keys[nkeys++] = (vkey){v[i].hash, i};
		if (!v[i].hash_ok || memcmp(v[i].hash, v[i].rehash, HASH_LEN) != 0)
			keys[nkeys++] = (vkey){v[i].rehash, i};
	}
	qsort(keys, (size_t)nkeys, sizeof *keys, vkey_cmp);

	link_rows(v, rows, keys, nkeys);
	sink s = {out, max, 0};
	check_rows(v, rows, &s);
	check_head(v, rows, keys, nkeys, present, head_seq, head_hash, head_hash_ok, &s);
	*n = s.n;
	if (entries)
		*entries = rows;
done:
	free(keys);
	free(v);
	return err;
}

const char *audit_kind_name(audit_kind k)
{
	static const char *const names[] = {
		[AUDIT_EDITED] = "edited",
		[AUDIT_REORDERED] = "reordered",
		[AUDIT_REMOVED] = "removed",
		[AUDIT_TAIL_REMOVED] = "tail_removed",
		[AUDIT_HEAD_MISSING] = "head_missing",
		[AUDIT_HEAD_MISMATCH] = "head_mismatch",
		[AUDIT_DUPLICATE] = "duplicate",
	};
	return (unsigned)k < AUDIT_KIND_COUNT ? names[k] : "?";
}

void audit_problem_describe(const audit_problem *p, char *buf, size_t len)
{
	if (!buf || len == 0)
		return;
	if (!p) {
		snprintf(buf, len, "no problem given");
		return;
	}
	long long seq = p->seq, other = p->other_seq;
	switch (p->kind) {
	case AUDIT_EDITED:
		snprintf(buf, len, "entry %lld was edited: its hash does not match its content", seq);
		break;
	case AUDIT_REORDERED:
		if (p->has_other)
			snprintf(buf, len,
				 "entry %lld is out of order: its chain link says it comes right after"
				 " entry %lld (entries were moved or swapped)",
				 seq, other);
		else
			snprintf(buf, len,
				 "entry %lld is out of order: its chain link says it is the first entry"
				 " (entries were moved or swapped)",
				 seq);
		break;
	case AUDIT_REMOVED:
		if (p->has_other)
			snprintf(buf, len,
				 "entries between entry %lld and entry %lld were removed: entry %lld does not"
				 " follow any entry in the log",
				 other, seq, seq);
		else
			snprintf(buf, len,
				 "entries before entry %lld were removed: it is the first in the log but does"
				 " not start the chain",
				 seq);
		break;
	case AUDIT_TAIL_REMOVED:
		snprintf(buf, len,
			 "entries after entry %lld were removed: the head names entry %lld"
			 " as the newest",
			 seq, other);
		break;
	case AUDIT_HEAD_MISSING:
		if (p->has_other)
			snprintf(buf, len,
				 "every entry was removed: the log is empty but its head names"
				 " entry %lld",
				 other);
		else
			snprintf(buf, len,
				 "the head row is missing (the newest entry is %lld): removed newest entries"
				 " can no longer be noticed",
				 seq);
		break;
	case AUDIT_HEAD_MISMATCH:
		if (p->has_other)
			snprintf(buf, len,
				 "the head names entry %lld as the newest, but the newest entry is"
				 " %lld: a seq was changed or entries were added behind the log's back",
				 other, seq);
		else
			snprintf(buf, len,
				 "the head names entry %lld with a hash no entry has: the head or the newest"
				 " entries were changed",
				 seq);
		break;
	case AUDIT_DUPLICATE:
		snprintf(buf, len, "entry %lld is a copy of entry %lld", seq, other);
		break;
	default:
		snprintf(buf, len, "unknown problem at entry %lld", seq);
		break;
	}
}

/* ---- list ------------------------------------------------------------------------ */

queue_err audit_list(queue *q, int64_t before_seq, audit_entry *out, int max, int *n)
{
	if (n)
		*n = 0;
	if (!q || !n || max < 0 || before_seq < 0 || (max > 0 && !out))
		return QUEUE_ERR_INVALID;
	if (max == 0)
		return QUEUE_OK;
	sqlite3_stmt *st = NULL;
	int rc = prepare(store_db(q),
			 "SELECT seq, at, actor, role, action, target, detail, prev_hash, hash FROM audit"
			 " WHERE ?1 = 0 OR seq < ?1 ORDER BY seq DESC LIMIT ?2",
			 &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, before_seq);
		sqlite3_bind_int(st, 2, max);
	}
	int count = 0;
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		audit_entry *e = &out[count++];
		memset(e, 0, sizeof *e);
		e->seq = sqlite3_column_int64(st, 0);
		e->rec.at = sqlite3_column_int64(st, 1);
		column_copy(st, 2, e->rec.actor, sizeof e->rec.actor);
		column_copy(st, 3, e->rec.role, sizeof e->rec.role);
		column_copy(st, 4, e->rec.action, sizeof e->rec.action);
		column_copy(st, 5, e->rec.target, sizeof e->rec.target);
		column_copy(st, 6, e->rec.detail, sizeof e->rec.detail);
		column_copy(st, 7, e->prev_hash, sizeof e->prev_hash);
		column_copy(st, 8, e->hash, sizeof e->hash);
		rc = count < max ? SQLITE_OK : SQLITE_DONE;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_map(rc);
	*n = count;
	return QUEUE_OK;
}
