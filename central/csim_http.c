/* csim_http: libmicrohttpd plumbing (see csim_http.h). */
#include "csim_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "csim_call.h"
#include "csim_flow.h"

#define IDLE_TIMEOUT_S 120 /* a kept-alive connection nobody uses is closed after this */
#define SLOW_PIECES 16     /* a slow body is sent in about this many pieces */

struct csim_http {
	struct MHD_Daemon *d;
	int port;
};

/* One HTTP request on a connection (several per kept-alive connection). */
typedef struct conn {
	char *uri; /* as sent, path and query */
	char *body;
	size_t len, cap;
	bool started, too_big;
	struct timespec t0;
} conn;

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *mc)
{
	conn *c = calloc(1, sizeof *c);
	(void)cls;
	(void)mc;
	if (c == NULL)
		return NULL;
	c->uri = strdup(uri);
	clock_gettime(CLOCK_MONOTONIC, &c->t0);
	return c;
}

static void conn_free(conn *c)
{
	if (c == NULL)
		return;
	if (c->body) {
		explicit_bzero(c->body, c->cap); /* request bodies hold personal data */
		free(c->body);
	}
	free(c->uri);
	free(c);
}

static void on_done(void *cls, struct MHD_Connection *mc, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)mc;
	(void)toe;
	conn_free(*con_cls);
	*con_cls = NULL;
}

/* Append DATA[0..N) to the body; false (and the body dropped) past the cap. */
static bool append(conn *c, const char *data, size_t n)
{
	if (c->too_big || c->len + n > CSIM_BODY_MAX) {
		c->too_big = true;
		return false;
	}
	if (c->len + n + 1 > c->cap) {
		size_t cap = c->cap ? c->cap : 1024;
		while (cap < c->len + n + 1)
			cap *= 2;
		char *b = malloc(cap);
		if (b == NULL) {
			c->too_big = true;
			return false;
		}
		if (c->body) {
			memcpy(b, c->body, c->len);
			explicit_bzero(c->body, c->cap);
			free(c->body);
		}
		c->body = b;
		c->cap = cap;
	}
	memcpy(c->body + c->len, data, n);
	c->len += n;
	c->body[c->len] = '\0';
	return true;
}

typedef struct slow {
	char *body;
	size_t len;
	int ms;
} slow;

/* Hand out the body in SLOW_PIECES pieces, sleeping before each so the
 * whole takes about MS. Runs on the connection's own thread. */
static ssize_t slow_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	slow *s = cls;
	size_t piece = s->len / SLOW_PIECES ? s->len / SLOW_PIECES : 1, n;

	if (pos >= s->len)
		return MHD_CONTENT_READER_END_OF_STREAM;
	n = s->len - (size_t)pos;
	if (n > piece)
		n = piece;
	if (n > max)
		n = max;
	long ns = (long)((double)s->ms * 1e6 * (double)n / (double)s->len);
	struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
	nanosleep(&ts, NULL);
	memcpy(buf, s->body + pos, n);
	return (ssize_t)n;
}

static void slow_free(void *cls)
{
	slow *s = cls;
	free(s->body);
	free(s);
}

void csim_http_date(int64_t t, char out[CSIM_HTTP_DATE_LEN])
{
	/* Not strftime(): the names must be English whatever the locale. */
	static const char days[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || tm.tm_year < 0 - 1900 || tm.tm_year > 9999 - 1900) {
		tt = 0; /* outside what IMF-fixdate can say: the epoch, a visibly wrong date */
		gmtime_r(&tt, &tm);
	}
	/* The fields are in range after the check; the unsigned remainders tell
	 * the compiler so (no truncation possible). */
	snprintf(out, CSIM_HTTP_DATE_LEN, "%s, %02u %s %04u %02u:%02u:%02u GMT",
		 days[(unsigned)tm.tm_wday % 7], (unsigned)tm.tm_mday % 100, months[(unsigned)tm.tm_mon % 12],
		 (unsigned)(tm.tm_year + 1900) % 10000, (unsigned)tm.tm_hour % 100, (unsigned)tm.tm_min % 100,
		 (unsigned)tm.tm_sec % 100);
}

static enum MHD_Result send_reply(const csim_app *app, struct MHD_Connection *mc, csim_reply *r)
{
	char date[CSIM_HTTP_DATE_LEN];
	struct MHD_Response *resp = NULL;
	enum MHD_Result ret;
	slow *s;

