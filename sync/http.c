/*
 * http: one kept-alive libcurl easy handle per client (see http.h).
 *
 * The handle is configured once in http_new() (timeouts, TLS checks, no
 * redirects, http/https only, no proxy, TCP keep-alive) and reused, so
 * libcurl keeps the connection open between calls. The body is read into
 * one buffer of ANSWER_BODY_MAX bytes owned by the client; the write
 * callback refuses anything beyond it, which stops the transfer, and that
 * case is still an HTTP answer (truncated). Transport failures become
 * short fixed texts for staff and logs; libcurl's own error buffer (which
 * can hold host names and paths) is not used. For the technician's
 * diagnostics a client may keep the server certificate's expiry
 * (opts.peer_cert) and tells whether a call failed in TLS (http_last_tls).
 */
#include "http.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

enum {
	CONTENT_TYPE_MAX = 256, /* bytes of a Content-Type kept, NUL included */
	KEEPIDLE_S = 30,        /* seconds of silence before TCP keep-alive probes */
	KEEPINTVL_S = 15,
};

struct http_client {
	CURL *h;
	char *base_url;  /* without a trailing slash */
	char *base_path; /* the path part of base_url ("" when none) */
	char *body;      /* ANSWER_BODY_MAX bytes */
	size_t len;      /* bytes of body used by the last answer */
	bool truncated;
	char content_type[CONTENT_TYPE_MAX];
	long connects;
	bool tls_used;      /* the base URL is https:// */
	http_tls last_tls;  /* of the last call (http_last_tls) */
	bool (*cancelled)(void *ctx);
	void *cancel_ctx;
};

/* ---- libcurl's global state ---------------------------------------------------- */

/* The one mutable static of this module: pthread_once's flag. libcurl's
 * global init is process-wide and never undone (the process ends first). */
static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void)
{
	/* A failure shows as curl_easy_init() returning NULL below. */
	(void)curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* ---- construction ------------------------------------------------------------------ */

static char *dup_or_null(const char *s, bool *failed)
{
	if (s == NULL)
		return NULL;
	char *d = strdup(s);
	if (d == NULL)
		*failed = true;
	return d;
}

/* The path of URL: from the first '/' after "scheme://host[:port]" up to a
 * query or fragment. */
static char *path_of(const char *url)
{
	const char *p = strstr(url, "://");
	p = p != NULL ? p + 3 : url;
	p += strcspn(p, "/?#");
	return strndup(p, strcspn(p, "?#"));
}

static bool setup(http_client *c, const http_opts *o)
{
	CURL *h = c->h;
	bool ok = true;

#define SET(opt, val) ok = ok && curl_easy_setopt(h, opt, val) == CURLE_OK
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)o->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, (long)o->total_timeout_ms);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_TCP_KEEPIDLE, (long)KEEPIDLE_S);
	SET(CURLOPT_TCP_KEEPINTVL, (long)KEEPINTVL_S);
	/* The protocol has no proxy (section 1): an http_proxy variable in the
	 * service's environment must not divert signed requests. */
	SET(CURLOPT_PROXY, "");
	SET(CURLOPT_USERAGENT, "kiosk-sync/1");
	/* libcurl copies string options: the pin and the CA path need no copy here. */
	if (o->pin != NULL)
		SET(CURLOPT_PINNEDPUBLICKEY, o->pin);
	if (o->ca_file != NULL)
		SET(CURLOPT_CAINFO, o->ca_file);
	if (o->peer_cert)
		SET(CURLOPT_CERTINFO, 1L);
#undef SET
	return ok;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx);
static size_t on_header(char *data, size_t size, size_t nmemb, void *ctx);

/* libcurl's progress callback: non-zero aborts the transfer. */
static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	http_client *c = ctx;
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return c->cancelled != NULL && c->cancelled(c->cancel_ctx);
}

