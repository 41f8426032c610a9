/* csim_inflight: the idempotency keys being processed (see csim_inflight.h).
 * A flat array scanned linearly: it holds at most one entry per open
 * connection, a handful in practice. */
#include "csim_inflight.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAIR_MAX 80 /* "KIOSK\nKEY": 32 + 1 + 32 and a NUL fit */

struct csim_inflight {
	pthread_mutex_t mu;
	char (*pairs)[PAIR_MAX];
	size_t n, cap;
};

csim_inflight *csim_inflight_new(void)
{
	csim_inflight *s = calloc(1, sizeof *s);
	if (s == NULL)
		return NULL;
	pthread_mutex_init(&s->mu, NULL);
	return s;
}

void csim_inflight_free(csim_inflight **s)
{
	if (*s == NULL)
		return;
	pthread_mutex_destroy(&(*s)->mu);
	free((*s)->pairs);
	free(*s);
	*s = NULL;
}

/* The pair as one string; false when it does not fit (then it cannot be a
 * valid kiosk id and key, which the caller checked). */
static bool pair_text(const char *kiosk, const char *key, char out[PAIR_MAX])
{
	int n = snprintf(out, PAIR_MAX, "%s\n%s", kiosk, key);
	return n > 0 && n < PAIR_MAX;
}

bool csim_inflight_claim(csim_inflight *s, const char *kiosk, const char *key)
{
	char pair[PAIR_MAX];
	bool ok = false;

	if (!pair_text(kiosk, key, pair))
		return false;
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->pairs[i], pair) == 0)
			goto out;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		char(*p)[PAIR_MAX] = realloc(s->pairs, cap * sizeof *p);
		if (p == NULL)
			goto out;
		s->pairs = p;
		s->cap = cap;
	}
	memcpy(s->pairs[s->n++], pair, PAIR_MAX);
	ok = true;
out:
	pthread_mutex_unlock(&s->mu);
	return ok;
}

void csim_inflight_release(csim_inflight *s, const char *kiosk, const char *key)
{
	char pair[PAIR_MAX];

	if (!pair_text(kiosk, key, pair))
		return;
	pthread_mutex_lock(&s->mu);
	for (size_t i = 0; i < s->n; i++) {
		if (strcmp(s->pairs[i], pair) == 0) {
			s->n--;
			if (i != s->n)
				memcpy(s->pairs[i], s->pairs[s->n], PAIR_MAX);
			break;
		}
	}
	pthread_mutex_unlock(&s->mu);
}
