/*
 * answer: the kiosk's reading of the central service's answers (see
 * answer.h and docs/sync-protocol.md, sections 4-6).
 *
 * Bodies come from the network, so every parse is bounded before jansson
 * sees it (ANSWER_BODY_MAX bytes, nesting at most DEPTH_MAX deep, checked
 * by a scan that costs one pass) and loaded with JSON_REJECT_DUPLICATES
 * through reqjson's zeroing allocators (answers carry tickets and the texts
 * sent to applicants). Reasons are built only from this file's own words,
 * numbers, and an error code that passed code_ok(): nothing else of a body
 * reaches a log.
 */
#include "answer.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "reqjson.h"
#include "rstate.h"
#include "ticket.h"

enum {
	DEPTH_MAX = 32,        /* a change page nests 4 deep; anything near 32 is hostile */
	EVENT_JSON_MAX = 8192, /* an event re-serialised: its strings fit in < 4 KiB */
	NET_ERROR_MAX = 100,   /* bytes of a transport reason quoted in a reason */
	CODE_MAX = 47,         /* an error code: [a-z_]{1,47} */
	NOTE_KIND_MAX = (int)sizeof(((queue_note *)0)->kind),
	NOTE_TEXT_MAX = (int)sizeof(((queue_note *)0)->text),
};

/* ---- small helpers ------------------------------------------------------------ */

/* Write a reason, then force it to printable ASCII: the arguments are this
 * file's own words, but a stray byte must never reach a log line. */
