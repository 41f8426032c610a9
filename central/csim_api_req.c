/*
 * csim_api_req: a kiosk's requests and events, the central state they
 * drive, and the change feed the kiosk pulls (docs/sync-protocol.md,
 * section 6). The request body is stored byte for byte; its personal data
 * is decoded only to check it and to address the "received" notification,
 * then wiped.
 */
#include "csim_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reqjson.h"

int csim_api_notify(csim_app *app, const char *ticket, const char *kind, const char *cause, const char *text,
		    bool sms, bool email, const char *to_email, const char *to_phone, const char *feed_kiosk,
		    int64_t now)
{
	char *payload = NULL;
	size_t len = 0;
	req r;
	int rc = 0;

	req_init(&r);
	if (to_email == NULL || to_phone == NULL) {
		/* The applicant's contact as the kiosk sent it. */
		rc = csim_store_request_payload(app->store, ticket, &payload, &len);
		if (rc < 0)
			return -1;
		if (rc == 1 && reqjson_decode(payload, len, &r, NULL, 0) != REQJSON_OK)
			req_init(&r);
		if (payload) {
			explicit_bzero(payload, len);
			free(payload);
		}
		to_email = r.f[REQ_F_EMAIL].change ? r.f[REQ_F_EMAIL].requested : r.f[REQ_F_EMAIL].current;
		to_phone = r.f[REQ_F_PHONE].change ? r.f[REQ_F_PHONE].requested : r.f[REQ_F_PHONE].current;
	}
	csim_note_row n = {.ticket = ticket,
			   .kind = kind,
			   .text = text,
			   .cause = cause,
			   .at = now,
			   .feed_kiosk = feed_kiosk};
	rc = 0;
	if (sms) {
		n.channel = "sms";
		n.recipient = to_phone;
		rc = csim_store_notify(app->store, &n);
	}
	if (email && rc == 0) {
		n.channel = "email";
		n.recipient = to_email;
		rc = csim_store_notify(app->store, &n);
	}
	req_wipe(&r);
	return rc;
}

/* Cut the UTF-8 string S to at most MAX bytes, at a character boundary. */
static void cut_utf8(char *s, size_t max)
{
	size_t n = strlen(s);
	if (n <= max)
		return;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	s[n] = '\0';
}

int csim_api_move_notify(csim_app *app, const char *ticket, rstate to, const char *reason, const char *cause,
			 const char *owner, int64_t now)
{
	char text[RSTATE_REASON_MAX + 96];
	const char *kind;

	if (to == RSTATE_REJECTED) {
		kind = "rejected";
		snprintf(text, sizeof text, "Permohonan perubahan data %s ditolak. Alasan: %s", ticket,
			 reason && reason[0] ? reason : "-");
	} else if (to == RSTATE_NOTIFIED) {
		kind = "data_changed";
		snprintf(text, sizeof text, "Data Anda telah diubah sesuai permohonan %s.", ticket);
	} else {
		return 0;
	}
	/* A kiosk takes notes of up to 255 bytes (queue_note): a longer one
	 * would make it refuse the whole page of its change feed. */
	cut_utf8(text, 255);
	return csim_api_notify(app, ticket, kind, cause, text, true, true, NULL, NULL, owner, now);
}

bool csim_api_ticket(csim_app *app, csim_answer *a, const char *ticket, rstate *state,
		     char owner[CSIM_KIOSK_ID_MAX])
{
	int rc = csim_store_ticket_get(app->store, ticket, state, owner);
	if (rc < 0)
		csim_answer_internal(a);
	else if (rc == 0)
		csim_answer_error(a, 404, "unknown_ticket", "no request with this ticket");
	return rc > 0;
}

