/*
 * xport: the transport seam under the CCID layer. A reader is reached
 * through an ops table (open, close, bulk write, bulk read, interrupt read,
 * and a wait for a reader to arrive), each call bounded by a deadline. Two
 * backends implement it: libusb (usb.h, real USB CCID readers) and the
 * simulator (ccidsim.h, a reader emulated down to its CCID bytes). The
 * layers above (ccid.h and up) see only this header and cannot tell them
 * apart.
 *
 * Deadlines are absolute times in milliseconds on the monotonic clock
 * (xport_now_ms). A call never blocks past its deadline (plus scheduling
 * noise); a deadline already past makes a read poll once. One backend
 * serves at most one open reader at a time (a kiosk has one reader); its
 * calls are made from one thread, the reader thread, except where a
 * backend's own header says otherwise.
 */
#ifndef KIOSK_XPORT_H
#define KIOSK_XPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	XPORT_OK = 0,
	XPORT_ERR_TIMEOUT = -1,     /* the deadline passed first */
	XPORT_ERR_GONE = -2,        /* the reader was unplugged (or is not open) */
	XPORT_ERR_IO = -3,          /* a transfer failed otherwise (stall, overflow, babble) */
	XPORT_ERR_NOMEM = -4,
	XPORT_ERR_ACCESS = -5,      /* open: no permission, or the interface is held elsewhere */
	XPORT_ERR_NOT_FOUND = -6,   /* open: no (allowed) reader is plugged in */
	XPORT_ERR_UNSUPPORTED = -7, /* no interrupt endpoint, no hotplug, ... */
} xport_err;

/* "timeout", "reader unplugged", ... for logs. Never NULL. */
const char *xport_err_name(xport_err e);

/* Now on CLOCK_MONOTONIC, in milliseconds. */
int64_t xport_now_ms(void);
/* xport_now_ms() + MS. */
int64_t xport_deadline_in(int64_t ms);

enum {
	XPORT_CCID_DESC_LEN = 54, /* the CCID class descriptor, bLength 0x36 */
	XPORT_NAME_CAP = 96,
	XPORT_PATH_CAP = 32,
};

/*
 * What a backend learns about a reader when it opens it. ccid_desc is the
 * raw CCID class descriptor (bDescriptorType 0x21) of the claimed interface,
 * parsed by ccid_desc_parse (ccid.h); ccid_desc_len is its length as found
 * (54 for a well-formed one, 0 when absent).
 */
typedef struct xport_info {
	uint16_t vid, pid;
	char name[XPORT_NAME_CAP];   /* "<manufacturer> <product>", or "VID:PID" */
	char path[XPORT_PATH_CAP];   /* "usb:BUS:ADDR", or "sim" */
	uint8_t ccid_desc[XPORT_CCID_DESC_LEN];
	size_t ccid_desc_len;
	bool has_interrupt;          /* an interrupt IN endpoint (NotifySlotChange) */
	size_t max_packet;           /* bulk IN wMaxPacketSize */
} xport_info;

/*
 * A backend. CTX is the backend's own state (usb_new, ccidsim_new).
 *
 * open         Find the first available reader (for usb: interface class
 *              0x0B, allowed by the VID:PID list when there is one), claim
 *              it and fill *INFO. XPORT_ERR_NOT_FOUND when none is plugged
 *              in; XPORT_ERR_ACCESS when one is found but cannot be
 *              claimed. Opening an open backend closes the old reader first.
 * close        Release the reader (no-op when none is open). Never fails.
 * bulk_write   Send all LEN bytes to the bulk OUT endpoint, or fail.
 * bulk_read    Receive one transfer (at most CAP bytes; a CCID reply is one
 *              transfer, ended by a short packet) into BUF; *GOT its length.
 *              XPORT_ERR_TIMEOUT when nothing came before the deadline.
 * intr_read    The same on the interrupt IN endpoint; XPORT_ERR_UNSUPPORTED
 *              when the reader has none (info.has_interrupt false).
 * wait_arrival Block until a reader may have been plugged in, or the
 *              deadline: true when something changed (hotplug), false on the
 *              deadline. A backend without hotplug sleeps until the deadline
 *              and returns true, so callers poll open at that pace.
 * free         Close and free CTX.
 *
 * After XPORT_ERR_GONE the reader is unusable: the caller closes it and
 * waits for arrival. On any error the transfer's data is lost, no more.
 */
typedef struct xport_ops {
	const char *name; /* "usb", "sim" */
	xport_err (*open)(void *ctx, xport_info *info);
	void (*close)(void *ctx);
	xport_err (*bulk_write)(void *ctx, const uint8_t *buf, size_t len, int64_t deadline_ms);
	xport_err (*bulk_read)(void *ctx, uint8_t *buf, size_t cap, size_t *got,
			       int64_t deadline_ms);
	xport_err (*intr_read)(void *ctx, uint8_t *buf, size_t cap, size_t *got,
			       int64_t deadline_ms);
	bool (*wait_arrival)(void *ctx, int64_t deadline_ms);
	void (*free)(void *ctx);
} xport_ops;

/* A backend instance: its ops and its state, passed around by value. */
typedef struct xport {
	const xport_ops *ops;
	void *ctx;
} xport;

#endif
