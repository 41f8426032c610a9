/*
 * test_http: the sync engine's HTTP client (sync/http.c) against a real
 * libmicrohttpd server on 127.0.0.1 started inside the test.
 *
 * The server's routes give a JSON 201, a 2 MiB body, exactly 1 MiB, a 302,
 * an HTML page, an answer slower than the client's total timeout, a
 * connection closed without an answer, and an echo of the request (method,
 * headers, body). The tests check what the sync engine relies on: one TCP
 * connection for 100 calls, the body cut and flagged at 1 MiB, redirects
 * returned and never followed, a bounded timeout, the content type, the
 * extra headers and the POST body arriving intact without a 100-continue
 * wait, the previous answer wiped from the buffer, and short reasons for
 * a refused port, a dropped connection and TLS failures. A second server
 * speaks TLS with a throw-away self-signed certificate (test only) to show
 * verification and pinning: untrusted, trusted through ca_file, pinned
 * right and pinned wrong; plain HTTP spoken to with https fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "answer.h"
#include "http.h"

#define TIMEOUT_MS 400 /* the client's total timeout in the slow test */
#define SLOW_MS 1200   /* how long the slow route sleeps */

/* A throw-away key and self-signed certificate for 127.0.0.1 (valid
 * 2000-2199), made for this test only; it protects nothing. */
static const char test_key[] = "-----BEGIN PRIVATE KEY-----\n"
			       "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg4UIPjrx8HDYx+9yk\n"
			       "trwTDuQ4sx8BMp2TL0XH2oFUxUWhRANCAATANMz9M82wuRnnLrfx8LJsDscIPCmw\n"
			       "ue25GCtFelxbC8UD8JdBL32VPfumAI2ChMjwcwVCMfBC1EOM5lSW4Nvn\n"
			       "-----END PRIVATE KEY-----\n";
static const char test_cert[] = "-----BEGIN CERTIFICATE-----\n"
				"MIIBeDCCAR+gAwIBAgIBATAKBggqhkjOPQQDAjAdMRswGQYDVQQDDBJraW9zay10\n"
				"ZXN0LWNlbnRyYWwwIBcNMDAwMTAxMDAwMDAwWhgPMjE5OTEyMzEyMzU5NTlaMB0x\n"
				"GzAZBgNVBAMMEmtpb3NrLXRlc3QtY2VudHJhbDBZMBMGByqGSM49AgEGCCqGSM49\n"
				"AwEHA0IABMA0zP0zzbC5Gecut/HwsmwOxwg8KbC57bkYK0V6XFsLxQPwl0EvfZU9\n"
				"+6YAjYKEyPBzBUIx8ELUQ4zmVJbg2+ejTjBMMA8GA1UdEwEB/wQFMAMBAf8wGgYD\n"
				"VR0RBBMwEYcEfwAAAYIJbG9jYWxob3N0MB0GA1UdDgQWBBRdCyQOX6uE7MetlhGG\n"
				"iV1tbN2gIjAKBggqhkjOPQQDAgNHADBEAiBiNXjZgcpQj1HwxfibL2+K9adLrg6W\n"
				"g9olOTob+yhz6wIgDYwP/VeXj44gpbZJrBAI790NiLuvChCV0xPEucqAb0A=\n"
				"-----END CERTIFICATE-----\n";
/* sha256 of the certificate's SubjectPublicKeyInfo, and one that is not. */
#define PIN_RIGHT "sha256//Cc+lCXOjkUffx3hpYJchAbYsXfqBejOpgPIhvCz2+x8="
#define PIN_WRONG "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

#define JSON_CT "application/json; charset=utf-8"

/* ---- the server ------------------------------------------------------------------------ */

typedef struct server {
	struct MHD_Daemon *d;
	int port;
	char *big; /* 2 MiB of JSON-ish bytes */
	pthread_mutex_t mu;
	int hits_json; /* requests that reached /v1/json */
} server;

typedef struct upload {
	char *buf;
	size_t len;
} upload;

static enum MHD_Result respond(struct MHD_Connection *conn, unsigned status, const char *ct,
			       const void *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body, mode);
	if (r == NULL)
		return MHD_NO;
	if (ct != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ct);
	if (status == 302)
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, "/v1/json");
	enum MHD_Result ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result echo_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	fprintf(cls, "%s: %s\n", key, value != NULL ? value : "");
	return MHD_YES;
}

