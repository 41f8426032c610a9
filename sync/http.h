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
#include <stdint.h>

#include "answer.h"

typedef struct http_opts {
	const char *base_url;   /* ".../v1" without a trailing slash (copied) */
	const char *pin;        /* "sha256//..." or NULL (copied) */
	const char *ca_file;    /* a CA bundle instead of the system's, or NULL (copied) */
	int connect_timeout_ms; /* > 0 */
	int total_timeout_ms;   /* > 0 */
	/* Keep the expiry of the server's certificate from each TLS handshake
	 * for http_last_tls() (libcurl's CERTINFO, which copies the whole
	 * chain into text: for the technician's diagnostics, not the engine). */
	bool peer_cert;
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
 * "TLS certificate not trusted", "TLS certificate expired", "TLS certificate
 * not yet valid" (the kiosk's clock is behind), "pinned key mismatch",
 * "connection dropped").
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

/* The TLS side of the last http_call() on a client. */
typedef struct http_tls {
	bool used;         /* the base URL is https:// */
	bool failed;       /* the call ended in the TLS handshake or the certificate
			      checks (its net_error says how), not before or after */
	int64_t not_after; /* epoch s the server's certificate expires; 0 when not
			      known: opts.peer_cert unset, no handshake in that call
			      (a kept-alive connection), or none was seen */
} http_tls;

/* Fill *OUT (OUT, not NULL) for the last http_call() on C (all false and 0
 * before the first). Never blocks. */
void http_last_tls(const http_client *c, http_tls *out);

/* libcurl's version and its TLS library, "libcurl 7.88.1 (OpenSSL/3.0.11)",
 * for reports, into BUF (CAP bytes, always NUL-terminated when CAP > 0). */
void http_lib_version(char *buf, size_t cap);

#endif
