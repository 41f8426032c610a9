/*
 * diag: the report model, its writers and the kiosk's worker (see diag.h).
 * The checks themselves live in one file per area (diag_internal.h).
 */
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "diag_internal.h"

#define WIB_OFFSET_S (7 * 3600)

const char *diag_status_name(diag_status s)
{
	switch (s) {
	case DIAG_OK: return "ok";
	case DIAG_WARN: return "warn";
	case DIAG_FAIL: return "fail";
	}
	return "?";
}

void diag_add(diag_report *r, const char *name, diag_status s, const char *value, const char *reason_fmt, ...)
{
	if (r->n >= DIAG_CHECKS_MAX) {
		diag_check *last = &r->checks[DIAG_CHECKS_MAX - 1];
		snprintf(last->name, sizeof last->name, "diag.truncated");
		last->status = DIAG_FAIL;
		last->value[0] = '\0';
		snprintf(last->reason, sizeof last->reason, "more checks than the report holds");
		return;
	}
	diag_check *c = &r->checks[r->n++];
	snprintf(c->name, sizeof c->name, "%s", name);
	c->status = s;
	snprintf(c->value, sizeof c->value, "%s", value ? value : "");
	va_list ap;
	va_start(ap, reason_fmt);
	vsnprintf(c->reason, sizeof c->reason, reason_fmt, ap);
	va_end(ap);
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void diag_run(const diag_env *env, unsigned areas, diag_report *out)
{
	static const struct {
		unsigned area;
		void (*run)(const diag_env *, diag_report *);
	} order[] = {
		{DIAG_AREA_READER, diag_reader_checks},	  {DIAG_AREA_DISPLAY, diag_display_checks},
		{DIAG_AREA_NETWORK, diag_network_checks}, {DIAG_AREA_STORAGE, diag_storage_checks},
		{DIAG_AREA_SYSTEM, diag_system_checks},
	};
	memset(out, 0, sizeof *out);
	out->started = (int64_t)time(NULL);
	snprintf(out->kiosk_id, sizeof out->kiosk_id, "%s", env->cfg->kiosk.id);
	snprintf(out->version, sizeof out->version, "%s", KIOSK_VERSION);
	int64_t t0 = mono_ms();
	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (areas & order[i].area)
			order[i].run(env, out);
	out->duration_ms = (int)(mono_ms() - t0);
}

diag_status diag_worst(const diag_report *r)
{
	diag_status w = DIAG_OK;
	for (int i = 0; i < r->n; i++)
		if (r->checks[i].status > w)
			w = r->checks[i].status;
	return w;
}

const diag_check *diag_find(const diag_report *r, const char *name)
{
	for (int i = 0; i < r->n; i++)
		if (strcmp(r->checks[i].name, name) == 0)
			return &r->checks[i];
	return NULL;
}

/* ---- writers ------------------------------------------------------------- */

void diag_fmt_time(int64_t when, diag_time_style style, char *buf, size_t cap)
{
	time_t t = (time_t)(when + WIB_OFFSET_S);
	struct tm tm;
	size_t n = 0;

	if (gmtime_r(&t, &tm) != NULL) {
		switch (style) {
		case DIAG_TIME_DATE: n = strftime(buf, cap, "%Y-%m-%d", &tm); break;
		case DIAG_TIME_MINUTE: n = strftime(buf, cap, "%Y-%m-%d %H:%M WIB", &tm); break;
		case DIAG_TIME_SECOND: n = strftime(buf, cap, "%Y-%m-%d %H:%M:%S WIB", &tm); break;
		case DIAG_TIME_STAMP: n = strftime(buf, cap, "%Y%m%d-%H%M%S", &tm); break;
		}
	}
	if (n == 0)
		snprintf(buf, cap, "?");
}

int diag_write_text(const diag_report *r, FILE *out)
{
	char when[40];
	int count[3] = {0};
	diag_fmt_time(r->started, DIAG_TIME_SECOND, when, sizeof when);
	for (int i = 0; i < r->n; i++)
		count[r->checks[i].status]++;
	fprintf(out, "Kiosk %s readiness report, %s (kiosk %s)\n", r->kiosk_id, when, r->version);
	fprintf(out, "Overall: %s (%d ok, %d warn, %d fail; checks took %d ms)\n\n",
		diag_status_name(diag_worst(r)), count[DIAG_OK], count[DIAG_WARN], count[DIAG_FAIL],
		r->duration_ms);
	for (int i = 0; i < r->n; i++) {
		const diag_check *c = &r->checks[i];
		fprintf(out, "%-4s  %-20s %s\n", diag_status_name(c->status), c->name, c->value);
		if (c->reason[0] != '\0')
			fprintf(out, "      %-20s %s\n", "", c->reason);
	}
	fflush(out);
	return ferror(out) ? -1 : 0;
}

int diag_write_json(const diag_report *r, FILE *out)
{
	json_t *checks = json_array();
	json_t *root = json_pack("{s:s,s:s,s:I,s:i,s:s,s:o}", "kiosk", r->kiosk_id, "version", r->version,
				 "started", (json_int_t)r->started, "duration_ms", r->duration_ms, "status",
				 diag_status_name(diag_worst(r)), "checks", checks);
	if (root == NULL)
		return -1;
	for (int i = 0; i < r->n; i++) {
		const diag_check *c = &r->checks[i];
		json_array_append_new(checks, json_pack("{s:s,s:s,s:s,s:s}", "name", c->name, "status",
							diag_status_name(c->status), "value", c->value,
							"reason", c->reason));
	}
	int rc = json_dumpf(root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc == 0)
		fputc('\n', out);
	fflush(out);
	return rc != 0 || ferror(out) ? -1 : 0;
}

/* Create PATH exclusively, write the report with WRITE, fsync, close.
 * Removes the file again on any failure. */
static int export_one(const diag_report *r, const char *path, int (*write)(const diag_report *, FILE *),
		      char *why, size_t wcap)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		snprintf(why, wcap, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	FILE *f = fdopen(fd, "w");
	if (f == NULL) {
		snprintf(why, wcap, "cannot write %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	int rc = write(r, f);
	if (rc == 0 && fsync(fd) != 0)
		rc = -1;
	int err = errno;
	if (fclose(f) != 0)
		rc = -1;
	if (rc != 0) {
		snprintf(why, wcap, "cannot write %s: %s", path, strerror(err ? err : EIO));
		unlink(path);
	}
	return rc;
}

int diag_export(const diag_report *r, const char *dir, char *base, size_t cap, char *why, size_t wcap)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(why, wcap, "%s is not a folder (is the USB stick plugged in?)", dir);
		return -1;
	}
	if (access(dir, W_OK) != 0) {
		snprintf(why, wcap, "%s cannot be written (read-only or no permission)", dir);
		return -1;
	}
	char stamp[32];
	diag_fmt_time(r->started, DIAG_TIME_STAMP, stamp, sizeof stamp);
	int n = snprintf(base, cap, "%s/kesiapan-%s-%s", dir, r->kiosk_id, stamp);
	if (n < 0 || (size_t)n + 6 > cap) {
		snprintf(why, wcap, "the folder's path is too long");
		return -1;
	}
	char path[CONF_PATH_MAX + 96];
	snprintf(path, sizeof path, "%s.txt", base);
	if (export_one(r, path, diag_write_text, why, wcap) != 0)
		return -1;
	char json[sizeof path];
	snprintf(json, sizeof json, "%s.json", base);
	if (export_one(r, json, diag_write_json, why, wcap) != 0) {
		unlink(path);
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* ---- the worker --------------------------------------------------------- */

struct diag_job {
	pthread_t thread;
	diag_env env;
	reader_status reader; /* the copy ENV.reader_live points to */
	char db_path[CONF_PATH_MAX];
	char central_url[256];
	char card_path[CONF_PATH_MAX];
	unsigned areas;
	void (*wake)(void *);
	void *ctx;
	diag_report report;
	atomic_bool done;
};

static void *job_main(void *arg)
{
	diag_job *j = arg;
	diag_run(&j->env, j->areas, &j->report);
	atomic_store(&j->done, true);
	if (j->wake)
		j->wake(j->ctx);
	return NULL;
}

/* Copy S into BUF and point *P at it (NULL stays NULL). */
static void keep(const char **p, char *buf, size_t cap)
{
	if (*p == NULL)
		return;
	snprintf(buf, cap, "%s", *p);
	*p = buf;
}

int diag_job_start(diag_job **out, const diag_env *env, unsigned areas, void (*wake)(void *), void *ctx)
{
	*out = NULL;
	diag_job *j = calloc(1, sizeof *j);
	if (j == NULL)
		return -1;
	j->env = *env;
	if (env->reader_live) {
		j->reader = *env->reader_live;
		j->env.reader_live = &j->reader;
	}
	keep(&j->env.db_path, j->db_path, sizeof j->db_path);
	keep(&j->env.central_url, j->central_url, sizeof j->central_url);
	keep(&j->env.card_path, j->card_path, sizeof j->card_path);
	j->areas = areas;
	j->wake = wake;
	j->ctx = ctx;
	atomic_init(&j->done, false);
	if (pthread_create(&j->thread, NULL, job_main, j) != 0) {
		free(j);
		return -1;
	}
	*out = j;
	return 0;
}

bool diag_job_done(diag_job *j, diag_report *out)
{
	if (!atomic_load(&j->done))
		return false;
	*out = j->report;
	return true;
}

void diag_job_free(diag_job **j)
{
	if (j == NULL || *j == NULL)
		return;
	pthread_join((*j)->thread, NULL);
	free(*j);
	*j = NULL;
}
