/*
 * complaint: complaints and staff notes in the kiosk's store (see
 * complaint.h for the contracts).
 *
 * Statements are prepared per call on the queue handle's connection
 * (store.h): complaints are filed a few times a day and acted on by hand,
 * so a cache would buy nothing. Writes run inside store_begin() /
 * store_commit(); any failure in between ends in store_abandon(), so one
 * act is the note, the state, the outbox entry and the audit entry, or
 * nothing. Strings are bound SQLITE_STATIC and SQLite's error text never
 * leaves this file.
 *
 * The protocol bodies are written here by a small JSON writer into one
 * buffer sized for the worst case, which is wiped before it is freed: a
 * complaint's text is personal data, and jansson would leave copies of it
 * in blocks it frees without wiping.
 */
#include "complaint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "audit.h"
#include "store.h"
#include "val.h"

/* ---- names and the rule ---------------------------------------------------------- */

static const char *const category_names[COMPLAINT_CAT_COUNT] = {
	[COMPLAINT_CAT_SERVICE] = "service", [COMPLAINT_CAT_STAFF] = "staff",
	[COMPLAINT_CAT_WAITING_TIME] = "waiting_time", [COMPLAINT_CAT_KIOSK] = "kiosk",
	[COMPLAINT_CAT_DATA] = "data", [COMPLAINT_CAT_OTHER] = "other",
};

static const char *const category_keys[COMPLAINT_CAT_COUNT] = {
	[COMPLAINT_CAT_SERVICE] = "complaint.cat.service",
	[COMPLAINT_CAT_STAFF] = "complaint.cat.staff",
	[COMPLAINT_CAT_WAITING_TIME] = "complaint.cat.waiting_time",
	[COMPLAINT_CAT_KIOSK] = "complaint.cat.kiosk",
	[COMPLAINT_CAT_DATA] = "complaint.cat.data",
	[COMPLAINT_CAT_OTHER] = "complaint.cat.other",
};

static const char *const state_names[COMPLAINT_STATE_COUNT] = {
	[COMPLAINT_OPEN] = "open", [COMPLAINT_RESPONDED] = "responded",
	[COMPLAINT_ESCALATED] = "escalated", [COMPLAINT_RESOLVED] = "resolved",
};

static const char *const state_keys[COMPLAINT_STATE_COUNT] = {
	[COMPLAINT_OPEN] = "complaint.state.open",
	[COMPLAINT_RESPONDED] = "complaint.state.responded",
	[COMPLAINT_ESCALATED] = "complaint.state.escalated",
	[COMPLAINT_RESOLVED] = "complaint.state.resolved",
};

static const char *const kind_names[COMPLAINT_ACTION_COUNT] = {
	[COMPLAINT_RESPOND] = "response", [COMPLAINT_ESCALATE] = "escalation",
	[COMPLAINT_RESOLVE] = "resolution",
};

/* The audit log's action names. */
static const char *const audit_actions[COMPLAINT_ACTION_COUNT] = {
	[COMPLAINT_RESPOND] = "complaint_response", [COMPLAINT_ESCALATE] = "complaint_escalate",
	[COMPLAINT_RESOLVE] = "complaint_resolve",
};

const char *complaint_category_name(complaint_category c)
{
	return (unsigned)c < COMPLAINT_CAT_COUNT ? category_names[c] : "?";
}

const char *complaint_state_name(complaint_state s)
{
	return (unsigned)s < COMPLAINT_STATE_COUNT ? state_names[s] : "?";
}

const char *complaint_note_kind(complaint_action a)
{
	return (unsigned)a < COMPLAINT_ACTION_COUNT ? kind_names[a] : "?";
}

const char *complaint_category_key(complaint_category c)
{
	return (unsigned)c < COMPLAINT_CAT_COUNT ? category_keys[c] : "complaint.cat.unknown";
}

const char *complaint_state_key(complaint_state s)
{
	return (unsigned)s < COMPLAINT_STATE_COUNT ? state_keys[s] : "complaint.state.unknown";
}

/* The index of NAME in NAMES[0..N), or -1. */
static int find_name(const char *const *names, int n, const char *name)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0)
			return i;
	}
	return -1;
}

int complaint_category_parse(const char *name, complaint_category *out)
{
	int i = find_name(category_names, COMPLAINT_CAT_COUNT, name);
	if (i < 0)
		return -1;
	*out = (complaint_category)i;
	return 0;
}

int complaint_state_parse(const char *name, complaint_state *out)
{
	int i = find_name(state_names, COMPLAINT_STATE_COUNT, name);
	if (i < 0)
		return -1;
	*out = (complaint_state)i;
	return 0;
}