static enum MHD_Result route(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			     const char *version, const char *data, size_t *data_size, void **con_cls)
{
	server *s = cls;
	(void)version;

	if (*con_cls == NULL) {
		if (strcmp(url, "/v1/drop") == 0)
			return MHD_NO; /* closes the connection without an answer */
		upload *u = calloc(1, sizeof *u);
		if (u == NULL)
			return MHD_NO;
		*con_cls = u;
		return MHD_YES;
	}
	upload *u = *con_cls;
	if (*data_size > 0) {
		char *b = realloc(u->buf, u->len + *data_size + 1);
		if (b == NULL)
			return MHD_NO;
		memcpy(b + u->len, data, *data_size);
		u->buf = b;
		u->len += *data_size;
		u->buf[u->len] = '\0';
		*data_size = 0;
		return MHD_YES;
	}

	if (strcmp(url, "/v1/json") == 0) {
		pthread_mutex_lock(&s->mu);
		s->hits_json++;
		pthread_mutex_unlock(&s->mu);
		static const char b[] = "{\"id\":17}";
		return respond(conn, 201, JSON_CT, b, sizeof b - 1, MHD_RESPMEM_PERSISTENT);
	}
	if (strcmp(url, "/v1/big") == 0)
		return respond(conn, 200, "application/json", s->big, 2u << 20, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/v1/exact") == 0)
		return respond(conn, 200, "application/json", s->big, ANSWER_BODY_MAX, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/v1/redirect") == 0)
		return respond(conn, 302, "text/html", "<a href=/v1/json>", 17, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/v1/html") == 0)
		return respond(conn, 200, "text/html", "<html>hotspot login</html>", 26, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/v1/empty") == 0)
		return respond(conn, 204, NULL, "", 0, MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/v1/slow") == 0) {
		usleep(SLOW_MS * 1000);
		return respond(conn, 200, "application/json", "{}", 2, MHD_RESPMEM_PERSISTENT);
	}
	if (strncmp(url, "/v1/echo", 8) == 0) {
		char *out = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);
		if (f == NULL)
			return MHD_NO;
		fprintf(f, "%s %s\n", method, url);
		MHD_get_connection_values(conn, MHD_HEADER_KIND, echo_header, f);
		fprintf(f, "\n");
		if (u->len > 0)
			fwrite(u->buf, 1, u->len, f);
		fclose(f);
		return respond(conn, 200, "text/plain", out, len, MHD_RESPMEM_MUST_FREE);
	}
	static const char nf[] = "{\"error\":{\"code\":\"not_found\",\"message\":\"no route\"}}";
	return respond(conn, 404, "application/json", nf, sizeof nf - 1, MHD_RESPMEM_PERSISTENT);
}

static void request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	upload *u = *con_cls;
	if (u != NULL) {
		free(u->buf);
		free(u);
		*con_cls = NULL;
	}
}

static server *server_start(bool tls)
{
	server *s = calloc(1, sizeof *s);
	assert_non_null(s);
	pthread_mutex_init(&s->mu, NULL);
	s->big = malloc(2u << 20);
	assert_non_null(s->big);
	memset(s->big, ' ', 2u << 20);
	s->big[0] = '{';
	s->big[(2u << 20) - 1] = '}';

	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	if (tls)
		s->d = MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, route, s, MHD_OPTION_SOCK_ADDR, &sa,
					MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
					MHD_OPTION_HTTPS_MEM_KEY, test_key, MHD_OPTION_HTTPS_MEM_CERT, test_cert,
					MHD_OPTION_END);
	else
		s->d = MHD_start_daemon(flags, 0, NULL, NULL, route, s, MHD_OPTION_SOCK_ADDR, &sa,
					MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL, MHD_OPTION_END);
	assert_non_null(s->d);
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	assert_non_null(info);
	s->port = info->port;
	assert_true(s->port > 0);
	return s;
}

static void server_stop(server *s)
{
	MHD_stop_daemon(s->d);
	pthread_mutex_destroy(&s->mu);
	free(s->big);
	free(s);
}

static int hits_json(server *s)
{
	pthread_mutex_lock(&s->mu);
	int n = s->hits_json;
	pthread_mutex_unlock(&s->mu);
	return n;
}

/* ---- helpers ---------------------------------------------------------------------------- */

static http_client *client(const char *scheme, int port, const char *pin, const char *ca_file,
			   int total_ms)
{
	char url[128];
	snprintf(url, sizeof url, "%s://127.0.0.1:%d/v1", scheme, port);
	http_opts o = {.base_url = url, .pin = pin, .ca_file = ca_file, .connect_timeout_ms = 2000,
		       .total_timeout_ms = total_ms};
	http_client *c = http_new(&o);
	assert_non_null(c);
	return c;
}

static long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

typedef struct fixture {
	server *plain;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	if (f == NULL)
		return -1;
	f->plain = server_start(false);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	server_stop(f->plain);
	free(f);
	return 0;
}

/* ---- plain HTTP -------------------------------------------------------------------------- */

static void test_json_and_keepalive(void **state)
{
	fixture *f = *state;
	http_client *c = client("http", f->plain->port, NULL, NULL, 5000);
	answer_raw raw;

	assert_int_equal(http_connects(c), 0);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(http_call(c, i % 2 ? "POST" : "GET", "/json", "{}", i % 2 ? 2 : 0, NULL, 0,
					   &raw), 0);
		assert_int_equal(raw.status, 201);
		assert_string_equal(raw.content_type, JSON_CT);
		assert_int_equal(raw.body_len, 9);
		assert_memory_equal(raw.body, "{\"id\":17}", 9);
		assert_false(raw.truncated);
		assert_null(raw.net_error);
	}
	/* One TCP connection carried all 100 exchanges. */
	assert_int_equal(http_connects(c), 1);
	assert_int_equal(hits_json(f->plain), 100);

