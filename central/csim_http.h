/*
 * csim_http: the sim's HTTP server on libmicrohttpd: one thread per
 * connection (so two calls with the same Idempotency-Key can overlap and
 * the second sees 409 idempotency_in_flight), HTTP/1.1 keep-alive, request
 * bodies up to 64 KiB (413 beyond), answers always application/json, and
 * slow answer bodies through a content reader that trickles bytes. Each
 * call goes through csim_flow_handle(). Every answer carries a Date header
 * from csim_now() (so --clock-offset shows), HTTPS when a certificate is
 * given (libmicrohttpd's GnuTLS). One log line per call on stderr (method,
 * route, status, kiosk, ticket, fault, time) unless quiet; no personal
 * data, no query, no unknown paths.
 */
#ifndef CSIM_HTTP_H
#define CSIM_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "csim.h"
#include "csim_tls.h"

typedef struct csim_http csim_http;

#define CSIM_HTTP_DATE_LEN 30 /* "Sun, 06 Nov 1994 08:49:37 GMT" and a NUL */

/* This libmicrohttpd can serve HTTPS (it was built with GnuTLS). */
bool csim_http_tls_supported(void);

/*
 * Whether GnuTLS, through libmicrohttpd, accepts TLS's certificate and key
 * (PEM, parseable, the key belonging to the certificate): 0, or -1 with
 * one line in WHY (WHY_LEN bytes) holding GnuTLS's reason (never key
 * bytes). Starts and stops a daemon without a socket; blocks briefly.
 */
int csim_http_tls_check(const csim_tls *tls, char *why, size_t why_len);

/*
 * Listen on BIND (an IPv4 address) and PORT (0: any free port) and serve
 * APP (borrowed; must outlive the server), over HTTPS with TLS's
 * certificate and key when TLS is not NULL (borrowed: keep it until
 * csim_http_stop()), plain HTTP otherwise. Returns the server, running on
 * its own threads, or NULL with a reason in WHY (WHY_LEN bytes).
 */
csim_http *csim_http_start(csim_app *app, const char *bind, int port, const csim_tls *tls, char *why,
			   size_t why_len);

/* T (epoch seconds) as an HTTP date, RFC 7231 IMF-fixdate ("Sun, 06 Nov
 * 1994 08:49:37 GMT"), into OUT. Locale-independent; never blocks. */
void csim_http_date(int64_t t, char out[CSIM_HTTP_DATE_LEN]);

/* The port actually bound. */
int csim_http_port(const csim_http *h);

/* Stop listening, close every connection, wait for the connection threads
 * (a call in its latency ends when its socket closes), free *H (may be
 * NULL) and set it to NULL. Blocks. */
void csim_http_stop(csim_http **h);

#endif