	if (r->slow_body_ms > 0 && (s = malloc(sizeof *s)) != NULL) {
		*s = (slow){.body = r->body, .len = r->len, .ms = r->slow_body_ms};
		resp = MHD_create_response_from_callback(r->len, 1024, slow_read, s, slow_free);
		if (resp == NULL)
			free(s);
	} else {
		resp = MHD_create_response_from_buffer_with_free_callback(r->len, r->body, free);
	}
	if (resp == NULL) {
		free(r->body);
		r->body = NULL;
		return MHD_NO;
	}
	r->body = NULL; /* the response owns it now */
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	/* Ours, not libmicrohttpd's (suppressed at start): it carries --clock-offset. */
	csim_http_date(csim_now(app), date);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_DATE, date);
	if (r->replayed)
		MHD_add_response_header(resp, "Idempotent-Replayed", "true");
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	ret = MHD_queue_response(mc, (unsigned int)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void log_call(const conn *c, const char *method, const csim_reply *r)
{
	struct timespec t1;
	char status[8];
	double ms;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - c->t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - c->t0.tv_nsec) / 1e6;
	snprintf(status, sizeof status, "%d", r->status);
	/* Only names this program knows: the route, not the path as sent. */
	fprintf(stderr, CSIM_NAME ": %s %s %s kiosk=%s ticket=%s%s%s %.1f ms\n",
		strcmp(method, "POST") == 0  ? "POST"
		: strcmp(method, "GET") == 0 ? "GET"
					     : "(other)",
		r->route ? r->route : "(unknown path)", r->drop ? "dropped" : status,
		r->kiosk[0] ? r->kiosk : "-", r->ticket[0] ? r->ticket : "-", r->fault ? " fault=" : "",
		r->fault ? r->fault : "", ms);
}

