/*
 * csim_call: what an endpoint handler gets (one authenticated call) and what
 * it gives back (one JSON answer), with the helpers every handler shares:
 * the one error shape of the protocol (section 4), strict JSON bodies, and
 * query arguments.
 *
 * Handlers run inside the call's transaction with the store locked (see
 * csim_flow.h); they never log and never put personal data in a message.
 */
#ifndef CSIM_CALL_H
#define CSIM_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "ticket.h"

typedef struct csim_call {
	const char *kiosk_id; /* the authenticated kiosk; "" for /_sim */
	const char *idem_key; /* the Idempotency-Key, or NULL when the endpoint takes none */
	const char *body;     /* LEN bytes as received (not NUL-terminated by contract) */
	size_t len;
	const char *query; /* the raw query after '?', "" when none */
	int64_t now;       /* the server's clock, epoch s */
} csim_call;

typedef struct csim_answer {
	int status;
	char *body; /* malloc()ed JSON text of LEN bytes (plus a NUL); owned */
	size_t len;
	char ticket[TICKET_TEXT_MAX]; /* the ticket concerned, for the log line; "" when none */
	char state[32];               /* for state_conflict: the central state, else "" */
} csim_answer;

/* Set A to STATUS with the compact JSON of V (reference stolen, may be NULL:
 * then 500 internal). A previous body is freed. */
void csim_answer_json(csim_answer *a, int status, json_t *v);

/* Set A to STATUS with {"error":{"code":CODE,"message":...}}; when A->state
 * is not empty, "state" is added to the error object. The message must not
 * hold personal data. */
void csim_answer_error(csim_answer *a, int status, const char *code, const char *message);
void csim_answer_errorf(csim_answer *a, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* 409 state_conflict carrying STATE, the central service's current state. */
void csim_answer_conflict(csim_answer *a, const char *state);

/* 500 internal: "the database failed" (the call is rolled back). */
void csim_answer_internal(csim_answer *a);

/* Free A's body; A is then an empty answer with status 0. */
void csim_answer_clear(csim_answer *a);

/*
 * Parse BODY[0..LEN) as one JSON object whose keys are exactly KEYS (a
 * NULL-terminated list; no other key, none missing, no duplicate) plus any
 * of OPTIONAL (NULL-terminated, may be NULL). Returns the object (caller
 * owns), or NULL with a reason in WHY (WHY_LEN bytes) that names a key of
 * the lists at most, never a value.
 */
json_t *csim_json_object(const char *body, size_t len, const char *const *keys, const char *const *optional,
			 char *why, size_t why_len);

/* O's KEY is a string of MIN..MAX bytes (UTF-8, no NUL): 0 and *OUT (borrowed
 * from O), or -1 with WHY. */
int csim_json_str(json_t *o, const char *key, size_t min, size_t max, const char **out, char *why,
		  size_t why_len);

/* O's KEY is an integer (not a real) in MIN..MAX: 0 and *OUT, or -1 with WHY. */
int csim_json_int(json_t *o, const char *key, int64_t min, int64_t max, int64_t *out, char *why,
		  size_t why_len);

/* S is "" or a canonical ticket ("ABCD-EFGH" as ticket_parse() writes it). */
bool csim_ticket_ok(const char *s, bool empty_ok);

/*
 * Find NAME in the raw QUERY ("a=1&b=2") and copy its value, undecoded, to
 * OUT (CAP bytes). Returns 1 when found, 0 when absent, -1 when the value
 * does not fit or NAME appears twice.
 */
int csim_query_get(const char *query, const char *name, char *out, size_t cap);

/* S is 1..DIGITS decimal digits and nothing else: 0 and *OUT, else -1. */
int csim_parse_uint(const char *s, int digits, int64_t *out);

#endif
