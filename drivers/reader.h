/*
 * reader: the reader thread. It owns one transport (xport.h: libusb or the
 * simulator), finds the reader and follows it through hotplug, watches the
 * card slot (NotifySlotChange on the interrupt endpoint, GetSlotStatus
 * polling without one or as a fallback), and reads each card that arrives:
 * its UID, then its demographic record through the SAM (ktpcard.h). It
 * tells the UI thread everything through the event queue (rdr.h) and never
 * waits for it: the UI never blocks on the reader.
 *
 * Every operation on the reader has a deadline (opts.timeout_ms, 3 s by
 * default). A card removed or a reader unplugged in the middle of a read
 * fails that operation at once (the reader says so in its next reply, or
 * the transfer fails), so the UI hears of it well within a second; the
 * thread then waits for the card to go, or for the reader to come back.
 *
 * Card data lives on this thread only inside one read: the identity is
 * pushed into the queue and every local copy wiped (explicit_bzero).
 *
 * reader_probe_ex is the technician's check (kiosk --reader-test, kiosk
 * --diagnose): the same steps once, synchronously, as data; reader_probe
 * prints it.
 */
#ifndef KIOSK_READER_H
#define KIOSK_READER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ccid.h"
#include "rdr.h"
#include "xport.h"

typedef struct reader_opts {
	int timeout_ms;           /* each operation's deadline; 3000 when 0 */
	int poll_ms;              /* slot polling period without interrupts; 250 when 0 */
	int arrival_ms;           /* how often to look for a reader when none is open; 1000 when 0 */
	uint8_t card_slot;        /* 0 */
	uint8_t sam_slot;         /* 1; ignored when the reader has one slot */
} reader_opts;

/* A snapshot for diagnostics: no card data. */
typedef struct reader_status {
	bool attached;
	char name[XPORT_NAME_CAP];
	char path[XPORT_PATH_CAP];
	uint16_t vid, pid;
	bool desc_ok;             /* desc holds a parsed descriptor */
	ccid_desc desc;
	bool has_interrupt;
	bool has_sam_slot;
	bool card_present;
	char atr_hex[2 * 33 + 1]; /* the last card's ATR (not personal data) */
	const char *last_error;   /* a static English string, "" when none */
	const char *refused_why;  /* why the reader was refused, "" when it was not */
	unsigned long reads_ok, reads_unreadable, reads_failed;
	unsigned long attaches, detaches;
} reader_status;

typedef struct reader reader;

/*
 * Start the thread on transport X (borrowed: the caller frees it after
 * reader_stop) posting to Q (borrowed). OPTS may be NULL (defaults).
 * RDR_OK or RDR_ERR_NOMEM / RDR_ERR_IO (the thread could not start).
 */
rdr_err reader_start(reader **out, xport x, rdr_evq *q, const reader_opts *opts);

/*
 * Ask the thread to stop and join it; frees; *R NULL. R or *R may be NULL.
 * Returns within half a second when the thread is waiting for a card or a
 * reader (it waits in slices of that length, as neither libusb's
 * synchronous transfers nor the simulator's can be cancelled from another
 * thread), and within the longest single operation (opts.timeout_ms) in
 * the worst case.
 */
void reader_stop(reader **r);

/*
 * Read the card on the reader again, as if it had just been placed there
 * (no-op without one). The identify step asks for this when it opens with
 * a card already lying on the reader: the earlier read came before the
 * citizen's consent, and its data was not kept. Never blocks.
 */
void reader_request_read(reader *r);

/* A consistent copy of the thread's view. */
void reader_get_status(reader *r, reader_status *out);

/* How far the reader check got (reader_probe_ex). */
typedef enum reader_probe_end {
	READER_PROBE_NO_READER,   /* no reader could be opened: open_err */
	READER_PROBE_UNSUPPORTED, /* the reader was opened but refused: unsupported */
	READER_PROBE_NO_CARD,     /* no card came within the wait (slot_error when the
				     slot could not even be asked) */
	READER_PROBE_NO_POWER,    /* the card did not answer power-on: power_error */
	READER_PROBE_DONE,        /* the card was powered: atr_hex, uid_*, sam, record_* */
} reader_probe_end;

/* What the SAM slot held during the check. */
typedef enum reader_probe_sam {
	READER_PROBE_SAM_NO_SLOT, /* the reader has one slot */
	READER_PROBE_SAM_ABSENT,  /* the slot is empty or the SAM does not answer */
	READER_PROBE_SAM_PRESENT,
} reader_probe_sam;

/*
 * The reader check's findings, field by field as far as END says it got.
 * Every text is a static English string (never card data). UID is the
 * card's UID: reader_probe prints it for the technician, but reports and
 * logs must not carry it; wipe it (explicit_bzero) once done.
 */
typedef struct reader_probe_result {
	reader_probe_end end;
	xport_err open_err;           /* NO_READER: why */
	xport_info info;              /* from UNSUPPORTED on: the reader's name, ids, path */
	bool desc_ok;                 /* DESC holds the reader's parsed CCID descriptor */
	ccid_desc desc;
	const char *unsupported;      /* UNSUPPORTED: why */
	const char *slot_error;       /* NO_CARD: the slot status error, NULL when simply empty */
	const char *power_error;      /* NO_POWER: why */
	char atr_hex[2 * 33 + 1];     /* DONE: the card's ATR (ATR_MAX bytes at most), upper-case hex */
	const char *protocol;         /* DONE: "T=1", "T=0" or "APDU level" */
	bool uid_read;                /* DONE: UID holds the card's UID */
	char uid[2 * 10 + 1];         /* KTP_UID_CAP */
	const char *uid_error;        /* DONE and !uid_read: why */
	reader_probe_sam sam;         /* DONE */
	bool record_read;             /* DONE: the demographic record was read (and wiped) */
	/* DONE and !record_read, as the reader thread counts it: a transport
	 * failure (RECORD_ERR, e.g. the card was removed) is a failed read;
	 * otherwise RECORD_WHY says why only the UID could be read. */
	rdr_err record_err;
	rdr_why record_why;
	const char *record_error;     /* DONE and !record_read: ktpcard's name of the failure */
	const char *record_step;      /* DONE and !record_read: the profile step, or NULL */
} reader_probe_result;

/*
 * The reader check, as data: open the first reader on X, parse its
 * descriptor, wait up to WAIT_MS for a card in the card slot, power it on,
 * read its ATR and UID, try the demographic record through the SAM (its
 * contents are wiped at once: the check says whether, never what), and
 * close the reader. Blocks for the wait plus a few operations of
 * opts.timeout_ms each. OPTS may be NULL (defaults). *OUT (OUT, not NULL)
 * is zeroed first and filled as far as the check got.
 * Returns 0 when the record was read, 1 when the reader works but the
 * card's record could not be read (UID only), 2 when no reader, no card or
 * an error stopped it.
 */
int reader_probe_ex(xport x, const reader_opts *opts, int wait_ms, reader_probe_result *out);

/*
 * The same check printed (kiosk --reader-test): the reader, its
 * descriptor facts, the ATR, the UID, the SAM and whether the record was
 * read, as plain English lines to OUT. Returns reader_probe_ex's code.
 */
int reader_probe(xport x, const reader_opts *opts, int wait_ms, FILE *out);

/* The descriptor facts a technician needs (version, slots, exchange level,
 * protocols, message size, IFSD, dwFeatures, clock, data rate), indented
 * lines to OUT. reader_probe and the USB listing print them. */
void reader_print_desc(FILE *out, const ccid_desc *d);

#endif
