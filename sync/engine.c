/*
 * engine: the sync thread (see engine.h for the contract and the loop).
 *
 * Only this file knows the order of things: claim, send, classify, settle.
 * The exactly-once argument rests on three facts kept elsewhere and used
 * here: the idempotency key is committed with its record (queue.c), an
 * entry is settled only after its answer was classified (a crash before
 * that leaves it in_flight, recovered as pending and resent with the same
 * key), and the central service answers a repeated key with the original
 * answer (docs/sync-protocol.md, section 3).
 */
#include "engine.h"
#include "complaint.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "answer.h"
#include "http.h"
#include "queue.h"

#define BATCH_HARD_MAX 256
#define CHANGE_PAGE 100
#define CHANGE_PAGES_PER_ROUND 10
#define PURGE_EVERY_MS (3600 * 1000LL)

struct sync_engine {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;   /* under mu */
	bool kicked; /* under mu */
	sync_status st; /* under mu: what sync_get_status() copies */
	bool reached_once; /* under mu: an exchange has set st.online (so a first
			      "unreachable" is logged like a change) */
	/* The certificate lookup job, under mu. */
	char lk_nik[17];   /* the NIK asked for, until the thread takes it */
	bool lk_pending;   /* a job waits for the thread */
	unsigned lk_gen;   /* bumped by sync_lookup_clear(): an older job's result is dropped */
	sync_lookup lk;    /* what sync_lookup_get() copies */

	/* Owned by the thread once it runs. */
	sync_opts o;
	char *db_path, *base_url, *kiosk_id, *pin, *ca_file;
	queue *q;
	http_client *http;
	queue_entry *batch;
	queue_result *results;
	queue_change *changes;
	int64_t next_pull_ms, next_purge_ms;
	bool success_unsaved; /* st.last_success moved since QUEUE_MARK_LAST_SUCCESS was written */
	bool feed_behind;     /* entries were delivered since the last full pull of changes */
	int64_t pulls;        /* full pulls of changes (the thread's; published in st) */
};

/* ---- small helpers ---------------------------------------------------------- */

