/*
 * reqjson: canonical JSON of requests and events with jansson (see
 * reqjson.h for the format and the contracts).
 *
 * Encoding builds a jansson tree key by key in the canonical order (jansson
 * keeps insertion order) and dumps it with JSON_COMPACT | JSON_ENSURE_ASCII.
 * Every string is checked here first (terminated inside its buffer, valid
 * UTF-8), so jansson's own check cannot fail later for a reason we could not
 * name. Decoding loads with JSON_REJECT_DUPLICATES, then walks the tree
 * with small helpers that record the first problem as a code and a path;
 * after each object's known keys are read, its key count must match, which
 * catches unknown keys without ever printing them.
 */
#include "reqjson.h"

#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "val.h"

enum {
	NAME_MAX_LEN = 40, /* longest enum wire name we ever read, NUL included */
	PATH_MAX_LEN = 48, /* "fields.institution.requested" and friends */
	REQ_KEYS = 15,     /* keys of a request object */
	FIELD_KEYS = 3,    /* keys of one field object */
	EVENT_KEYS = 8,    /* keys of an event object */
};

/* ---- jansson memory: zeroed before it is freed ------------------------- */

/*
 * jansson copies every string it parses or builds into blocks of its own,
 * and frees them without wiping. These allocation functions stay
 * malloc-compatible (a block from plain malloc may be freed here and the
 * other way round), so installing them while another thread uses jansson
 * with the defaults is harmless.
 */
static void wipe_free(void *p)
{
	if (p == NULL)
		return;
	explicit_bzero(p, malloc_usable_size(p));
	free(p);
}

static void install_wiping_allocs(void)
{
	json_set_alloc_funcs(malloc, wipe_free);
}

/* The one mutable static of this module: pthread_once's flag. */
static pthread_once_t allocs_once = PTHREAD_ONCE_INIT;

static void allocs_init(void)
{
	pthread_once(&allocs_once, install_wiping_allocs);
}

/* ---- shared helpers -------------------------------------------------------- */

static const char *const err_names[] = {
	[REQJSON_OK] = "ok",
	[REQJSON_ERR_NOMEM] = "out of memory",
	[REQJSON_ERR_INVALID] = "request or event breaks its model",
	[REQJSON_ERR_TOOBIG] = "input too large",
	[REQJSON_ERR_SYNTAX] = "not valid JSON",
	[REQJSON_ERR_SCHEMA] = "schema mismatch",
	[REQJSON_ERR_VALUE] = "bad value",
};

const char *reqjson_err_name(reqjson_err e)
{
	if ((unsigned)e < sizeof err_names / sizeof err_names[0] && err_names[e])
		return err_names[e];
	return "unknown reqjson error";
}

/* T is "" or a ticket exactly as ticket_parse() normalises it. */
static bool ticket_canonical_or_empty(const char *t)
{
	char canon[TICKET_TEXT_MAX];
	if (t[0] == '\0')
		return true;
	return ticket_parse(t, canon) == TICKET_OK && strcmp(canon, t) == 0;
}

/* Enum values are in range exactly when their wire name parses back to them. */
static bool state_ok(rstate s)
{
	rstate back;
	return rstate_parse(rstate_name(s), &back) == 0 && back == s;
}

static bool role_ok(rrole r)
{
	rrole back;
	return rrole_parse(rrole_name(r), &back) == 0 && back == r;
}

static bool reason_ok(req_reason r)
{
	req_reason back;
	return req_reason_parse(req_reason_name(r), &back) == 0 && back == r;
}

static bool id_source_ok(req_id_source s)
{
	req_id_source back;
	return req_id_source_parse(req_id_source_name(s), &back) == 0 && back == s;
}

/* ---- encoding -------------------------------------------------------------- */

/* A tree under construction; the first error sticks and later calls do nothing. */
typedef struct enc {
	reqjson_err err;
} enc;

static void enc_put(enc *e, json_t *obj, const char *key, json_t *v)
{
	if (v == NULL) {
		e->err = REQJSON_ERR_NOMEM;
		return;
	}
	/* On failure jansson drops its reference to V: nothing leaks. */
	if (json_object_set_new_nocheck(obj, key, v) != 0)
		e->err = REQJSON_ERR_NOMEM;
}

/* BUF holds a string of at most CAP - 1 bytes and its NUL. */
static void enc_str(enc *e, json_t *obj, const char *key, const char *buf, size_t cap)
{
	if (e->err)
		return;
	size_t n = strnlen(buf, cap);
	if (n == cap || !val_utf8_valid(buf, n)) {
		e->err = REQJSON_ERR_INVALID;
		return;
	}
	enc_put(e, obj, key, json_stringn_nocheck(buf, n));
}

