/*
 * csim_api_misc: certificate lookup and revocation, complaints, surveys and
 * holidays (docs/sync-protocol.md, section 6). Bodies are checked strictly:
 * exactly the documented keys, each of its type and range.
 */
#include "csim_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complaint.h"
#include "reqjson.h"

#define WHY_MAX 128

static void invalid(csim_answer *a, const char *what, const char *why)
{
	csim_answer_errorf(a, 400, "invalid_body", "not a %s of version 1: %s", what, why);
}

static bool all_of(const char *s, const char *set)
{
	return strspn(s, set) == strlen(s);
}

static int add_cert(void *ctx, const csim_cert *c)
{
	json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:I}", "serial", c->serial, "subject", c->subject, "issuer",
			      c->issuer, "status", c->status, "not_after", (json_int_t)c->not_after);
	return o ? json_array_append_new(ctx, o) : -1;
}

void csim_api_lookup(csim_app *app, const csim_call *c, csim_answer *a)
{
	static const char *const keys[] = {"nik", NULL};
	char why[WHY_MAX];
	const char *nik;
	json_t *body = csim_json_object(c->body, c->len, keys, NULL, why, sizeof why), *list;

	if (body == NULL || csim_json_str(body, "nik", 16, 16, &nik, why, sizeof why) != 0 ||
	    !all_of(nik, "0123456789")) {
		invalid(a, "lookup", body ? "nik: 16 digits" : why);
		json_decref(body);
		return;
	}
	list = json_array();
	if (list == NULL || csim_store_certs_by_nik(app->store, nik, add_cert, list) < 0) {
		json_decref(list);
		csim_answer_internal(a);
	} else {
		csim_answer_json(a, 200, json_pack("{s:o}", "certificates", list));
	}
	json_decref(body);
}

/*
 * The certificate of TICKET is revoked: when the ticket is centrally in
 * revocation_required it moves to revoked (role central, actor "bsre", as
 * the kiosk records it when its revocation entry settles). The submitting
 * kiosk OWNER learns of it from its feed unless the revocation came from
 * it (CALLER): a kiosk's own doings never come back. 0, or -1 (database).
 */
static int revoked_move(csim_app *app, const char *ticket, rstate state, const char *owner,
			const char *caller, int64_t now)
{
	rstate_event ev;
	rstate cur = state;
	char *json = NULL;
	int rc = 0;

	if (state != RSTATE_REVOCATION_REQUIRED ||
	    rstate_apply(&cur, RSTATE_REVOKED, RROLE_CENTRAL, "bsre", now, NULL, &ev) != RSTATE_OK)
		return 0;
	csim_event_row row = {.ticket = ticket,
			      .from = state,
			      .to = RSTATE_REVOKED,
			      .role = RROLE_CENTRAL,
			      .actor = "bsre",
			      .reason = "",
			      .at = now,
			      .received_at = now};
	if (csim_store_event_add(app->store, &row) < 0 ||
	    csim_store_ticket_set(app->store, ticket, RSTATE_REVOKED, now) != 0)
		return -1;
	if (strcmp(owner, caller) != 0 &&
	    (reqjson_encode_event(ticket, &ev, &json) != REQJSON_OK ||
	     csim_store_change_add(app->store, owner, ticket, "event", json, now) < 0))
		rc = -1;
	reqjson_free(&json);
	return rc;
}

