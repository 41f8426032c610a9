/* csim_flow: routing, authentication, idempotency, faults, transaction (see csim_flow.h). */
#include "csim_flow.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "csim_api.h"
#include "sign.h"

enum {
	R_AUTH = 1, /* X-Kiosk-* signature, nonce, faults */
	R_KEY = 2,  /* Idempotency-Key */
	R_SIM = 4,  /* /_sim: loopback only, no auth, no faults */
};

typedef struct route {
	const char *path, *method;
	csim_handler fn; /* NULL: /v1/health */
	unsigned flags;
} route;

static const route routes[] = {
	{"/v1/health", "GET", NULL, 0},
	{"/v1/requests", "POST", csim_api_requests, R_AUTH | R_KEY},
	{"/v1/events", "POST", csim_api_events, R_AUTH | R_KEY},
	{"/v1/changes", "GET", csim_api_changes, R_AUTH},
	{"/v1/certificates/lookup", "POST", csim_api_lookup, R_AUTH},
	{"/v1/revocations", "POST", csim_api_revocations, R_AUTH | R_KEY},
	{"/v1/complaints", "POST", csim_api_complaints, R_AUTH | R_KEY},
	{"/v1/complaints/notes", "POST", csim_api_complaint_notes, R_AUTH | R_KEY},
	{"/v1/surveys", "POST", csim_api_surveys, R_AUTH | R_KEY},
	{"/v1/holidays", "GET", csim_api_holidays, R_AUTH},
	{"/_sim/faults", "GET", csim_sim_faults_get, R_SIM},
	{"/_sim/faults", "POST", csim_sim_faults_set, R_SIM},
	{"/_sim/stats", "GET", csim_sim_stats, R_SIM},
	{"/_sim/events", "POST", csim_sim_events, R_SIM},
};
#define NROUTES (sizeof routes / sizeof routes[0])

static void set_answer(csim_reply *out, csim_answer *a)
{
	free(out->body);
	out->status = a->status;
	out->body = a->body;
	out->len = a->len;
	if (a->ticket[0])
		snprintf(out->ticket, sizeof out->ticket, "%s", a->ticket);
	a->body = NULL;
}

static void set_error(csim_reply *out, int status, const char *code, const char *message)
{
	csim_answer a = {0};
	csim_answer_error(&a, status, code, message);
	set_answer(out, &a);
}

/* The route for PATH (LEN bytes) and METHOD; *ALLOW collects the methods of
 * PATH when none matches (405), and stays NULL when the path is unknown;
 * *NAME (may be NULL) gets the route's path when the path is known. */
static const route *find_route(const char *path, size_t len, const char *method, const char **allow,
			       const char **name)
{
	*allow = NULL;
	if (name)
		*name = NULL;
	for (size_t i = 0; i < NROUTES; i++) {
		if (strlen(routes[i].path) != len || strncmp(routes[i].path, path, len) != 0)
			continue;
		if (name)
			*name = routes[i].path;
		if (strcmp(routes[i].method, method) == 0)
			return &routes[i];
		/* Every path has one or two methods: GET, POST or both. */
		*allow = *allow ? "GET, POST" : routes[i].method;
	}
	return NULL;
}

const char *csim_flow_route_name(const char *uri)
{
	const char *q = strchr(uri, '?'), *allow, *name;
	find_route(uri, q ? (size_t)(q - uri) : strlen(uri), "", &allow, &name);
	return name;
}

static bool is_json_type(const char *ct)
{
	static const char want[] = "application/json";
	size_t n = sizeof want - 1;
	return ct && strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sleep MS, watching FD: false as soon as the client hangs up (then there
 * is nobody to answer, and a resend must not find the key in flight). */
static bool latency(int fd, int ms)
{
	int64_t end = mono_ms() + ms, left;

	while ((left = end - mono_ms()) > 0) {
		if (fd < 0) {
			struct timespec ts = {left / 1000, (long)(left % 1000) * 1000000L};
			nanosleep(&ts, NULL);
			continue;
		}
		struct pollfd p = {.fd = fd, .events = POLLRDHUP};
		int r = poll(&p, 1, (int)left);
		if (r > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)))
			return false;
		if (r < 0 && errno != EINTR)
			fd = -1;
	}
	return true;
}

/* Record the nonce of a call that stops before its transaction. 1 when the
 * nonce was a replay, 0 otherwise (a failure to record is not the call's
 * business: it is answered as decided). */
static int nonce_only(csim_app *app, const csim_req *rq, int64_t now)
{
	int rc;
	if (csim_store_begin(app->store) != 0)
		return 0;
	rc = csim_store_nonce(app->store, rq->h_kiosk, rq->h_nonce, now, CSIM_NONCE_WINDOW);
	if (rc == 0 && csim_store_commit(app->store) == 0)
		return 0;
	if (rc != 0)
		csim_store_rollback(app->store);
	return rc == 1;
}

