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
 * reader_probe is the technician's check (kiosk --reader-test): the same
 * steps once, synchronously, printing what it finds without card data.
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

/*
 * The reader check: open the first reader on X, print its descriptor
 * facts, power the card in the card slot on, print its ATR and UID, try
 * the demographic record through the SAM and print whether it was read
 * (never its contents), and close. Waits up to WAIT_MS for a card. Writes
 * plain English lines to OUT. Returns 0 when the record was read, 1 when
 * the reader works but the card's record could not be read (UID only), 2
 * when no reader, no card or an error stopped it.
 */
int reader_probe(xport x, const reader_opts *opts, int wait_ms, FILE *out);

/* The descriptor facts a technician needs (version, slots, exchange level,
 * protocols, message size, IFSD, dwFeatures, clock, data rate), indented
 * lines to OUT. reader_probe and the USB listing print them. */
void reader_print_desc(FILE *out, const ccid_desc *d);

#endif