int complaint_note_kind_parse(const char *name, complaint_action *out)
{
	int i = find_name(kind_names, COMPLAINT_ACTION_COUNT, name);
	if (i < 0)
		return -1;
	*out = (complaint_action)i;
	return 0;
}

/* Does ROLE ever do ACT? */
static bool role_may(complaint_action act, rrole role)
{
	switch (act) {
	case COMPLAINT_RESPOND:
	case COMPLAINT_RESOLVE:
		return role == RROLE_OFFICER || role == RROLE_SUPERVISOR;
	case COMPLAINT_ESCALATE:
		/* By hand (the officer hands it up) or by the clock (the kiosk);
		 * a supervisor has nobody to hand it to. */
		return role == RROLE_OFFICER || role == RROLE_KIOSK;
	default:
		return false;
	}
}

queue_err complaint_check(complaint_state from, complaint_action act, rrole role, complaint_state *to)
{
	if ((unsigned)from >= COMPLAINT_STATE_COUNT || (unsigned)act >= COMPLAINT_ACTION_COUNT ||
	    (unsigned)role >= RROLE_COUNT || !role_may(act, role))
		return QUEUE_ERR_INVALID;
	bool unresolved = from == COMPLAINT_OPEN || from == COMPLAINT_RESPONDED;
	bool supervisor = role == RROLE_SUPERVISOR;
	complaint_state next;

	switch (act) {
	case COMPLAINT_RESPOND:
		if (unresolved)
			next = COMPLAINT_RESPONDED;
		else if (from == COMPLAINT_ESCALATED && supervisor)
			next = COMPLAINT_ESCALATED; /* it stays with the supervisor */
		else
			return QUEUE_ERR_STATE;
		break;
	case COMPLAINT_ESCALATE:
		if (!unresolved)
			return QUEUE_ERR_STATE;
		next = COMPLAINT_ESCALATED;
		break;
	default: /* COMPLAINT_RESOLVE */
		if (!unresolved && !(from == COMPLAINT_ESCALATED && supervisor))
			return QUEUE_ERR_STATE;
		next = COMPLAINT_RESOLVED;
		break;
	}
	if (to)
		*to = next;
	return QUEUE_OK;
}

/* ---- argument checks ----------------------------------------------------------------- */