static void enc_name(enc *e, json_t *obj, const char *key, const char *name)
{
	if (e->err)
		return;
	enc_put(e, obj, key, json_string_nocheck(name));
}

static void enc_int(enc *e, json_t *obj, const char *key, int64_t v)
{
	if (e->err)
		return;
	enc_put(e, obj, key, json_integer((json_int_t)v));
}

static void enc_bool(enc *e, json_t *obj, const char *key, bool v)
{
	if (e->err)
		return;
	enc_put(e, obj, key, json_boolean(v));
}

static json_t *enc_object(enc *e, json_t *parent, const char *key)
{
	if (e->err)
		return NULL;
	json_t *o = json_object();
	enc_put(e, parent, key, o);
	return e->err ? NULL : o; /* borrowed: PARENT owns it */
}

/* Dump ROOT canonically into *OUT; ROOT is released in every case. */
static reqjson_err enc_finish(enc *e, json_t *root, char **out)
{
	if (e->err == REQJSON_OK) {
		*out = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
		if (*out == NULL)
			e->err = REQJSON_ERR_NOMEM;
	}
	json_decref(root);
	return e->err;
}

reqjson_err reqjson_encode(const req *r, char **out)
{
	enc e = {REQJSON_OK};
	json_t *root = NULL;

	*out = NULL;
	allocs_init();
	if (!state_ok(r->state) || !reason_ok(r->reason) || !id_source_ok(r->id_source))
		return REQJSON_ERR_INVALID;
	if (strnlen(r->ticket, sizeof r->ticket) == sizeof r->ticket ||
	    strnlen(r->resubmit_of, sizeof r->resubmit_of) == sizeof r->resubmit_of ||
	    !ticket_canonical_or_empty(r->ticket) || !ticket_canonical_or_empty(r->resubmit_of))
		return REQJSON_ERR_INVALID;
	if (r->submitted_at < 0 || r->consent_at < 0)
		return REQJSON_ERR_INVALID;

	root = json_object();
	if (root == NULL)
		return REQJSON_ERR_NOMEM;
	enc_int(&e, root, "v", REQJSON_VERSION);
	enc_str(&e, root, "ticket", r->ticket, sizeof r->ticket);
	enc_str(&e, root, "resubmit_of", r->resubmit_of, sizeof r->resubmit_of);
	enc_str(&e, root, "kiosk_id", r->kiosk_id, sizeof r->kiosk_id);
	enc_name(&e, root, "state", rstate_name(r->state));
	enc_int(&e, root, "submitted_at", r->submitted_at);
	enc_name(&e, root, "id_source", req_id_source_name(r->id_source));
	enc_str(&e, root, "card_uid", r->card_uid, sizeof r->card_uid);

	json_t *fields = enc_object(&e, root, "fields");
	for (int f = 0; f < REQ_F_COUNT && e.err == REQJSON_OK; f++) {
		const req_value *v = &r->f[f];
		json_t *fo = enc_object(&e, fields, req_field_name((req_field)f));
		enc_str(&e, fo, "current", v->current, sizeof v->current);
		enc_str(&e, fo, "requested", v->requested, sizeof v->requested);
		enc_bool(&e, fo, "change", v->change);
	}

	enc_name(&e, root, "reason", req_reason_name(r->reason));
	enc_str(&e, root, "reason_text", r->reason_text, sizeof r->reason_text);
	if (e.err == REQJSON_OK) {
		json_t *docs = json_array();
		enc_put(&e, root, "docs", docs);
		for (int d = 0; d < REQ_D_COUNT && e.err == REQJSON_OK; d++) {
			if (r->docs[d] &&
			    json_array_append_new(docs, json_string_nocheck(req_doc_name((req_doc)d))))
				e.err = REQJSON_ERR_NOMEM;
		}
	}
	enc_str(&e, root, "doc_other", r->doc_other, sizeof r->doc_other);
	enc_str(&e, root, "consent_version", r->consent_version, sizeof r->consent_version);
	enc_int(&e, root, "consent_at", r->consent_at);
	return enc_finish(&e, root, out);
}