void csim_api_revocations(csim_app *app, const csim_call *c, csim_answer *a)
{
	static const char *const keys[] = {"v", "ticket", "serial", "reason", "actor", "at", NULL};
	char why[WHY_MAX], owner[CSIM_KIOSK_ID_MAX], text[200];
	const char *ticket, *serial, *reason, *actor;
	int64_t v, at;
	csim_cert cert;
	rstate state;
	int rc;
	json_t *body = csim_json_object(c->body, c->len, keys, NULL, why, sizeof why);

	if (body == NULL || csim_json_int(body, "v", 1, 1, &v, why, sizeof why) != 0 ||
	    csim_json_str(body, "ticket", 9, 9, &ticket, why, sizeof why) != 0 ||
	    csim_json_str(body, "serial", 1, 64, &serial, why, sizeof why) != 0 ||
	    csim_json_str(body, "reason", 1, 32, &reason, why, sizeof why) != 0 ||
	    csim_json_str(body, "actor", 1, RSTATE_ACTOR_MAX - 1, &actor, why, sizeof why) != 0 ||
	    csim_json_int(body, "at", 0, INT64_MAX, &at, why, sizeof why) != 0) {
		invalid(a, "revocation", why);
		goto out;
	}
	if (!csim_ticket_ok(ticket, false) || !all_of(serial, "0123456789ABCDEF") ||
	    strcmp(reason, "identity_changed") != 0) {
		invalid(a, "revocation",
			!csim_ticket_ok(ticket, false)            ? "ticket: not canonical"
			: strcmp(reason, "identity_changed") != 0 ? "reason: not identity_changed"
								  : "serial: upper-case hex");
		goto out;
	}
	snprintf(a->ticket, sizeof a->ticket, "%s", ticket);
	rc = csim_store_cert_get(app->store, serial, &cert);
	if (rc <= 0) {
		if (rc < 0)
			csim_answer_internal(a);
		else
			csim_answer_error(a, 404, "unknown_certificate", "no certificate with this serial");
		goto out;
	}
	if (!csim_api_ticket(app, a, ticket, &state, owner))
		goto out;
	if (strcmp(cert.status, "revoked") == 0) {
		if (revoked_move(app, ticket, state, owner, c->kiosk_id, c->now) != 0) {
			csim_answer_internal(a);
			goto out;
		}
		csim_answer_json(a, 200,
				 json_pack("{s:s,s:s,s:I}", "serial", cert.serial, "status", "revoked",
					   "revoked_at", (json_int_t)cert.revoked_at));
		goto out;
	}
	csim_revocation_row row = {.serial = serial,
				   .ticket = ticket,
				   .kiosk_id = c->kiosk_id,
				   .reason = reason,
				   .actor = actor,
				   .idem_key = c->idem_key,
				   .at = at,
				   .revoked_at = c->now,
				   .payload = c->body,
				   .payload_len = c->len};
	snprintf(text, sizeof text,
		 "Sertifikat elektronik %s dicabut: identitas berubah (permohonan %s).", serial,
		 ticket);
	if (csim_store_revoke(app->store, &row) != 0 ||
	    revoked_move(app, ticket, state, owner, c->kiosk_id, c->now) != 0 ||
	    csim_api_notify(app, ticket, "certificate_revoked", "revocation", text, true, true, cert.email,
			    cert.phone, owner, c->now) != 0) {
		csim_answer_internal(a);
		goto out;
	}
	csim_answer_json(a, 201,
			 json_pack("{s:s,s:s,s:I}", "serial", serial, "status", "revoked", "revoked_at",
				   (json_int_t)c->now));
out:
	explicit_bzero(&cert, sizeof cert);
	json_decref(body);
}

/* "ADU-XXXX-XXXX" with ticket symbols (the kiosk draws it; no check symbol). */
static bool complaint_number_ok(const char *n)
{
	if (strlen(n) != 13 || strncmp(n, "ADU-", 4) != 0 || n[8] != '-')
		return false;
	for (int i = 4; i < 13; i++) {
		if (i != 8 && !ticket_symbol_ok(n[i]))
			return false;
	}
	return true;
}

void csim_api_complaints(csim_app *app, const csim_call *c, csim_answer *a)
{
	static const char *const keys[] = {"v",      "number",  "kiosk_id", "category", "text",
					   "ticket", "contact", "at",       NULL};
	char why[WHY_MAX];
	const char *number, *kiosk, *category, *text, *ticket, *contact;
	int64_t v, at;
	json_t *body = csim_json_object(c->body, c->len, keys, NULL, why, sizeof why);

	if (body == NULL || csim_json_int(body, "v", 1, 1, &v, why, sizeof why) != 0 ||
	    csim_json_str(body, "number", 13, 13, &number, why, sizeof why) != 0 ||
	    csim_json_str(body, "kiosk_id", 1, 32, &kiosk, why, sizeof why) != 0 ||
	    csim_json_str(body, "category", 1, 32, &category, why, sizeof why) != 0 ||
	    csim_json_str(body, "text", 1, 2000, &text, why, sizeof why) != 0 ||
	    csim_json_str(body, "ticket", 0, 9, &ticket, why, sizeof why) != 0 ||
	    csim_json_str(body, "contact", 0, 254, &contact, why, sizeof why) != 0 ||
	    csim_json_int(body, "at", 0, INT64_MAX, &at, why, sizeof why) != 0) {
		invalid(a, "complaint", why);
		goto out;
	}
	if (!complaint_number_ok(number) || !csim_kiosk_id_ok(kiosk) ||
	    !all_of(category, "abcdefghijklmnopqrstuvwxyz_") || !csim_ticket_ok(ticket, true)) {
		invalid(a, "complaint",
			!complaint_number_ok(number)    ? "number: not ADU-XXXX-XXXX"
			: !csim_kiosk_id_ok(kiosk)      ? "kiosk_id: not a kiosk id"
			: !csim_ticket_ok(ticket, true) ? "ticket: not canonical"
							: "category: 1-32 of a-z _");
		goto out;
	}
	snprintf(a->ticket, sizeof a->ticket, "%s", ticket);
	if (strcmp(kiosk, c->kiosk_id) != 0) {
		csim_answer_error(a, 403, "kiosk_mismatch", "kiosk_id names another kiosk than X-Kiosk-Id");
		goto out;
	}
	csim_complaint_row row = {.number = number,
				  .kiosk_id = kiosk,
				  .category = category,
				  .text = text,
				  .ticket = ticket,
				  .contact = contact,
				  .idem_key = c->idem_key,
				  .at = at,
				  .received_at = c->now,
				  .payload = c->body,
				  .payload_len = c->len};
	/* A number stored before (under another key) is the same complaint:
	 * the same answer, no second row. */
	if (csim_store_complaint_add(app->store, &row) < 0)
		csim_answer_internal(a);
	else
		csim_answer_json(a, 201, json_pack("{s:s,s:s}", "number", number, "state", "open"));
out:
	json_decref(body);
}

