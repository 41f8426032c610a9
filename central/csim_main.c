/*
 * kiosk-central-sim: the local central service for development and tests
 * (docs/sync-protocol.md; every option in central/README.md).
 *
 *   kiosk-central-sim --port PORT --db FILE [--kiosk ID=KEYFILE]...
 *     [--bind ADDR] [--fail-rate R] [--fail-after-rate R] [--drop-rate R]
 *     [--latency-ms N] [--malformed-rate R] [--slow-body-ms N] [--seed N]
 *     [--no-ticket-check] [--holidays DIR] [--tls-cert FILE --tls-key FILE]
 *     [--clock-offset SECONDS] [--quiet]
 *
 * main only wires: parse the options, load and check the TLS pair, open the
 * database, register the kiosks, start the server, print "listening on
 * ADDR:PORT" (plus " (https)" with TLS), wait for
 * SIGINT or SIGTERM, stop in reverse order. Exit 0 after a clean stop,
 * 2 for bad arguments (one line on stderr), 1 when it cannot start.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "csim.h"
#include "csim_call.h"
#include "csim_http.h"
#include "csim_tls.h"
#include "reqjson.h"

#ifndef KIOSK_ASSETS_DIR
#ifdef KIOSK_SOURCE_DIR
#define KIOSK_ASSETS_DIR KIOSK_SOURCE_DIR "/assets"
#else
#define KIOSK_ASSETS_DIR "assets"
#endif
#endif

#define KIOSKS_MAX 64

typedef struct kiosk_arg {
	char id[CSIM_KIOSK_ID_MAX];
	const char *keyfile;
} kiosk_arg;

typedef struct opts {
	int port;
	const char *db, *bind, *holidays;
	const char *tls_cert, *tls_key; /* both or neither */
	int64_t clock_offset;
	kiosk_arg kiosks[KIOSKS_MAX];
	int nkiosks;
	csim_fault_cfg faults;
	uint64_t seed;
	bool seed_set, no_ticket_check, quiet;
} opts;

static const char usage[] =
	"usage: kiosk-central-sim --port PORT --db FILE [--kiosk ID=KEYFILE]... [--bind 127.0.0.1]\n"
	"         [--fail-rate R] [--fail-after-rate R] [--drop-rate R] [--malformed-rate R]\n"
	"         [--latency-ms N] [--slow-body-ms N] [--seed N] [--no-ticket-check]\n"
	"         [--holidays DIR] [--tls-cert FILE --tls-key FILE] [--clock-offset SECONDS] [--quiet]\n"
	"Rates are 0..1, times 0..600000 ms, the clock offset -315360000..315360000 s (10 years).\n"
	"See central/README.md.\n";

static int bad(const char *what, const char *arg)
{
	fprintf(stderr, CSIM_NAME ": %s%s%s (try --help)\n", what, arg ? ": " : "", arg ? arg : "");
	return -1;
}

static int parse_kiosk(opts *o, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : 0;

	if (o->nkiosks == KIOSKS_MAX)
		return bad("too many --kiosk options", NULL);
	if (eq == NULL || n == 0 || n >= CSIM_KIOSK_ID_MAX || eq[1] == '\0')
		return bad("--kiosk wants ID=KEYFILE with an id of 1-32 of A-Z a-z 0-9 -", arg);
	kiosk_arg *k = &o->kiosks[o->nkiosks];
	memcpy(k->id, arg, n);
	k->id[n] = '\0';
	if (!csim_kiosk_id_ok(k->id))
		return bad("--kiosk: the id is not 1-32 of A-Z a-z 0-9 -", arg);
	k->keyfile = eq + 1;
	o->nkiosks++;
	return 0;
}

/* S is a whole number of seconds, optionally signed, within 10 years. */
static int parse_offset(const char *s, int64_t *out)
{
	int64_t n;
	bool neg = s[0] == '-';

	if (csim_parse_uint(s + (s[0] == '-' || s[0] == '+'), 9, &n) != 0 || n > CSIM_CLOCK_OFFSET_MAX)
		return -1;
	*out = neg ? -n : n;
	return 0;
}