void http_set_cancel(http_client *c, bool (*cancelled)(void *ctx), void *ctx)
{
	c->cancelled = cancelled;
	c->cancel_ctx = ctx;
}

http_client *http_new(const http_opts *o)
{
	bool failed = false;
	http_client *c;

	if (o == NULL || o->base_url == NULL || o->connect_timeout_ms <= 0 || o->total_timeout_ms <= 0)
		return NULL;
	pthread_once(&global_once, global_init);
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	c->base_url = dup_or_null(o->base_url, &failed);
	c->body = malloc(ANSWER_BODY_MAX);
	c->h = curl_easy_init();
	if (failed || c->body == NULL || c->h == NULL)
		goto fail;
	size_t n = strlen(c->base_url);
	while (n > 0 && c->base_url[n - 1] == '/')
		c->base_url[--n] = '\0';
	c->base_path = path_of(c->base_url);
	if (c->base_path == NULL)
		goto fail;
	c->tls_used = strncasecmp(c->base_url, "https://", 8) == 0;
	if (!setup(c, o))
		goto fail;
	if (curl_easy_setopt(c->h, CURLOPT_WRITEFUNCTION, on_body) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_WRITEDATA, c) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_HEADERFUNCTION, on_header) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_HEADERDATA, c) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_XFERINFOFUNCTION, on_progress) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_XFERINFODATA, c) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_NOPROGRESS, 0L) != CURLE_OK)
		goto fail;
	return c;
fail:
	http_free(&c);
	return NULL;
}

void http_free(http_client **pc)
{
	http_client *c = *pc;

	if (c == NULL)
		return;
	if (c->h != NULL)
		curl_easy_cleanup(c->h);
	if (c->body != NULL) {
		explicit_bzero(c->body, ANSWER_BODY_MAX);
		free(c->body);
	}
	free(c->base_url);
	free(c->base_path);
	explicit_bzero(c, sizeof *c);
	free(c);
	*pc = NULL;
}

void http_last_tls(const http_client *c, http_tls *out)
{
	*out = c->last_tls;
}

void http_lib_version(char *buf, size_t cap)
{
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	if (cap == 0)
		return;
	if (v == NULL)
		snprintf(buf, cap, "libcurl (version unknown)");
	else
		snprintf(buf, cap, "libcurl %s (%s)", v->version, v->ssl_version ? v->ssl_version : "no TLS");
}

const char *http_base_path(const http_client *c)
{
	return c->base_path;
}

long http_connects(const http_client *c)
{
	return c->connects;
}

/* ---- one exchange ---------------------------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	http_client *c = ctx;
	size_t n = size * nmemb; /* size is always 1 for libcurl's write callback */

	if (n > ANSWER_BODY_MAX - c->len) {
		/* Keep what fits, then stop the transfer: returning less than N
		 * makes libcurl end it with CURLE_WRITE_ERROR. */
		memcpy(c->body + c->len, data, ANSWER_BODY_MAX - c->len);
		c->len = ANSWER_BODY_MAX;
		c->truncated = true;
		return 0;
	}
	memcpy(c->body + c->len, data, n);
	c->len += n;
	return n;
}

/* A new status line starts a new answer (a 100 Continue, say): forget the
 * previous one's body. Headers are not kept; the Content-Type comes from
 * CURLINFO_CONTENT_TYPE after the transfer. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *ctx)
{
	http_client *c = ctx;
	size_t n = size * nmemb;

	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0 && c->len > 0 && !c->truncated) {
		explicit_bzero(c->body, c->len);
		c->len = 0;
	}
	return n;
}

/* OpenSSL's X509_V_ERR_CERT_NOT_YET_VALID and X509_V_ERR_CERT_HAS_EXPIRED:
 * libcurl hands OpenSSL's verify result through unchanged (other TLS
 * libraries have their own numbers, so these are read only with OpenSSL). */
enum { OSSL_NOT_YET_VALID = 9, OSSL_EXPIRED = 10 };