void csim_api_requests(csim_app *app, const csim_call *c, csim_answer *a)
{
	char why[REQJSON_WHY_MAX], text[160];
	req r;
	reqjson_err e;
	int rc;

	e = reqjson_decode(c->body, c->len, &r, why, sizeof why);
	if (e == REQJSON_ERR_NOMEM) {
		csim_answer_error(a, 500, "internal", "out of memory");
		return;
	}
	if (e != REQJSON_OK) {
		csim_answer_errorf(a, 400, "invalid_body", "not a request of version 1: %s", why);
		return;
	}
	if (r.ticket[0] == '\0') {
		csim_answer_error(a, 400, "invalid_body", "not a request of version 1: ticket: empty");
		goto out;
	}
	snprintf(a->ticket, sizeof a->ticket, "%s", r.ticket);
	if (strcmp(r.kiosk_id, c->kiosk_id) != 0) {
		csim_answer_error(a, 403, "kiosk_mismatch", "kiosk_id names another kiosk than X-Kiosk-Id");
		goto out;
	}
	if (!app->no_ticket_check) {
		rc = csim_store_ticket_get(app->store, r.ticket, &(rstate){0}, NULL);
		if (rc != 0) {
			if (rc < 0)
				csim_answer_internal(a);
			else
				csim_answer_error(a, 409, "ticket_exists",
						  "a request with this ticket is already stored");
			goto out;
		}
	}
	if (csim_store_request_add(app->store, c->kiosk_id, r.ticket, c->idem_key, c->body, c->len, c->now) <
	    0)
		goto fail;
	snprintf(text, sizeof text, "Permohonan perubahan data %s telah diterima layanan pusat.", r.ticket);
	if (csim_api_notify(app, r.ticket, "received", "request", text, true, false, "",
			    r.f[REQ_F_PHONE].current, c->kiosk_id, c->now) != 0)
		goto fail;
	csim_answer_json(a, 201,
			 json_pack("{s:s,s:s,s:I}", "ticket", r.ticket, "state", "received", "received_at",
				   (json_int_t)c->now));
	goto out;
fail:
	csim_answer_internal(a);
out:
	req_wipe(&r);
}

/* The error answer for a move rstate refused with E from central state CUR. */
static void refuse_move(csim_answer *a, rstate_err e, rstate cur)
{
	switch (e) {
	case RSTATE_ERR_ROLE:
		csim_answer_error(a, 403, "forbidden_move", "this role may not make this move");
		break;
	case RSTATE_ERR_REASON:
		csim_answer_error(a, 400, "invalid_body",
				  "this move needs a reason (or the reason is too long)");
		break;
	case RSTATE_ERR_ACTOR:
		csim_answer_error(a, 400, "invalid_body", "actor: empty, blank or too long");
		break;
	default:
		csim_answer_conflict(a, rstate_name(cur));
		break;
	}
}

