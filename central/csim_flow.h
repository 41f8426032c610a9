/*
 * csim_flow: what happens to one HTTP call, independent of libmicrohttpd:
 * routing (404 not_found, 405 method_not_allowed), the content type (415),
 * device authentication (401), the idempotency key (400, 409 in flight,
 * 422 reused, replay), fault injection, and the handler inside ONE
 * transaction that also records the call's nonce and stores the answer
 * under its key (docs/sync-protocol.md, sections 2-4).
 *
 * Order for an authenticated /v1 call:
 *   route -> content type -> X-Kiosk-* check -> key well formed -> claim
 *   key -> draw faults -> latency (given up when the client hangs up)
 *   -> drop | fail (500) | [BEGIN; nonce; stored answer? replay or 422 :
 *   handler, store answer; COMMIT] -> release key -> fail-after (500) |
 *   malformed (200, truncated) -> slow body.
 * Calls that stop before the transaction still record their nonce.
 * /v1/health needs no authentication and gets no faults; neither do /_sim
 * endpoints, which answer loopback callers only.
 */
#ifndef CSIM_FLOW_H
#define CSIM_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "csim.h"
#include "ticket.h"

/* One call as it arrived. Header values are NULL when absent. */
typedef struct csim_req {
	const char *method;
	const char *uri; /* path and query exactly as sent */
	const char *body;
	size_t len;
	const char *content_type;
	const char *h_kiosk, *h_time, *h_nonce, *h_sig, *h_key;
	bool loopback; /* the client is on 127.0.0.0/8 or ::1 */
	int fd;        /* the connection's socket (watched during latency), -1 when unknown */
} csim_req;

/* What to send back. */
typedef struct csim_reply {
	int status;
	char *body; /* malloc()ed JSON (LEN bytes); owned; NULL when DROP */
	size_t len;
	bool drop;                     /* close the connection without an answer */
	bool replayed;                 /* add Idempotent-Replayed: true */
	const char *allow;             /* for 405: the Allow header, else NULL */
	int slow_body_ms;              /* send the body over this long */
	char kiosk[CSIM_KIOSK_ID_MAX]; /* for the log: authenticated kiosk or "" */
	char ticket[TICKET_TEXT_MAX];  /* for the log: the ticket concerned or "" */
	const char *fault;             /* for the log: the fault injected, or NULL */
	const char *route;             /* for the log: the route's path (static), NULL when unknown */
} csim_reply;

/* Handle RQ and fill OUT (the caller frees OUT->body). Blocks: on the store,
 * for the latency, never for longer than the latency plus the database. */
void csim_flow_handle(csim_app *app, const csim_req *rq, csim_reply *out);

/* The route's path (static) of URI for log lines, NULL when unknown. */
const char *csim_flow_route_name(const char *uri);

#endif
