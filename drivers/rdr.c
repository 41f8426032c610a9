/*
 * rdr: the reader event queue (see rdr.h).
 *
 * Events may hold a card's personal data, so the queue treats its slots like
 * card buffers: a slot is wiped as soon as its event leaves (popped, dropped
 * or freed); push takes the event by pointer, so no by-value copy of it is
 * left on a stack that nobody wipes (the ASan run of test_wipe found one).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rdr.h"

const char *rdr_err_name(rdr_err e)
{
	switch (e) {
	case RDR_OK: return "ok";
	case RDR_ERR_NOMEM: return "out of memory";
	case RDR_ERR_IO: return "reader input/output error";
	case RDR_ERR_TIMEOUT: return "the card or reader did not answer in time";
	case RDR_ERR_CARD_GONE: return "card removed during the read";
	case RDR_ERR_UNPLUGGED: return "reader unplugged during the read";
	case RDR_ERR_UNSUPPORTED: return "reader or card not supported";
	case RDR_ERR_PROTOCOL: return "garbled answers from the reader";
	case RDR_ERR_CARD_MUTE: return "the card does not answer";
	default: return "unknown reader error";
	}
}

const char *rdr_why_name(rdr_why w)
{
	switch (w) {
	case RDR_WHY_NONE: return "none";
	case RDR_WHY_NO_SAM: return "no KTP-el SAM in the reader";
	case RDR_WHY_NOT_KTP: return "not a KTP-el";
	case RDR_WHY_AUTH: return "the card refused the SAM";
	case RDR_WHY_RECORD: return "malformed record on the card";
	case RDR_WHY_CARD_ERROR: return "unexpected status word from the card";
	default: return "unknown reason";
	}
}

void rdr_event_wipe(rdr_event *ev)
{
	if (ev)
		explicit_bzero(ev, sizeof *ev);
}

struct rdr_evq {
	pthread_mutex_t lock;
	pthread_cond_t pushed_cond; /* signalled on every push (rdr_evq_wait) */
	rdr_event *ev;
	size_t cap, head, n, dropped;
	unsigned long pushed;
	void (*notify)(void *ctx);
	void *notify_ctx;
};

rdr_err rdr_evq_new(rdr_evq **out, size_t cap)
{
	*out = NULL;
	rdr_evq *q = calloc(1, sizeof *q);
	if (!q || cap == 0 || !(q->ev = calloc(cap, sizeof *q->ev))) {
		free(q);
		return RDR_ERR_NOMEM;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->pushed_cond, &ca);
	pthread_condattr_destroy(&ca);
	q->cap = cap;
	*out = q;
	return RDR_OK;
}

void rdr_evq_free(rdr_evq **q)
{
	if (!q || !*q)
		return;
	pthread_mutex_destroy(&(*q)->lock);
	pthread_cond_destroy(&(*q)->pushed_cond);
	explicit_bzero((*q)->ev, (*q)->cap * sizeof *(*q)->ev); /* events left unread */
	free((*q)->ev);
	free(*q);
	*q = NULL;
}

bool rdr_evq_push(rdr_evq *q, const rdr_event *ev)
{
	bool ok = true;
	pthread_mutex_lock(&q->lock);
	if (q->n == q->cap) { /* drop the oldest: the newest state wins */
		rdr_event_wipe(&q->ev[q->head]);
		q->head = (q->head + 1) % q->cap;
		q->n--;
		q->dropped++;
		ok = false;
	}
	q->ev[(q->head + q->n) % q->cap] = *ev;
	q->n++;
	q->pushed++;
	pthread_cond_broadcast(&q->pushed_cond);
	void (*notify)(void *) = q->notify;
	void *ctx = q->notify_ctx;
	pthread_mutex_unlock(&q->lock);
	if (notify)
		notify(ctx);
	return ok;
}


bool rdr_evq_pop(rdr_evq *q, rdr_event *out)
{
	pthread_mutex_lock(&q->lock);
	bool any = q->n > 0;
	if (any) {
		*out = q->ev[q->head];
		rdr_event_wipe(&q->ev[q->head]);
		q->head = (q->head + 1) % q->cap;
		q->n--;
	}
	pthread_mutex_unlock(&q->lock);
	return any;
}

size_t rdr_evq_dropped(rdr_evq *q)
{
	pthread_mutex_lock(&q->lock);
	size_t d = q->dropped;
	pthread_mutex_unlock(&q->lock);
	return d;
}

void rdr_evq_set_notify(rdr_evq *q, void (*fn)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&q->lock);
	q->notify = fn;
	q->notify_ctx = ctx;
	pthread_mutex_unlock(&q->lock);
}

unsigned long rdr_evq_pushed(rdr_evq *q)
{
	pthread_mutex_lock(&q->lock);
	unsigned long n = q->pushed;
	pthread_mutex_unlock(&q->lock);
	return n;
}

bool rdr_evq_wait(rdr_evq *q, unsigned long seen, int timeout_ms)
{
	struct timespec until;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&q->lock);
	while (q->pushed <= seen &&
	       pthread_cond_timedwait(&q->pushed_cond, &q->lock, &until) == 0)
		;
	bool more = q->pushed > seen;
	pthread_mutex_unlock(&q->lock);
	return more;
}