static void replayed_nonce(csim_reply *out)
{
	set_error(out, 401, "replayed_signature", "this kiosk used this nonce within the last 600 s");
}

/* The handler R->fn inside one transaction with the nonce and the stored
 * answer. True when the call was processed (or its answer replayed), so
 * that after-processing faults apply. */
static bool transact(csim_app *app, const route *r, const csim_req *rq, const char *query, int64_t now,
		     csim_reply *out)
{
	char hash[SIGN_HEX_LEN + 1];
	csim_idem idem;
	csim_answer a = {0};
	int rc;

	if (csim_store_begin(app->store) != 0) {
		set_error(out, 500, "internal", "the database is unavailable");
		return false;
	}
	rc = csim_store_nonce(app->store, rq->h_kiosk, rq->h_nonce, now, CSIM_NONCE_WINDOW);
	if (rc != 0) {
		csim_store_rollback(app->store);
		if (rc == 1)
			replayed_nonce(out);
		else
			set_error(out, 500, "internal", "the database failed");
		return false;
	}
	if (r->flags & R_KEY) {
		sign_body_hash(rq->body, rq->len, hash);
		rc = csim_store_idem_get(app->store, rq->h_kiosk, rq->h_key, &idem);
		if (rc < 0)
			goto fail;
		if (rc == 1) {
			bool same = sign_equal(idem.hash, hash);
			if (csim_store_commit(app->store) != 0) {
				free(idem.body);
				set_error(out, 500, "internal", "the database failed");
				return false;
			}
			if (!same) {
				free(idem.body);
				set_error(out, 422, "idempotency_key_reused",
					  "this key was used with another body");
				return false;
			}
			free(out->body);
			out->status = idem.status;
			out->body = idem.body;
			out->len = idem.len;
			out->replayed = true;
			atomic_fetch_add(&app->replays, 1);
			return true;
		}
	}
	if (csim_store_savepoint(app->store) != 0)
		goto fail;
	csim_call call = {.kiosk_id = rq->h_kiosk,
			  .idem_key = (r->flags & R_KEY) ? rq->h_key : NULL,
			  .body = rq->body,
			  .len = rq->len,
			  .query = query,
			  .now = now};
	r->fn(app, &call, &a);
	if (a.status >= 500 || a.status == 0 || a.body == NULL) {
		/* Never stored: the resend is processed afresh. */
		csim_store_rollback(app->store);
		nonce_only(app, rq, now);
		if (a.body == NULL)
			csim_answer_internal(&a);
		set_answer(out, &a);
		return false;
	}
	if (a.status >= 400)
		csim_store_undo(app->store);
	else if (csim_store_release(app->store) != 0)
		goto fail_answer;
	if ((r->flags & R_KEY) &&
	    csim_store_idem_put(app->store, rq->h_kiosk, rq->h_key, hash, a.status, a.body, a.len, now) != 0)
		goto fail_answer;
	if (csim_store_commit(app->store) != 0) {
		csim_answer_clear(&a);
		set_error(out, 500, "internal", "the database failed to commit");
		return false;
	}
	set_answer(out, &a);
	return true;
fail_answer:
	csim_answer_clear(&a);
fail:
	csim_store_rollback(app->store);
	set_error(out, 500, "internal", "the database failed");
	return false;
}

static void health(csim_app *app, csim_reply *out)
{
	csim_answer a = {0};
	if (atomic_load(&app->ready))
		csim_answer_json(&a, 200,
				 json_pack("{s:s,s:I,s:s}", "status", "ok", "time", (json_int_t)csim_now(app),
					   "version", CSIM_VERSION));
	else
		csim_answer_error(&a, 503, "not_ready", "the service is starting or stopping");
	set_answer(out, &a);
}

static void sim_call(csim_app *app, const route *r, const csim_req *rq, const char *query, csim_reply *out)
{
	csim_answer a = {0};
	csim_call call = {.kiosk_id = "",
			  .body = rq->body,
			  .len = rq->len,
			  .query = query,
			  .now = time(NULL)};

	if (!rq->loopback) {
		set_error(out, 403, "forbidden", "/_sim answers loopback callers only");
		return;
	}
	if (csim_store_begin(app->store) != 0) {
		set_error(out, 500, "internal", "the database is unavailable");
		return;
	}
	r->fn(app, &call, &a);
	if (a.status >= 200 && a.status < 400 && a.body) {
		if (csim_store_commit(app->store) != 0) {
			csim_answer_clear(&a);
			csim_answer_internal(&a);
		}
	} else {
		csim_store_rollback(app->store);
		if (a.body == NULL)
			csim_answer_internal(&a);
	}
	set_answer(out, &a);
}