reqjson_err reqjson_encode_event(const char *ticket, const rstate_event *ev, char **out)
{
	enc e = {REQJSON_OK};
	json_t *root = NULL;

	*out = NULL;
	allocs_init();
	if (strnlen(ticket, TICKET_TEXT_MAX) == TICKET_TEXT_MAX || ticket[0] == '\0' ||
	    !ticket_canonical_or_empty(ticket))
		return REQJSON_ERR_INVALID;
	if (!state_ok(ev->from) || !state_ok(ev->to) || !role_ok(ev->role) || ev->at < 0 ||
	    ev->actor[0] == '\0')
		return REQJSON_ERR_INVALID;

	root = json_object();
	if (root == NULL)
		return REQJSON_ERR_NOMEM;
	enc_int(&e, root, "v", REQJSON_VERSION);
	enc_str(&e, root, "ticket", ticket, TICKET_TEXT_MAX);
	enc_name(&e, root, "from", rstate_name(ev->from));
	enc_name(&e, root, "to", rstate_name(ev->to));
	enc_name(&e, root, "role", rrole_name(ev->role));
	enc_str(&e, root, "actor", ev->actor, sizeof ev->actor);
	enc_int(&e, root, "at", ev->at);
	enc_str(&e, root, "reason", ev->reason, sizeof ev->reason);
	return enc_finish(&e, root, out);
}

void reqjson_init(void)
{
	allocs_init();
}

void reqjson_free(char **s)
{
	if (*s == NULL)
		return;
	explicit_bzero(*s, strlen(*s));
	free(*s);
	*s = NULL;
}

/* ---- decoding -------------------------------------------------------------- */

/* A walk over a parsed tree; the first problem sticks, with its path. */
typedef struct dec {
	reqjson_err err;
	char *why;
	size_t why_len;
} dec;

/* Record the first problem: "PATH: WHAT" (PATH and WHAT are ours, never input). */
static bool dec_fail(dec *d, reqjson_err err, const char *path, const char *what)
{
	if (d->err == REQJSON_OK) {
		d->err = err;
		if (d->why_len > 0)
			snprintf(d->why, d->why_len, "%s%s%s", path, path[0] ? ": " : "", what);
	}
	return false;
}

/* The member KEY of OBJ, of jansson type TYPE; PATH names it in messages. */
static json_t *dec_get(dec *d, json_t *obj, const char *key, json_type type, const char *path)
{
	if (d->err)
		return NULL;
	json_t *v = json_object_get(obj, key);
	if (v == NULL) {
		dec_fail(d, REQJSON_ERR_SCHEMA, path, "missing");
		return NULL;
	}
	bool ok = type == JSON_TRUE ? json_is_boolean(v) : json_typeof(v) == type;
	if (!ok) {
		static const char *const expected[] = {
			[JSON_OBJECT] = "expected an object", [JSON_ARRAY] = "expected an array",
			[JSON_STRING] = "expected a string",  [JSON_INTEGER] = "expected an integer",
			[JSON_REAL] = "expected a number",    [JSON_TRUE] = "expected true or false",
			[JSON_FALSE] = "expected true or false", [JSON_NULL] = "expected null",
		};
		dec_fail(d, REQJSON_ERR_SCHEMA, path, expected[type]);
		return NULL;
	}
	return v;
}

/* Copy the string V (from jansson: valid UTF-8) into BUF of CAP bytes. */
static bool dec_copy(dec *d, json_t *v, char *buf, size_t cap, const char *path)
{
	size_t n = json_string_length(v);
	const char *s = json_string_value(v);
	if (n >= cap)
		return dec_fail(d, REQJSON_ERR_VALUE, path, "string too long");
	/* jansson refuses \u0000 without JSON_ALLOW_NUL; check anyway, since a
	 * NUL inside would silently cut the value. */
	if (memchr(s, '\0', n) != NULL || !val_utf8_valid(s, n))
		return dec_fail(d, REQJSON_ERR_VALUE, path, "bad characters");
	memcpy(buf, s, n);
	memset(buf + n, 0, cap - n);
	return true;
}

static bool dec_str(dec *d, json_t *obj, const char *key, char *buf, size_t cap, const char *path)
{
	json_t *v = dec_get(d, obj, key, JSON_STRING, path);
	return v != NULL && dec_copy(d, v, buf, cap, path);
}

static bool dec_time(dec *d, json_t *obj, const char *key, int64_t *out, const char *path)
{
	json_t *v = dec_get(d, obj, key, JSON_INTEGER, path);
	if (v == NULL)
		return false;
	json_int_t t = json_integer_value(v);
	if (t < 0)
		return dec_fail(d, REQJSON_ERR_VALUE, path, "negative time");
	*out = (int64_t)t;
	return true;
}

static bool dec_bool(dec *d, json_t *obj, const char *key, bool *out, const char *path)
{
	json_t *v = dec_get(d, obj, key, JSON_TRUE, path);
	if (v == NULL)
		return false;
	*out = json_is_true(v);
	return true;
}