__attribute__((format(printf, 3, 4))) static void put_text(char *buf, size_t cap, const char *fmt,
							    ...)
{
	va_list ap;

	if (buf == NULL || cap == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	for (char *p = buf; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
}

#define REASON(out, ...) put_text((out)->reason, sizeof (out)->reason, __VA_ARGS__)

/* "application/json", any case, optionally followed by parameters. */
static bool json_content_type(const char *ct)
{
	static const char want[] = "application/json";

	if (ct == NULL)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, want, sizeof want - 1) != 0)
		return false;
	ct += sizeof want - 1;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/* A protocol error code: [a-z_]{1,47}. */
static bool code_ok(const char *s, size_t len)
{
	if (len == 0 || len > CODE_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return false;
	return true;
}

/* S (LEN bytes, from jansson: NUL-terminated) is a ticket exactly as
 * ticket_parse() writes it; copied to OUT (may be NULL) when it is. */
static bool ticket_canonical(const char *s, size_t len, char out[TICKET_TEXT_MAX])
{
	char t[TICKET_TEXT_MAX];

	if (len != TICKET_TEXT_MAX - 1 || ticket_parse(s, t) != TICKET_OK ||
	    memcmp(s, t, TICKET_TEXT_MAX) != 0)
		return false;
	if (out != NULL)
		memcpy(out, t, TICKET_TEXT_MAX);
	return true;
}

/* Copy a known state name from V (may be NULL) into STATE; leave it "" for
 * anything else, so an unknown word from the server is never shown. */
static void copy_state(json_t *v, char state[32])
{
	rstate s;

	if (json_is_string(v) && rstate_parse(json_string_value(v), &s) == 0)
		snprintf(state, 32, "%s", rstate_name(s));
}

/* ---- bounded loading ------------------------------------------------------------ */

typedef enum load_err {
	LOAD_OK,
	LOAD_EMPTY,
	LOAD_TOO_BIG,
	LOAD_TOO_DEEP,
	LOAD_SYNTAX,
	LOAD_DUPLICATE,
	LOAD_NOMEM,
	LOAD_NOT_OBJECT,
} load_err;

static const char *const load_err_text[] = {
	[LOAD_OK] = "ok",
	[LOAD_EMPTY] = "empty body",
	[LOAD_TOO_BIG] = "body over 1 MiB",
	[LOAD_TOO_DEEP] = "JSON nested too deep",
	[LOAD_SYNTAX] = "body is not valid JSON",
	[LOAD_DUPLICATE] = "JSON with a duplicate key",
	[LOAD_NOMEM] = "out of memory",
	[LOAD_NOT_OBJECT] = "body is not a JSON object",
};

/* Deepest nesting of B[0..LEN) outside strings, counted up to DEPTH_MAX + 1
 * (enough to refuse it). Malformed input is left to the parser. */
static int nesting(const char *b, size_t len)
{
	int depth = 0, deepest = 0;
	bool in_string = false, escaped = false;

	for (size_t i = 0; i < len && deepest <= DEPTH_MAX; i++) {
		char c = b[i];
		if (in_string) {
			if (escaped)
				escaped = false;
			else if (c == '\\')
				escaped = true;
			else if (c == '"')
				in_string = false;
		} else if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			if (++depth > deepest)
				deepest = depth;
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	return deepest;
}

/* Load BODY[0..LEN) as one JSON object into *ROOT (NULL on error). */
static load_err load_object(const char *body, size_t len, json_t **root)
{
	json_error_t jerr;

	*root = NULL;
	if (body == NULL || len == 0)
		return LOAD_EMPTY;
	if (len > ANSWER_BODY_MAX)
		return LOAD_TOO_BIG;
	if (nesting(body, len) > DEPTH_MAX)
		return LOAD_TOO_DEEP;
	reqjson_init(); /* jansson's blocks are zeroed when freed */
	json_t *r = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (r == NULL) {
		/* jerr.text may quote the body: only its code is used. */
		switch (json_error_code(&jerr)) {
		case json_error_out_of_memory:
			return LOAD_NOMEM;
		case json_error_duplicate_key:
			return LOAD_DUPLICATE;
		default:
			return LOAD_SYNTAX;
		}
	}
	if (!json_is_object(r)) {
		json_decref(r);
		return LOAD_NOT_OBJECT;
	}
	*root = r;
	return LOAD_OK;
}

/* ---- the shapes of good answers ------------------------------------------------- */

typedef enum ftype {
	F_STRING,   /* any string */
	F_NONEMPTY, /* a non-empty string */
	F_TICKET,   /* a canonical ticket */
	F_INT,      /* an integer */
	F_TIME,     /* an integer >= 0 (epoch seconds, or a cursor) */
	F_BOOL,     /* true or false */
	F_ARRAY,    /* an array (its items are checked elsewhere) */
	F_LITERAL,  /* exactly the string LIT */
} ftype;

typedef struct field {
	const char *key;
	ftype type;
	const char *lit;
} field;

enum { FIELDS_MAX = 3 };

static const field shapes[ANSWER_KIND_COUNT][FIELDS_MAX] = {
	[ANSWER_REQUEST] = {{"ticket", F_TICKET, NULL}, {"state", F_LITERAL, "received"},
			    {"received_at", F_TIME, NULL}},
	[ANSWER_EVENT] = {{"ticket", F_TICKET, NULL}, {"state", F_STRING, NULL}},
	[ANSWER_COMPLAINT] = {{"number", F_NONEMPTY, NULL}, {"state", F_STRING, NULL}},
	[ANSWER_SURVEY] = {{"id", F_INT, NULL}},
	[ANSWER_REVOCATION] = {{"serial", F_NONEMPTY, NULL}, {"status", F_LITERAL, "revoked"},
			       {"revoked_at", F_TIME, NULL}},
	[ANSWER_CHANGES] = {{"changes", F_ARRAY, NULL}, {"next", F_TIME, NULL}, {"more", F_BOOL, NULL}},
	[ANSWER_HEALTH] = {{"status", F_LITERAL, "ok"}, {"time", F_TIME, NULL},
			   {"version", F_STRING, NULL}},
	[ANSWER_CERTS] = {{"certificates", F_ARRAY, NULL}},
};

static bool field_ok(json_t *v, const field *f)
{
	switch (f->type) {
	case F_STRING:
		return json_is_string(v);
	case F_NONEMPTY:
		return json_is_string(v) && json_string_length(v) > 0;
	case F_TICKET:
		return json_is_string(v) && ticket_canonical(json_string_value(v), json_string_length(v), NULL);
	case F_INT:
		return json_is_integer(v);
	case F_TIME:
		return json_is_integer(v) && json_integer_value(v) >= 0;
	case F_BOOL:
		return json_is_boolean(v);
	case F_ARRAY:
		return json_is_array(v);
	case F_LITERAL:
		return json_is_string(v) && strcmp(json_string_value(v), f->lit) == 0;
	}
	return false;
}

static const char *field_want(const field *f)
{
	switch (f->type) {
	case F_STRING:
		return "a string";
	case F_NONEMPTY:
		return "a non-empty string";
	case F_TICKET:
		return "a ticket";
	case F_INT:
		return "an integer";
	case F_TIME:
		return "a time";
	case F_BOOL:
		return "a boolean";
	case F_ARRAY:
		return "an array";
	case F_LITERAL:
		return f->lit;
	}
	return "?";
}

/* ---- classification --------------------------------------------------------------- */

answer_kind answer_kind_for(queue_kind k)
{
	switch (k) {
	case QUEUE_KIND_REQUEST:
		return ANSWER_REQUEST;
	case QUEUE_KIND_EVENT:
		return ANSWER_EVENT;
	case QUEUE_KIND_COMPLAINT:
	case QUEUE_KIND_COMPLAINT_NOTE:
		return ANSWER_COMPLAINT;
	case QUEUE_KIND_SURVEY:
		return ANSWER_SURVEY;
	case QUEUE_KIND_REVOCATION:
		return ANSWER_REVOCATION;
	case QUEUE_KIND_COUNT:
		break;
	}
	/* No shape: answer_classify() never calls such an answer done. */
	return ANSWER_KIND_COUNT;
}

static void bad(answer *out, const char *fmt_what, int status)
{
	out->verdict = ANSWER_RETRY;
	out->bad = true;
	REASON(out, "bad answer: HTTP %d %s", status, fmt_what);
}

/* Take the code (and a state_conflict's state) of an error body, if it is
 * one: {"error":{"code":"...","message":"...","state":"..."}}. */
static void error_code(json_t *root, answer *out)
{
	json_t *err = json_object_get(root, "error");
	json_t *code = json_object_get(err, "code");

	if (!json_is_object(err) || !json_is_string(code) ||
	    !code_ok(json_string_value(code), json_string_length(code)))
		return;
	memcpy(out->code, json_string_value(code), json_string_length(code) + 1);
	/* Section 4 puts "state" beside the code; a server that puts it at the
	 * top level is read too. */
	copy_state(json_object_get(err, "state"), out->state);
	if (out->state[0] == '\0')
		copy_state(json_object_get(root, "state"), out->state);
}

static void classify_2xx(answer_kind kind, const answer_raw *raw, answer *out)
{
	json_t *root = NULL;
	load_err le;
	char what[96];

	if (raw->truncated || raw->body_len > ANSWER_BODY_MAX) {
		bad(out, "body over 1 MiB", raw->status);
		return;
	}
	if (!json_content_type(raw->content_type)) {
		bad(out, "without JSON", raw->status);
		return;
	}
	le = load_object(raw->body, raw->body_len, &root);
	if (le == LOAD_NOMEM) {
		/* Our memory, not the server's fault: retry without blaming it. */
		out->verdict = ANSWER_RETRY;
		REASON(out, "out of memory reading HTTP %d", raw->status);
		return;
	}
	if (le != LOAD_OK) {
		bad(out, load_err_text[le], raw->status);
		return;
	}
	if (json_object_get(root, "error") != NULL) {
		error_code(root, out);
		bad(out, "with an error object", raw->status);
		goto done;
	}
	if ((int)kind < 0 || kind >= ANSWER_KIND_COUNT) {
		bad(out, "to a request of unknown kind", raw->status);
		goto done;
	}
	for (int i = 0; i < FIELDS_MAX && shapes[kind][i].key != NULL; i++) {
		const field *f = &shapes[kind][i];
		if (!field_ok(json_object_get(root, f->key), f)) {
			snprintf(what, sizeof what, "with \"%s\" missing or not %s", f->key, field_want(f));
			bad(out, what, raw->status);
			goto done;
		}
	}
	out->verdict = ANSWER_DONE;
	copy_state(json_object_get(root, "state"), out->state);
	if (kind == ANSWER_REQUEST)
		out->received_at = json_integer_value(json_object_get(root, "received_at"));
	if (kind == ANSWER_HEALTH)
		out->server_time = json_integer_value(json_object_get(root, "time"));
done:
	json_decref(root);
}

void answer_classify(answer_kind kind, const answer_raw *raw, answer *out)
{
	int st = raw->status;

	memset(out, 0, sizeof *out);
	out->status = st;
	if (st == 0) {
		char net[NET_ERROR_MAX];
		const char *e = raw->net_error;
		out->verdict = ANSWER_RETRY;
		snprintf(net, sizeof net, "%s", e != NULL && e[0] != '\0' ? e : "no answer");
		REASON(out, "network: %s", net);
		return;
	}
	if (st < 100 || st > 599) {
		out->verdict = ANSWER_RETRY;
		out->bad = true;
		REASON(out, "bad answer: HTTP status %d", st);
		return;
	}
	if (st < 200) {
		bad(out, "as a final answer", st);
		return;
	}
	if (st < 300) {
		classify_2xx(kind, raw, out);
		return;
	}
	if (st < 400) {
		/* A captive portal or a proxy, never the central service. */
		bad(out, "redirect (not followed)", st);
		return;
	}

	if (!raw->truncated) {
		json_t *root = NULL;
		if (load_object(raw->body, raw->body_len, &root) == LOAD_OK)
			error_code(root, out);
		json_decref(root);
	}
	if (st >= 500 || st == 401 || st == 408 || st == 425 || st == 429)
		out->verdict = ANSWER_RETRY;
	else
		out->verdict = ANSWER_DEAD;
	out->auth_refused = st == 401;
	if (out->code[0] != '\0')
		REASON(out, "HTTP %d %s", st, out->code);
	else
		REASON(out, "HTTP %d", st);
}

/* ---- the change feed ---------------------------------------------------------------- */

/* Where a change page went wrong, for the caller's WHY. */
typedef struct failure {
	char *why;
	size_t why_len;
} failure;

__attribute__((format(printf, 2, 3))) static int fail(const failure *f, const char *fmt, ...)
{
	char msg[ANSWER_REASON_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	put_text(f->why, f->why_len, "%s", msg);
	return -1;
}

static int parse_event(const failure *f, size_t i, json_t *c, queue_change *out)
{
	char buf[EVENT_JSON_MAX], w[REQJSON_WHY_MAX], ticket[TICKET_TEXT_MAX];
	json_t *ev = json_object_get(c, "event");
	int rc = 0;

	if (!json_is_object(ev))
		return fail(f, "changes[%zu].event: missing or not an object", i);
	/* reqjson's strict decoder takes bytes: give it this object alone. */
	size_t n = json_dumpb(ev, buf, sizeof buf, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (n == 0 || n > sizeof buf) {
		rc = fail(f, "changes[%zu].event: too large or not serialisable", i);
		goto out;
	}
	reqjson_err e = reqjson_decode_event(buf, n, ticket, &out->ev, w, sizeof w);
	if (e != REQJSON_OK) {
		rc = fail(f, "changes[%zu].event: %s", i, w[0] != '\0' ? w : reqjson_err_name(e));
		goto out;
	}
	if (strcmp(ticket, out->ticket) != 0)
		rc = fail(f, "changes[%zu].event.ticket: not the change's ticket", i);
out:
	explicit_bzero(buf, sizeof buf);
	explicit_bzero(ticket, sizeof ticket);
	return rc;
}

/* Copy string V into BUF of CAP bytes: it must fit with its NUL and (when
 * NONEMPTY) hold something. */
static bool copy_string(json_t *v, char *buf, size_t cap, bool nonempty)
{
	if (!json_is_string(v))
		return false;
	size_t len = json_string_length(v);
	if (len >= cap || (nonempty && len == 0))
		return false;
	memcpy(buf, json_string_value(v), len + 1);
	return true;
}

static int parse_note(const failure *f, size_t i, json_t *c, queue_note *note)
{
	json_t *ch = json_object_get(c, "channel");
	json_t *at = json_object_get(c, "at");
	const char *s = json_string_value(ch); /* NULL when not a string */

	if (s == NULL || (strcmp(s, "email") != 0 && strcmp(s, "sms") != 0 && strcmp(s, "kiosk") != 0))
		return fail(f, "changes[%zu].channel: missing or not email, sms or kiosk", i);
	snprintf(note->channel, sizeof note->channel, "%s", s);
	if (!copy_string(json_object_get(c, "kind"), note->kind, sizeof note->kind, true))
		return fail(f, "changes[%zu].kind: missing, empty or longer than %d bytes", i,
			    NOTE_KIND_MAX - 1);
	if (!json_is_integer(at) || json_integer_value(at) < 0)
		return fail(f, "changes[%zu].at: missing or not a time", i);
	note->at = json_integer_value(at);
	if (!copy_string(json_object_get(c, "text"), note->text, sizeof note->text, false))
		return fail(f, "changes[%zu].text: missing or longer than %d bytes", i, NOTE_TEXT_MAX - 1);
	return 0;
}

int answer_parse_changes(const char *body, size_t len, int64_t since, queue_change *out, int *n,
			 int *skipped, int64_t *next, bool *more, char *why, size_t why_len)
{
	failure f = {why, why != NULL ? why_len : 0};
	json_t *root = NULL;
	int count = 0, skip = 0, rc = -1;
	int64_t last = since;

	*n = 0;
	*next = 0;
	*more = false;
	if (skipped != NULL)
		*skipped = 0;
	if (f.why_len > 0)
		f.why[0] = '\0';

	load_err le = load_object(body, len, &root);
	if (le != LOAD_OK) {
		fail(&f, "%s", load_err_text[le]);
		goto out;
	}
	json_t *changes = json_object_get(root, "changes");
	json_t *jnext = json_object_get(root, "next");
	json_t *jmore = json_object_get(root, "more");
	if (!json_is_array(changes)) {
		fail(&f, "changes: missing or not an array");
		goto out;
	}
	if (json_array_size(changes) > ANSWER_CHANGES_MAX) {
		fail(&f, "changes: more than %d in one page", ANSWER_CHANGES_MAX);
		goto out;
	}
	if (!json_is_integer(jnext) || json_integer_value(jnext) < 0) {
		fail(&f, "next: missing or not a cursor");
		goto out;
	}
	int64_t nx = json_integer_value(jnext);
	if (nx < since) {
		fail(&f, "next: before the cursor sent");
		goto out;
	}
	if (!json_is_boolean(jmore)) {
		fail(&f, "more: missing or not a boolean");
		goto out;
	}

	for (size_t i = 0; i < json_array_size(changes); i++) {
		json_t *c = json_array_get(changes, i);
		json_t *seq = json_object_get(c, "seq");
		json_t *ticket = json_object_get(c, "ticket");
		const char *type = json_string_value(json_object_get(c, "type"));

		if (!json_is_object(c)) {
			fail(&f, "changes[%zu]: not an object", i);
			goto out;
		}
		if (!json_is_integer(seq)) {
			fail(&f, "changes[%zu].seq: missing or not an integer", i);
			goto out;
		}
		/* After the cursor, increasing, and covered by next: a page that
		 * breaks this would make the stored cursor skip or repeat changes. */
		if (json_integer_value(seq) <= last) {
			fail(&f, "changes[%zu].seq: %s", i, i == 0 ? "not after the cursor" : "not increasing");
			goto out;
		}
		last = json_integer_value(seq);
		if (last > nx) {
			fail(&f, "changes[%zu].seq: after next", i);
			goto out;
		}
		if (type == NULL) {
			fail(&f, "changes[%zu].type: missing or not a string", i);
			goto out;
		}
		bool is_event = strcmp(type, "event") == 0;
		if (!is_event && strcmp(type, "notification") != 0) {
			skip++; /* a newer server's type */
			continue;
		}

		queue_change *q = &out[count];
		memset(q, 0, sizeof *q);
		q->seq = last;
		q->type = is_event ? QUEUE_CHANGE_EVENT : QUEUE_CHANGE_NOTE;
		count++; /* counted now so that a failure below wipes this entry */
		if (!json_is_string(ticket) ||
		    !ticket_canonical(json_string_value(ticket), json_string_length(ticket), q->ticket)) {
			fail(&f, "changes[%zu].ticket: missing or not a ticket", i);
			goto out;
		}
		if (is_event ? parse_event(&f, i, c, q) != 0 : parse_note(&f, i, c, &q->note) != 0)
			goto out;
	}

	*n = count;
	*next = nx;
	*more = json_is_true(jmore);
	if (skipped != NULL)
		*skipped = skip;
	rc = 0;
out:
	json_decref(root);
	if (rc != 0)
		explicit_bzero(out, sizeof *out * ANSWER_CHANGES_MAX);
	return rc;
}

/* ---- the certificate lookup ------------------------------------------------------------ */

/* V is a string of 1..CAP-1 bytes, each in SET (or printable ASCII when SET
 * is NULL); copied to BUF. */
static bool copy_token(json_t *v, char *buf, size_t cap, const char *set)
{
	if (!json_is_string(v))
		return false;
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (len == 0 || len >= cap)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (set != NULL ? strchr(set, c) == NULL || c == '\0' : c < 0x20 || c > 0x7e)
			return false;
	}
	memcpy(buf, s, len + 1);
	return true;
}

static int parse_cert(const failure *f, size_t i, json_t *c, answer_cert *out)
{
	json_t *na = json_object_get(c, "not_after");
	const char *st;

	if (!json_is_object(c))
		return fail(f, "certificates[%zu]: not an object", i);
	if (!copy_token(json_object_get(c, "serial"), out->serial, sizeof out->serial, "0123456789ABCDEF"))
		return fail(f, "certificates[%zu].serial: missing or not 1-63 of 0-9 A-F", i);
	if (!json_is_string(json_object_get(c, "subject")))
		return fail(f, "certificates[%zu].subject: missing or not a string", i);
	if (!copy_token(json_object_get(c, "issuer"), out->issuer, sizeof out->issuer, NULL))
		return fail(f, "certificates[%zu].issuer: missing or not 1-31 printable characters", i);
	st = json_string_value(json_object_get(c, "status"));
	if (st == NULL || (strcmp(st, "valid") != 0 && strcmp(st, "revoked") != 0))
		return fail(f, "certificates[%zu].status: missing or not valid or revoked", i);
	snprintf(out->status, sizeof out->status, "%s", st);
	if (!json_is_integer(na) || json_integer_value(na) < 0)
		return fail(f, "certificates[%zu].not_after: missing or not a time", i);
	out->not_after = json_integer_value(na);
	return 0;
}

int answer_parse_certs(const char *body, size_t len, answer_cert *out, int *n, char *why, size_t why_len)
{
	failure f = {why, why != NULL ? why_len : 0};
	answer_cert revoked[ANSWER_CERTS_MAX], one;
	json_t *root = NULL;
	int valid = 0, nrev = 0, rc = -1;

	*n = 0;
	memset(out, 0, sizeof *out * ANSWER_CERTS_MAX);
	memset(revoked, 0, sizeof revoked);
	if (f.why_len > 0)
		f.why[0] = '\0';
	load_err le = load_object(body, len, &root);
	if (le != LOAD_OK) {
		fail(&f, "%s", load_err_text[le]);
		goto out;
	}
	json_t *list = json_object_get(root, "certificates");
	if (!json_is_array(list)) {
		fail(&f, "certificates: missing or not an array");
		goto out;
	}
	if (json_array_size(list) > ANSWER_CERTS_LIST_MAX) {
		fail(&f, "certificates: more than %d", ANSWER_CERTS_LIST_MAX);
		goto out;
	}
	for (size_t i = 0; i < json_array_size(list); i++) {
		memset(&one, 0, sizeof one);
		if (parse_cert(&f, i, json_array_get(list, i), &one) != 0)
			goto out;
		if (strcmp(one.status, "valid") == 0) {
			if (valid == ANSWER_CERTS_MAX) {
				fail(&f, "certificates: more than %d valid", ANSWER_CERTS_MAX);
				goto out;
			}
			out[valid++] = one;
		} else if (nrev < ANSWER_CERTS_MAX) {
			revoked[nrev++] = one;
		}
	}
	for (int i = 0; i < nrev && valid + i < ANSWER_CERTS_MAX; i++)
		out[valid + i] = revoked[i];
	*n = valid + nrev < ANSWER_CERTS_MAX ? valid + nrev : ANSWER_CERTS_MAX;
	rc = 0;
out:
	json_decref(root);
	if (rc != 0)
		memset(out, 0, sizeof *out * ANSWER_CERTS_MAX);
	return rc;
}