/* 1-32 of A-Z a-z 0-9 - (the protocol's kiosk id). */
static bool kiosk_id_ok(const char *id)
{
	size_t n = id ? strnlen(id, 33) : 0;
	if (n < 1 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = id[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return true;
}

/* "ADU-" and a canonical ticket. */
static bool number_ok(const char *n)
{
	size_t plen = strlen(COMPLAINT_PREFIX);
	return n != NULL && strnlen(n, COMPLAINT_NUMBER_MAX) == COMPLAINT_NUMBER_MAX - 1 &&
	       strncmp(n, COMPLAINT_PREFIX, plen) == 0 && store_ticket_ok(n + plen);
}

/* S is 1..MAX bytes of valid UTF-8 with something besides white space, and
 * no control character but line breaks and tabs (a note as staff type it). */
static bool note_text_ok(const char *s, size_t max)
{
	size_t n = s ? strnlen(s, max + 1) : 0;
	bool seen = false;
	if (n < 1 || n > max || val_utf8_len(s) < 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			return false;
		if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
			seen = true;
	}
	return seen;
}

/* ---- the JSON writer -------------------------------------------------------------------- */

/*
 * A compact JSON text in one buffer that never grows: its capacity is the
 * worst case of what is written (6 output bytes per input byte of a string
 * is enough: a control byte becomes \u00XX, a 2- or 3-byte character one
 * \uXXXX, a 4-byte one two). Output is ASCII, as reqjson's.
 */
typedef struct jw {
	char *buf;
	size_t len, cap;
} jw;

static bool jw_open(jw *w, size_t strings_len)
{
	w->len = 0;
	w->cap = 6 * strings_len + 256;
	w->buf = malloc(w->cap);
	return w->buf != NULL;
}

static void jw_close(jw *w)
{
	if (w->buf) {
		explicit_bzero(w->buf, w->cap);
		free(w->buf);
	}
	memset(w, 0, sizeof *w);
}

static void jw_raw(jw *w, const char *s)
{
	size_t n = strlen(s);
	/* The capacity covers every call (see above): overflowing is a bug. */
	if (w->len + n + 1 > w->cap)
		abort();
	memcpy(w->buf + w->len, s, n + 1);
	w->len += n;
}

static void jw_int(jw *w, int64_t v)
{
	char num[24];
	snprintf(num, sizeof num, "%lld", (long long)v);
	jw_raw(w, num);
}

static void jw_u(jw *w, unsigned v)
{
	char esc[8];
	snprintf(esc, sizeof esc, "\\u%04X", v & 0xFFFFu);
	jw_raw(w, esc);
}

/* S: valid UTF-8 (checked by the caller). */
static void jw_str(jw *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	char one[2] = {0, 0};
	jw_raw(w, "\"");
	while (*p) {
		unsigned c = *p;
		if (c < 0x80) {
			p++;
			switch (c) {
			case '"':
				jw_raw(w, "\\\"");
				break;
			case '\\':
				jw_raw(w, "\\\\");
				break;
			case '\n':
				jw_raw(w, "\\n");
				break;
			case '\r':
				jw_raw(w, "\\r");
				break;
			case '\t':
				jw_raw(w, "\\t");
				break;
			default:
				if (c < 0x20) {
					jw_u(w, c);
				} else {
					one[0] = (char)c;
					jw_raw(w, one);
				}
			}
			continue;
		}
		int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
		unsigned cp = c & (len == 4 ? 0x07u : len == 3 ? 0x0Fu : 0x1Fu);
		for (int k = 1; k < len; k++)
			cp = cp << 6 | (p[k] & 0x3Fu);
		p += len;
		if (cp >= 0x10000) {
			cp -= 0x10000;
			jw_u(w, 0xD800 + (cp >> 10));
			jw_u(w, 0xDC00 + (cp & 0x3FF));
		} else {
			jw_u(w, cp);
		}
	}
	jw_raw(w, "\"");
}

/* ,"KEY":"VALUE" (every key after the first, "v"). */
static void jw_kv(jw *w, const char *key, const char *value)
{
	jw_raw(w, ",\"");
	jw_raw(w, key);
	jw_raw(w, "\":");
	jw_str(w, value);
}

/* ---- small SQL helpers -------------------------------------------------------------- */

static int prep(queue *q, const char *sql, sqlite3_stmt **st)
{
	*st = NULL;
	return sqlite3_prepare_v3(store_db(q), sql, -1, 0, st, NULL);
}

static int bind_text(sqlite3_stmt *st, int i, const char *s)
{
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Step a statement that returns no row, then finalize it; the step's code
 * (SQLITE_OK for done). */
static int run_final(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Copy text column COL of ST into BUF of CAP bytes (zero after the NUL);
 * NULL reads as "". False when it is not text, holds a NUL or does not fit. */
static bool col_copy(sqlite3_stmt *st, int col, char *buf, size_t cap)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		memset(buf, 0, cap);
		return true;
	}
	return store_col_text(st, col, buf, cap);
}

static int64_t col_time(sqlite3_stmt *st, int col)
{
	return sqlite3_column_type(st, col) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, col);
}

/* ---- filing ----------------------------------------------------------------------------- */

static void sodium_random(void *ctx, uint8_t out[TICKET_RANDOM_BYTES])
{
	(void)ctx;
	randombytes_buf(out, TICKET_RANDOM_BYTES);
}

static void draw_number(complaint_random_fn rnd, void *ctx, char number[COMPLAINT_NUMBER_MAX])
{
	uint8_t bytes[TICKET_RANDOM_BYTES];
	char ticket[TICKET_TEXT_MAX];
	rnd(ctx, bytes);
	ticket_make(bytes, ticket);
	snprintf(number, COMPLAINT_NUMBER_MAX, "%s%s", COMPLAINT_PREFIX, ticket);
	explicit_bzero(bytes, sizeof bytes);
}

/* Insert the complaint row; SQLITE_CONSTRAINT_UNIQUE when NUMBER is taken. */
static int insert_complaint(queue *q, const char *number, const char *kiosk_id, complaint_category cat,
			    const char *text, const char *ticket, const char *contact, int64_t now)
{
	sqlite3_stmt *st;
	int rc = prep(q,
		      "INSERT INTO complaints (number, kiosk_id, category, text, ticket, contact, state,"
		      " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?7)",
		      &st);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return rc;
	}
	bind_text(st, 1, number);
	bind_text(st, 2, kiosk_id);
	bind_text(st, 3, category_names[cat]);
	bind_text(st, 4, text);
	bind_text(st, 5, ticket);
	bind_text(st, 6, contact);
	sqlite3_bind_int64(st, 7, now);
	return run_final(st);
}

