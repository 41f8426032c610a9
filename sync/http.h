/*
 * http: the sync engine's one kept-alive HTTPS connection to the central
 * service (libcurl easy interface; libcurl stays inside this module).
 *
 * One http_client per thread; it reuses its connection between calls.
 * Every call is bounded: connect_timeout_ms for the connection, and
 * total_timeout_ms for the whole exchange. TLS peer and host verification
 * are always on; a pinned public key (libcurl's "sha256//BASE64" form) is
 * optional. Redirects are never followed. The answer body is read into
 * memory up to ANSWER_BODY_MAX bytes; beyond it the transfer stops and the
 * answer is marked truncated. Answers hold personal data at times: the
 * client zeroes its body buffer before reuse and when destroyed.
 */
#ifndef KIOSK_HTTP_H
#define KIOSK_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "answer.h"

typedef struct http_opts {
	const char *base_url;   /* ".../v1" without a trailing slash (copied) */
	const char *pin;        /* "sha256//..." or NULL (copied) */
	const char *ca_file;    /* a CA bundle instead of the system's, or NULL (copied) */
	int connect_timeout_ms; /* > 0 */
	int total_timeout_ms;   /* > 0 */
} http_opts;

typedef struct http_client http_client;

/* One extra request header line, "Name: value". */
typedef struct http_header {
	const char *line;
} http_header;

/* A new client (no connection yet), or NULL when out of memory or when
 * libcurl cannot be initialised. */
http_client *http_new(const http_opts *o);

/* Destroy *C (may be NULL), closing its connection; set *C to NULL. */
void http_free(http_client **c);

/*
 * Send METHOD ("GET" or "POST") to the base URL followed by PATH ("/requests",
 * may carry a query) with BODY[0..LEN) (NULL/0 for none; POSTs send
 * "Content-Type: application/json") and the N extra HEADERS. Blocks at
 * most total_timeout_ms. RAW (OUT) describes the answer; its pointers
 * stay valid until the next call on C or http_free(). Returns 0 when an
 * HTTP answer arrived (any status), -1 when none did (RAW->status 0 and
 * RAW->net_error a short reason: "connection refused", "timeout",
 * "TLS certificate not trusted", "pinned key mismatch", "connection dropped").
 */
int http_call(http_client *c, const char *method, const char *path, const void *body, size_t len,
	      const http_header *headers, int n, answer_raw *raw);

/*
 * CANCELLED (may be NULL: never) is asked, from inside http_call() on the
 * calling thread, at least about once a second while an exchange runs;
 * when it returns true the exchange ends at once with -1 and net_error
 * "cancelled". For a prompt shutdown. CTX is passed to it.
 */
void http_set_cancel(http_client *c, bool (*cancelled)(void *ctx), void *ctx);

/* The path part of the base URL ("/v1", or "/kiosk/v1"): what is signed
 * before PATH. Valid as long as C. */
const char *http_base_path(const http_client *c);

/* Number of TCP connections opened so far (1 after many keep-alive calls). */
long http_connects(const http_client *c);

#endif
