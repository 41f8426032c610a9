/*
 * rdr: reader event queue and the simulated reader (see rdr.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdr.h"

const char *rdr_err_name(rdr_err e)
{
	switch (e) {
	case RDR_OK: return "ok";
	case RDR_ERR_NOMEM: return "out of memory";
	case RDR_ERR_IO: return "cannot read card image";
	case RDR_ERR_TOOBIG: return "card image too large";
	case RDR_ERR_STATE: return "reader busy (a card is already present)";
	default: return "unknown reader error";
	}
}

struct rdr_evq {
	pthread_mutex_t lock;
	rdr_event *ev;
	size_t cap, head, n, dropped;
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
	q->cap = cap;
	*out = q;
	return RDR_OK;
}

void rdr_evq_free(rdr_evq **q)
{
	if (!q || !*q)
		return;
	pthread_mutex_destroy(&(*q)->lock);
	free((*q)->ev);
	free(*q);
	*q = NULL;
}

bool rdr_evq_push(rdr_evq *q, rdr_event ev)
{
	bool ok = true;
	pthread_mutex_lock(&q->lock);
	if (q->n == q->cap) { /* drop the oldest: the newest state wins */
		q->head = (q->head + 1) % q->cap;
		q->n--;
		q->dropped++;
		ok = false;
	}
	q->ev[(q->head + q->n) % q->cap] = ev;
	q->n++;
	pthread_mutex_unlock(&q->lock);
	return ok;
}

bool rdr_evq_pop(rdr_evq *q, rdr_event *out)
{
	pthread_mutex_lock(&q->lock);
	bool any = q->n > 0;
	if (any) {
		*out = q->ev[q->head];
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

struct rdr_sim {
	rdr_evq *q;
	unsigned char *image;
	size_t len;
	bool present;
};

rdr_err rdr_sim_new(rdr_sim **out, rdr_evq *q)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return RDR_ERR_NOMEM;
	(*out)->q = q;
	rdr_evq_push(q, (rdr_event){RDR_EV_ATTACHED, RDR_OK});
	return RDR_OK;
}

static void sim_drop_image(rdr_sim *s)
{
	if (s->image) {
		explicit_bzero(s->image, s->len); /* card images hold personal data */
		free(s->image);
	}
	s->image = NULL;
	s->len = 0;
}

void rdr_sim_free(rdr_sim **s)
{
	if (!s || !*s)
		return;
	sim_drop_image(*s);
	free(*s);
	*s = NULL;
}

rdr_err rdr_sim_insert(rdr_sim *s, const char *path)
{
	if (s->present)
		return RDR_ERR_STATE;
	FILE *f = fopen(path, "rb");
	if (!f)
		return RDR_ERR_IO;
	unsigned char *buf = malloc(RDR_IMAGE_MAX + 1);
	if (!buf) {
		fclose(f);
		return RDR_ERR_NOMEM;
	}
	size_t n = fread(buf, 1, RDR_IMAGE_MAX + 1, f);
	bool bad = ferror(f);
	fclose(f);
	if (bad || n > RDR_IMAGE_MAX) {
		explicit_bzero(buf, n);
		free(buf);
		return bad ? RDR_ERR_IO : RDR_ERR_TOOBIG;
	}
	s->image = buf;
	s->len = n;
	s->present = true;
	rdr_evq_push(s->q, (rdr_event){RDR_EV_CARD_PRESENT, RDR_OK});
	return RDR_OK;
}

void rdr_sim_remove(rdr_sim *s)
{
	if (!s->present)
		return;
	sim_drop_image(s);
	s->present = false;
	rdr_evq_push(s->q, (rdr_event){RDR_EV_CARD_REMOVED, RDR_OK});
}

bool rdr_sim_card_present(const rdr_sim *s) { return s->present; }
