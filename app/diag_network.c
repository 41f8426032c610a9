/*
 * diag_network: the central service and the sync queue, network.central,
 * network.tls, network.clock, sync.last, sync.outbox and sync.dead
 * (diag_internal.h).
 *
 * One GET <url>/health (no signature: the service answers it to anyone)
 * with the client the engine uses (sync/http.h), with [central] pin,
 * ca_file and timeout_ms, gives three checks: whether and how fast the
 * service answers, the TLS certificate it showed (kept for this call
 * only: http_opts.peer_cert), and its clock ("time" in the answer) against
 * ours at the midpoint of the exchange. Only network.central fails for a
 * service that is down; the TLS and clock checks then warn "not checked".
 * A TLS failure fails network.tls alone: the service was reached.
 *
 * The sync checks read the store through queue.h, after storecheck.h has
 * said the file is there and of this kiosk's schema (queue_open() would
 * create a missing file or migrate an older one; storage.database reports
 * those). The storecheck handle stays open meanwhile, so closing the queue
 * handle never checkpoints the WAL that storage.wal measures next.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "answer.h"
#include "diag_internal.h"
#include "http.h"
#include "queue.h"
#include "storecheck.h"

/* The sync checks' names, "sync.last" and so on. "sync" is also a
 * namespace of the text catalogs, and tests/test_cat.c takes every whole
 * "sync.x" literal in app/ for a catalog key; these are check names, so
 * they are put together from parts. */
#define SYNC_CHECK(part)                                                                                     \
	"sync"                                                                                               \
	"." part

enum {
	CLOCK_OK_S = 60,     /* offsets up to this are fine */
	CLOCK_LIMIT_S = 300, /* the service refuses signed exchanges beyond this (sync-protocol.md) */
	TLS_WARN_DAYS = 30,  /* a certificate expiring sooner is a warning */
	SYNC_STALE_S = 3600, /* entries waiting with no success for this long: a warning */
	URL_MAX = 256,
};

/* What one GET /health found. */
typedef struct health {
	bool answered; /* an HTTP answer arrived */
	bool ok;       /* it was the service's health answer: SERVER_TIME holds */
	int status;    /* its HTTP status */
	int latency_ms;
	int64_t server_time;         /* epoch s */
	int64_t mid_ms;              /* our wall clock at the exchange's midpoint, epoch ms */
	const char *net_error;       /* no answer: why (http.h's short texts) */
	char bad[ANSWER_REASON_MAX]; /* answered, not a health answer: why */
	http_tls tls;
} health;

