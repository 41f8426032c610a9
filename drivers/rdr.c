/*
 * rdr: reader event queue and the simulated reader (see rdr.h).
 *
 * Events may hold a card's personal data, so the queue treats its slots like
 * card buffers: a slot is wiped as soon as its event leaves (popped, dropped
 * or freed), and push wipes its by-value copy of the event. The simulator
 * reads an image file into a heap buffer, parses it with ktp_parse_image and
 * wipes both the buffer and its stack copies of the identity right away.
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
	case RDR_ERR_IMAGE: return "malformed card image";
	default: return "unknown reader error";
	}
}

void rdr_event_wipe(rdr_event *ev)
{
	if (ev)
		explicit_bzero(ev, sizeof *ev);
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
	explicit_bzero((*q)->ev, (*q)->cap * sizeof *(*q)->ev); /* events left unread */
	free((*q)->ev);
	free(*q);
	*q = NULL;
}

/* rdr_evq_push without the by-value copy: the simulator posts identities
 * through this, so no extra copy of one is left on the stack. */
static bool evq_put(rdr_evq *q, const rdr_event *ev)
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
	pthread_mutex_unlock(&q->lock);
	return ok;
}

bool rdr_evq_push(rdr_evq *q, rdr_event ev)
{
	bool ok = evq_put(q, &ev);
	rdr_event_wipe(&ev); /* our copy of the caller's event */
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

struct rdr_sim {
	rdr_evq *q;
	bool present;
};

rdr_err rdr_sim_new(rdr_sim **out, rdr_evq *q)
{
	*out = calloc(1, sizeof **out);
	if (!*out)
		return RDR_ERR_NOMEM;
	(*out)->q = q;
	rdr_evq_push(q, (rdr_event){.type = RDR_EV_ATTACHED});
	return RDR_OK;
}

void rdr_sim_free(rdr_sim **s)
{
	if (!s || !*s)
		return;
	free(*s);
	*s = NULL;
}

/* Read the file at PATH into *EV: type IDENTITY or CARD_UNREADABLE with the
 * uid and identity filled in. On error *EV is all zeros. */
static rdr_err sim_read_card(const char *path, rdr_event *ev)
{
	rdr_event_wipe(ev);
	FILE *f = fopen(path, "rb");
	if (!f)
		return RDR_ERR_IO;
	char *buf = malloc(RDR_IMAGE_MAX + 1);
	if (!buf) {
		fclose(f);
		return RDR_ERR_NOMEM;
	}
	/* stdio's own buffer also saw the image: unbuffered, only BUF holds it. */
	setvbuf(f, NULL, _IONBF, 0);
	size_t n = fread(buf, 1, RDR_IMAGE_MAX + 1, f);
	bool bad = ferror(f);
	fclose(f);
	rdr_err e = RDR_OK;
	bool has_identity = false;
	if (bad)
		e = RDR_ERR_IO;
	else if (n > RDR_IMAGE_MAX)
		e = RDR_ERR_TOOBIG;
	else if (ktp_parse_image(buf, n, ev->uid, sizeof ev->uid, &ev->id, &has_identity) !=
		 KTP_OK)
		e = RDR_ERR_IMAGE;
	explicit_bzero(buf, n); /* card images hold personal data */
	free(buf);
	if (e != RDR_OK)
		rdr_event_wipe(ev);
	else
		ev->type = has_identity ? RDR_EV_IDENTITY : RDR_EV_CARD_UNREADABLE;
	return e;
}

rdr_err rdr_sim_insert(rdr_sim *s, const char *path)
{
	if (s->present)
		return RDR_ERR_STATE;
	rdr_event ev;
	rdr_err e = sim_read_card(path, &ev);
	if (e == RDR_OK) {
		s->present = true;
		rdr_evq_push(s->q, (rdr_event){.type = RDR_EV_CARD_PRESENT});
		evq_put(s->q, &ev);
	}
	rdr_event_wipe(&ev);
	return e;
}

void rdr_sim_remove(rdr_sim *s)
{
	if (!s->present)
		return;
	s->present = false;
	rdr_evq_push(s->q, (rdr_event){.type = RDR_EV_CARD_REMOVED});
}

bool rdr_sim_card_present(const rdr_sim *s) { return s->present; }