static bool dec_version(dec *d, json_t *obj)
{
	json_t *v = dec_get(d, obj, "v", JSON_INTEGER, "v");
	if (v == NULL)
		return false;
	if (json_integer_value(v) != REQJSON_VERSION)
		return dec_fail(d, REQJSON_ERR_VALUE, "v", "unsupported version");
	return true;
}

static bool dec_ticket(dec *d, json_t *obj, const char *key, bool required, char out[TICKET_TEXT_MAX])
{
	if (!dec_str(d, obj, key, out, TICKET_TEXT_MAX, key))
		return false;
	if ((required && out[0] == '\0') || !ticket_canonical_or_empty(out))
		return dec_fail(d, REQJSON_ERR_VALUE, key, "not a canonical ticket");
	return true;
}

/* An enum's wire name into NAME; the caller parses it. */
static bool dec_name(dec *d, json_t *obj, const char *key, char name[NAME_MAX_LEN], const char *path)
{
	json_t *v = dec_get(d, obj, key, JSON_STRING, path);
	if (v == NULL)
		return false;
	if (json_string_length(v) >= NAME_MAX_LEN)
		return dec_fail(d, REQJSON_ERR_VALUE, path, "unknown name");
	return dec_copy(d, v, name, NAME_MAX_LEN, path);
}

static bool dec_state(dec *d, json_t *obj, const char *key, rstate *out)
{
	char name[NAME_MAX_LEN];
	if (!dec_name(d, obj, key, name, key))
		return false;
	if (rstate_parse(name, out) != 0)
		return dec_fail(d, REQJSON_ERR_VALUE, key, "unknown state");
	return true;
}

/* All keys of OBJ were known: its size is the number read. */
static bool dec_keys(dec *d, json_t *obj, size_t n, const char *path)
{
	if (d->err)
		return false;
	if (json_object_size(obj) != n)
		return dec_fail(d, REQJSON_ERR_SCHEMA, path, "unexpected key");
	return true;
}

/* Parse JSON[0..LEN) into an object, or record why not. */
static json_t *dec_load(dec *d, const char *json, size_t len)
{
	json_error_t jerr;
	char msg[64];

	if (len > REQJSON_MAX) {
		dec_fail(d, REQJSON_ERR_TOOBIG, "", "input larger than REQJSON_MAX");
		return NULL;
	}
	if (json == NULL || len == 0) {
		dec_fail(d, REQJSON_ERR_SYNTAX, "", "empty input");
		return NULL;
	}
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL) {
		/* jerr.text quotes the input near the error: never copy it. */
		switch (json_error_code(&jerr)) {
		case json_error_out_of_memory:
			dec_fail(d, REQJSON_ERR_NOMEM, "", "out of memory");
			break;
		case json_error_duplicate_key:
			dec_fail(d, REQJSON_ERR_SCHEMA, "", "duplicate key");
			break;
		default:
			snprintf(msg, sizeof msg, "JSON syntax error at line %d, column %d", jerr.line,
				 jerr.column);
			dec_fail(d, REQJSON_ERR_SYNTAX, "", msg);
			break;
		}
		return NULL;
	}
	if (!json_is_object(root)) {
		dec_fail(d, REQJSON_ERR_SCHEMA, "", "top level is not an object");
		json_decref(root);
		return NULL;
	}
	return root;
}

static void dec_begin(dec *d, char *why, size_t why_len)
{
	d->err = REQJSON_OK;
	d->why = why;
	d->why_len = why != NULL ? why_len : 0;
	if (d->why_len > 0)
		d->why[0] = '\0';
}

static void dec_fields(dec *d, json_t *root, req *out)
{
	char path[PATH_MAX_LEN];
	json_t *fields = dec_get(d, root, "fields", JSON_OBJECT, "fields");

	for (int f = 0; f < REQ_F_COUNT && d->err == REQJSON_OK; f++) {
		const char *fname = req_field_name((req_field)f);
		req_value *v = &out->f[f];
		snprintf(path, sizeof path, "fields.%s", fname);
		json_t *fo = dec_get(d, fields, fname, JSON_OBJECT, path);
		if (fo == NULL)
			break;
		snprintf(path, sizeof path, "fields.%s.current", fname);
		dec_str(d, fo, "current", v->current, sizeof v->current, path);
		snprintf(path, sizeof path, "fields.%s.requested", fname);
		dec_str(d, fo, "requested", v->requested, sizeof v->requested, path);
		snprintf(path, sizeof path, "fields.%s.change", fname);
		dec_bool(d, fo, "change", &v->change, path);
		snprintf(path, sizeof path, "fields.%s", fname);
		dec_keys(d, fo, FIELD_KEYS, path);
	}
	dec_keys(d, fields, REQ_F_COUNT, "fields");
}