static int64_t clock_ms(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void ask_health(const conf *cfg, const char *url, health *h)
{
	http_opts o = {
	    .base_url = url,
	    .pin = cfg->central.pin[0] ? cfg->central.pin : NULL,
	    .ca_file = cfg->central.ca_file[0] ? cfg->central.ca_file : NULL,
	    .connect_timeout_ms = cfg->central.timeout_ms,
	    .total_timeout_ms = cfg->central.timeout_ms,
	    .peer_cert = true,
	};
	answer_raw raw;
	answer a;

	memset(h, 0, sizeof *h);
	http_client *c = http_new(&o);
	if (c == NULL) {
		h->net_error = "cannot set up the HTTP client";
		return;
	}
	int64_t wall0 = clock_ms(CLOCK_REALTIME), mono0 = clock_ms(CLOCK_MONOTONIC);
	int rc = http_call(c, "GET", "/health", NULL, 0, NULL, 0, &raw);
	int64_t took = clock_ms(CLOCK_MONOTONIC) - mono0;
	h->latency_ms = (int)took;
	h->mid_ms = wall0 + took / 2; /* the monotonic clock: a clock step meanwhile does not count */
	http_last_tls(c, &h->tls);
	if (rc != 0) {
		h->net_error = raw.net_error; /* a static text */
	} else {
		h->answered = true;
		h->status = raw.status;
		answer_classify(ANSWER_HEALTH, &raw, &a);
		h->ok = a.verdict == ANSWER_DONE;
		h->server_time = a.server_time;
		snprintf(h->bad, sizeof h->bad, "%s", a.reason);
	}
	http_free(&c);
}

/* A net_error in words a technician can act on. */
static void net_words(const health *h, const char *url, int timeout_ms, char *buf, size_t cap)
{
	const char *e = h->net_error ? h->net_error : "no answer";

	if (strcmp(e, "connection refused") == 0)
		snprintf(buf, cap, "connection refused: is the central service running at %.120s?", url);
	else if (strcmp(e, "timeout") == 0)
		snprintf(buf, cap,
			 "no answer within %d ms from %.120s: is the network up, is the service overloaded?",
			 timeout_ms, url);
	else if (strcmp(e, "network unreachable") == 0)
		snprintf(buf, cap,
			 "network unreachable: is the network cable plugged in, is there a route to %.120s?",
			 url);
	else if (strncmp(e, "DNS", 3) == 0)
		snprintf(buf, cap,
			 "the host name in %.120s cannot be found (DNS): "
			 "check [central] url and the DNS server",
			 url);
	else
		snprintf(buf, cap, "no answer from %.120s: %s", url, e);
}

static void central_check(const health *h, const char *url, int timeout_ms, diag_report *r)
{
	char value[DIAG_VALUE_MAX], words[DIAG_REASON_MAX];

	snprintf(value, sizeof value, "answered in %d ms", h->latency_ms);
	if (h->ok)
		diag_add(r, "network.central", DIAG_OK, value, "%s", url);
	else if (h->answered && h->status == 503)
		diag_add(r, "network.central", DIAG_FAIL, "HTTP 503",
			 "the central service at %s is not ready (HTTP 503): it is starting or stopping",
			 url);
	else if (h->answered && (h->status < 200 || h->status > 299))
		diag_add(r, "network.central", DIAG_FAIL, value,
			 "%s/health answered HTTP %d, not the central service's health: "
			 "check [central] url (it ends in /v1)",
			 url, h->status);
	else if (h->answered)
		diag_add(r, "network.central", DIAG_FAIL, value,
			 "%s/health is not the central service's answer (%s)", url, h->bad);
	else if (h->tls.failed)
		diag_add(r, "network.central", DIAG_WARN, "no answer",
			 "%s was reached, but the TLS exchange failed (see network.tls)", url);
	else {
		net_words(h, url, timeout_ms, words, sizeof words);
		diag_add(r, "network.central", DIAG_FAIL, "no answer", "%s", words);
	}
}

static void tls_check(const health *h, diag_report *r)
{
	char value[DIAG_VALUE_MAX], date[32];
	int64_t now = (int64_t)time(NULL);

	if (!h->tls.used) {
		diag_add(r, "network.tls", DIAG_WARN, "http",
			 "not encrypted (http://): for development only");
		return;
	}
	if (h->tls.failed) {
		diag_add(r, "network.tls", DIAG_FAIL, "failed", "TLS failed: %s",
			 h->net_error ? h->net_error : "?");
		return;
	}
	if (!h->answered) {
		diag_add(r, "network.tls", DIAG_WARN, "not checked", "not checked: central not reachable");
		return;
	}
	if (h->tls.not_after <= 0) {
		diag_add(r, "network.tls", DIAG_WARN, "unknown",
			 "the server certificate's expiry could not be read");
		return;
	}
	diag_fmt_time(h->tls.not_after, DIAG_TIME_DATE, date, sizeof date);
	/* To the nearest day: a certificate made "-days 10" a minute ago has 10. */
	int64_t days = (h->tls.not_after - now + 43200) / 86400;
	if (h->tls.not_after <= now) {
		diag_add(r, "network.tls", DIAG_FAIL, "expired",
			 "the server certificate expired on %s: renew it on the central service", date);
		return;
	}
	snprintf(value, sizeof value, "valid until %s (%" PRId64 " day%s)", date, days, days == 1 ? "" : "s");
	if (days < TLS_WARN_DAYS)
		diag_add(r, "network.tls", DIAG_WARN, value,
			 "the server certificate expires in %" PRId64
			 " day%s: renew it on the central service",
			 days, days == 1 ? "" : "s");
	else
		diag_add(r, "network.tls", DIAG_OK, value, "%s", "");
}

static void clock_check(const health *h, diag_report *r)
{
	char value[DIAG_VALUE_MAX], size[48];

	if (!h->ok) {
		diag_add(r, "network.clock", DIAG_WARN, "not checked", "not checked: central not reachable");
		return;
	}
	/* The server's time() is its clock rounded down: on average 0.5 s early. */
	int64_t off_ms = h->server_time * 1000 + 500 - h->mid_ms;
	int64_t off = (off_ms >= 0 ? off_ms + 500 : off_ms - 500) / 1000;
	snprintf(value, sizeof value, "%+" PRId64 " s", off);
	int64_t mag = off < 0 ? -off : off;
	if (mag <= CLOCK_OK_S) {
		diag_add(r, "network.clock", DIAG_OK, value,
			 "the kiosk's clock agrees with the central service");
		return;
	}
	diag_fmt_duration(mag, size, sizeof size);
	diag_add(r, "network.clock", mag <= CLOCK_LIMIT_S ? DIAG_WARN : DIAG_FAIL, value,
		 "the kiosk's clock is %s %s the central service: "
		 "it refuses exchanges more than 5 minutes off; set the time (NTP)",
		 size, off > 0 ? "behind" : "ahead of");
}

/* ---- the sync queue ------------------------------------------------------ */

static void sync_not_checked(diag_report *r, const char *why)
{
	diag_add(r, SYNC_CHECK("last"), DIAG_WARN, "not checked", "not checked: %s", why);
	diag_add(r, SYNC_CHECK("outbox"), DIAG_WARN, "not checked", "not checked: %s", why);
	diag_add(r, SYNC_CHECK("dead"), DIAG_WARN, "not checked", "not checked: %s", why);
}

static void last_check(const conf *cfg, queue *q, int64_t waiting, diag_report *r)
{
	char value[DIAG_VALUE_MAX], when[32] = "", ago[32] = "";
	int64_t last = 0;
	queue_err e = queue_mark_get(q, QUEUE_MARK_LAST_SUCCESS, &last);

	if (e != QUEUE_OK) {
		diag_add(r, SYNC_CHECK("last"), DIAG_WARN, "unreadable", "cannot read it: %s",
			 queue_err_name(e));
		return;
	}
	if (last > 0) {
		int64_t age = (int64_t)time(NULL) - last;
		diag_fmt_time(last, DIAG_TIME_MINUTE, when, sizeof when);
		diag_fmt_duration(age < 0 ? 0 : age, ago, sizeof ago);
		snprintf(value, sizeof value, "%s (%s ago)", when, ago);
	} else {
		snprintf(value, sizeof value, "never");
	}
	if (cfg->central.secret_file[0] == '\0')
		diag_add(r, SYNC_CHECK("last"), DIAG_WARN, value,
			 "sync is off: [central] secret_file is empty, so the kiosk sends nothing");
	else if (last <= 0)
		diag_add(r, SYNC_CHECK("last"), DIAG_WARN, value,
			 "nothing has reached the central service from this kiosk yet");
	else if (waiting > 0 && (int64_t)time(NULL) - last > SYNC_STALE_S)
		diag_add(r, SYNC_CHECK("last"), DIAG_WARN, value,
			 "%" PRId64 " outbox entr%s wait and nothing reached the central service for %s",
			 waiting, waiting == 1 ? "y" : "ies", ago);
	else
		diag_add(r, SYNC_CHECK("last"), DIAG_OK, value, "%s", "");
}

/* The outbox by state, counted before any check is added: sync.last's
 * verdict needs the number waiting. */
typedef struct outbox_counts {
	int64_t n[5];       /* by STATES */
	bool have[5];       /* the store knows the state */
	const char *failed; /* the state that could not be counted, or NULL */
	queue_err err;
} outbox_counts;

static const char *const STATES[] = {"pending", "in_flight", "done", "dead", "discarded"};
enum { S_PENDING, S_IN_FLIGHT, S_DONE, S_DEAD, S_DISCARDED, S_COUNT };

static void count_outbox(queue *q, outbox_counts *c)
{
	memset(c, 0, sizeof *c);
	for (int i = 0; i < S_COUNT; i++) {
		queue_err e = queue_outbox_count(q, STATES[i], &c->n[i]);
		if (e == QUEUE_ERR_INVALID && i == S_DISCARDED)
			continue; /* a store without discarded entries (before schema 5) */
		if (e != QUEUE_OK) {
			c->failed = STATES[i];
			c->err = e;
			return;
		}
		c->have[i] = true;
	}
}

static void outbox_check(const outbox_counts *c, diag_report *r)
{
	char value[DIAG_VALUE_MAX];
	size_t used = 0;

	if (c->failed) {
		diag_add(r, SYNC_CHECK("outbox"), DIAG_WARN, "unreadable", "cannot count the %s entries: %s",
			 c->failed, queue_err_name(c->err));
		return;
	}
	value[0] = '\0';
	for (int i = 0; i < S_COUNT && used < sizeof value; i++)
		if (c->have[i])
			used += (size_t)snprintf(value + used, sizeof value - used, "%s%" PRId64 " %s",
						 i ? ", " : "", c->n[i],
						 i == S_IN_FLIGHT ? "in flight" : STATES[i]);
	diag_add(r, SYNC_CHECK("outbox"), DIAG_OK, value, "%s", "");
}

static void dead_check(int64_t dead, diag_report *r)
{
	char value[DIAG_VALUE_MAX];

	if (dead < 0) {
		diag_add(r, SYNC_CHECK("dead"), DIAG_WARN, "not checked",
			 "not checked: the outbox cannot be read");
	} else if (dead == 0) {
		diag_add(r, SYNC_CHECK("dead"), DIAG_OK, "none", "%s", "");
	} else {
		snprintf(value, sizeof value, "%" PRId64 " dead letter%s", dead, dead == 1 ? "" : "s");
		diag_add(r, SYNC_CHECK("dead"), DIAG_FAIL, value,
			 dead == 1 ? "%" PRId64 " dead letter waits for a technician: retry or discard it"
				   : "%" PRId64 " dead letters wait for a technician: retry or discard them",
			 dead);
	}
}

static void sync_checks(const diag_env *env, diag_report *r)
{
	const char *path = env->db_path ? env->db_path : env->cfg->storage.database;
	storecheck *sc = NULL;
	storecheck_facts f;
	queue *q = NULL;
	char why[DIAG_REASON_MAX];

	if (storecheck_open(&sc, path, &f) != 0) {
		sync_not_checked(r, "the store cannot be opened (see storage.database)");
		return;
	}
	if (f.schema < QUEUE_SCHEMA_VERSION) {
		snprintf(why, sizeof why,
			 "the store's schema %d is older than this kiosk's %d (see storage.database)",
			 f.schema, QUEUE_SCHEMA_VERSION);
		sync_not_checked(r, why);
		storecheck_close(&sc);
		return;
	}
	queue_err e = queue_open(&q, path, NULL);
	if (e != QUEUE_OK) {
		snprintf(why, sizeof why, "the store cannot be opened (%s)", queue_err_name(e));
		sync_not_checked(r, why);
		storecheck_close(&sc);
		return;
	}
	outbox_counts counts;
	count_outbox(q, &counts);
	last_check(env->cfg, q, counts.failed ? 0 : counts.n[S_PENDING] + counts.n[S_IN_FLIGHT], r);
	outbox_check(&counts, r);
	dead_check(counts.failed ? -1 : counts.n[S_DEAD], r);
	queue_close(&q);
	storecheck_close(&sc);
}

void diag_network_checks(const diag_env *env, diag_report *r)
{
	const char *url = env->central_url ? env->central_url : env->cfg->central.url;
	char shown[URL_MAX];
	health h;

	conf_mask_url(url, shown, sizeof shown);
	ask_health(env->cfg, url, &h);
	central_check(&h, shown, env->cfg->central.timeout_ms, r);
	tls_check(&h, r);
	clock_check(&h, r);
	sync_checks(env, r);
}