/*
 * Complaint notes: what staff at the kiosk did about a complaint. A
 * complaint's central state is the state after its newest note, "open"
 * before the first (csim_store_complaint_get()). The move is checked with
 * the kiosk's own rule (complaint_check()), so a refused move here means
 * the two disagree. Only the kiosk that filed a complaint may add notes to
 * it; any other learns nothing of it (404, as for an unknown number).
 */
void csim_api_complaint_notes(csim_app *app, const csim_call *c, csim_answer *a)
{
	static const char *const keys[] = {"v", "number", "kind", "role", "actor", "at", "text", NULL};
	char why[WHY_MAX], owner[CSIM_KIOSK_ID_MAX];
	const char *number, *kind, *role, *actor, *text;
	int64_t v, at;
	complaint_action act;
	complaint_state from, to;
	rrole r;
	queue_err rule;
	int rc;
	json_t *body = csim_json_object(c->body, c->len, keys, NULL, why, sizeof why);

	if (body == NULL || csim_json_int(body, "v", 1, 1, &v, why, sizeof why) != 0 ||
	    csim_json_str(body, "number", 13, 13, &number, why, sizeof why) != 0 ||
	    csim_json_str(body, "kind", 1, 16, &kind, why, sizeof why) != 0 ||
	    csim_json_str(body, "role", 1, 16, &role, why, sizeof why) != 0 ||
	    csim_json_str(body, "actor", 1, RSTATE_ACTOR_MAX - 1, &actor, why, sizeof why) != 0 ||
	    csim_json_int(body, "at", 0, INT64_MAX, &at, why, sizeof why) != 0 ||
	    csim_json_str(body, "text", 1, COMPLAINT_NOTE_MAX, &text, why, sizeof why) != 0) {
		invalid(a, "complaint note", why);
		goto out;
	}
	if (!complaint_number_ok(number) || complaint_note_kind_parse(kind, &act) != 0 ||
	    rrole_parse(role, &r) != 0) {
		invalid(a, "complaint note",
			!complaint_number_ok(number)		     ? "number: not ADU-XXXX-XXXX"
			: complaint_note_kind_parse(kind, &act) != 0 ? "kind: response, escalation or resolution"
								     : "role: not a role");
		goto out;
	}
	rc = csim_store_complaint_get(app->store, number, owner, &from);
	if (rc <= 0 || strcmp(owner, c->kiosk_id) != 0) {
		if (rc < 0)
			csim_answer_internal(a);
		else
			csim_answer_error(a, 404, "unknown_complaint", "no complaint with this number from this kiosk");
		goto out;
	}
	rule = complaint_check(from, act, r, &to);
	if (rule == QUEUE_ERR_INVALID) {
		csim_answer_error(a, 403, "forbidden_move", "this role may not make this move on a complaint");
		goto out;
	}
	if (rule != QUEUE_OK) {
		csim_answer_conflict(a, complaint_state_name(from));
		goto out;
	}
	csim_complaint_note_row row = {.number = number,
				       .kind = kind,
				       .role = role,
				       .actor = actor,
				       .text = text,
				       .state = to,
				       .kiosk_id = c->kiosk_id,
				       .idem_key = c->idem_key,
				       .at = at,
				       .received_at = c->now,
				       .payload = c->body,
				       .payload_len = c->len};
	if (csim_store_complaint_note_add(app->store, &row) != 0)
		csim_answer_internal(a);
	else
		csim_answer_json(a, 201,
				 json_pack("{s:s,s:s}", "number", number, "state", complaint_state_name(to)));
out:
	json_decref(body);
}

