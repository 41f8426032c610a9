/* csim_faults: fault injection settings, draws and counts (see csim_faults.h). */
#include "csim_faults.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct csim_faults {
	pthread_mutex_t mu;
	csim_fault_cfg cfg;
	uint64_t seed, rng;
	uint64_t counts[CSIM_FAULT_COUNT];
};

static const char *const names[CSIM_FAULT_COUNT] = {
	"none", "drop", "fail", "fail_after", "malformed", "latency", "slow_body",
};

const char *csim_fault_name(csim_fault kind)
{
	return (unsigned)kind < CSIM_FAULT_COUNT ? names[kind] : "?";
}

csim_faults *csim_faults_new(const csim_fault_cfg *cfg, uint64_t seed)
{
	csim_faults *f = calloc(1, sizeof *f);
	if (f == NULL)
		return NULL;
	pthread_mutex_init(&f->mu, NULL);
	f->cfg = *cfg;
	f->seed = f->rng = seed;
	return f;
}

void csim_faults_free(csim_faults **f)
{
	if (*f == NULL)
		return;
	pthread_mutex_destroy(&(*f)->mu);
	free(*f);
	*f = NULL;
}

static bool rate_ok(double r)
{
	return r >= 0.0 && r <= 1.0; /* false for NaN too */
}

static bool ms_ok(int ms)
{
	return ms >= 0 && ms <= CSIM_FAULT_MS_MAX;
}

int csim_fault_cfg_ok(const csim_fault_cfg *c)
{
	return rate_ok(c->drop_rate) && rate_ok(c->fail_rate) && rate_ok(c->fail_after_rate) &&
	       rate_ok(c->malformed_rate) && ms_ok(c->latency_ms) && ms_ok(c->slow_body_ms);
}

int csim_faults_parse_rate(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !rate_ok(v))
		return -1;
	*out = v;
	return 0;
}

int csim_faults_parse_ms(const char *s, int *out)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > CSIM_FAULT_MS_MAX)
		return -1;
	*out = (int)v;
	return 0;
}

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough to
 * spread faults; it only has to be reproducible, not secret. */
static uint64_t next_u64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

csim_fault_draw csim_faults_draw(csim_faults *f)
{
	csim_fault_draw d = {.kind = CSIM_FAULT_NONE};
	double u, edge;

	pthread_mutex_lock(&f->mu);
	u = (double)(next_u64(&f->rng) >> 11) * 0x1.0p-53;
	edge = f->cfg.drop_rate;
	if (u < edge) {
		d.kind = CSIM_FAULT_DROP;
	} else if (u < (edge += f->cfg.fail_rate)) {
		d.kind = CSIM_FAULT_FAIL;
	} else if (u < (edge += f->cfg.fail_after_rate)) {
		d.kind = CSIM_FAULT_FAIL_AFTER;
	} else if (u < edge + f->cfg.malformed_rate) {
		d.kind = CSIM_FAULT_MALFORMED;
	}
	d.latency_ms = f->cfg.latency_ms;
	d.slow_body_ms = f->cfg.slow_body_ms;
	pthread_mutex_unlock(&f->mu);
	return d;
}

void csim_faults_note(csim_faults *f, csim_fault kind)
{
	if ((unsigned)kind >= CSIM_FAULT_COUNT)
		return;
	pthread_mutex_lock(&f->mu);
	f->counts[kind]++;
	pthread_mutex_unlock(&f->mu);
}

/* The settings by name, for both spellings. */
typedef struct setting {
	const char *name;
	size_t rate_off; /* offsetof a double in csim_fault_cfg, or SIZE_MAX */
	size_t ms_off;   /* offsetof an int, or SIZE_MAX */
} setting;

#define RATE(n, m)                                                                                           \
	{                                                                                                    \
		n, offsetof(csim_fault_cfg, m), SIZE_MAX                                                     \
	}
#define MS(n, m)                                                                                             \
	{                                                                                                    \
		n, SIZE_MAX, offsetof(csim_fault_cfg, m)                                                     \
	}