queue_err complaint_file_with(queue *q, const char *kiosk_id, const complaint_form_data *c, int64_t now,
			      complaint_random_fn rnd, void *ctx, char number[COMPLAINT_NUMBER_MAX])
{
	char text[COMPLAINT_TEXT_MAX + 1], contact[COMPLAINT_CONTACT_MAX + 1];
	jw w = {0};
	queue_err err = QUEUE_ERR_INVALID;
	int rc = SQLITE_OK;

	memset(number, 0, COMPLAINT_NUMBER_MAX);
	memset(text, 0, sizeof text);
	memset(contact, 0, sizeof contact);
	if (c == NULL || !kiosk_id_ok(kiosk_id) || now < 0 || (unsigned)c->category >= COMPLAINT_CAT_COUNT ||
	    c->ticket == NULL || (c->ticket[0] != '\0' && !store_ticket_ok(c->ticket)))
		goto out;
	/* The caps are bytes (the protocol's); val_text counts code points, so
	 * it is given the byte cap as OUT's size and refuses what does not fit. */
	if (val_text(c->text, text, sizeof text, 1, COMPLAINT_TEXT_MAX) != VAL_OK ||
	    val_text(c->contact, contact, sizeof contact, 0, COMPLAINT_CONTACT_MAX) != VAL_OK)
		goto out;
	if (rnd == NULL) {
		if (sodium_init() < 0) {
			err = QUEUE_ERR_IO; /* no randomness: no number can be trusted */
			goto out;
		}
		rnd = sodium_random;
	}
	err = store_begin(q);
	if (err)
		goto out;
	/* A taken number fails only its INSERT: the transaction goes on with
	 * the next draw. */
	rc = SQLITE_CONSTRAINT_UNIQUE;
	for (int t = 0; t < COMPLAINT_NUMBER_TRIES && rc == SQLITE_CONSTRAINT_UNIQUE; t++) {
		draw_number(rnd, ctx, number);
		rc = insert_complaint(q, number, kiosk_id, c->category, text, c->ticket, contact, now);
	}
	if (rc != SQLITE_OK) {
		err = rc == SQLITE_CONSTRAINT_UNIQUE ? QUEUE_ERR_DUP_TICKET : store_map_write(rc);
		goto fail;
	}
	if (!jw_open(&w, strlen(text) + strlen(contact) + 128)) {
		err = QUEUE_ERR_NOMEM;
		goto fail;
	}
	jw_raw(&w, "{\"v\":1");
	jw_kv(&w, "number", number);
	jw_kv(&w, "kiosk_id", kiosk_id);
	jw_kv(&w, "category", category_names[c->category]);
	jw_kv(&w, "text", text);
	jw_kv(&w, "ticket", c->ticket);
	jw_kv(&w, "contact", contact);
	jw_raw(&w, ",\"at\":");
	jw_int(&w, now);
	jw_raw(&w, "}");
	err = store_outbox_add_locked(q, QUEUE_KIND_COMPLAINT, "", w.buf, w.len, NULL);
	if (err)
		goto fail;
	err = store_commit(q); /* abandons by itself on failure */
	goto out;
fail:
	store_abandon(q);
out:
	if (err)
		memset(number, 0, COMPLAINT_NUMBER_MAX);
	jw_close(&w);
	explicit_bzero(text, sizeof text);
	explicit_bzero(contact, sizeof contact);
	return err;
}

queue_err complaint_file(queue *q, const char *kiosk_id, const complaint_form_data *c, int64_t now,
			 char number[COMPLAINT_NUMBER_MAX])
{
	return complaint_file_with(q, kiosk_id, c, now, NULL, NULL, number);
}

/* ---- acts ----------------------------------------------------------------------------------- */

/* Inside a write transaction: the id and state of complaint NUMBER. */
static queue_err find_complaint(queue *q, const char *number, int64_t *id, complaint_state *state)
{
	sqlite3_stmt *st;
	char name[16];
	queue_err err = QUEUE_OK;
	int rc = prep(q, "SELECT id, state FROM complaints WHERE number = ?1", &st);

	if (rc == SQLITE_OK) {
		bind_text(st, 1, number);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (!col_copy(st, 1, name, sizeof name) || complaint_state_parse(name, state) != 0)
			err = QUEUE_ERR_IO;
	} else if (rc == SQLITE_DONE) {
		err = QUEUE_ERR_NOT_FOUND;
	} else {
		err = store_read_err(rc);
	}
	sqlite3_finalize(st);
	return err;
}

/*
 * Inside a write transaction: ACT on complaint NUMBER (arguments already
 * checked): the note, the state, the outbox entry, the audit entry. The
 * caller commits, or abandons on error.
 */
