/*
 * rdr: the card-reader seam the UI sees: reader events and the queue that
 * carries them from the reader's side to the UI thread.
 *
 * The reader (the simulator now, libusb CCID with issue 4) produces events;
 * the UI thread drains them without ever blocking. The queue is bounded and
 * thread-safe; when it is full the oldest event is dropped and counted, since
 * a newer card state supersedes an older one.
 */
#ifndef KIOSK_RDR_H
#define KIOSK_RDR_H

#include <stdbool.h>
#include <stddef.h>

typedef enum {
	RDR_OK = 0,
	RDR_ERR_NOMEM = -1,
	RDR_ERR_IO = -2,     /* a card image could not be read */
	RDR_ERR_TOOBIG = -3, /* a card image is larger than RDR_IMAGE_MAX */
	RDR_ERR_STATE = -4,  /* e.g. a card inserted while one is present */
} rdr_err;

enum { RDR_IMAGE_MAX = 64 * 1024 };

typedef enum {
	RDR_EV_ATTACHED,
	RDR_EV_DETACHED,
	RDR_EV_CARD_PRESENT,
	RDR_EV_CARD_REMOVED,
	RDR_EV_ERROR,
} rdr_event_type;

typedef struct rdr_event {
	rdr_event_type type;
	rdr_err error; /* RDR_EV_ERROR only */
} rdr_event;

/* "no memory", "cannot read card image", ... for logs (never card data). */
const char *rdr_err_name(rdr_err e);

typedef struct rdr_evq rdr_evq;

/* A queue of CAP (> 0) events. Returns RDR_OK or RDR_ERR_NOMEM. */
rdr_err rdr_evq_new(rdr_evq **out, size_t cap);
void rdr_evq_free(rdr_evq **q);
/* Never blocks. Returns false when an older event had to be dropped. */
bool rdr_evq_push(rdr_evq *q, rdr_event ev);
/* Never blocks. Returns false when the queue is empty. */
bool rdr_evq_pop(rdr_evq *q, rdr_event *out);
/* Events dropped because the queue was full, since creation. */
size_t rdr_evq_dropped(rdr_evq *q);

/*
 * The simulated reader: "inserting" a card loads a card image file (its
 * format and contents arrive with issue 4) and posts CARD_PRESENT; removing
 * it wipes the image and posts CARD_REMOVED.
 */
typedef struct rdr_sim rdr_sim;

/* A simulator posting to Q (borrowed). Posts RDR_EV_ATTACHED. */
rdr_err rdr_sim_new(rdr_sim **out, rdr_evq *q);
/* Wipes any card image and frees; sets *S to NULL. */
void rdr_sim_free(rdr_sim **s);
/* Load the card image at PATH. RDR_ERR_STATE if a card is present already,
 * RDR_ERR_IO / RDR_ERR_TOOBIG if the file cannot be used (nothing changes). */
rdr_err rdr_sim_insert(rdr_sim *s, const char *path);
/* Remove the card (no-op without one). */
void rdr_sim_remove(rdr_sim *s);
bool rdr_sim_card_present(const rdr_sim *s);

#endif