/* Why the certificate was not trusted: a date is worth telling apart, since
 * "not yet valid" is what a kiosk with its clock far behind sees. */
static const char *verify_reason(CURL *h)
{
	long result = 0;
	const curl_version_info_data *v = curl_version_info(CURLVERSION_NOW);

	if (v != NULL && v->ssl_version != NULL && strncmp(v->ssl_version, "OpenSSL", 7) == 0 &&
	    curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &result) == CURLE_OK) {
		if (result == OSSL_EXPIRED)
			return "TLS certificate expired";
		if (result == OSSL_NOT_YET_VALID)
			return "TLS certificate not yet valid";
	}
	return "TLS certificate not trusted";
}

/* A short fixed reason for a transfer that gave no HTTP answer. */
static const char *net_reason(CURL *h, CURLcode rc)
{
	long os_errno = 0;

	switch (rc) {
	case CURLE_ABORTED_BY_CALLBACK:
		return "cancelled";
	case CURLE_COULDNT_CONNECT:
		curl_easy_getinfo(h, CURLINFO_OS_ERRNO, &os_errno);
		if (os_errno == ENETUNREACH || os_errno == EHOSTUNREACH)
			return "network unreachable";
		return "connection refused";
	case CURLE_OPERATION_TIMEDOUT:
		return "timeout";
	case CURLE_COULDNT_RESOLVE_HOST:
		return "DNS: host not found";
	case CURLE_COULDNT_RESOLVE_PROXY:
		return "DNS: proxy not found";
	case CURLE_PEER_FAILED_VERIFICATION:
		return verify_reason(h);
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return "pinned key mismatch";
	case CURLE_SSL_CONNECT_ERROR:
		return "TLS handshake failed";
	case CURLE_SSL_CACERT_BADFILE:
		return "TLS CA file unreadable";
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CLIENTCERT:
		return "TLS error";
	case CURLE_GOT_NOTHING:
		return "connection dropped (empty reply)";
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		return "connection dropped";
	case CURLE_UNSUPPORTED_PROTOCOL:
		return "unsupported protocol in the URL";
	case CURLE_URL_MALFORMAT:
		return "malformed URL";
	case CURLE_OUT_OF_MEMORY:
		return "out of memory";
	default:
		return curl_easy_strerror(rc);
	}
}

/* RC ended the transfer in the TLS handshake or the certificate checks:
 * every reason net_reason() gives such a transfer says TLS, but a pin. */
static bool tls_failure(CURL *h, CURLcode rc)
{
	return rc == CURLE_SSL_PINNEDPUBKEYNOTMATCH || strncmp(net_reason(h, rc), "TLS", 3) == 0;
}

/* The "Expire date" of the first certificate (the server's own) of the
 * chain libcurl kept from this transfer's handshake, as epoch seconds; 0
 * when there is none (CERTINFO off, no handshake, a date curl_getdate()
 * cannot read). OpenSSL writes it as "Jan  5 12:00:00 2027 GMT". */
static int64_t cert_not_after(CURL *h)
{
	struct curl_certinfo *ci = NULL;
	static const char key[] = "Expire date:";

	if (curl_easy_getinfo(h, CURLINFO_CERTINFO, &ci) != CURLE_OK || ci == NULL || ci->num_of_certs < 1)
		return 0;
	for (struct curl_slist *l = ci->certinfo[0]; l != NULL; l = l->next) {
		if (strncasecmp(l->data, key, sizeof key - 1) == 0) {
			time_t t = curl_getdate(l->data + sizeof key - 1, NULL);
			return t > 0 ? (int64_t)t : 0;
		}
	}
	return 0;
}

/* Forget the previous answer (it may hold personal data). */
static void reset_answer(http_client *c)
{
	explicit_bzero(c->body, c->len);
	c->len = 0;
	c->truncated = false;
	explicit_bzero(c->content_type, sizeof c->content_type);
}