	answer a;
	answer_classify(ANSWER_SURVEY, &raw, &a);
	assert_int_equal(a.verdict, ANSWER_DONE);
	http_free(&c);
	assert_null(c);
	http_free(&c); /* NULL is fine */
}

static void test_truncation(void **state)
{
	fixture *f = *state;
	http_client *c = client("http", f->plain->port, NULL, NULL, 5000);
	answer_raw raw;
	answer a;

	assert_int_equal(http_call(c, "GET", "/big", NULL, 0, NULL, 0, &raw), 0);
	assert_int_equal(raw.status, 200);
	assert_true(raw.truncated);
	assert_int_equal(raw.body_len, ANSWER_BODY_MAX);
	assert_null(raw.net_error);
	answer_classify(ANSWER_SURVEY, &raw, &a);
	assert_true(a.verdict == ANSWER_RETRY && a.bad);

	/* Exactly the limit is read whole; the client recovers after the cut. */
	assert_int_equal(http_call(c, "GET", "/exact", NULL, 0, NULL, 0, &raw), 0);
	assert_int_equal(raw.status, 200);
	assert_false(raw.truncated);
	assert_int_equal(raw.body_len, ANSWER_BODY_MAX);
	http_free(&c);
}

static void test_redirect_not_followed(void **state)
{
	fixture *f = *state;
	http_client *c = client("http", f->plain->port, NULL, NULL, 5000);
	answer_raw raw;
	answer a;
	int before = hits_json(f->plain);

	assert_int_equal(http_call(c, "POST", "/redirect", "{}", 2, NULL, 0, &raw), 0);
	assert_int_equal(raw.status, 302);
	assert_int_equal(hits_json(f->plain), before); /* nobody went to the Location */
	answer_classify(ANSWER_REQUEST, &raw, &a);
	assert_true(a.verdict == ANSWER_RETRY && a.bad);
	http_free(&c);
}

static void test_content_types(void **state)
{
	fixture *f = *state;
	http_client *c = client("http", f->plain->port, NULL, NULL, 5000);
	answer_raw raw;
	answer a;

	assert_int_equal(http_call(c, "GET", "/html", NULL, 0, NULL, 0, &raw), 0);
	assert_int_equal(raw.status, 200);
	assert_string_equal(raw.content_type, "text/html");
	answer_classify(ANSWER_HEALTH, &raw, &a);
	assert_string_equal(a.reason, "bad answer: HTTP 200 without JSON");

	assert_int_equal(http_call(c, "GET", "/empty", NULL, 0, NULL, 0, &raw), 0);
	assert_int_equal(raw.status, 204);
	assert_null(raw.content_type);
	assert_int_equal(raw.body_len, 0);

	assert_int_equal(http_call(c, "GET", "/nothing", NULL, 0, NULL, 0, &raw), 0);
	assert_int_equal(raw.status, 404);
	answer_classify(ANSWER_HEALTH, &raw, &a);
	assert_int_equal(a.verdict, ANSWER_DEAD);
	assert_string_equal(a.reason, "HTTP 404 not_found");
	http_free(&c);
}

