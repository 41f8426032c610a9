/*
 * usb_internal: the pure half of the libusb backend (usb.c), exposed for
 * tests/test_usb.c only. Nothing here touches libusb or a device: finding
 * the CCID class descriptor among the raw descriptor bytes libusb hands
 * over, deciding whether an interface is a reader, the VID:PID allow list,
 * the libusb timeout for a deadline, the mapping of libusb's error codes,
 * and the reader's display name. libusb's types stay out of this header
 * (usb.c is the only file that includes libusb.h); its error codes are
 * passed as plain ints, their values fixed by libusb's ABI.
 */
#ifndef KIOSK_USB_INTERNAL_H
#define KIOSK_USB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "usb.h"
#include "xport.h"

enum {
	USB_DT_CCID = 0x21,            /* CCID 1.1 5.1: bDescriptorType of the class descriptor */
	USB_CLASS_VENDOR = 0xFF,       /* vendor-specific interface class */
	USB_TIMEOUT_MIN_MS = 1,        /* libusb reads a timeout of 0 as "wait forever" */
};

/* N bytes of concatenated descriptors (bLength, bDescriptorType, ...), as
 * in libusb's interface, endpoint and configuration "extra" fields. */
typedef struct usb_desc_span {
	const uint8_t *p; /* may be NULL when n is 0 */
	size_t n;
} usb_desc_span;

/*
 * Find the CCID class descriptor in the N_SPANS spans, searched in order
 * (usb.c passes the interface's extra bytes, then each endpoint's, then the
 * configuration's: some readers misplace it, libccid's O2MICRO_OZ776_PATCH).
 * Each span is walked descriptor by descriptor; a bLength below 2 or past
 * the span's end stops that span's walk.
 *
 * The first descriptor of type 0x21 with bLength >= 54 whose first 54
 * bytes lie in its span wins: they go to OUT and 54 is returned. Failing
 * that, the first type-0x21 descriptor seen (bLength < 54, or cut short by
 * the span's end before byte 54) is copied as far as it goes and its
 * length returned (2..53), so that ccid_desc_parse reports a malformed
 * descriptor rather than none. 0 when no type-0x21 descriptor is there.
 * OUT's bytes past the returned length are zero. Pure; SPANS may be NULL
 * when N_SPANS is 0; a NULL OUT aborts.
 */
size_t usb_ccid_desc_find(const usb_desc_span *spans, size_t n_spans,
			  uint8_t out[XPORT_CCID_DESC_LEN]);

/*
 * Whether an interface of class CLS whose class descriptor was found with
 * DESC_LEN bytes (usb_ccid_desc_find) is a reader: class 0x0B always (a
 * missing or bad descriptor is then ccid_open's to report); vendor class
 * 0xFF only with a whole 54-byte descriptor, as the pre-standard readers
 * libccid accepts have (libccid's ALLOW_PROPRIETARY_CLASS trusts its VID:PID
 * list instead; the kiosk has none, and a vendor interface without that
 * descriptor is some other gadget). Anything else: false.
 */
bool usb_is_ccid(uint8_t cls, size_t desc_len);

/* Whether VID:PID is on the N_ALLOW-entry list ALLOW; N_ALLOW 0 admits
 * every reader. ALLOW may be NULL when N_ALLOW is 0. */
bool usb_id_allowed(const usb_id *allow, size_t n_allow, uint16_t vid, uint16_t pid);

/* The libusb timeout for a transfer that must end by DEADLINE_MS when it is
 * NOW_MS: the time left, at least USB_TIMEOUT_MIN_MS (a past deadline polls
 * once: libusb takes 0 as infinite), at most UINT_MAX. */
unsigned usb_timeout_ms(int64_t deadline_ms, int64_t now_ms);

/* A libusb error code (enum libusb_error, negative) from a transfer as an
 * xport_err: TIMEOUT -> XPORT_ERR_TIMEOUT, NO_DEVICE -> XPORT_ERR_GONE,
 * NO_MEM -> XPORT_ERR_NOMEM, anything else (PIPE, OVERFLOW, IO, ...) ->
 * XPORT_ERR_IO. 0 -> XPORT_OK. */
xport_err usb_xfer_err(int libusb_err);

/* The same for opening and claiming: ACCESS and BUSY -> XPORT_ERR_ACCESS,
 * NO_DEVICE and NOT_FOUND (the reader went between the listing and the
 * open) -> XPORT_ERR_NOT_FOUND, NO_MEM -> XPORT_ERR_NOMEM, anything else
 * -> XPORT_ERR_IO. 0 -> XPORT_OK. */
xport_err usb_open_err(int libusb_err);

/*
 * The display name of a reader into OUT: "<manufacturer> <product>" from
 * its string descriptors MFR and PRODUCT (either may be NULL or empty:
 * unreadable or absent), each trimmed of blanks, with control and non-ASCII
 * bytes shown as '?'. When PRODUCT already starts with the manufacturer's
 * name ("ACS" / "ACS ACR122U") the product alone. Neither readable:
 * "vvvv:pppp" in lowercase hexadecimal, as lsusb prints it. Truncated to
 * fit. Pure; a NULL OUT aborts.
 */
void usb_format_name(char out[XPORT_NAME_CAP], const char *mfr, const char *product,
		     uint16_t vid, uint16_t pid);

#endif