static queue_err act_locked(queue *q, const char *number, complaint_action act, rrole role, const char *actor,
			    const char *text, int64_t now)
{
	sqlite3_stmt *st;
	int64_t id = 0;
	complaint_state from = COMPLAINT_OPEN, to;
	char detail[40];
	jw w = {0};
	queue_err err = find_complaint(q, number, &id, &from);
	int rc;

	if (err)
		return err;
	err = complaint_check(from, act, role, &to);
	if (err)
		return err;

	rc = prep(q,
		  "INSERT INTO complaint_notes (complaint_id, kind, role, actor, at, text)"
		  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		  &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, kind_names[act]);
		bind_text(st, 3, rrole_name(role));
		bind_text(st, 4, actor);
		sqlite3_bind_int64(st, 5, now);
		bind_text(st, 6, text);
		rc = run_final(st);
	} else {
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_OK)
		return store_map_write(rc);

	/* SET's expressions read the row as it was before the update. */
	rc = prep(q,
		  "UPDATE complaints SET state = ?2, updated_at = ?3,"
		  " escalated_at = CASE WHEN ?2 = 'escalated' AND state <> 'escalated' THEN ?3"
		  "  ELSE escalated_at END,"
		  " resolved_at = CASE WHEN ?2 = 'resolved' THEN ?3 ELSE resolved_at END"
		  " WHERE id = ?1",
		  &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, state_names[to]);
		sqlite3_bind_int64(st, 3, now);
		rc = run_final(st);
	} else {
		sqlite3_finalize(st);
	}
	if (rc != SQLITE_OK)
		return store_map_write(rc);

	if (!jw_open(&w, strlen(text) + strlen(actor) + 64))
		return QUEUE_ERR_NOMEM;
	jw_raw(&w, "{\"v\":1");
	jw_kv(&w, "number", number);
	jw_kv(&w, "kind", kind_names[act]);
	jw_kv(&w, "role", rrole_name(role));
	jw_kv(&w, "actor", actor);
	jw_raw(&w, ",\"at\":");
	jw_int(&w, now);
	jw_kv(&w, "text", text);
	jw_raw(&w, "}");
	err = store_outbox_add_locked(q, QUEUE_KIND_COMPLAINT_NOTE, "", w.buf, w.len, NULL);
	jw_close(&w);
	if (err)
		return err;

	snprintf(detail, sizeof detail, "%s->%s", state_names[from], state_names[to]);
	audit_rec rec;
	err = audit_rec_fill(&rec, now, actor, rrole_name(role), audit_actions[act], number, detail);
	if (err == QUEUE_OK)
		err = audit_append_locked(q, &rec);
	return err;
}

/* ACTOR: 1..RSTATE_ACTOR_MAX - 1 bytes, printable, not blank. */
static bool actor_ok(const char *actor)
{
	return actor != NULL && strnlen(actor, RSTATE_ACTOR_MAX) < RSTATE_ACTOR_MAX &&
	       strchr(actor, '\n') == NULL && strchr(actor, '\t') == NULL &&
	       note_text_ok(actor, RSTATE_ACTOR_MAX - 1);
}

queue_err complaint_act(queue *q, const char *number, complaint_action act, rrole role, const char *actor,
			const char *text, int64_t now)
{
	queue_err err;

	if (!number_ok(number) || (unsigned)act >= COMPLAINT_ACTION_COUNT || (unsigned)role >= RROLE_COUNT ||
	    !role_may(act, role) || !actor_ok(actor) || !note_text_ok(text, COMPLAINT_NOTE_MAX) || now < 0)
		return QUEUE_ERR_INVALID;
	err = store_begin(q);
	if (err)
		return err;
	err = act_locked(q, number, act, role, actor, text, now);
	if (err) {
		store_abandon(q);
		return err;
	}
	return store_commit(q);
}

/* ---- automatic escalation ------------------------------------------------------------------ */

typedef struct waiting {
	char number[COMPLAINT_NUMBER_MAX];
	int64_t created_at;
} waiting;

/* Every open or responded complaint, oldest first, into *OUT (malloc()ed,
 * the caller frees) and *COUNT. */
