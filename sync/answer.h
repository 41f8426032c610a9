/*
 * answer: what an answer of the central service means for the kiosk
 * (docs/sync-protocol.md, sections 4-6). Pure functions over bytes from the
 * network, so they are strict, bounded and fuzzed (tests/fuzz/fuzz_answer.c):
 * any bytes give a verdict and a one-line reason, never a crash.
 *
 * Reasons are ASCII, at most ANSWER_REASON_MAX bytes with the NUL, and
 * never quote the body except an error "code" that matches [a-z_]{1,47}
 * (the protocol's stable names); the server's "message" is not copied (it
 * could carry anything).
 */
#ifndef KIOSK_ANSWER_H
#define KIOSK_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "queue.h"

#define ANSWER_BODY_MAX (1024 * 1024) /* bytes of an answer the kiosk reads */
#define ANSWER_REASON_MAX QUEUE_REASON_MAX
#define ANSWER_CHANGES_MAX 500 /* changes in one page */

/* What was asked: which shape a 2xx answer must have. */
typedef enum answer_kind {
	ANSWER_REQUEST,    /* POST /v1/requests: {"ticket","state":"received","received_at"} */
	ANSWER_EVENT,      /* POST /v1/events: {"ticket","state"} */
	ANSWER_COMPLAINT,  /* POST /v1/complaints: {"number","state"} */
	ANSWER_SURVEY,     /* POST /v1/surveys: {"id"} */
	ANSWER_REVOCATION, /* POST /v1/revocations: {"serial","status":"revoked","revoked_at"} */
	ANSWER_CHANGES,    /* GET /v1/changes: {"changes":[...],"next","more"} (shape only) */
	ANSWER_HEALTH,     /* GET /v1/health: {"status":"ok","time","version"} */
	ANSWER_CERTS,      /* POST /v1/certificates/lookup: {"certificates":[...]} (shape only) */
	ANSWER_KIND_COUNT
} answer_kind;

/* The answer kind for an outbox entry of kind K. */
answer_kind answer_kind_for(queue_kind k);

typedef enum answer_verdict {
	ANSWER_DONE,  /* settled: the central service has it */
	ANSWER_RETRY, /* not settled: send again later (network, 5xx, bad answer, 401/408/425/429) */
	ANSWER_DEAD,  /* refused for good (other 4xx): a dead letter */
} answer_verdict;

/* What the transport saw; the http module fills it. */
typedef struct answer_raw {
	int status;               /* HTTP status, 0 when no answer arrived */
	const char *content_type; /* the Content-Type header, NULL when absent */
	const char *body;         /* BODY_LEN bytes (need not be NUL-terminated); may be NULL */
	size_t body_len;
	bool truncated;           /* the body was longer than ANSWER_BODY_MAX and cut */
	const char *net_error;    /* no answer: why ("connection refused"), else NULL */
} answer_raw;

typedef struct answer {
	answer_verdict verdict;
	int status;                      /* copied from the raw answer */
	bool bad;                        /* a 2xx/3xx that broke the protocol (a bad answer) */
	bool auth_refused;               /* a 401 */
	char code[48];                   /* the error code of an error body, else "" */
	char reason[ANSWER_REASON_MAX];  /* one line: "HTTP 422 idempotency_key_reused",
					    "bad answer: HTTP 200 without JSON",
					    "network: connection refused" */
	char state[32];                  /* a "state" in the answer (event, state_conflict), else "" */
	int64_t received_at;             /* ANSWER_REQUEST done: received_at */
	int64_t server_time;             /* ANSWER_HEALTH done: time */
} answer;

/*
 * Classify RAW (not NULL) as an answer to a request of kind KIND, following
 * section 5 of the protocol: a 2xx is DONE only with a JSON content type
 * (application/json, parameters allowed, case-insensitive), a body that is
 * a JSON object (at most ANSWER_BODY_MAX bytes, not truncated) without an
 * "error" key, and the fields of KIND with their types (extra keys are
 * allowed); otherwise it is a bad answer and RETRY. Never blocks.
 */
void answer_classify(answer_kind kind, const answer_raw *raw, answer *out);

/*
 * Parse the body of a 2xx answer of GET /v1/changes (BODY[0..LEN)) into
 * OUT (OUT, ANSWER_CHANGES_MAX entries, not NULL): *N (OUT) changes of the
 * known types in feed order (unknown types skipped and counted in
 * *SKIPPED, may be NULL), *NEXT the "next" cursor, *MORE the "more" flag.
 * Events are decoded with reqjson_decode_event() and must name the same
 * ticket as their change; notes need channel email/sms/kiosk, a non-empty
 * kind under 32 bytes, at >= 0 and text under 256 bytes. seq values must
 * increase and be <= next, and next must be >= SINCE.
 * Returns 0, or -1 with a reason in WHY (WHY_LEN bytes) naming the part
 * ("changes[3].event: ..."); then *N is 0 and OUT is zeroed.
 */
int answer_parse_changes(const char *body, size_t len, int64_t since, queue_change *out, int *n,
			 int *skipped, int64_t *next, bool *more, char *why, size_t why_len);

#define ANSWER_CERTS_MAX 8       /* certificates one lookup keeps */
#define ANSWER_CERTS_LIST_MAX 64 /* certificates an answer may list at all */

/* One certificate of a lookup answer, without its subject (a name). */
typedef struct answer_cert {
	char serial[64];   /* 1-63 of 0-9 A-F, as POST /v1/revocations takes it */
	char issuer[32];   /* 1-31 printable ASCII ("BSrE") */
	char status[16];   /* "valid" or "revoked" */
	int64_t not_after; /* epoch s */
} answer_cert;

/*
 * Parse the body of a 2xx answer of POST /v1/certificates/lookup
 * (BODY[0..LEN)): an object whose "certificates" is an array of at most
 * ANSWER_CERTS_LIST_MAX objects, each with "serial" (1-63 of 0-9 A-F),
 * "subject" (a string: the holder's name, checked for its type and never
 * copied), "issuer" (1-31 printable ASCII), "status" ("valid" or
 * "revoked") and "not_after" (an integer >= 0); other keys of the answer
 * and of an item are ignored (a newer server may add some), a duplicate
 * key refuses it. OUT (OUT, ANSWER_CERTS_MAX entries, not NULL) gets the
 * valid certificates in answer order, then the revoked ones while room is
 * left (the officer needs the valid ones to revoke them); *N (OUT, not
 * NULL) how many. More than ANSWER_CERTS_MAX valid ones is refused (the
 * kiosk could not show them all).
 * Returns 0, or -1 with a reason in WHY (WHY_LEN bytes; names the part,
 * "certificates[2].status: not valid or revoked", never a value); then *N
 * is 0 and OUT is zeroed. Never blocks.
 */
int answer_parse_certs(const char *body, size_t len, answer_cert *out, int *n, char *why, size_t why_len);

#endif
