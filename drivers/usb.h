/*
 * usb: the libusb backend of the transport seam (xport.h). It finds CCID
 * readers by interface class 0x0B (and, when configured, only those whose
 * VID:PID is on the allow list), reads their CCID class descriptor, detaches
 * a kernel driver that holds the interface, claims it, and moves bytes on
 * its bulk and interrupt endpoints with libusb's synchronous calls, each
 * bounded by the caller's deadline. Arrival is learnt through
 * libusb_hotplug_register_callback where libusb supports it, and by polling
 * otherwise. The only file that includes libusb.h.
 *
 * A reader is altsetting 0 of an interface of a device's active
 * configuration that has a bulk IN and a bulk OUT endpoint and is either
 * class 0x0B, or vendor class 0xFF carrying a whole 54-byte CCID class
 * descriptor (pre-standard readers; libccid accepts them too). The class
 * descriptor (type 0x21) is looked for in the interface's extra bytes,
 * then the endpoints', then the configuration's (some readers misplace
 * it); a class 0x0B interface without one is still opened, with
 * info.ccid_desc_len 0 or short, for ccid_open to refuse with a reason.
 * info.path is "usb:BBB:DDD" (bus and device number, as lsusb prints them).
 *
 * Threads: as xport.h says, one thread makes all calls. libusb runs the
 * hotplug callback inside event handling on that same thread (during
 * wait_arrival or a transfer); it only raises a flag, so an arrival seen
 * during a transfer makes the next wait_arrival return true at once.
 * Transfers: bulk_read and intr_read with CAP 0 or a NULL buffer abort
 * (programmer errors); so does bulk_write of more than INT_MAX bytes. A
 * reader that sends more than CAP bytes gets XPORT_ERR_IO (overflow).
 * open and usb_list read string descriptors, which libusb bounds at 1 s
 * each; they are not bounded by a caller's deadline.
 */
#ifndef KIOSK_USB_H
#define KIOSK_USB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xport.h"

enum { USB_ALLOW_MAX = 8, USB_LIST_MAX = 16, USB_CCID_CLASS = 0x0B };

typedef struct usb_id {
	uint16_t vid, pid;
} usb_id;

typedef struct usb usb;

/*
 * A backend allowing the N_ALLOW readers in ALLOW (N_ALLOW 0: any CCID
 * reader; ALLOW is copied). Initialises its own libusb context and
 * registers for hotplug when it can. XPORT_OK, XPORT_ERR_NOMEM, or
 * XPORT_ERR_IO when libusb cannot start; *OUT is NULL on failure. A machine
 * with no USB bus may also start fine and simply find nothing (libusb
 * 1.0.26 on Linux does): open then says XPORT_ERR_NOT_FOUND. OUT NULL,
 * N_ALLOW > USB_ALLOW_MAX, or ALLOW NULL with N_ALLOW > 0 abort.
 */
xport_err usb_new(usb **out, const usb_id *allow, size_t n_allow);
/* Closes the reader, deregisters hotplug, exits libusb; *U NULL. U or *U
 * may be NULL. The ops' free does the same for its CTX. */
void usb_free(usb **u);
/* The transport of U (ctx = U, ops.name "usb"): valid until usb_free. */
xport usb_xport(usb *u);
/* Whether libusb reported hotplug support (else arrival is polled). */
bool usb_has_hotplug(const usb *u);

/*
 * For the reader check: every reader interface on the bus (as open would
 * see it), allowed or not, with its descriptor facts (INFO[i].ccid_desc)
 * without claiming anything. ALLOWED[i] says whether the allow list admits
 * it. Names are read by opening the device without claiming it; when that
 * is not permitted INFO[i].name is "vvvv:pppp". A device with two reader
 * interfaces is listed twice, with the same path. Returns how many were
 * found (at most CAP; the rest are not reported), or a negative xport_err
 * (XPORT_ERR_NOMEM, XPORT_ERR_IO: the bus cannot be listed). INFO and
 * ALLOWED may be NULL only when CAP is 0; U NULL aborts.
 */
int usb_list(usb *u, xport_info *info, bool *allowed, size_t cap);

#endif
