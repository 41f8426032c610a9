/*
 * csim_faults: fault injection of the sim (central/README.md, "Faults"):
 * what goes wrong with one /v1 call, drawn at random from rates that the
 * command line sets and POST /_sim/faults changes at run time.
 *
 * One uniform number per call, from a splitmix64 generator seeded with
 * --seed, picks at most one of the exclusive faults by partitioning [0, 1)
 * in this order: drop, fail (500 before processing), fail-after (500 after
 * the commit), malformed (200 with truncated JSON). So "--fail-rate 0.1
 * --fail-after-rate 0.1" fails exactly 10 % + 10 % of the calls in the long
 * run, and a rate of 1 always wins over the ones after it. Latency and a
 * slow body are not drawn: they apply to every call while they are set.
 * With the same seed and the same sequence of calls the same faults come.
 *
 * Thread-safe: one mutex guards the settings, the generator and the counts.
 */
#ifndef CSIM_FAULTS_H
#define CSIM_FAULTS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define CSIM_FAULT_MS_MAX 600000 /* the largest latency or slow-body time, ms */

typedef struct csim_fault_cfg {
	double drop_rate;       /* close the connection without an answer */
	double fail_rate;       /* 500 internal before anything is processed */
	double fail_after_rate; /* process and commit, then 500 internal */
	double malformed_rate;  /* process and commit, then 200 with truncated JSON */
	int latency_ms;         /* wait this long before processing every call */
	int slow_body_ms;       /* spread the sending of every answer body over this long */
} csim_fault_cfg;

typedef enum csim_fault {
	CSIM_FAULT_NONE,
	CSIM_FAULT_DROP,
	CSIM_FAULT_FAIL,
	CSIM_FAULT_FAIL_AFTER,
	CSIM_FAULT_MALFORMED,
	CSIM_FAULT_LATENCY,   /* counted only: never drawn */
	CSIM_FAULT_SLOW_BODY, /* counted only: never drawn */
	CSIM_FAULT_COUNT
} csim_fault;

/* What happens to one call. */
typedef struct csim_fault_draw {
	csim_fault kind; /* NONE, DROP, FAIL, FAIL_AFTER or MALFORMED */
	int latency_ms;
	int slow_body_ms;
} csim_fault_draw;

typedef struct csim_faults csim_faults;

/* Settings CFG (checked by the caller with csim_fault_cfg_ok()) and the
 * generator seeded with SEED. NULL when out of memory. */
csim_faults *csim_faults_new(const csim_fault_cfg *cfg, uint64_t seed);

/* Free *F (may be NULL) and set it to NULL. */
void csim_faults_free(csim_faults **f);

/* CFG holds rates in [0, 1] and times in [0, CSIM_FAULT_MS_MAX]. */
int csim_fault_cfg_ok(const csim_fault_cfg *cfg);

/* Parse a rate ("0.25", "1") or a time in ms ("1500") from a command line
 * argument. Returns 0, or -1 for anything else (OUT untouched). */
int csim_faults_parse_rate(const char *s, double *out);
int csim_faults_parse_ms(const char *s, int *out);

/* Draw the faults of the next call. Never blocks beyond the mutex. */
csim_fault_draw csim_faults_draw(csim_faults *f);

/* Count one injected fault of KIND (the caller knows whether it really
 * injected the one drawn). */
void csim_faults_note(csim_faults *f, csim_fault kind);

/* Stable name of KIND for logs and /_sim/stats ("fail_after"). */
const char *csim_fault_name(csim_fault kind);

/*
 * Apply a JSON object of settings JSON[0..LEN): any of drop_rate, fail_rate,
 * fail_after_rate, malformed_rate (numbers in [0, 1]), latency_ms,
 * slow_body_ms (integers in [0, CSIM_FAULT_MS_MAX]) and seed (an integer >=
 * 0: restart the generator); dashes may stand for the underscores, as on
 * the command line. All or nothing: returns 0, or -1 with a reason in WHY
 * (WHY_LEN bytes) and no setting changed.
 */
int csim_faults_set_json(csim_faults *f, const char *json, size_t len, char *why, size_t why_len);

/* The settings (and the seed last set) as a new JSON object, or the
 * injected counts by name; NULL when out of memory. Caller owns. */
json_t *csim_faults_json(csim_faults *f);
json_t *csim_faults_counts_json(csim_faults *f);

#endif