void csim_api_events(csim_app *app, const csim_call *c, csim_answer *a)
{
	char ticket[TICKET_TEXT_MAX], owner[CSIM_KIOSK_ID_MAX], why[REQJSON_WHY_MAX];
	rstate_event ev;
	rstate cur;
	rstate_err re;
	reqjson_err e;

	e = reqjson_decode_event(c->body, c->len, ticket, &ev, why, sizeof why);
	if (e != REQJSON_OK) {
		if (e == REQJSON_ERR_NOMEM)
			csim_answer_error(a, 500, "internal", "out of memory");
		else
			csim_answer_errorf(a, 400, "invalid_body", "not an event of version 1: %s", why);
		return;
	}
	snprintf(a->ticket, sizeof a->ticket, "%s", ticket);
	if (!csim_api_ticket(app, a, ticket, &cur, owner))
		return;
	/* The central role is the service's own: a kiosk cannot speak for it. */
	if (ev.role == RROLE_CENTRAL) {
		csim_answer_error(a, 403, "forbidden_move", "a kiosk may not move a request as central");
		return;
	}
	/* Offline first: a move the kiosk made while the request was still
	 * queued there starts, centrally, from received. */
	if (ev.from != cur && !(ev.from == RSTATE_QUEUED && cur == RSTATE_RECEIVED)) {
		csim_answer_conflict(a, rstate_name(cur));
		return;
	}
	re = rstate_check(cur, ev.to, ev.role, ev.reason);
	if (re != RSTATE_OK) {
		refuse_move(a, re, cur);
		return;
	}
	csim_event_row row = {.ticket = ticket,
			      .from = cur,
			      .to = ev.to,
			      .role = ev.role,
			      .actor = ev.actor,
			      .reason = ev.reason,
			      .at = ev.at,
			      .kiosk_id = c->kiosk_id,
			      .idem_key = c->idem_key,
			      .payload = c->body,
			      .payload_len = c->len,
			      .received_at = c->now};
	if (csim_store_event_add(app->store, &row) < 0 ||
	    csim_store_ticket_set(app->store, ticket, ev.to, c->now) != 0) {
		csim_answer_internal(a);
		return;
	}
	if (strcmp(owner, c->kiosk_id) != 0) {
		/* Another kiosk's move: the submitting kiosk learns of it from its
		 * feed, as a move from the state it knows. */
		char *json = NULL;
		ev.from = cur;
		if (reqjson_encode_event(ticket, &ev, &json) != REQJSON_OK ||
		    csim_store_change_add(app->store, owner, ticket, "event", json, c->now) < 0) {
			reqjson_free(&json);
			csim_answer_internal(a);
			return;
		}
		reqjson_free(&json);
	}
	/* The applicant hears of a rejection or of the finished change,
	 * whichever kiosk moved it. */
	if (csim_api_move_notify(app, ticket, ev.to, ev.reason, "event", owner, c->now) != 0) {
		csim_answer_internal(a);
		return;
	}
	csim_answer_json(a, 201, json_pack("{s:s,s:s}", "ticket", ticket, "state", rstate_name(ev.to)));
}

typedef struct page {
	json_t *changes;
	int64_t next;
} page;

static int add_change(void *ctx, int64_t seq, const char *type, const char *ticket, const char *data)
{
	page *p = ctx;
	json_t *o = json_pack("{s:I,s:s,s:s}", "seq", (json_int_t)seq, "type", type, "ticket", ticket);
	json_t *d = json_loads(data, 0, NULL);

	if (o == NULL || !json_is_object(d)) {
		json_decref(o);
		json_decref(d);
		return -1;
	}
	if (strcmp(type, "event") == 0)
		json_object_set(o, "event", d);
	else
		json_object_update(o, d);
	json_decref(d);
	p->next = seq;
	return json_array_append_new(p->changes, o);
}

void csim_api_changes(csim_app *app, const csim_call *c, csim_answer *a)
{
	char buf[24];
	int64_t since = 0, limit = 100;
	bool more = false;
	int rc;

	rc = csim_query_get(c->query, "since", buf, sizeof buf);
	if (rc < 0 || (rc == 1 && csim_parse_uint(buf, 18, &since) != 0)) {
		csim_answer_error(a, 400, "invalid_query", "since: 0 or the next of the last answer");
		return;
	}
	rc = csim_query_get(c->query, "limit", buf, sizeof buf);
	if (rc < 0 || (rc == 1 && (csim_parse_uint(buf, 3, &limit) != 0 || limit < 1 || limit > 500))) {
		csim_answer_error(a, 400, "invalid_query", "limit: 1 to 500");
		return;
	}
	page p = {.changes = json_array(), .next = since};
	if (p.changes == NULL ||
	    csim_store_changes(app->store, c->kiosk_id, since, (int)limit, add_change, &p, &more) < 0) {
		json_decref(p.changes);
		csim_answer_internal(a);
		return;
	}
	csim_answer_json(a, 200,
			 json_pack("{s:o,s:I,s:b}", "changes", p.changes, "next", (json_int_t)p.next, "more",
				   more));
}