static queue_err read_waiting(queue *q, waiting **out, size_t *count)
{
	sqlite3_stmt *st;
	waiting *list = NULL;
	size_t n = 0, cap = 0;
	queue_err err = QUEUE_OK;
	int rc = prep(q,
		      "SELECT number, created_at FROM complaints WHERE state IN ('open', 'responded')"
		      " ORDER BY created_at, id",
		      &st);

	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW)
			break;
		if (n == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			waiting *grown = realloc(list, ncap * sizeof *grown);
			if (grown == NULL) {
				err = QUEUE_ERR_NOMEM;
				break;
			}
			list = grown;
			cap = ncap;
		}
		if (!col_copy(st, 0, list[n].number, sizeof list[n].number)) {
			err = QUEUE_ERR_IO;
			break;
		}
		list[n].created_at = sqlite3_column_int64(st, 1);
		n++;
	}
	if (err == QUEUE_OK && rc != SQLITE_DONE)
		err = store_read_err(rc);
	sqlite3_finalize(st);
	if (err) {
		free(list);
		return err;
	}
	*out = list;
	*count = n;
	return QUEUE_OK;
}

queue_err complaint_escalate_due(queue *q, const cal *c, int after_working_hours, const char *kiosk_id,
				 int64_t now, int *n)
{
	waiting *list = NULL;
	size_t count = 0;
	char text[96];
	int done = 0;
	queue_err err;

	if (n)
		*n = 0;
	if (c == NULL || after_working_hours < 1 || after_working_hours > 200 || !kiosk_id_ok(kiosk_id) ||
	    now < 0)
		return QUEUE_ERR_INVALID;
	err = read_waiting(q, &list, &count);
	if (err)
		return err;
	/* Read by officers and the central service: in Indonesian, as typed notes are. */
	snprintf(text, sizeof text, "Dieskalasi otomatis: belum selesai setelah %d jam kerja", after_working_hours);
	for (size_t i = 0; i < count; i++) {
		if (cal_working_seconds(c, list[i].created_at, now, NULL) < (int64_t)after_working_hours * 3600)
			continue;
		err = store_begin(q);
		if (err)
			break;
		err = act_locked(q, list[i].number, COMPLAINT_ESCALATE, RROLE_KIOSK, kiosk_id, text, now);
		if (err == QUEUE_ERR_STATE) { /* staff moved it since the list was read */
			store_abandon(q);
			err = QUEUE_OK;
			continue;
		}
		if (err) {
			store_abandon(q);
			break;
		}
		err = store_commit(q);
		if (err)
			break;
		done++;
	}
	free(list);
	if (n)
		*n = done;
	return err;
}

/* ---- list and load ------------------------------------------------------------------------ */

/* WHERE and ORDER BY of each filter (fixed strings: nothing of the caller's
 * reaches the SQL text). */
static const char *const list_sql[COMPLAINT_LIST_COUNT] = {
	[COMPLAINT_LIST_OPEN] = " WHERE state IN ('open', 'responded') ORDER BY created_at, id",
	[COMPLAINT_LIST_ESCALATED] = " WHERE state = 'escalated' ORDER BY created_at, id",
	[COMPLAINT_LIST_RESOLVED] = " WHERE state = 'resolved' ORDER BY resolved_at DESC, id",
	[COMPLAINT_LIST_ALL] = (" ORDER BY state = 'resolved',"
				" CASE WHEN state = 'resolved' THEN -resolved_at ELSE created_at END, id"),
};

static const char *const count_sql[COMPLAINT_LIST_COUNT] = {
	[COMPLAINT_LIST_OPEN] = "SELECT count(*) FROM complaints WHERE state IN ('open', 'responded')",
	[COMPLAINT_LIST_ESCALATED] = "SELECT count(*) FROM complaints WHERE state = 'escalated'",
	[COMPLAINT_LIST_RESOLVED] = "SELECT count(*) FROM complaints WHERE state = 'resolved'",
	[COMPLAINT_LIST_ALL] = "SELECT count(*) FROM complaints",
};

#define ROW_COLUMNS "number, category, state, ticket, contact <> '', created_at, updated_at," \
		    " escalated_at, resolved_at"

/* The row at ST's columns FIRST.. (ROW_COLUMNS). */
static bool read_row(sqlite3_stmt *st, int first, complaint_row *r)
{
	char name[40];
	memset(r, 0, sizeof *r);
	if (!col_copy(st, first, r->number, sizeof r->number) || !number_ok(r->number))
		return false;
	if (!col_copy(st, first + 1, name, sizeof name) || complaint_category_parse(name, &r->category) != 0)
		return false;
	if (!col_copy(st, first + 2, name, sizeof name) || complaint_state_parse(name, &r->state) != 0)
		return false;
	if (!col_copy(st, first + 3, r->ticket, sizeof r->ticket))
		return false;
	r->has_contact = sqlite3_column_int(st, first + 4) != 0;
	r->created_at = sqlite3_column_int64(st, first + 5);
	r->updated_at = sqlite3_column_int64(st, first + 6);
	r->escalated_at = col_time(st, first + 7);
	r->resolved_at = col_time(st, first + 8);
	return true;
}