static int64_t wall_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(sync_engine *e, sync_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(sync_engine *e, sync_log_level level, const char *fmt, ...)
{
	char line[320];
	va_list ap;

	if (e->o.log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	e->o.log(e->o.log_ctx, level, line);
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Paths of the endpoints that take each outbox kind. */
static const char *kind_path(queue_kind k)
{
	static const char *const paths[QUEUE_KIND_COUNT] = {
		[QUEUE_KIND_REQUEST] = "/requests",
		[QUEUE_KIND_EVENT] = "/events",
		[QUEUE_KIND_COMPLAINT] = "/complaints",
		[QUEUE_KIND_SURVEY] = "/surveys",
		[QUEUE_KIND_REVOCATION] = "/revocations",
		[QUEUE_KIND_COMPLAINT_NOTE] = "/complaints/notes",
	};
	return (unsigned)k < QUEUE_KIND_COUNT ? paths[k] : NULL;
}

/*
 * Full-jitter backoff: before attempt N + 1 (N >= 1 failed attempts) wait
 * a uniform random time in [0, min(cap, base * 2^(N-1))] milliseconds.
 */
static int64_t backoff_ms(const sync_opts *o, int failed)
{
	int64_t ceiling = o->retry_base_ms;
	for (int i = 1; i < failed && ceiling < o->retry_cap_ms; i++)
		ceiling *= 2;
	if (ceiling > o->retry_cap_ms)
		ceiling = o->retry_cap_ms;
	return (int64_t)randombytes_uniform((uint32_t)ceiling + 1);
}

/* ---- one HTTP exchange, signed --------------------------------------------------- */

/*
 * Send METHOD PATH with BODY, signed, with KEY as Idempotency-Key when not
 * NULL, and classify the answer as KIND into *A. RAW (OUT) keeps the raw
 * answer (valid until the next call) for callers that parse the body.
 */
static void exchange(sync_engine *e, const char *method, const char *path, const char *body,
		     size_t len, const char *key, answer_kind kind, answer *a, answer_raw *raw)
{
	char signed_path[512], body_hash[SIGN_HEX_LEN + 1], nonce[SIGN_NONCE_LEN + 1];
	char sig[SIGN_HEX_LEN + 1];
	char h_key[80], h_id[80], h_time[48], h_nonce[64], h_sig[96];
	http_header hs[5];
	int n = 0;
	int64_t now = time(NULL);

	snprintf(signed_path, sizeof signed_path, "%s%s", http_base_path(e->http), path);
	sign_body_hash(body, len, body_hash);
	sign_nonce(nonce);
	sign_request(e->o.secret, method, signed_path, now, nonce, body_hash, sig);

	snprintf(h_id, sizeof h_id, "X-Kiosk-Id: %s", e->kiosk_id);
	snprintf(h_time, sizeof h_time, "X-Kiosk-Time: %" PRId64, now);
	snprintf(h_nonce, sizeof h_nonce, "X-Kiosk-Nonce: %s", nonce);
	snprintf(h_sig, sizeof h_sig, "X-Kiosk-Signature: %s", sig);
	hs[n++].line = h_id;
	hs[n++].line = h_time;
	hs[n++].line = h_nonce;
	hs[n++].line = h_sig;
	if (key) {
		snprintf(h_key, sizeof h_key, "Idempotency-Key: %s", key);
		hs[n++].line = h_key;
	}
	memset(raw, 0, sizeof *raw);
	http_call(e->http, method, path, body, len, hs, n, raw);
	answer_classify(kind, raw, a);
}

/* ---- publishing the state ------------------------------------------------------- */

/* Update the published status after an exchange whose answer was A
 * (NULL: counts only) and wake the UI when something it shows changed. */
static void publish(sync_engine *e, const answer *a, int64_t sent_now)
{
	int64_t pending = 0, in_flight = 0, dead = 0;
	bool counted = queue_outbox_count(e->q, "pending", &pending) == QUEUE_OK &&
		       queue_outbox_count(e->q, "in_flight", &in_flight) == QUEUE_OK &&
		       queue_outbox_count(e->q, "dead", &dead) == QUEUE_OK;
	bool changed, was_online, was_refused;
	sync_status now;

	pthread_mutex_lock(&e->mu);
	was_online = e->reached_once ? e->st.online : !(a && a->status > 0 && a->status < 500);
	if (a)
		e->reached_once = true;
	was_refused = e->st.auth_refused;
	now = e->st;
	now.feed_behind = e->feed_behind; /* the thread's own: only it publishes */
	now.pulls = e->pulls;
	if (counted) {
		now.pending = pending + in_flight;
		now.dead = dead;
	}
	now.sent += sent_now;
	if (a) {
		/* Reachable = an HTTP answer that is not a server failure. */
		now.contacted = true;
		now.online = a->status > 0 && a->status < 500;
		now.auth_refused = a->auth_refused;
		if (a->verdict == ANSWER_DONE) {
			now.last_success = time(NULL);
			now.last_error[0] = '\0';
		} else {
			snprintf(now.last_error, sizeof now.last_error, "%s", a->reason);
		}
	}
	changed = memcmp(&now, &e->st, sizeof now) != 0;
	e->st = now;
	pthread_mutex_unlock(&e->mu);

	if (a && now.online != was_online) {
		if (now.online)
			say(e, SYNC_LOG_INFO, "central service reachable; %" PRId64 " to send", now.pending);
		else
			say(e, SYNC_LOG_WARN, "central service unreachable (%s); %" PRId64 " to send",
			    a->reason, now.pending);
	}
	if (a && now.auth_refused && !was_refused)
		say(e, SYNC_LOG_ERROR, "central service refuses this kiosk's signature (%s): check the"
		    " clock and [central] secret_file", a->code[0] ? a->code : "HTTP 401");
	if (changed && e->o.notify)
		e->o.notify(e->o.notify_ctx);
}

/* ---- draining the outbox --------------------------------------------------------- */

/* Send claimed entry X and fill its result R. Returns the answer's verdict. */
static answer_verdict send_entry(sync_engine *e, const queue_entry *x, queue_result *r, answer *a)
{
	char fresh[SIGN_NONCE_LEN + 1];
	const char *key = x->idem_key;
	answer_raw raw;

	if (e->o.no_idempotency) {
		sign_nonce(fresh); /* the control run: a new key on every attempt */
		key = fresh;
	}
	exchange(e, "POST", kind_path(x->kind), x->payload, x->payload_len, key,
		 answer_kind_for(x->kind), a, &raw);

	memset(r, 0, sizeof *r);
	r->seq = x->seq;
	r->http_status = a->status;
	snprintf(r->reason, sizeof r->reason, "%s", a->reason);
	switch (a->verdict) {
	case ANSWER_DONE:
		r->outcome = QUEUE_OUT_DONE;
		r->received_at = a->received_at;
		break;
	case ANSWER_DEAD:
		if (x->kind == QUEUE_KIND_EVENT && strcmp(a->code, "state_conflict") == 0) {
			/* The central desk moved the request elsewhere first: its
			 * decision wins and reaches this kiosk through the change
			 * feed (a repeat, or an override the officer is shown).
			 * Sending again could only be refused: settled, not dead. */
			r->outcome = QUEUE_OUT_DONE;
			snprintf(r->reason, sizeof r->reason, "superseded by central decision (central state %s)",
				 a->state[0] ? a->state : "unknown");
			say(e, SYNC_LOG_INFO, "outbox %" PRId64 " (event %s): %s", x->seq, x->ticket, r->reason);
			break;
		}
		r->outcome = QUEUE_OUT_DEAD;
		say(e, SYNC_LOG_WARN, "outbox %" PRId64 " (%s %s) refused for good: %s", x->seq,
		    queue_kind_name(x->kind), x->ticket[0] ? x->ticket : "-", a->reason);
		break;
	case ANSWER_RETRY:
		r->outcome = QUEUE_OUT_RETRY;
		r->retry_at_ms = wall_ms() + backoff_ms(&e->o, x->attempts + 1);
		if (a->bad)
			say(e, SYNC_LOG_WARN, "outbox %" PRId64 " (%s %s): %s; kept, will retry", x->seq,
			    queue_kind_name(x->kind), x->ticket[0] ? x->ticket : "-", a->reason);
		break;
	}
	return a->verdict;
}

static bool should_stop(sync_engine *e);

/* http's cancel hook: a stop ends an exchange in progress. */
static bool cancelled(void *ctx)
{
	return should_stop(ctx);
}

static bool should_stop(sync_engine *e)
{
	pthread_mutex_lock(&e->mu);
	bool stop = e->stop;
	pthread_mutex_unlock(&e->mu);
	return stop;
}

/*
 * Claim one batch and send it. Returns the number of entries claimed (0:
 * nothing due; *WAIT_MS then says how long until something is), or -1 on
 * a store error.
 */
static int drain_batch(sync_engine *e, int64_t *wait_ms)
{
	int n = 0, sent = 0, done = 0;
	answer last;
	bool have_answer = false;
	queue_err qe;

	qe = queue_outbox_claim(e->q, wall_ms(), e->o.batch_max, e->batch, &n, wait_ms);
	if (qe != QUEUE_OK) {
		say(e, SYNC_LOG_ERROR, "cannot read the outbox: %s", queue_err_name(qe));
		return -1;
	}
	if (n == 0)
		return 0;

	for (; sent < n; sent++) {
		if (should_stop(e))
			break;
		answer_verdict v = send_entry(e, &e->batch[sent], &e->results[sent], &last);
		have_answer = true;
		if (v == ANSWER_DONE)
			done++;
		if (v == ANSWER_RETRY) {
			/* Cut short by a stop: not the entry's failure, no backoff. */
			if (should_stop(e))
				e->results[sent].outcome = QUEUE_OUT_UNSENT;
			sent++;
			break; /* a retry holds back the entries after it */
		}
	}
	for (int i = sent; i < n; i++) {
		memset(&e->results[i], 0, sizeof e->results[i]);
		e->results[i].seq = e->batch[i].seq;
		e->results[i].outcome = QUEUE_OUT_UNSENT;
	}
	for (int i = 0; i < n; i++)
		queue_entry_wipe(&e->batch[i]);

	/* The settle must land: retry a busy store a few times rather than
	 * leave answered entries in flight (they would only be resent, which
	 * is safe, but slower). */
	for (int tries = 0; tries < 5; tries++) {
		qe = queue_outbox_settle(e->q, e->results, n, wall_ms());
		if (qe != QUEUE_ERR_BUSY)
			break;
	}
	if (qe != QUEUE_OK) {
		say(e, SYNC_LOG_ERROR, "cannot record %d answers in the outbox: %s (they will be resent)",
		    n, queue_err_name(qe));
		return -1;
	}
	if (done > 0) {
		e->success_unsaved = true; /* written when idle: no extra fsync per batch */
		/* The central service may have decided otherwise meanwhile (a
		 * superseded event): fetch its changes as soon as the outbox is idle. */
		e->feed_behind = true;
	}
	publish(e, have_answer ? &last : NULL, done);
	return n;
}

/* ---- the certificate lookup ------------------------------------------------------ */

/* Why a lookup got no usable answer A, in words without personal data. */
static void lookup_failure(const answer *a, char *out, size_t cap)
{
	if (a->status == 0)
		snprintf(out, cap, "central service unreachable (%.100s)", a->reason);
	else if (a->auth_refused)
		snprintf(out, cap, "authentication refused by the central service (%.100s)", a->reason);
	else if (a->bad)
		snprintf(out, cap, "bad answer from the central service (%.100s)", a->reason);
	else if (a->verdict == ANSWER_RETRY)
		snprintf(out, cap, "central service busy or failing (%.100s)", a->reason);
	else
		snprintf(out, cap, "refused by the central service (%.100s)", a->reason);
}

/*
 * Run the waiting lookup job, if any: take the NIK (wiped from the shared
 * state at once), ask, parse, publish the result unless the job was
 * cleared meanwhile, and wake the UI. The answer's subject (the holder's
 * name) is never copied; the body and the call are wiped after use.
 */
static void run_lookup(sync_engine *e)
{
	char nik[sizeof e->lk_nik], body[48], why[ANSWER_REASON_MAX];
	answer_cert certs[ANSWER_CERTS_MAX];
	sync_lookup res;
	answer a;
	answer_raw raw;
	unsigned gen;
	int n = 0, len;

	pthread_mutex_lock(&e->mu);
	if (!e->lk_pending) {
		pthread_mutex_unlock(&e->mu);
		return;
	}
	memcpy(nik, e->lk_nik, sizeof nik);
	sodium_memzero(e->lk_nik, sizeof e->lk_nik);
	e->lk_pending = false;
	gen = e->lk_gen;
	pthread_mutex_unlock(&e->mu);

	len = snprintf(body, sizeof body, "{\"nik\":\"%s\"}", nik);
	sodium_memzero(nik, sizeof nik);
	exchange(e, "POST", "/certificates/lookup", body, (size_t)len, NULL, ANSWER_CERTS, &a, &raw);
	sodium_memzero(body, sizeof body);

	memset(&res, 0, sizeof res);
	if (a.verdict != ANSWER_DONE) {
		res.state = SYNC_LOOKUP_FAILED;
		lookup_failure(&a, res.error, sizeof res.error);
		say(e, SYNC_LOG_WARN, "certificate lookup: %s", res.error);
	} else if (answer_parse_certs(raw.body, raw.body_len, certs, &n, why, sizeof why) != 0) {
		res.state = SYNC_LOOKUP_FAILED;
		snprintf(res.error, sizeof res.error, "bad answer from the central service: %.100s", why);
		say(e, SYNC_LOG_WARN, "certificate lookup: %s", res.error);
	} else {
		_Static_assert(sizeof res.certs / sizeof res.certs[0] == ANSWER_CERTS_MAX, "one size");
		res.state = SYNC_LOOKUP_DONE;
		res.n = n;
		for (int i = 0; i < n; i++) {
			memcpy(res.certs[i].serial, certs[i].serial, sizeof res.certs[i].serial);
			memcpy(res.certs[i].issuer, certs[i].issuer, sizeof res.certs[i].issuer);
			memcpy(res.certs[i].status, certs[i].status, sizeof res.certs[i].status);
			res.certs[i].not_after = certs[i].not_after;
		}
	}
	sodium_memzero(certs, sizeof certs);

	pthread_mutex_lock(&e->mu);
	bool current = gen == e->lk_gen;
	if (current)
		e->lk = res;
	pthread_mutex_unlock(&e->mu);
	sodium_memzero(&res, sizeof res);
	if (current && e->o.notify)
		e->o.notify(e->o.notify_ctx);
}

/* ---- pulling changes ------------------------------------------------------------- */

static void pull_changes(sync_engine *e)
{
	for (int page = 0; page < CHANGE_PAGES_PER_ROUND && !should_stop(e); page++) {
		char path[96], why[QUEUE_REASON_MAX];
		int64_t since = 0, next = 0;
		int n = 0, skipped = 0;
		bool more = false;
		queue_apply_stats stats = {0};
		answer a;
		answer_raw raw;
		queue_err qe;

		if (queue_mark_get(e->q, QUEUE_MARK_CHANGES_CURSOR, &since) != QUEUE_OK)
			return;
		snprintf(path, sizeof path, "/changes?since=%" PRId64 "&limit=%d", since, CHANGE_PAGE);
		exchange(e, "GET", path, NULL, 0, NULL, ANSWER_CHANGES, &a, &raw);
		if (a.verdict != ANSWER_DONE) {
			if (a.bad || a.verdict == ANSWER_DEAD)
				say(e, SYNC_LOG_WARN, "change feed: %s", a.reason);
			publish(e, &a, 0);
			return;
		}
		if (answer_parse_changes(raw.body, raw.body_len, since, e->changes, &n, &skipped, &next,
					 &more, why, sizeof why) != 0) {
			say(e, SYNC_LOG_WARN, "change feed: bad answer: %s; cursor kept at %" PRId64, why,
			    since);
			return;
		}
		qe = queue_apply_changes(e->q, e->changes, n, next, &stats);
		for (int i = 0; i < n && qe == QUEUE_OK && stats.conflicts + stats.overridden > 0; i++) {
			/* Only the tickets go to the log; queue_apply_changes counted which. */
			if (e->changes[i].type == QUEUE_CHANGE_EVENT)
				say(e, SYNC_LOG_DEBUG, "change %" PRId64 " for %s: %s -> %s", e->changes[i].seq,
				    e->changes[i].ticket, rstate_name(e->changes[i].ev.from),
				    rstate_name(e->changes[i].ev.to));
		}
		explicit_bzero(e->changes, sizeof *e->changes * (size_t)(n > 0 ? n : 0));
		if (qe != QUEUE_OK) {
			say(e, SYNC_LOG_ERROR, "cannot apply %d changes: %s", n, queue_err_name(qe));
			return;
		}
		if (n > 0 || skipped > 0)
			say(e, SYNC_LOG_INFO,
			    "change feed: %d applied, %d repeated, %d overridden by central decision,"
			    " %d conflicting, %d for unknown tickets, %d of unknown types; cursor %" PRId64,
			    stats.applied, stats.repeats, stats.overridden, stats.conflicts, stats.unknown,
			    skipped, next);
		if (!more) {
			e->feed_behind = false;
			e->pulls++;
		}
		publish(e, &a, 0);
		if (!more)
			return;
		run_lookup(e); /* an officer waits: not behind ten pages */
	}
}

/* ---- the thread ------------------------------------------------------------------ */

/* Sleep until kicked, stopped, or WAIT_MS passed (-1: until POLL). Returns
 * true when kicked. */
static bool nap(sync_engine *e, int64_t wait_ms)
{
	struct timespec until;
	bool kicked;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += (time_t)(wait_ms / 1000);
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&e->mu);
	/* A lookup wakes the thread too, without forcing a pull of changes. */
	while (!e->stop && !e->kicked && !e->lk_pending) {
		if (pthread_cond_timedwait(&e->cv, &e->mu, &until) == ETIMEDOUT)
			break;
	}
	kicked = e->kicked;
	e->kicked = false;
	pthread_mutex_unlock(&e->mu);
	return kicked;
}

static void *engine_main(void *arg)
{
	sync_engine *e = arg;
	int64_t n = 0;
	queue_err qe = queue_outbox_recover(e->q, &n);
	int64_t last = 0;

	if (queue_mark_get(e->q, QUEUE_MARK_LAST_SUCCESS, &last) == QUEUE_OK) {
		pthread_mutex_lock(&e->mu);
		e->st.last_success = last;
		pthread_mutex_unlock(&e->mu);
	}

	if (qe != QUEUE_OK)
		say(e, SYNC_LOG_ERROR, "cannot recover the outbox: %s", queue_err_name(qe));
	else if (n > 0)
		say(e, SYNC_LOG_INFO, "%" PRId64 " outbox entries were in flight at the last stop;"
		    " they will be resent with their keys", n);
	publish(e, NULL, 0);

	while (!should_stop(e)) {
		int64_t wait_ms = -1, now;
		run_lookup(e); /* between batches: an officer waits for it */
		int got = drain_batch(e, &wait_ms);

		if (got > 0)
			continue;
		/* Idle: the bookkeeping that costs fsyncs happens here, not per batch. */
		if (e->success_unsaved) {
			sync_status st;
			sync_get_status(e, &st);
			if (queue_mark_set(e->q, QUEUE_MARK_LAST_SUCCESS, st.last_success) == QUEUE_OK)
				e->success_unsaved = false;
		}
		queue_checkpoint(e->q); /* BUSY when the UI writes: it is only postponed */
		now = wall_ms();
		if (now >= e->next_pull_ms || e->feed_behind) {
			pull_changes(e);
			e->next_pull_ms = now + e->o.poll_ms;
		}
		if (e->o.retention_days > 0 && now >= e->next_purge_ms) {
			int64_t purged = 0;
			qe = queue_purge(e->q, now / 1000, e->o.retention_days, &purged);
			if (qe != QUEUE_OK)
				say(e, SYNC_LOG_WARN, "retention purge postponed: %s", queue_err_name(qe));
			else if (purged > 0)
				say(e, SYNC_LOG_INFO, "retention: personal data of %" PRId64
				    " closed requests removed", purged);
			purged = 0;
			qe = complaint_purge(e->q, now / 1000, e->o.retention_days, &purged);
			if (qe != QUEUE_OK)
				say(e, SYNC_LOG_WARN, "complaint retention postponed: %s", queue_err_name(qe));
			else if (purged > 0)
				say(e, SYNC_LOG_INFO, "retention: personal data of %" PRId64
				    " resolved complaints removed", purged);
			e->next_purge_ms = now + PURGE_EVERY_MS;
		}
		int64_t until_pull = e->next_pull_ms - wall_ms();
		if (got < 0 || wait_ms < 0 || wait_ms > until_pull)
			wait_ms = until_pull; /* a store error also waits: no busy loop */
		if (wait_ms < 0)
			wait_ms = 0;
		if (nap(e, wait_ms))
			e->next_pull_ms = 0; /* kicked: also look for changes now */
	}
	return NULL;
}

/* ---- start, stop, status --------------------------------------------------------- */

static void destroy(sync_engine *e)
{
	for (int i = 0; e->batch && i < e->o.batch_max; i++)
		queue_entry_wipe(&e->batch[i]);
	free(e->batch);
	free(e->results);
	if (e->changes)
		explicit_bzero(e->changes, sizeof *e->changes * ANSWER_CHANGES_MAX);
	free(e->changes);
	http_free(&e->http);
	if (e->q)
		queue_close(&e->q);
	free(e->db_path);
	free(e->base_url);
	free(e->kiosk_id);
	free(e->pin);
	free(e->ca_file);
	sodium_memzero(&e->o, sizeof e->o);
	sodium_memzero(e->lk_nik, sizeof e->lk_nik);
	sodium_memzero(&e->lk, sizeof e->lk);
	pthread_cond_destroy(&e->cv);
	pthread_mutex_destroy(&e->mu);
	free(e);
}

int sync_start(sync_engine **out, const sync_opts *o, char *why, size_t why_len)
{
	pthread_condattr_t ca;
	sync_engine *e;
	queue_err qe;

	*out = NULL;
	if (sodium_init() < 0) {
		snprintf(why, why_len, "libsodium cannot initialise");
		return -1;
	}
	e = calloc(1, sizeof *e);
	if (e == NULL) {
		snprintf(why, why_len, "out of memory");
		return -1;
	}
	pthread_mutex_init(&e->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&e->cv, &ca);
	pthread_condattr_destroy(&ca);

	e->o = *o;
	if (e->o.connect_timeout_ms <= 0)
		e->o.connect_timeout_ms = 5000;
	if (e->o.total_timeout_ms <= 0)
		e->o.total_timeout_ms = 15000;
	if (e->o.retry_base_ms <= 0)
		e->o.retry_base_ms = 1000;
	if (e->o.retry_cap_ms <= 0)
		e->o.retry_cap_ms = 300000;
	if (e->o.retry_cap_ms < e->o.retry_base_ms)
		e->o.retry_cap_ms = e->o.retry_base_ms;
	if (e->o.batch_max <= 0)
		e->o.batch_max = 32;
	if (e->o.batch_max > BATCH_HARD_MAX)
		e->o.batch_max = BATCH_HARD_MAX;
	if (e->o.poll_ms <= 0)
		e->o.poll_ms = 30000;
	e->db_path = dup_or_null(o->db_path);
	e->base_url = dup_or_null(o->base_url);
	e->kiosk_id = dup_or_null(o->kiosk_id);
	e->pin = dup_or_null(o->pin);
	e->ca_file = dup_or_null(o->ca_file);
	e->batch = calloc((size_t)e->o.batch_max, sizeof *e->batch);
	e->results = calloc((size_t)e->o.batch_max, sizeof *e->results);
	e->changes = calloc(ANSWER_CHANGES_MAX, sizeof *e->changes);
	if (!e->db_path || !e->base_url || !e->kiosk_id || (o->pin && !e->pin) ||
	    (o->ca_file && !e->ca_file) || !e->batch || !e->results || !e->changes) {
		snprintf(why, why_len, "out of memory");
		goto fail;
	}
	e->o.db_path = e->db_path;
	e->o.base_url = e->base_url;
	e->o.kiosk_id = e->kiosk_id;
	e->o.pin = e->pin;
	e->o.ca_file = e->ca_file;

	/* Checkpoints happen when the engine is idle, never inside a settle. */
	queue_opts qo = {.manual_checkpoint = true};
	qe = queue_open(&e->q, e->db_path, &qo);
	if (qe != QUEUE_OK) {
		snprintf(why, why_len, "cannot open the store: %s", queue_err_name(qe));
		goto fail;
	}
	http_opts ho = {
		.base_url = e->base_url,
		.pin = e->pin,
		.ca_file = e->ca_file,
		.connect_timeout_ms = e->o.connect_timeout_ms,
		.total_timeout_ms = e->o.total_timeout_ms,
	};
	e->http = http_new(&ho);
	if (e->http == NULL) {
		snprintf(why, why_len, "cannot set up the HTTP client");
		goto fail;
	}
	http_set_cancel(e->http, cancelled, e);
	e->st.running = true;
	if (pthread_create(&e->thread, NULL, engine_main, e) != 0) {
		snprintf(why, why_len, "cannot start the sync thread");
		goto fail;
	}
	*out = e;
	return 0;

fail:
	destroy(e);
	return -1;
}

void sync_kick(sync_engine *e)
{
	pthread_mutex_lock(&e->mu);
	e->kicked = true;
	pthread_cond_signal(&e->cv);
	pthread_mutex_unlock(&e->mu);
}

void sync_get_status(sync_engine *e, sync_status *out)
{
	pthread_mutex_lock(&e->mu);
	*out = e->st;
	pthread_mutex_unlock(&e->mu);
}

int sync_lookup_start(sync_engine *e, const char *nik)
{
	if (nik == NULL || strnlen(nik, 17) != 16 || strspn(nik, "0123456789") != 16)
		return -1;
	pthread_mutex_lock(&e->mu);
	if (e->lk.state == SYNC_LOOKUP_RUNNING) {
		pthread_mutex_unlock(&e->mu);
		return -1;
	}
	memcpy(e->lk_nik, nik, 17);
	e->lk_pending = true;
	sodium_memzero(&e->lk, sizeof e->lk);
	e->lk.state = SYNC_LOOKUP_RUNNING;
	pthread_cond_signal(&e->cv);
	pthread_mutex_unlock(&e->mu);
	return 0;
}

void sync_lookup_get(sync_engine *e, sync_lookup *out)
{
	pthread_mutex_lock(&e->mu);
	*out = e->lk;
	pthread_mutex_unlock(&e->mu);
}

void sync_lookup_clear(sync_engine *e)
{
	pthread_mutex_lock(&e->mu);
	sodium_memzero(e->lk_nik, sizeof e->lk_nik);
	e->lk_pending = false;
	e->lk_gen++;
	sodium_memzero(&e->lk, sizeof e->lk); /* SYNC_LOOKUP_IDLE */
	pthread_mutex_unlock(&e->mu);
}

void sync_stop(sync_engine **ep)
{
	sync_engine *e = *ep;
	if (e == NULL)
		return;
	pthread_mutex_lock(&e->mu);
	e->stop = true;
	pthread_cond_signal(&e->cv);
	pthread_mutex_unlock(&e->mu);
	pthread_join(e->thread, NULL);
	destroy(e);
	*ep = NULL;
}
