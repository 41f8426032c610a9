/*
 * csim_http: the sim's HTTP server on libmicrohttpd: one thread per
 * connection (so two calls with the same Idempotency-Key can overlap and
 * the second sees 409 idempotency_in_flight), HTTP/1.1 keep-alive, request
 * bodies up to 64 KiB (413 beyond), answers always application/json, and
 * slow answer bodies through a content reader that trickles bytes. Each
 * call goes through csim_flow_handle(). One log line per call on stderr
 * (method, route, status, kiosk, ticket, fault, time) unless quiet; no
 * personal data, no query, no unknown paths.
 */
#ifndef CSIM_HTTP_H
#define CSIM_HTTP_H

#include "csim.h"

typedef struct csim_http csim_http;

/*
 * Listen on BIND (an IPv4 address) and PORT (0: any free port) and serve
 * APP (borrowed; must outlive the server). Returns the server, running on
 * its own threads, or NULL with a reason in WHY (WHY_LEN bytes).
 */
csim_http *csim_http_start(csim_app *app, const char *bind, int port, char *why, size_t why_len);

/* The port actually bound. */
int csim_http_port(const csim_http *h);

/* Stop listening, close every connection, wait for the connection threads
 * (a call in its latency ends when its socket closes), free *H (may be
 * NULL) and set it to NULL. Blocks. */
void csim_http_stop(csim_http **h);

#endif