/* The faults that hit an answer already computed (and stored). */
static void after_faults(csim_app *app, const csim_fault_draw *d, csim_reply *out)
{
	if (d->kind == CSIM_FAULT_FAIL_AFTER) {
		csim_faults_note(app->faults, d->kind);
		out->fault = csim_fault_name(d->kind);
		out->replayed = false;
		set_error(out, 500, "internal", "injected failure after processing (fail-after-rate)");
	} else if (d->kind == CSIM_FAULT_MALFORMED && out->len > 1) {
		csim_faults_note(app->faults, d->kind);
		out->fault = csim_fault_name(d->kind);
		out->status = 200;
		out->len /= 2; /* an object cut in half never closes */
		out->body[out->len] = '\0';
	}
}

static void v1_call(csim_app *app, const route *r, const csim_req *rq, const char *query, csim_reply *out)
{
	int64_t now = time(NULL); /* for what is stored: the real time */
	csim_auth_result ar;
	csim_fault_draw d;
	bool keyed = (r->flags & R_KEY) != 0, processed;

	if (strcmp(rq->method, "POST") == 0 && !is_json_type(rq->content_type)) {
		set_error(out, 415, "unsupported_media_type", "the body must be application/json");
		return;
	}
	csim_auth_in in = {.method = rq->method,
			   .uri = rq->uri,
			   .id = rq->h_kiosk,
			   .time = rq->h_time,
			   .nonce = rq->h_nonce,
			   .sig = rq->h_sig,
			   .body = rq->body,
			   .len = rq->len,
			   .now = csim_now(app), /* --clock-offset: judged as a wrong server clock would */
			   .skew = CSIM_CLOCK_SKEW};
	ar = csim_auth_check(app->kiosks, &in);
	if (ar != CSIM_AUTH_OK) {
		set_error(out, 401, csim_auth_code(ar), csim_auth_message(ar));
		return;
	}
	snprintf(out->kiosk, sizeof out->kiosk, "%s", rq->h_kiosk);
	if (keyed && (rq->h_key == NULL || !sign_is_hex(rq->h_key, 32))) {
		if (nonce_only(app, rq, now))
			replayed_nonce(out);
		else
			set_error(out, 400, "missing_idempotency_key",
				  "Idempotency-Key: 32 lowercase hex digits");
		return;
	}
	if (keyed && !csim_inflight_claim(app->inflight, rq->h_kiosk, rq->h_key)) {
		atomic_fetch_add(&app->in_flight, 1);
		if (nonce_only(app, rq, now))
			replayed_nonce(out);
		else
			set_error(out, 409, "idempotency_in_flight",
				  "a call with this key is being processed");
		return;
	}
	d = csim_faults_draw(app->faults);
	if (d.latency_ms > 0) {
		csim_faults_note(app->faults, CSIM_FAULT_LATENCY);
		if (!latency(rq->fd, d.latency_ms)) {
			out->drop = true;
			out->fault = "client_gone";
			goto done;
		}
	}
	if (d.kind == CSIM_FAULT_DROP || d.kind == CSIM_FAULT_FAIL) {
		csim_faults_note(app->faults, d.kind);
		out->fault = csim_fault_name(d.kind);
		nonce_only(app, rq, now);
		if (d.kind == CSIM_FAULT_DROP)
			out->drop = true;
		else
			set_error(out, 500, "internal", "injected failure before processing (fail-rate)");
		goto done;
	}
	processed = transact(app, r, rq, query, now, out);
	if (keyed)
		csim_inflight_release(app->inflight, rq->h_kiosk, rq->h_key);
	keyed = false;
	if (processed && out->status < 500)
		after_faults(app, &d, out);
	if (d.slow_body_ms > 0 && out->body) {
		csim_faults_note(app->faults, CSIM_FAULT_SLOW_BODY);
		out->slow_body_ms = d.slow_body_ms;
	}
done:
	if (keyed)
		csim_inflight_release(app->inflight, rq->h_kiosk, rq->h_key);
}

void csim_flow_handle(csim_app *app, const csim_req *rq, csim_reply *out)
{
	const char *q = strchr(rq->uri, '?'), *allow;
	size_t plen = q ? (size_t)(q - rq->uri) : strlen(rq->uri);
	const route *r;

	memset(out, 0, sizeof *out);
	if (strncmp(rq->uri, "/v1/", 4) == 0)
		atomic_fetch_add(&app->calls, 1);
	r = find_route(rq->uri, plen, rq->method, &allow, &out->route);
	if (r == NULL) {
		if (allow) {
			out->allow = allow;
			set_error(out, 405, "method_not_allowed", "this path does not take this method");
		} else {
			set_error(out, 404, "not_found", "no such endpoint");
		}
		return;
	}
	if (r->fn == NULL)
		health(app, out);
	else if (r->flags & R_SIM)
		sim_call(app, r, rq, q ? q + 1 : "", out);
	else
		v1_call(app, r, rq, q ? q + 1 : "", out);
}
