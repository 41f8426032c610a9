/*
 * csim_sim: the sim's own endpoints under /_sim (central/README.md): fault
 * settings, counts, and central moves as an officer at the central desk
 * would make them, so the change feed has something to carry. No
 * authentication and no faults; loopback callers only (csim_flow.c).
 */
#include "csim_api.h"

#include <stdio.h>
#include <string.h>

#include "reqjson.h"

void csim_sim_faults_get(csim_app *app, const csim_call *c, csim_answer *a)
{
	(void)c;
	csim_answer_json(a, 200, csim_faults_json(app->faults));
}

void csim_sim_faults_set(csim_app *app, const csim_call *c, csim_answer *a)
{
	char why[160];

	if (csim_faults_set_json(app->faults, c->body, c->len, why, sizeof why) != 0) {
		csim_answer_errorf(a, 400, "invalid_body", "fault settings: %s", why);
		return;
	}
	csim_answer_json(a, 200, csim_faults_json(app->faults));
}

void csim_sim_stats(csim_app *app, const csim_call *c, csim_answer *a)
{
	csim_store_counts n;
	(void)c;

	if (csim_store_counts_get(app->store, &n) != 0) {
		csim_answer_internal(a);
		return;
	}
	csim_answer_json(a, 200,
			 json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:o}", "calls",
				   (json_int_t)atomic_load(&app->calls), "requests_stored",
				   (json_int_t)n.requests, "distinct_tickets", (json_int_t)n.tickets,
				   "duplicates", (json_int_t)(n.requests - n.tickets), "events",
				   (json_int_t)n.events, "notifications", (json_int_t)n.notifications,
				   "complaints", (json_int_t)n.complaints, "surveys", (json_int_t)n.surveys,
				   "revocations", (json_int_t)n.revocations, "changes", (json_int_t)n.changes,
				   "idempotency_keys", (json_int_t)n.keys, "replays",
				   (json_int_t)atomic_load(&app->replays), "in_flight_conflicts",
				   (json_int_t)atomic_load(&app->in_flight), "faults",
				   csim_faults_counts_json(app->faults)));
}

void csim_sim_events(csim_app *app, const csim_call *c, csim_answer *a)
{
	static const char *const keys[] = {"ticket", "to", "role", NULL};
	static const char *const optional[] = {"actor", "reason", NULL};
	char why[128], owner[CSIM_KIOSK_ID_MAX];
	const char *ticket, *to_name, *role_name, *actor = "pusat-desk", *reason = "";
	rstate cur, to;
	rrole role;
	rstate_event ev;
	rstate_err re;
	char *json = NULL;
	int64_t seq;
	json_t *body = csim_json_object(c->body, c->len, keys, optional, why, sizeof why);

	if (body == NULL || csim_json_str(body, "ticket", 9, 9, &ticket, why, sizeof why) != 0 ||
	    csim_json_str(body, "to", 1, 31, &to_name, why, sizeof why) != 0 ||
	    csim_json_str(body, "role", 1, 31, &role_name, why, sizeof why) != 0 ||
	    (json_object_get(body, "actor") &&
	     csim_json_str(body, "actor", 1, RSTATE_ACTOR_MAX - 1, &actor, why, sizeof why) != 0) ||
	    (json_object_get(body, "reason") &&
	     csim_json_str(body, "reason", 0, RSTATE_REASON_MAX - 1, &reason, why, sizeof why) != 0)) {
		csim_answer_errorf(a, 400, "invalid_body", "central move: %s", why);
		goto out;
	}
	if (!csim_ticket_ok(ticket, false) || rstate_parse(to_name, &to) != 0 ||
	    rrole_parse(role_name, &role) != 0) {
		csim_answer_error(a, 400, "invalid_body",
				  "central move: ticket, to or role: not a known name");
		goto out;
	}
	snprintf(a->ticket, sizeof a->ticket, "%s", ticket);
	if (!csim_api_ticket(app, a, ticket, &cur, owner))
		goto out;
	rstate from = cur;
	re = rstate_apply(&cur, to, role, actor, c->now, reason, &ev);
	if (re == RSTATE_ERR_ROLE) {
		csim_answer_error(a, 403, "forbidden_move", "this role may not make this move");
		goto out;
	} else if (re == RSTATE_ERR_TRANSITION) {
		csim_answer_conflict(a, rstate_name(from));
		goto out;
	} else if (re != RSTATE_OK) {
		csim_answer_errorf(a, 400, "invalid_body", "central move: %s", rstate_err_name(re));
		goto out;
	}
	csim_event_row row = {.ticket = ticket,
			      .from = from,
			      .to = to,
			      .role = role,
			      .actor = actor,
			      .reason = reason,
			      .at = c->now,
			      .received_at = c->now};
	if (csim_store_event_add(app->store, &row) < 0 ||
	    csim_store_ticket_set(app->store, ticket, to, c->now) != 0 ||
	    reqjson_encode_event(ticket, &ev, &json) != REQJSON_OK ||
	    (seq = csim_store_change_add(app->store, owner, ticket, "event", json, c->now)) < 0) {
		csim_answer_internal(a);
		goto out;
	}
	if (csim_api_move_notify(app, ticket, to, reason, "sim_event", owner, c->now) != 0) {
		csim_answer_internal(a);
		goto out;
	}
	csim_answer_json(a, 201,
			 json_pack("{s:s,s:s,s:I}", "ticket", ticket, "state", rstate_name(to), "seq",
				   (json_int_t)seq));
out:
	reqjson_free(&json);
	json_decref(body);
}