static void test_headers_and_body_arrive(void **state)
{
	fixture *f = *state;
	http_client *c = client("http", f->plain->port, NULL, NULL, 5000);
	answer_raw raw;
	const http_header hs[] = {{"X-Kiosk-Id: PKL-KIOSK-01"},
				  {"Idempotency-Key: 0123456789abcdef0123456789abcdef"}};

	/* 100 KB: more than a request ever is (64 KiB); no "Expect: 100-continue". */
	size_t len = 100 * 1024;
	char *body = malloc(len);
	assert_non_null(body);
	for (size_t i = 0; i < len; i++)
		body[i] = (char)('a' + i % 26);
	memcpy(body, "SECRET-MARKER", 13);

	long t0 = now_ms();
	assert_int_equal(http_call(c, "POST", "/echo?x=1", body, len, hs, 2, &raw), 0);
	assert_true(now_ms() - t0 < 900); /* no 1 s wait for a 100 Continue */
	assert_int_equal(raw.status, 200);
	char *text = strndup(raw.body, raw.body_len);
	assert_non_null(text);
	char *sep = strstr(text, "\n\n");
	assert_non_null(sep);
	*sep = '\0';
	assert_true(strncmp(text, "POST /v1/echo\n", 14) == 0);
	assert_non_null(strstr(text, "\nX-Kiosk-Id: PKL-KIOSK-01\n"));
	assert_non_null(strstr(text, "\nIdempotency-Key: 0123456789abcdef0123456789abcdef\n"));
	assert_non_null(strstr(text, "\nContent-Type: application/json\n"));
	assert_null(strstr(text, "Expect"));
	assert_int_equal(raw.body_len - (size_t)(sep + 2 - text), len);
	assert_memory_equal(sep + 2 - text + raw.body, body, len);
	free(text);

	/* The same handle then GETs: no body, no JSON content type. */
	assert_int_equal(http_call(c, "GET", "/echo", NULL, 0, NULL, 0, &raw), 0);
	text = strndup(raw.body, raw.body_len);
	assert_non_null(text);
	assert_true(strncmp(text, "GET /v1/echo\n", 13) == 0);
	assert_null(strstr(text, "Content-Type"));
	assert_null(strstr(text, "X-Kiosk-Id"));
	assert_true(text[strlen(text) - 1] == '\n' && strstr(text, "\n\n") == text + strlen(text) - 2);
	free(text);
	/* The previous answer (with the marker) is gone from the client's buffer. */
	assert_null(memmem(raw.body, ANSWER_BODY_MAX, "SECRET-MARKER", 13));
	assert_int_equal(http_connects(c), 1);
	free(body);
	http_free(&c);
}

static void test_timeout(void **state)
{
	fixture *f = *state;
	http_client *c = client("http", f->plain->port, NULL, NULL, TIMEOUT_MS);
	answer_raw raw;
	answer a;

	long t0 = now_ms();
	assert_int_equal(http_call(c, "GET", "/slow", NULL, 0, NULL, 0, &raw), -1);
	long took = now_ms() - t0;
	assert_int_equal(raw.status, 0);
	assert_string_equal(raw.net_error, "timeout");
	assert_true(took >= TIMEOUT_MS - 20);
	assert_true(took < TIMEOUT_MS + 500);
	answer_classify(ANSWER_REQUEST, &raw, &a);
	assert_int_equal(a.verdict, ANSWER_RETRY);
	assert_string_equal(a.reason, "network: timeout");

	/* The next call works (on a new connection). */
	assert_int_equal(http_call(c, "GET", "/json", NULL, 0, NULL, 0, &raw), 0);
	assert_int_equal(raw.status, 201);
	assert_int_equal(http_connects(c), 2);
	http_free(&c);
}

static void test_dropped(void **state)
{
	fixture *f = *state;
	http_client *c = client("http", f->plain->port, NULL, NULL, 5000);
	answer_raw raw;

	assert_int_equal(http_call(c, "POST", "/drop", "{}", 2, NULL, 0, &raw), -1);
	assert_int_equal(raw.status, 0);
	assert_non_null(raw.net_error);
	assert_non_null(strstr(raw.net_error, "connection dropped"));
	assert_null(raw.body);
	assert_int_equal(http_call(c, "GET", "/json", NULL, 0, NULL, 0, &raw), 0);
	assert_int_equal(raw.status, 201);
	http_free(&c);
}