static int fail_call(answer_raw *raw, const char *why)
{
	raw->status = 0;
	raw->net_error = why;
	return -1;
}

int http_call(http_client *c, const char *method, const char *path, const void *body, size_t len,
	      const http_header *headers, int n, answer_raw *raw)
{
	struct curl_slist *hs = NULL, *t;
	char *url = NULL;
	bool post;
	CURLcode rc;
	long status = 0, connects = 0;
	const char *ct = NULL;
	int ret;

	memset(raw, 0, sizeof *raw);
	reset_answer(c);
	c->last_tls = (http_tls){.used = c->tls_used};
	if (method != NULL && strcmp(method, "POST") == 0)
		post = true;
	else if (method != NULL && strcmp(method, "GET") == 0)
		post = false;
	else
		return fail_call(raw, "unsupported method");
	if (path == NULL || n < 0 || (n > 0 && headers == NULL) || (body == NULL && len > 0))
		return fail_call(raw, "bad call");

	size_t ulen = strlen(c->base_url) + strlen(path) + 1;
	url = malloc(ulen);
	if (url == NULL)
		return fail_call(raw, "out of memory");
	snprintf(url, ulen, "%s%s", c->base_url, path);

	/* "Expect:" keeps libcurl from ever asking for a 100 Continue (and
	 * waiting up to 1 s for it) on a large body: the service answers directly. */
	static const char *const fixed[] = {"Accept: application/json", "Expect:"};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		if ((t = curl_slist_append(hs, fixed[i])) == NULL)
			goto nomem;
		hs = t;
	}
	if (post) {
		if ((t = curl_slist_append(hs, "Content-Type: application/json")) == NULL)
			goto nomem;
		hs = t;
	}
	for (int i = 0; i < n; i++) {
		if (headers[i].line == NULL)
			continue;
		if ((t = curl_slist_append(hs, headers[i].line)) == NULL)
			goto nomem;
		hs = t;
	}

	bool ok = curl_easy_setopt(c->h, CURLOPT_URL, url) == CURLE_OK &&
		  curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hs) == CURLE_OK;
	if (ok && post)
		ok = curl_easy_setopt(c->h, CURLOPT_POST, 1L) == CURLE_OK &&
		     curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) == CURLE_OK &&
		     curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, body != NULL ? body : "") == CURLE_OK;
	else if (ok)
		ok = curl_easy_setopt(c->h, CURLOPT_HTTPGET, 1L) == CURLE_OK;
	if (!ok) {
		ret = fail_call(raw, "cannot set up the request");
		goto out;
	}

	rc = curl_easy_perform(c->h);
	if (curl_easy_getinfo(c->h, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK)
		c->connects += connects;
	c->last_tls.failed = c->tls_used && tls_failure(c->h, rc);
	if (c->tls_used && connects > 0)
		c->last_tls.not_after = cert_not_after(c->h);
	curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && c->truncated)) {
		ret = fail_call(raw, net_reason(c->h, rc));
		goto out;
	}
	if (status <= 0) {
		ret = fail_call(raw, "no HTTP answer");
		goto out;
	}
	if (curl_easy_getinfo(c->h, CURLINFO_CONTENT_TYPE, &ct) == CURLE_OK && ct != NULL)
		snprintf(c->content_type, sizeof c->content_type, "%s", ct);
	raw->status = (int)status;
	raw->content_type = ct != NULL ? c->content_type : NULL;
	raw->body = c->body;
	raw->body_len = c->len;
	raw->truncated = c->truncated;
	ret = 0;
out:
	/* The handle must not keep pointers to this call's header list and body. */
	curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, (struct curl_slist *)NULL);
	if (post)
		curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, (const char *)NULL);
	curl_slist_free_all(hs);
	free(url);
	return ret;

nomem:
	curl_slist_free_all(hs);
	free(url);
	return fail_call(raw, "out of memory");
}