/* SCORES: 1-9 keys q1..q9, each an integer 1-4. */
static bool scores_ok(json_t *scores)
{
	const char *key;
	json_t *v;

	if (!json_is_object(scores) || json_object_size(scores) < 1 || json_object_size(scores) > 9)
		return false;
	json_object_foreach (scores, key, v) {
		if (strlen(key) != 2 || key[0] != 'q' || key[1] < '1' || key[1] > '9' ||
		    !json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 4)
			return false;
	}
	return true;
}

void csim_api_surveys(csim_app *app, const csim_call *c, csim_answer *a)
{
	static const char *const keys[] = {"v", "kiosk_id", "ticket", "at", "scores", "comment", NULL};
	char why[WHY_MAX];
	const char *kiosk, *ticket, *comment;
	char *scores = NULL;
	int64_t v, at, id;
	json_t *body = csim_json_object(c->body, c->len, keys, NULL, why, sizeof why);

	if (body == NULL || csim_json_int(body, "v", 1, 1, &v, why, sizeof why) != 0 ||
	    csim_json_str(body, "kiosk_id", 1, 32, &kiosk, why, sizeof why) != 0 ||
	    csim_json_str(body, "ticket", 0, 9, &ticket, why, sizeof why) != 0 ||
	    csim_json_int(body, "at", 0, INT64_MAX, &at, why, sizeof why) != 0 ||
	    csim_json_str(body, "comment", 0, 2000, &comment, why, sizeof why) != 0) {
		invalid(a, "survey", why);
		goto out;
	}
	if (!scores_ok(json_object_get(body, "scores")) || !csim_kiosk_id_ok(kiosk) ||
	    !csim_ticket_ok(ticket, true)) {
		invalid(a, "survey",
			!csim_kiosk_id_ok(kiosk)        ? "kiosk_id: not a kiosk id"
			: !csim_ticket_ok(ticket, true) ? "ticket: not canonical"
							: "scores: 1-9 of q1..q9, each 1-4");
		goto out;
	}
	snprintf(a->ticket, sizeof a->ticket, "%s", ticket);
	if (strcmp(kiosk, c->kiosk_id) != 0) {
		csim_answer_error(a, 403, "kiosk_mismatch", "kiosk_id names another kiosk than X-Kiosk-Id");
		goto out;
	}
	scores = json_dumps(json_object_get(body, "scores"), JSON_COMPACT | JSON_SORT_KEYS);
	csim_survey_row row = {.kiosk_id = kiosk,
			       .ticket = ticket,
			       .scores = scores,
			       .comment = comment,
			       .idem_key = c->idem_key,
			       .at = at,
			       .received_at = c->now,
			       .payload = c->body,
			       .payload_len = c->len};
	if (scores == NULL || (id = csim_store_survey_add(app->store, &row)) < 0)
		csim_answer_internal(a);
	else
		csim_answer_json(a, 201, json_pack("{s:I}", "id", (json_int_t)id));
out:
	free(scores);
	json_decref(body);
}

static int add_day(void *ctx, const char *date, const char *kind, const char *name)
{
	json_t *o = json_pack("{s:s,s:s,s:s}", "date", date, "kind", kind, "name", name);
	return o ? json_array_append_new(ctx, o) : -1;
}

void csim_api_holidays(csim_app *app, const csim_call *c, csim_answer *a)
{
	char buf[8];
	int64_t year;
	int n;
	json_t *days;

	if (csim_query_get(c->query, "year", buf, sizeof buf) != 1 || strlen(buf) != 4 ||
	    csim_parse_uint(buf, 4, &year) != 0 || year < 1900) {
		csim_answer_error(a, 400, "invalid_query", "year: four digits, YYYY");
		return;
	}
	days = json_array();
	n = days ? csim_store_holidays(app->store, (int)year, add_day, days) : -1;
	if (n < 0) {
		json_decref(days);
		csim_answer_internal(a);
	} else if (n == 0) {
		json_decref(days);
		csim_answer_errorf(a, 404, "unknown_year", "no holidays published for %d", (int)year);
	} else {
		csim_answer_json(a, 200, json_pack("{s:I,s:o}", "year", (json_int_t)year, "days", days));
	}
}