queue_err complaint_list(queue *q, complaint_filter f, int offset, complaint_row *out, int max, int *n,
			 int *total)
{
	char sql[320];
	sqlite3_stmt *st = NULL;
	queue_err err;
	int rc, got = 0;

	*n = 0;
	if ((unsigned)f >= COMPLAINT_LIST_COUNT || offset < 0 || max < 0 || max > 1000 ||
	    (max > 0 && out == NULL))
		return QUEUE_ERR_INVALID;
	err = store_read_begin(q);
	if (err)
		return err;
	if (total) {
		rc = prep(q, count_sql[f], &st);
		if (rc == SQLITE_OK)
			rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			err = store_read_err(rc);
			goto out;
		}
		*total = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		st = NULL;
	}
	snprintf(sql, sizeof sql, "SELECT " ROW_COLUMNS " FROM complaints%s LIMIT ?1 OFFSET ?2", list_sql[f]);
	rc = prep(q, sql, &st);
	if (rc != SQLITE_OK) {
		err = store_read_err(rc);
		goto out;
	}
	sqlite3_bind_int(st, 1, max);
	sqlite3_bind_int(st, 2, offset);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (got >= max || !read_row(st, 0, &out[got])) {
			err = QUEUE_ERR_IO;
			goto out;
		}
		got++;
	}
	if (rc != SQLITE_DONE)
		err = store_read_err(rc);
out:
	sqlite3_finalize(st);
	err = store_read_end(q, err);
	if (err) {
		if (total)
			*total = 0;
		return err;
	}
	*n = got;
	return QUEUE_OK;
}

void complaint_view_wipe(complaint_view *v)
{
	explicit_bzero(v, sizeof *v);
}

/* The notes of complaint ID into V (count and the newest, oldest first). */
static queue_err load_notes(queue *q, int64_t id, complaint_view *v)
{
	sqlite3_stmt *st;
	char name[40];
	queue_err err = QUEUE_OK;
	int rc = prep(q, "SELECT count(*) FROM complaint_notes WHERE complaint_id = ?1", &st);

	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		rc = sqlite3_step(st);
	}
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		return store_read_err(rc);
	}
	v->notes_total = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);

	rc = prep(q,
		  "SELECT kind, role, actor, at, text FROM"
		  " (SELECT * FROM complaint_notes WHERE complaint_id = ?1 ORDER BY id DESC LIMIT ?2)"
		  " ORDER BY id",
		  &st);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int(st, 2, COMPLAINT_NOTES_MAX);
	}
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		complaint_note *nt = &v->notes[v->n_notes];
		if (v->n_notes >= COMPLAINT_NOTES_MAX || !col_copy(st, 0, name, sizeof name) ||
		    complaint_note_kind_parse(name, &nt->kind) != 0 || !col_copy(st, 1, name, sizeof name) ||
		    rrole_parse(name, &nt->role) != 0 || !col_copy(st, 2, nt->actor, sizeof nt->actor) ||
		    !col_copy(st, 4, nt->text, sizeof nt->text)) {
			err = QUEUE_ERR_IO;
			break;
		}
		nt->at = sqlite3_column_int64(st, 3);
		v->n_notes++;
		rc = SQLITE_OK;
	}
	if (err == QUEUE_OK && rc != SQLITE_DONE)
		err = store_read_err(rc);
	sqlite3_finalize(st);
	return err;
}

queue_err complaint_load(queue *q, const char *number, complaint_view *out)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	queue_err err;
	int rc;

	complaint_view_wipe(out);
	if (!number_ok(number))
		return QUEUE_ERR_NOT_FOUND;
	err = store_read_begin(q);
	if (err)
		return err;
	rc = prep(q,
		  "SELECT " ROW_COLUMNS ", id, kiosk_id, text, contact, purged_at IS NOT NULL"
		  " FROM complaints WHERE number = ?1",
		  &st);
	if (rc == SQLITE_OK) {
		bind_text(st, 1, number);
		rc = sqlite3_step(st);
	}
	if (rc == SQLITE_DONE) {
		err = QUEUE_ERR_NOT_FOUND;
	} else if (rc != SQLITE_ROW) {
		err = store_read_err(rc);
	} else if (!read_row(st, 0, &out->row) || !col_copy(st, 10, out->kiosk_id, sizeof out->kiosk_id) ||
		   !col_copy(st, 11, out->text, sizeof out->text) ||
		   !col_copy(st, 12, out->contact, sizeof out->contact)) {
		err = QUEUE_ERR_IO;
	} else {
		id = sqlite3_column_int64(st, 9);
		out->purged = sqlite3_column_int(st, 13) != 0;
	}
	sqlite3_finalize(st);
	if (err == QUEUE_OK)
		err = load_notes(q, id, out);
	err = store_read_end(q, err);
	if (err)
		complaint_view_wipe(out);
	return err;
}