static void dec_docs(dec *d, json_t *root, req *out)
{
	json_t *docs = dec_get(d, root, "docs", JSON_ARRAY, "docs");
	size_t i;
	json_t *item;

	if (docs == NULL)
		return;
	json_array_foreach(docs, i, item) {
		char name[NAME_MAX_LEN];
		req_doc doc;
		if (!json_is_string(item)) {
			dec_fail(d, REQJSON_ERR_SCHEMA, "docs", "expected strings");
			return;
		}
		if (json_string_length(item) >= NAME_MAX_LEN || !dec_copy(d, item, name, sizeof name, "docs") ||
		    req_doc_parse(name, &doc) != 0) {
			dec_fail(d, REQJSON_ERR_VALUE, "docs", "unknown document");
			return;
		}
		if (out->docs[doc]) {
			dec_fail(d, REQJSON_ERR_VALUE, "docs", "a document named twice");
			return;
		}
		out->docs[doc] = true;
	}
}

reqjson_err reqjson_decode(const char *json, size_t len, req *out, char *why, size_t why_len)
{
	dec d;
	char name[NAME_MAX_LEN];
	json_t *root;

	allocs_init();
	dec_begin(&d, why, why_len);
	req_init(out);
	root = dec_load(&d, json, len);
	if (root == NULL)
		goto fail;

	dec_version(&d, root);
	dec_ticket(&d, root, "ticket", false, out->ticket);
	dec_ticket(&d, root, "resubmit_of", false, out->resubmit_of);
	dec_str(&d, root, "kiosk_id", out->kiosk_id, sizeof out->kiosk_id, "kiosk_id");
	dec_state(&d, root, "state", &out->state);
	dec_time(&d, root, "submitted_at", &out->submitted_at, "submitted_at");
	if (dec_name(&d, root, "id_source", name, "id_source") &&
	    req_id_source_parse(name, &out->id_source) != 0)
		dec_fail(&d, REQJSON_ERR_VALUE, "id_source", "unknown identity source");
	dec_str(&d, root, "card_uid", out->card_uid, sizeof out->card_uid, "card_uid");
	dec_fields(&d, root, out);
	if (dec_name(&d, root, "reason", name, "reason") && req_reason_parse(name, &out->reason) != 0)
		dec_fail(&d, REQJSON_ERR_VALUE, "reason", "unknown reason");
	dec_str(&d, root, "reason_text", out->reason_text, sizeof out->reason_text, "reason_text");
	dec_docs(&d, root, out);
	dec_str(&d, root, "doc_other", out->doc_other, sizeof out->doc_other, "doc_other");
	dec_str(&d, root, "consent_version", out->consent_version, sizeof out->consent_version,
		"consent_version");
	dec_time(&d, root, "consent_at", &out->consent_at, "consent_at");
	dec_keys(&d, root, REQ_KEYS, "top level");
	json_decref(root);
	if (d.err)
		goto fail;
	return REQJSON_OK;

fail:
	req_wipe(out);
	req_init(out);
	return d.err;
}

reqjson_err reqjson_decode_event(const char *json, size_t len, char ticket[TICKET_TEXT_MAX],
				 rstate_event *ev, char *why, size_t why_len)
{
	dec d;
	char name[NAME_MAX_LEN];
	json_t *root;

	allocs_init();
	dec_begin(&d, why, why_len);
	memset(ticket, 0, TICKET_TEXT_MAX);
	memset(ev, 0, sizeof *ev);
	root = dec_load(&d, json, len);
	if (root == NULL)
		goto fail;

	dec_version(&d, root);
	dec_ticket(&d, root, "ticket", true, ticket);
	dec_state(&d, root, "from", &ev->from);
	dec_state(&d, root, "to", &ev->to);
	if (dec_name(&d, root, "role", name, "role") && rrole_parse(name, &ev->role) != 0)
		dec_fail(&d, REQJSON_ERR_VALUE, "role", "unknown role");
	if (dec_str(&d, root, "actor", ev->actor, sizeof ev->actor, "actor") && ev->actor[0] == '\0')
		dec_fail(&d, REQJSON_ERR_VALUE, "actor", "empty");
	dec_time(&d, root, "at", &ev->at, "at");
	dec_str(&d, root, "reason", ev->reason, sizeof ev->reason, "reason");
	dec_keys(&d, root, EVENT_KEYS, "top level");
	json_decref(root);
	if (d.err)
		goto fail;
	return REQJSON_OK;

fail:
	explicit_bzero(ticket, TICKET_TEXT_MAX);
	explicit_bzero(ev, sizeof *ev);
	return d.err;
}