static void test_refused(void **state)
{
	(void)state;
	/* A bound socket that does not listen: its port refuses connections
	 * and nobody else can take it meanwhile. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = 0};
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	socklen_t sl = sizeof sa;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);

	http_client *c = client("http", ntohs(sa.sin_port), NULL, NULL, 2000);
	answer_raw raw;
	answer a;
	assert_int_equal(http_call(c, "GET", "/health", NULL, 0, NULL, 0, &raw), -1);
	assert_int_equal(raw.status, 0);
	assert_string_equal(raw.net_error, "connection refused");
	answer_classify(ANSWER_HEALTH, &raw, &a);
	assert_string_equal(a.reason, "network: connection refused");
	assert_int_equal(http_call(c, "PUT", "/health", NULL, 0, NULL, 0, &raw), -1);
	assert_non_null(raw.net_error);
	http_free(&c);
	close(fd);
}

static void test_options(void **state)
{
	(void)state;
	static const struct {
		const char *url, *path;
	} cases[] = {
		{"https://ams.example.go.id/kiosk/v1", "/kiosk/v1"},
		{"http://127.0.0.1:8080/v1", "/v1"},
		{"http://127.0.0.1:8080/v1/", "/v1"},
		{"http://127.0.0.1:8080", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		http_opts o = {.base_url = cases[i].url, .connect_timeout_ms = 100, .total_timeout_ms = 100};
		http_client *c = http_new(&o);
		assert_non_null(c);
		assert_string_equal(http_base_path(c), cases[i].path);
		http_free(&c);
	}
	http_opts o = {.base_url = "http://127.0.0.1/v1", .connect_timeout_ms = 0, .total_timeout_ms = 100};
	assert_null(http_new(&o));
	o.connect_timeout_ms = 100;
	o.total_timeout_ms = -1;
	assert_null(http_new(&o));
	o.total_timeout_ms = 100;
	o.base_url = NULL;
	assert_null(http_new(&o));
}

/* ---- TLS ------------------------------------------------------------------------------------ */

static void test_tls(void **state)
{
	fixture *f = *state;
	answer_raw raw;

	/* https spoken to a plain HTTP port never counts as an answer. */
	http_client *c = client("https", f->plain->port, NULL, NULL, 2000);
	assert_int_equal(http_call(c, "GET", "/json", NULL, 0, NULL, 0, &raw), -1);
	assert_int_equal(raw.status, 0);
	assert_non_null(raw.net_error);
	assert_non_null(strstr(raw.net_error, "TLS"));
	http_free(&c);

	if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
		print_message("libmicrohttpd without TLS: the certificate checks are skipped\n");
		return;
	}
	server *s = server_start(true);
	char dir[] = "/tmp/test_http.XXXXXX", ca[64];
	assert_non_null(mkdtemp(dir));
	snprintf(ca, sizeof ca, "%s/ca.pem", dir);
	FILE *fp = fopen(ca, "w");
	assert_non_null(fp);
	fputs(test_cert, fp);
	fclose(fp);

	c = client("https", s->port, NULL, NULL, 3000); /* the system's CAs do not know it */
	assert_int_equal(http_call(c, "GET", "/json", NULL, 0, NULL, 0, &raw), -1);
	assert_string_equal(raw.net_error, "TLS certificate not trusted");
	http_free(&c);

	c = client("https", s->port, NULL, ca, 3000);
	assert_int_equal(http_call(c, "GET", "/json", NULL, 0, NULL, 0, &raw), 0);
	assert_int_equal(raw.status, 201);
	assert_int_equal(http_call(c, "GET", "/json", NULL, 0, NULL, 0, &raw), 0);
	assert_int_equal(http_connects(c), 1);
	http_free(&c);

	c = client("https", s->port, PIN_RIGHT, ca, 3000);
	assert_int_equal(http_call(c, "GET", "/json", NULL, 0, NULL, 0, &raw), 0);
	assert_int_equal(raw.status, 201);
	http_free(&c);

	c = client("https", s->port, PIN_WRONG, ca, 3000);
	assert_int_equal(http_call(c, "GET", "/json", NULL, 0, NULL, 0, &raw), -1);
	assert_string_equal(raw.net_error, "pinned key mismatch");
	http_free(&c);

	unlink(ca);
	rmdir(dir);
	server_stop(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_and_keepalive),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_redirect_not_followed),
		cmocka_unit_test(test_content_types),
		cmocka_unit_test(test_headers_and_body_arrive),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_dropped),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_tls),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