/* Parse ARGV into O. Returns 0, 1 for --help, -1 after one line on stderr. */
static int parse_args(int argc, char **argv, opts *o)
{
	*o = (opts){.port = -1, .bind = "127.0.0.1", .holidays = KIOSK_ASSETS_DIR "/holidays"};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		int64_t n;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return 1;
		if (strcmp(a, "--no-ticket-check") == 0) {
			o->no_ticket_check = true;
			continue;
		}
		if (strcmp(a, "--quiet") == 0) {
			o->quiet = true;
			continue;
		}
		if (strncmp(a, "--", 2) != 0)
			return bad("unexpected argument", a);
		if (v == NULL)
			return bad("missing value after", a);
		i++;
		if (strcmp(a, "--port") == 0) {
			if (csim_parse_uint(v, 5, &n) != 0 || n > 65535)
				return bad("--port wants 0..65535", v);
			o->port = (int)n;
		} else if (strcmp(a, "--db") == 0) {
			o->db = v;
		} else if (strcmp(a, "--bind") == 0) {
			struct in_addr ip;
			if (inet_pton(AF_INET, v, &ip) != 1)
				return bad("--bind wants an IPv4 address", v);
			o->bind = v;
		} else if (strcmp(a, "--holidays") == 0) {
			o->holidays = v;
		} else if (strcmp(a, "--tls-cert") == 0 || strcmp(a, "--tls-key") == 0) {
			if (v[0] == '\0')
				return bad("--tls-cert and --tls-key want a file name", a);
			*(strcmp(a, "--tls-cert") == 0 ? &o->tls_cert : &o->tls_key) = v;
		} else if (strcmp(a, "--clock-offset") == 0) {
			if (parse_offset(v, &o->clock_offset) != 0)
				return bad("--clock-offset wants whole seconds, -315360000..315360000", v);
		} else if (strcmp(a, "--kiosk") == 0) {
			if (parse_kiosk(o, v) != 0)
				return -1;
		} else if (strcmp(a, "--seed") == 0) {
			if (csim_parse_uint(v, 18, &n) != 0)
				return bad("--seed wants an integer 0..999999999999999999", v);
			o->seed = (uint64_t)n;
			o->seed_set = true;
		} else if (strcmp(a, "--fail-rate") == 0 || strcmp(a, "--fail-after-rate") == 0 ||
			   strcmp(a, "--drop-rate") == 0 || strcmp(a, "--malformed-rate") == 0) {
			double *r = strcmp(a, "--drop-rate") == 0         ? &o->faults.drop_rate
				    : strcmp(a, "--malformed-rate") == 0  ? &o->faults.malformed_rate
				    : strcmp(a, "--fail-after-rate") == 0 ? &o->faults.fail_after_rate
									  : &o->faults.fail_rate;
			if (csim_faults_parse_rate(v, r) != 0)
				return bad("rates are numbers from 0 to 1", v);
		} else if (strcmp(a, "--latency-ms") == 0 || strcmp(a, "--slow-body-ms") == 0) {
			int *ms = strcmp(a, "--latency-ms") == 0 ? &o->faults.latency_ms
								 : &o->faults.slow_body_ms;
			if (csim_faults_parse_ms(v, ms) != 0)
				return bad("times are integers from 0 to 600000 (ms)", v);
		} else {
			return bad("unknown option", a);
		}
	}
	if (o->port < 0)
		return bad("--port PORT is required", NULL);
	if (o->db == NULL || o->db[0] == '\0')
		return bad("--db FILE is required", NULL);
	if ((o->tls_cert == NULL) != (o->tls_key == NULL))
		return bad(o->tls_cert ? "--tls-cert needs --tls-key" : "--tls-key needs --tls-cert", NULL);
	return 0;
}

/* Load the --tls-cert/--tls-key pair into TLS and have GnuTLS accept it,
 * before anything is created. 0 (also without TLS), or the exit status
 * after one line on stderr: 1 when this libmicrohttpd cannot do TLS, 2 for
 * files that are unreadable or refused (they are arguments); TLS is then
 * empty. */
static int load_tls(const opts *o, csim_tls *tls)
{
	char why[512];

	if (o->tls_cert == NULL)
		return 0;
	if (!csim_http_tls_supported()) {
		fputs(CSIM_NAME ": --tls-cert: this libmicrohttpd was built without TLS (GnuTLS):"
		      " it cannot serve HTTPS\n",
		      stderr);
		return 1;
	}
	if (csim_tls_load(tls, o->tls_cert, o->tls_key, why, sizeof why) != 0 ||
	    csim_http_tls_check(tls, why, sizeof why) != 0) {
		fprintf(stderr, CSIM_NAME ": %s\n", why);
		csim_tls_clear(tls);
		return 2;
	}
	return 0;
}

/* Register the --kiosk secrets in the database, then load every kiosk it
 * holds (so a restart keeps kiosks registered before). */
