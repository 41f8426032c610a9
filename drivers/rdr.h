/*
 * rdr: the card-reader seam the UI sees: reader events and the queue that
 * carries them from the reader's side to the UI thread.
 *
 * The reader (the simulator now, libusb CCID with issue 4) produces events;
 * the UI thread drains them without ever blocking. The queue is bounded and
 * thread-safe; when it is full the oldest event is dropped and counted, since
 * a newer card state supersedes an older one.
 *
 * A card placed on the reader gives CARD_PRESENT, then IDENTITY (its
 * demographic data, ktp.h) or CARD_UNREADABLE (only its UID: no SAM, or a
 * read error). Events carrying a card's data hold personal data: the queue
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
	RDR_ERR_IO = -2,     /* a card image could not be read */
	RDR_ERR_TOOBIG = -3, /* a card image is larger than RDR_IMAGE_MAX */
	RDR_ERR_STATE = -4,  /* e.g. a card inserted while one is present */
	RDR_ERR_IMAGE = -5,  /* a card image is malformed (ktp_parse_image refused it) */
} rdr_err;

enum { RDR_IMAGE_MAX = 64 * 1024 };

typedef enum {
	RDR_EV_ATTACHED,
	RDR_EV_DETACHED,
	RDR_EV_CARD_PRESENT,
	RDR_EV_CARD_REMOVED,
	RDR_EV_ERROR,
	RDR_EV_IDENTITY,         /* the card's demographic data was read: uid, id */
	RDR_EV_CARD_UNREADABLE,  /* a card's UID was read but not its data: uid */
} rdr_event_type;

/*
 * One reader event, copied by value through the queue. Fields a type does
 * not use are zero ("" for uid). uid is the card's UID in upper-case hex
 * (ktp_parse_image), id its demographic data. CARD_PRESENT carries neither
 * (the real reader sees the card before it reads anything from it); a
 * dropped CARD_PRESENT (full queue) leaves IDENTITY or CARD_UNREADABLE,
 * which imply a card is present. An event of type IDENTITY holds personal
 * data: wipe it with rdr_event_wipe as soon as its data is copied where it
 * is needed, and never log uid or id.
 */
typedef struct rdr_event {
	rdr_event_type type;
	rdr_err error; /* RDR_EV_ERROR only */
	char uid[KTP_UID_CAP];   /* IDENTITY, CARD_UNREADABLE */
	ktp_identity id;         /* IDENTITY */
} rdr_event;

/* "no memory", "cannot read card image", ... for logs (never card data). */
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
/* Copy EV in. Never blocks. Returns false when the oldest event had to be
 * dropped (and wiped) to make room. The caller still owns, and wipes, EV. */
bool rdr_evq_push(rdr_evq *q, rdr_event ev);
/* Copy the oldest event to *OUT and wipe its slot. Never blocks. Returns
 * false, with *OUT untouched, when the queue is empty. *OUT is the caller's
 * to wipe (rdr_event_wipe). */
bool rdr_evq_pop(rdr_evq *q, rdr_event *out);
/* Events dropped because the queue was full, since creation. */
size_t rdr_evq_dropped(rdr_evq *q);

/*
 * The simulated reader: "inserting" a card reads a card image file (format:
 * ktp_parse_image), posts CARD_PRESENT and then IDENTITY (an image with
 * demographic data) or CARD_UNREADABLE (a uid-only image, like a reader
 * without a SAM); removing it posts CARD_REMOVED. The image is wiped and
 * freed as soon as it is parsed: the simulator keeps no card data.
 */
typedef struct rdr_sim rdr_sim;

/* A simulator posting to Q (borrowed). Posts RDR_EV_ATTACHED. */
rdr_err rdr_sim_new(rdr_sim **out, rdr_evq *q);
/* Frees (the simulator holds no card data); sets *S to NULL. S or *S may be
 * NULL. The card, if any, is not "removed": no event is posted. */
void rdr_sim_free(rdr_sim **s);
/*
 * Insert the card whose image is at PATH. Blocks on reading the file (a
 * test and script tool: the real reader has its own thread). Returns RDR_OK
 * after posting CARD_PRESENT and IDENTITY or CARD_UNREADABLE; otherwise
 * nothing is posted and nothing changes (no card, or the one present):
 *   RDR_ERR_STATE   a card is present already (it stays);
 *   RDR_ERR_IO      the file cannot be opened or read;
 *   RDR_ERR_TOOBIG  the file is larger than RDR_IMAGE_MAX;
 *   RDR_ERR_IMAGE   ktp_parse_image refused the image (any ktp_err);
 *   RDR_ERR_NOMEM.
 */
rdr_err rdr_sim_insert(rdr_sim *s, const char *path);
/* Remove the card (no-op without one). */
void rdr_sim_remove(rdr_sim *s);
bool rdr_sim_card_present(const rdr_sim *s);

#endif