/* ---- retention -------------------------------------------------------------------------------- */

/* Inside a write transaction: is an entry of complaint NUMBER still not
 * done? Its entries carry no ticket or reference, but every body starts
 * with its number, and a done entry's payload is already "". */
static queue_err entries_pending(queue *q, const char *number, bool *pending)
{
	sqlite3_stmt *st;
	char needle[40];
	int rc = prep(q,
		      "SELECT 1 FROM outbox INDEXED BY outbox_next WHERE state IN ('pending', 'in_flight')"
		      " AND kind IN ('complaint', 'complaint_note') AND instr(payload, ?1) > 0"
		      " UNION ALL SELECT 1 FROM outbox INDEXED BY outbox_dead WHERE state = 'dead'"
		      " AND kind IN ('complaint', 'complaint_note') AND instr(payload, ?1) > 0 LIMIT 1",
		      &st);

	snprintf(needle, sizeof needle, "\"number\":\"%s\"", number);
	if (rc == SQLITE_OK) {
		bind_text(st, 1, needle);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_read_err(rc);
	*pending = rc == SQLITE_ROW;
	return QUEUE_OK;
}

static int purge_one(queue *q, int64_t id, int64_t now)
{
	sqlite3_stmt *st;
	int rc = prep(q, "UPDATE complaints SET text = '', contact = '', purged_at = ?2 WHERE id = ?1", &st);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	rc = run_final(st);
	if (rc != SQLITE_OK)
		return rc;
	rc = prep(q, "UPDATE complaint_notes SET text = '' WHERE complaint_id = ?1 AND text <> ''", &st);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(st);
		return rc;
	}
	sqlite3_bind_int64(st, 1, id);
	return run_final(st);
}

queue_err complaint_purge(queue *q, int64_t now, int retention_days, int64_t *n)
{
	sqlite3_stmt *st = NULL;
	waiting *list = NULL; /* number; created_at holds the row id */
	size_t count = 0, cap = 0;
	int64_t purged = 0;
	queue_err err;
	int rc;

	if (n)
		*n = 0;
	if (retention_days < 1 || retention_days > 3650 || now < 0)
		return QUEUE_ERR_INVALID;
	err = store_begin(q);
	if (err)
		return err;
	rc = prep(q,
		  "SELECT number, id FROM complaints WHERE state = 'resolved' AND purged_at IS NULL"
		  " AND resolved_at <= ?1 ORDER BY resolved_at",
		  &st);
	if (rc == SQLITE_OK)
		sqlite3_bind_int64(st, 1, now - (int64_t)retention_days * 86400);
	while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			size_t ncap = cap ? 2 * cap : 16;
			waiting *grown = realloc(list, ncap * sizeof *grown);
			if (grown == NULL) {
				err = QUEUE_ERR_NOMEM;
				break;
			}
			list = grown;
			cap = ncap;
		}
		if (!col_copy(st, 0, list[count].number, sizeof list[count].number) ||
		    !number_ok(list[count].number)) {
			err = QUEUE_ERR_IO;
			break;
		}
		list[count++].created_at = sqlite3_column_int64(st, 1);
		rc = SQLITE_OK;
	}
	if (err == QUEUE_OK && rc != SQLITE_DONE)
		err = store_read_err(rc);
	sqlite3_finalize(st);

	for (size_t i = 0; i < count && err == QUEUE_OK; i++) {
		bool pending = true;
		err = entries_pending(q, list[i].number, &pending);
		if (err || pending)
			continue;
		rc = purge_one(q, list[i].created_at, now);
		if (rc != SQLITE_OK)
			err = store_map_write(rc);
		else
			purged++;
	}
	free(list);
	if (err) {
		store_abandon(q);
		return err;
	}
	err = store_commit(q);
	if (err)
		return err;
	/* secure_delete zeroed the freed bytes in the database, but the WAL
	 * still holds older images of those pages until it is cut. */
	if (purged > 0)
		sqlite3_wal_checkpoint_v2(store_db(q), NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	if (n)
		*n = purged;
	return QUEUE_OK;
}