static int register_kiosks(const opts *o, csim_app *app)
{
	uint8_t secret[SIGN_SECRET_LEN];
	char why[SIGN_WHY_MAX];
	int rc = 0;

	for (int i = 0; i < o->nkiosks; i++) {
		if (sign_load_secret(o->kiosks[i].keyfile, secret, why, sizeof why) != 0) {
			fprintf(stderr, CSIM_NAME ": --kiosk %s: key file %s: %s\n", o->kiosks[i].id,
				o->kiosks[i].keyfile, why);
			return 2;
		}
		if (csim_store_begin(app->store) != 0)
			rc = 1;
		else if (csim_store_kiosk_put(app->store, o->kiosks[i].id, secret, time(NULL)) != 0) {
			csim_store_rollback(app->store);
			rc = 1;
		} else if (csim_store_commit(app->store) != 0)
			rc = 1;
		sodium_memzero(secret, sizeof secret);
		if (rc != 0) {
			fprintf(stderr, CSIM_NAME ": cannot store kiosk %s in %s\n", o->kiosks[i].id, o->db);
			return 1;
		}
	}
	if (csim_store_begin(app->store) != 0)
		return 1;
	rc = csim_store_kiosks_load(app->store, app->kiosks);
	csim_store_rollback(app->store);
	if (rc < 0) {
		fprintf(stderr, CSIM_NAME ": cannot read the kiosks from %s\n", o->db);
		return 1;
	}
	if (rc == 0)
		fprintf(stderr, CSIM_NAME
			": warning: no kiosk registered (--kiosk ID=KEYFILE): every call gets 401\n");
	return 0;
}

int main(int argc, char **argv)
{
	opts o;
	csim_app app = {0};
	csim_http *http = NULL;
	csim_tls tls = {0};
	sigset_t sigs;
	char why[256];
	int rc = 1, sig = 0;

	switch (parse_args(argc, argv, &o)) {
	case 1:
		fputs(usage, stdout);
		return 0;
	case -1:
		return 2;
	}
	if (!o.seed_set)
		o.seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	/* Signals: a closed stdout (a test that stopped reading) must not kill
	 * us; SIGINT/SIGTERM are taken synchronously by main below, so every
	 * server thread (created after this) inherits them blocked. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	if (sodium_init() < 0) {
		fputs(CSIM_NAME ": libsodium cannot initialise\n", stderr);
		return 1;
	}
	/* Before any thread: every jansson buffer (bodies hold personal data)
	 * is zeroed when freed, and the allocators are set while nobody else
	 * uses jansson. */
	reqjson_init();
	rc = load_tls(&o, &tls);
	if (rc != 0)
		return rc;
	rc = 1;

	app.no_ticket_check = o.no_ticket_check;
	app.quiet = o.quiet;
	app.clock_offset = o.clock_offset;
	app.kiosks = csim_kiosks_new();
	app.faults = csim_faults_new(&o.faults, o.seed);
	app.inflight = csim_inflight_new();
	if (app.kiosks == NULL || app.faults == NULL || app.inflight == NULL) {
		fputs(CSIM_NAME ": out of memory\n", stderr);
		goto out;
	}
	app.store = csim_store_open(o.db, o.holidays, why, sizeof why);
	if (app.store == NULL) {
		fprintf(stderr, CSIM_NAME ": cannot open database %s: %s\n", o.db, why);
		goto out;
	}
	rc = register_kiosks(&o, &app);
	if (rc != 0)
		goto out;
	rc = 1;
	http = csim_http_start(&app, o.bind, o.port, tls.cert ? &tls : NULL, why, sizeof why);
	if (http == NULL) {
		fprintf(stderr, CSIM_NAME ": %s\n", why);
		goto out;
	}
	atomic_store(&app.ready, true);
	/* Tests wait for this line and read the port after "ADDR:": anything
	 * added goes after the port. */
	printf(CSIM_NAME ": listening on %s:%d%s\n", o.bind, csim_http_port(http),
	       tls.cert ? " (https)" : "");
	fflush(stdout);
	if (!o.quiet)
		fprintf(stderr,
			CSIM_NAME ": %zu kiosk(s), database %s, fault seed %llu, clock offset %+lld s\n",
			csim_kiosks_count(app.kiosks), o.db, (unsigned long long)o.seed,
			(long long)o.clock_offset);
	while (sigwait(&sigs, &sig) != 0 && errno == EINTR)
		;
	atomic_store(&app.ready, false);
	if (!o.quiet)
		fprintf(stderr, CSIM_NAME ": signal %d, stopping\n", sig);
	rc = 0;
out:
	csim_http_stop(&http);
	csim_store_close(&app.store);
	csim_inflight_free(&app.inflight);
	csim_faults_free(&app.faults);
	csim_kiosks_free(&app.kiosks);
	csim_tls_clear(&tls);
	return rc;
}
