/*
 * rdr: the card-reader seam the UI sees: reader events and the queue that
 * carries them from the reader thread (reader.h) to the UI thread.
 *
 * The reader thread produces events; the UI thread drains them without
 * ever blocking. The queue is bounded and
 * thread-safe; when it is full the oldest event is dropped and counted, since
 * a newer card state supersedes an older one.
 *
 * A card placed on the reader gives CARD_PRESENT, READING (progress), then
 * IDENTITY (its demographic data, ktp.h), CARD_UNREADABLE (only its UID:
 * no SAM, not a KTP-el...) or ERROR (the read failed: removed too soon,
 * reader unplugged, timeout...); CARD_REMOVED when it goes. Events carrying a card's data hold personal data: the queue
 * wipes every slot it pops or drops and everything left in it when freed,
 * and the consumer wipes its copy with rdr_event_wipe once it is used.
 */
#ifndef KIOSK_RDR_H
#define KIOSK_RDR_H

#include <stdbool.h>
#include <stddef.h>

#include "ktp.h"

typedef enum {
	RDR_OK = 0,
	RDR_ERR_NOMEM = -1,
	RDR_ERR_IO = -2,          /* the reader failed a transfer, or a thread could not start */
	RDR_ERR_TIMEOUT = -3,     /* the card or reader did not answer in time */
	RDR_ERR_CARD_GONE = -4,   /* the card was taken away before it was read */
	RDR_ERR_UNPLUGGED = -5,   /* the reader was unplugged during the read */
	RDR_ERR_UNSUPPORTED = -6, /* the reader or the card cannot be used (reader.h says why) */
	RDR_ERR_PROTOCOL = -7,    /* garbled answers the protocols could not recover from */
	RDR_ERR_CARD_MUTE = -8,   /* the card does not answer */
} rdr_err;

/* Why a card's data could not be read although its UID could. */
typedef enum {
	RDR_WHY_NONE = 0,
	RDR_WHY_NO_SAM,      /* the reader has no SAM (slot), or not the KTP-el one */
	RDR_WHY_NOT_KTP,     /* the card is not a KTP-el */
	RDR_WHY_AUTH,        /* the card refused the SAM's authentication */
	RDR_WHY_RECORD,      /* the record on the card is malformed */
	RDR_WHY_CARD_ERROR,  /* the card answered an unexpected status word */
} rdr_why;

/* "no SAM", ... for logs. Never NULL. */
const char *rdr_why_name(rdr_why w);

typedef enum {
	RDR_EV_ATTACHED,
	RDR_EV_DETACHED,
	RDR_EV_CARD_PRESENT,
	RDR_EV_CARD_REMOVED,
	RDR_EV_ERROR,
	RDR_EV_IDENTITY,         /* the card's demographic data was read: uid, id */
	RDR_EV_CARD_UNREADABLE,  /* a card's UID was read but not its data: uid, why */
	RDR_EV_READING,          /* a read is progressing: progress */
	RDR_EV_TYPES             /* how many types there are */
} rdr_event_type;

/*
 * One reader event, copied by value through the queue. Fields a type does
 * not use are zero ("" for uid). uid is the card's UID in upper-case hex, id its demographic data. CARD_PRESENT carries neither
 * (the real reader sees the card before it reads anything from it); a
 * dropped CARD_PRESENT (full queue) leaves IDENTITY or CARD_UNREADABLE,
 * which imply a card is present. An event of type IDENTITY holds personal
 * data: wipe it with rdr_event_wipe as soon as its data is copied where it
 * is needed, and never log uid or id.
 */
typedef struct rdr_event {
	rdr_event_type type;
	rdr_err error;           /* RDR_EV_ERROR only */
	rdr_why why;             /* CARD_UNREADABLE */
	int progress;            /* READING: 0..100 */
	char uid[KTP_UID_CAP];   /* IDENTITY, CARD_UNREADABLE */
	ktp_identity id;         /* IDENTITY */
} rdr_event;

/* "out of memory", "card removed during the read", ... for logs (never
 * card data). Never NULL. */
const char *rdr_err_name(rdr_err e);

/* Overwrite all of *EV with zeros (explicit_bzero; the type becomes 0).
 * EV may be NULL. */
void rdr_event_wipe(rdr_event *ev);

typedef struct rdr_evq rdr_evq;

/* A queue of CAP (> 0) events (about 1 KiB each). Returns RDR_OK, or
 * RDR_ERR_NOMEM with *OUT NULL. */
rdr_err rdr_evq_new(rdr_evq **out, size_t cap);
/* Wipes the events still queued and frees; sets *Q to NULL. Q or *Q may be
 * NULL. */
void rdr_evq_free(rdr_evq **q);
/* Copy *EV in. Never blocks. Returns false when the oldest event had to be
 * dropped (and wiped) to make room. The caller still owns, and wipes, *EV.
 * (By pointer: a struct passed by value leaves copies on the stack that the
 * callee cannot wipe, e.g. the caller's argument area under ASan.) */
bool rdr_evq_push(rdr_evq *q, const rdr_event *ev);
/* Copy the oldest event to *OUT and wipe its slot. Never blocks. Returns
 * false, with *OUT untouched, when the queue is empty. *OUT is the caller's
 * to wipe (rdr_event_wipe). */
bool rdr_evq_pop(rdr_evq *q, rdr_event *out);
/* Events dropped because the queue was full, since creation. */
size_t rdr_evq_dropped(rdr_evq *q);
/*
 * Call FN(CTX) after every push, on the pushing thread, outside the queue's
 * lock (the UI wakes its event loop with it). FN must be quick and must not
 * block; NULL removes it. Set it before the producer starts.
 */
void rdr_evq_set_notify(rdr_evq *q, void (*fn)(void *ctx), void *ctx);
/* Events pushed since creation. */
unsigned long rdr_evq_pushed(rdr_evq *q);
/*
 * Block until more than SEEN events have been pushed since creation, or
 * TIMEOUT_MS passed: true when they have. For tests and the scenario
 * runner, which wait for the reader thread; the UI thread's loop never
 * calls it.
 */
bool rdr_evq_wait(rdr_evq *q, unsigned long seen, int timeout_ms);

#endif