static bool is_loopback(struct MHD_Connection *mc)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	if (sa == NULL)
		return false;
	if (sa->sa_family == AF_INET) {
		struct sockaddr_in in;
		memcpy(&in, sa, sizeof in);
		return (ntohl(in.sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		struct sockaddr_in6 in6;
		memcpy(&in6, sa, sizeof in6);
		return IN6_IS_ADDR_LOOPBACK(&in6.sin6_addr) ||
		       (IN6_IS_ADDR_V4MAPPED(&in6.sin6_addr) && in6.sin6_addr.s6_addr[12] == 127);
	}
	return false;
}

static const char *header(struct MHD_Connection *mc, const char *name)
{
	return MHD_lookup_connection_value(mc, MHD_HEADER_KIND, name);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size,
				  void **con_cls)
{
	csim_app *app = cls;
	conn *c = *con_cls;
	csim_reply rep;
	enum MHD_Result ret;
	(void)version;

	if (c == NULL) {
		/* The URI callback ran out of memory: build what it would have. */
		c = on_uri(NULL, url, mc);
		if (c == NULL)
			return MHD_NO;
		*con_cls = c;
	}
	if (c->uri == NULL)
		return MHD_NO;
	if (!c->started) {
		const char *cl = header(mc, MHD_HTTP_HEADER_CONTENT_LENGTH);
		c->started = true;
		if (cl == NULL || strtoull(cl, NULL, 10) <= CSIM_BODY_MAX)
			return MHD_YES;
		/* Announced too big: answer now; the body is never read. */
		c->too_big = true;
	} else if (*upload_size > 0) {
		append(c, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	}
	if (c->too_big) {
		memset(&rep, 0, sizeof rep);
		csim_answer a = {0};
		csim_answer_error(&a, 413, "body_too_large", "the body is over 64 KiB");
		rep.status = a.status;
		rep.body = a.body;
		rep.len = a.len;
		rep.route = csim_flow_route_name(c->uri);
	} else {
		const union MHD_ConnectionInfo *fd =
			MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		csim_req rq = {.method = method,
			       .uri = c->uri,
			       .body = c->body ? c->body : "",
			       .len = c->len,
			       .content_type = header(mc, MHD_HTTP_HEADER_CONTENT_TYPE),
			       .h_kiosk = header(mc, "X-Kiosk-Id"),
			       .h_time = header(mc, "X-Kiosk-Time"),
			       .h_nonce = header(mc, "X-Kiosk-Nonce"),
			       .h_sig = header(mc, "X-Kiosk-Signature"),
			       .h_key = header(mc, "Idempotency-Key"),
			       .loopback = is_loopback(mc),
			       .fd = fd ? fd->connect_fd : -1};
		csim_flow_handle(app, &rq, &rep);
	}
	if (!app->quiet)
		log_call(c, method, &rep);
	if (rep.drop) {
		free(rep.body);
		return MHD_NO; /* MHD closes the connection without an answer */
	}
	ret = send_reply(app, mc, &rep);
	return ret;
}

/* libmicrohttpd's own complaints (a dropped call is one: "Application
 * reported internal error") go to stderr unless --quiet. */
static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	const csim_app *app = cls;
	if (app->quiet)
		return;
	fputs(CSIM_NAME ": libmicrohttpd: ", stderr);
	vfprintf(stderr, fmt, ap);
}

bool csim_http_tls_supported(void)
{
	return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}

typedef struct first_msg {
	char text[256];
} first_msg;

/* Keep libmicrohttpd's first complaint, on one line: GnuTLS's reason for
 * refusing a certificate comes before the general "Failed to initialize". */
static void keep_log(void *cls, const char *fmt, va_list ap)
{
	first_msg *m = cls;
	if (m->text[0])
		return;
	vsnprintf(m->text, sizeof m->text, fmt, ap);
	m->text[strcspn(m->text, "\r\n")] = '\0';
}

static enum MHD_Result refuse_all(void *cls, struct MHD_Connection *mc, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	(void)cls, (void)mc, (void)url, (void)method, (void)version, (void)upload, (void)upload_size;
	(void)con_cls;
	return MHD_NO;
}

int csim_http_tls_check(const csim_tls *tls, char *why, size_t why_len)
{
	first_msg m = {{0}};
	struct MHD_Daemon *d;

	/* No socket and no thread: libmicrohttpd loads the pair into GnuTLS at
	 * start, which is the whole check. */
	d = MHD_start_daemon(MHD_USE_TLS | MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG, 0, NULL, NULL,
			     refuse_all, NULL, MHD_OPTION_EXTERNAL_LOGGER, keep_log, &m,
			     MHD_OPTION_HTTPS_MEM_CERT, tls->cert, MHD_OPTION_HTTPS_MEM_KEY, tls->key,
			     MHD_OPTION_END);
	if (d == NULL) {
		snprintf(why, why_len, "--tls-cert/--tls-key refused: %s",
			 m.text[0] ? m.text : "no reason given");
		return -1;
	}
	MHD_stop_daemon(d);
	return 0;
}

csim_http *csim_http_start(csim_app *app, const char *bind, int port, const csim_tls *tls, char *why,
			   size_t why_len)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	/* Date comes from send_reply(), with the sim's clock. */
	unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_THREAD_PER_CONNECTION |
			     MHD_USE_ERROR_LOG | MHD_USE_SUPPRESS_DATE_NO_CLOCK;
	csim_http *h;
	const union MHD_DaemonInfo *di;
	/* The TLS options go last, replaced by MHD_OPTION_END for plain HTTP. */
	struct MHD_OptionItem tls_opts[] = {
		{MHD_OPTION_HTTPS_MEM_CERT, 0, tls ? tls->cert : NULL},
		{MHD_OPTION_HTTPS_MEM_KEY, 0, tls ? tls->key : NULL},
		{MHD_OPTION_END, 0, NULL},
	};

	if (inet_pton(AF_INET, bind, &sa.sin_addr) != 1) {
		snprintf(why, why_len, "--bind %s: not an IPv4 address", bind);
		return NULL;
	}
	if (tls && !csim_http_tls_supported()) {
		snprintf(why, why_len, "this libmicrohttpd was built without TLS: it cannot serve HTTPS");
		return NULL;
	}
	h = calloc(1, sizeof *h);
	if (h == NULL) {
		snprintf(why, why_len, "out of memory");
		return NULL;
	}
	if (tls)
		flags |= MHD_USE_TLS;
	h->d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, app,
				MHD_OPTION_EXTERNAL_LOGGER, mhd_log, app, MHD_OPTION_SOCK_ADDR, &sa,
				MHD_OPTION_URI_LOG_CALLBACK, on_uri, app, MHD_OPTION_NOTIFY_COMPLETED,
				on_done, app, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)IDLE_TIMEOUT_S,
				MHD_OPTION_ARRAY, tls ? tls_opts : &tls_opts[2], MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(why, why_len, "cannot listen on %s:%d%s (in use, or not allowed)", bind, port,
			 tls ? " with TLS" : "");
		free(h);
		return NULL;
	}
	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	h->port = di ? di->port : port;
	return h;
}

int csim_http_port(const csim_http *h)
{
	return h->port;
}

void csim_http_stop(csim_http **h)
{
	if (*h == NULL)
		return;
	MHD_stop_daemon((*h)->d);
	free(*h);
	*h = NULL;
}