static const setting settings[] = {
	RATE("drop_rate", drop_rate),
	RATE("fail_rate", fail_rate),
	RATE("fail_after_rate", fail_after_rate),
	RATE("malformed_rate", malformed_rate),
	MS("latency_ms", latency_ms),
	MS("slow_body_ms", slow_body_ms),
};
#define NSETTINGS (sizeof settings / sizeof settings[0])

/* KEY with dashes read as underscores equals NAME. */
static bool same_name(const char *key, const char *name)
{
	for (; *key && *name; key++, name++) {
		if (*key != *name && !(*key == '-' && *name == '_'))
			return false;
	}
	return *key == *name;
}

static int set_one(csim_fault_cfg *c, const char *key, json_t *v, char *why, size_t why_len)
{
	for (size_t i = 0; i < NSETTINGS; i++) {
		const setting *s = &settings[i];
		if (!same_name(key, s->name))
			continue;
		if (s->rate_off != SIZE_MAX) {
			double r = json_number_value(v);
			if (!json_is_number(v) || !rate_ok(r)) {
				snprintf(why, why_len, "%s: a number from 0 to 1", s->name);
				return -1;
			}
			memcpy((char *)c + s->rate_off, &r, sizeof r);
		} else {
			json_int_t ms = json_integer_value(v);
			if (!json_is_integer(v) || ms < 0 || ms > CSIM_FAULT_MS_MAX) {
				snprintf(why, why_len, "%s: an integer from 0 to %d", s->name,
					 CSIM_FAULT_MS_MAX);
				return -1;
			}
			int m = (int)ms;
			memcpy((char *)c + s->ms_off, &m, sizeof m);
		}
		return 0;
	}
	snprintf(why, why_len,
		 "unknown setting (known: drop_rate, fail_rate, fail_after_rate,"
		 " malformed_rate, latency_ms, slow_body_ms, seed)");
	return -1;
}

int csim_faults_set_json(csim_faults *f, const char *json, size_t len, char *why, size_t why_len)
{
	json_error_t err;
	json_t *root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err), *v;
	const char *key;
	csim_fault_cfg c;
	bool reseed = false;
	uint64_t seed = 0;
	int rc = -1;

	if (!json_is_object(root)) {
		snprintf(why, why_len, "not a JSON object");
		goto out;
	}
	pthread_mutex_lock(&f->mu);
	c = f->cfg;
	pthread_mutex_unlock(&f->mu);
	json_object_foreach (root, key, v) {
		if (strcmp(key, "seed") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) < 0) {
				snprintf(why, why_len, "seed: an integer >= 0");
				goto out;
			}
			reseed = true;
			seed = (uint64_t)json_integer_value(v);
		} else if (set_one(&c, key, v, why, why_len) != 0) {
			goto out;
		}
	}
	pthread_mutex_lock(&f->mu);
	f->cfg = c;
	if (reseed)
		f->seed = f->rng = seed;
	pthread_mutex_unlock(&f->mu);
	rc = 0;
out:
	json_decref(root);
	return rc;
}

json_t *csim_faults_json(csim_faults *f)
{
	csim_fault_cfg c;
	uint64_t seed;

	pthread_mutex_lock(&f->mu);
	c = f->cfg;
	seed = f->seed;
	pthread_mutex_unlock(&f->mu);
	return json_pack("{s:f,s:f,s:f,s:f,s:i,s:i,s:I}", "drop_rate", c.drop_rate, "fail_rate", c.fail_rate,
			 "fail_after_rate", c.fail_after_rate, "malformed_rate", c.malformed_rate,
			 "latency_ms", c.latency_ms, "slow_body_ms", c.slow_body_ms, "seed",
			 (json_int_t)(seed & 0x7fffffffffffffffULL));
}

json_t *csim_faults_counts_json(csim_faults *f)
{
	uint64_t n[CSIM_FAULT_COUNT];
	json_t *o = json_object();

	pthread_mutex_lock(&f->mu);
	memcpy(n, f->counts, sizeof n);
	pthread_mutex_unlock(&f->mu);
	for (int k = CSIM_FAULT_DROP; o && k < CSIM_FAULT_COUNT; k++)
		json_object_set_new(o, names[k], json_integer((json_int_t)n[k]));
	return o;
}
