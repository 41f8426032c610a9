/*
 * usb: the libusb backend of the transport seam (see usb.h).
 *
 * Each backend owns its own libusb context (never libusb's default one, so
 * that two backends, or a test and the kiosk, cannot meet inside libusb).
 * Readers are found by walking altsetting 0 of every interface of each
 * device's active configuration: only there can an interface be claimed
 * without reconfiguring the device under whatever else uses it, and it is
 * where libccid looks too. A reader interface is class 0x0B, or vendor
 * class 0xFF with a whole CCID class descriptor (usb_is_ccid), with a bulk
 * IN and a bulk OUT endpoint; the interrupt IN endpoint is optional. All
 * transfers are libusb's synchronous calls with a timeout computed from the
 * caller's deadline; the hotplug callback, which libusb runs inside event
 * handling on this backend's thread, only raises a flag that wait_arrival
 * looks at. The pure decisions live in functions declared in
 * usb_internal.h, where tests/test_usb.c reaches them without a device.
 * This file moves no card data of its own: the transfer buffers are the
 * caller's, and the caller wipes them.
 */
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

#include <libusb.h>

#include "usb.h"
#include "usb_internal.h"

_Static_assert((int)USB_CCID_CLASS == (int)LIBUSB_CLASS_SMART_CARD,
	       "CCID is libusb's smart card class");
_Static_assert((int)USB_CLASS_VENDOR == (int)LIBUSB_CLASS_VENDOR_SPEC, "0xFF is the vendor class");

enum {
	/* A string descriptor holds at most 126 UTF-16 units (bLength <= 255,
	 * USB 2.0 9.6.7); libusb's ASCII reading makes one byte of each. */
	STRING_CAP = 128,
	/* The spans searched for the class descriptor: the interface's extra
	 * bytes, up to 30 endpoints' (15 IN and 15 OUT), the configuration's. */
	SPANS_MAX = 1 + 30 + 1,
	/* wMaxPacketSize bits 0-10; bits 11-12 are the high-bandwidth
	 * multiplier of isochronous and interrupt endpoints (USB 2.0 9.6.6). */
	MAX_PACKET_MASK = 0x07FF,
};

struct usb {
	libusb_context *ctx;
	usb_id allow[USB_ALLOW_MAX];
	size_t n_allow;
	bool hotplug;                      /* cb is registered */
	libusb_hotplug_callback_handle cb;
	atomic_bool arrived;               /* raised by on_hotplug, taken by wait_arrival */

	/* The open reader; h is NULL when none is. */
	libusb_device_handle *h;
	int iface;                         /* its bInterfaceNumber */
	bool reattach;                     /* a kernel driver was detached by hand */
	unsigned char ep_in, ep_out, ep_intr;
	bool has_intr;
};

/* A reader interface found by scan. */
typedef struct found {
	libusb_device *dev;                /* borrowed from the device list */
	struct libusb_device_descriptor dd;
	int iface;
	unsigned char ep_in, ep_out, ep_intr;
	bool has_intr;
	size_t max_packet;
	uint8_t desc[XPORT_CCID_DESC_LEN];
	size_t desc_len;
} found;

/* ---- the pure half (usb_internal.h) ------------------------------------- */

size_t usb_ccid_desc_find(const usb_desc_span *spans, size_t n_spans,
			  uint8_t out[XPORT_CCID_DESC_LEN])
{
	if (!out || (n_spans > 0 && !spans))
		abort();
	memset(out, 0, XPORT_CCID_DESC_LEN);
	size_t cand = 0; /* the length of the first malformed one, copied to OUT */
	for (size_t s = 0; s < n_spans; s++) {
		const uint8_t *p = spans[s].p;
		size_t n = spans[s].n;
		if (!p && n > 0)
			abort();
		size_t o = 0;
		while (n - o >= 2) {
			size_t len = p[o];
			if (len < 2)
				break; /* cannot step over it: the rest is unreadable */
			size_t avail = n - o < len ? n - o : len;
			if (p[o + 1] == USB_DT_CCID) {
				if (len >= XPORT_CCID_DESC_LEN && avail >= XPORT_CCID_DESC_LEN) {
					memcpy(out, p + o, XPORT_CCID_DESC_LEN);
					return XPORT_CCID_DESC_LEN;
				}
				if (cand == 0) {
					cand = avail < XPORT_CCID_DESC_LEN ? avail
						: XPORT_CCID_DESC_LEN;
					memcpy(out, p + o, cand);
				}
			}
			if (len > n - o)
				break; /* cut short by the span's end */
			o += len;
		}
	}
	return cand;
}

bool usb_is_ccid(uint8_t cls, size_t desc_len)
{
	if (cls == USB_CCID_CLASS)
		return true;
	return cls == USB_CLASS_VENDOR && desc_len == XPORT_CCID_DESC_LEN;
}

bool usb_id_allowed(const usb_id *allow, size_t n_allow, uint16_t vid, uint16_t pid)
{
	if (n_allow == 0)
		return true;
	if (!allow)
		abort();
	for (size_t i = 0; i < n_allow; i++)
		if (allow[i].vid == vid && allow[i].pid == pid)
			return true;
	return false;
}

unsigned usb_timeout_ms(int64_t deadline_ms, int64_t now_ms)
{
	if (deadline_ms <= now_ms)
		return USB_TIMEOUT_MIN_MS;
	/* The true difference is positive and below 2^64: unsigned arithmetic
	 * gets it without the signed overflow of extreme arguments. */
	uint64_t left = (uint64_t)deadline_ms - (uint64_t)now_ms;
	if (left > UINT_MAX)
		return UINT_MAX;
	return left < USB_TIMEOUT_MIN_MS ? USB_TIMEOUT_MIN_MS : (unsigned)left;
}

xport_err usb_xfer_err(int libusb_err)
{
	switch (libusb_err) {
	case LIBUSB_SUCCESS: return XPORT_OK;
	case LIBUSB_ERROR_TIMEOUT: return XPORT_ERR_TIMEOUT;
	case LIBUSB_ERROR_NO_DEVICE: return XPORT_ERR_GONE;
	case LIBUSB_ERROR_NO_MEM: return XPORT_ERR_NOMEM;
	default: return XPORT_ERR_IO; /* PIPE, OVERFLOW, IO, INTERRUPTED, OTHER, ... */
	}
}

xport_err usb_open_err(int libusb_err)
{
	switch (libusb_err) {
	case LIBUSB_SUCCESS: return XPORT_OK;
	case LIBUSB_ERROR_ACCESS:
	case LIBUSB_ERROR_BUSY: return XPORT_ERR_ACCESS;
	case LIBUSB_ERROR_NO_DEVICE:
	case LIBUSB_ERROR_NOT_FOUND: return XPORT_ERR_NOT_FOUND;
	case LIBUSB_ERROR_NO_MEM: return XPORT_ERR_NOMEM;
	default: return XPORT_ERR_IO;
	}
}

/* S trimmed of blanks and control bytes at both ends, with control and
 * non-ASCII bytes inside shown as '?', into DST (CAP bytes, truncated).
 * Returns its length; S NULL gives "". */
static size_t clean_string(char *dst, size_t cap, const char *s)
{
	dst[0] = '\0';
	if (!s)
		return 0;
	const unsigned char *b = (const unsigned char *)s;
	size_t n = strlen(s);
	while (n > 0 && b[0] <= ' ') {
		b++;
		n--;
	}
	while (n > 0 && b[n - 1] <= ' ')
		n--;
	if (n >= cap)
		n = cap - 1;
	for (size_t i = 0; i < n; i++)
		dst[i] = (b[i] < ' ' || b[i] >= 0x7F) ? '?' : (char)b[i];
	dst[n] = '\0';
	return n;
}

void usb_format_name(char out[XPORT_NAME_CAP], const char *mfr, const char *product,
		     uint16_t vid, uint16_t pid)
{
	if (!out)
		abort();
	char m[XPORT_NAME_CAP], p[XPORT_NAME_CAP];
	size_t mn = clean_string(m, sizeof m, mfr);
	size_t pn = clean_string(p, sizeof p, product);
	/* Many products repeat the maker ("ACS" / "ACS ACR122U PICC
	 * Interface"): say it once. */
	bool repeats = mn > 0 && pn >= mn && strncasecmp(p, m, mn) == 0 &&
		       (p[mn] == ' ' || p[mn] == '\0');
	int r;
	if (mn > 0 && pn > 0 && !repeats)
		r = snprintf(out, XPORT_NAME_CAP, "%s %s", m, p);
	else if (pn > 0)
		r = snprintf(out, XPORT_NAME_CAP, "%s", p);
	else if (mn > 0)
		r = snprintf(out, XPORT_NAME_CAP, "%s", m);
	else
		r = snprintf(out, XPORT_NAME_CAP, "%04x:%04x", (unsigned)vid, (unsigned)pid);
	if (r < 0)
		out[0] = '\0'; /* cannot happen with these formats */
}

/* ---- finding readers ----------------------------------------------------- */

/* libusb's extra bytes (int length) as a span. */
static usb_desc_span extra_span(const unsigned char *p, int n)
{
	return (usb_desc_span){p, n > 0 && p ? (size_t)n : 0};
}

/*
 * Whether interface K of CFG is a reader (see the file comment); fills the
 * interface, endpoint and descriptor fields of *F.
 */
static bool reader_interface(const struct libusb_config_descriptor *cfg, int k, found *f)
{
	const struct libusb_interface *itf = &cfg->interface[k];
	if (itf->num_altsetting < 1 || !itf->altsetting)
		return false;
	const struct libusb_interface_descriptor *alt = &itf->altsetting[0];
	if (alt->bInterfaceClass != USB_CCID_CLASS && alt->bInterfaceClass != USB_CLASS_VENDOR)
		return false;

	usb_desc_span spans[SPANS_MAX];
	size_t ns = 0;
	spans[ns++] = extra_span(alt->extra, alt->extra_length);
	for (int e = 0; alt->endpoint && e < alt->bNumEndpoints && ns < SPANS_MAX - 1; e++)
		spans[ns++] = extra_span(alt->endpoint[e].extra, alt->endpoint[e].extra_length);
	spans[ns++] = extra_span(cfg->extra, cfg->extra_length);
	f->desc_len = usb_ccid_desc_find(spans, ns, f->desc);
	if (!usb_is_ccid(alt->bInterfaceClass, f->desc_len))
		return false;

	bool in = false, out = false;
	f->has_intr = false;
	f->max_packet = 0;
	for (int e = 0; alt->endpoint && e < alt->bNumEndpoints; e++) {
		const struct libusb_endpoint_descriptor *ep = &alt->endpoint[e];
		int type = ep->bmAttributes & LIBUSB_TRANSFER_TYPE_MASK;
		bool is_in = (ep->bEndpointAddress & LIBUSB_ENDPOINT_DIR_MASK) ==
			     LIBUSB_ENDPOINT_IN;
		if (type == LIBUSB_TRANSFER_TYPE_BULK && is_in && !in) {
			in = true;
			f->ep_in = ep->bEndpointAddress;
			f->max_packet = ep->wMaxPacketSize & MAX_PACKET_MASK;
		} else if (type == LIBUSB_TRANSFER_TYPE_BULK && !is_in && !out) {
			out = true;
			f->ep_out = ep->bEndpointAddress;
		} else if (type == LIBUSB_TRANSFER_TYPE_INTERRUPT && is_in && !f->has_intr) {
			f->has_intr = true;
			f->ep_intr = ep->bEndpointAddress;
		}
	}
	f->iface = alt->bInterfaceNumber;
	return in && out;
}

/* Called by scan for each reader interface; true stops the scan. */
typedef bool (*visit_fn)(usb *u, const found *f, void *arg);

/*
 * Call VISIT for every reader interface on the bus, in libusb's order.
 * XPORT_OK, XPORT_ERR_NOMEM, or XPORT_ERR_IO when the bus cannot be listed.
 * A device whose configuration cannot be read (unconfigured, or gone since
 * the listing) is skipped.
 */
static xport_err scan(usb *u, visit_fn visit, void *arg)
{
	libusb_device **list = NULL;
	ssize_t n = libusb_get_device_list(u->ctx, &list);
	if (n < 0)
		return n == LIBUSB_ERROR_NO_MEM ? XPORT_ERR_NOMEM : XPORT_ERR_IO;
	xport_err err = XPORT_OK;
	bool stop = false;
	for (ssize_t i = 0; i < n && !stop; i++) {
		found f;
		memset(&f, 0, sizeof f);
		f.dev = list[i];
		if (libusb_get_device_descriptor(f.dev, &f.dd) != LIBUSB_SUCCESS)
			continue;
		struct libusb_config_descriptor *cfg = NULL;
		int r = libusb_get_active_config_descriptor(f.dev, &cfg);
		if (r == LIBUSB_ERROR_NO_MEM) {
			err = XPORT_ERR_NOMEM;
			break;
		}
		if (r != LIBUSB_SUCCESS)
			continue;
		for (int k = 0; k < cfg->bNumInterfaces && !stop; k++)
			if (reader_interface(cfg, k, &f))
				stop = visit(u, &f, arg);
		libusb_free_config_descriptor(cfg);
	}
	libusb_free_device_list(list, 1);
	return err;
}

/* String descriptor IDX of H into OUT, "" when absent or unreadable. */
static void read_string(libusb_device_handle *h, uint8_t idx, char out[STRING_CAP])
{
	out[0] = '\0';
	if (!h || idx == 0)
		return;
	int n = libusb_get_string_descriptor_ascii(h, idx, (unsigned char *)out, STRING_CAP);
	out[n > 0 ? (n < STRING_CAP ? n : STRING_CAP - 1) : 0] = '\0';
}

/* *INFO for F; names read through H when it is not NULL. */
static void fill_info(xport_info *info, const found *f, libusb_device_handle *h)
{
	memset(info, 0, sizeof *info);
	info->vid = f->dd.idVendor;
	info->pid = f->dd.idProduct;
	char mfr[STRING_CAP], product[STRING_CAP];
	read_string(h, f->dd.iManufacturer, mfr);
	read_string(h, f->dd.iProduct, product);
	usb_format_name(info->name, mfr, product, info->vid, info->pid);
	snprintf(info->path, sizeof info->path, "usb:%03u:%03u",
		 (unsigned)libusb_get_bus_number(f->dev),
		 (unsigned)libusb_get_device_address(f->dev));
	memcpy(info->ccid_desc, f->desc, sizeof info->ccid_desc);
	info->ccid_desc_len = f->desc_len;
	info->has_interrupt = f->has_intr;
	info->max_packet = f->max_packet;
}

/* ---- the ops ------------------------------------------------------------- */

static usb *ctx_usb(void *ctx)
{
	if (!ctx)
		abort();
	return ctx;
}

static void op_close(void *ctx)
{
	usb *u = ctx_usb(ctx);
	if (!u->h)
		return;
	/* Errors are ignored: the reader may be gone already, and close never
	 * fails. With auto-detach libusb gives a detached kernel driver back
	 * on release. */
	(void)libusb_release_interface(u->h, u->iface);
	if (u->reattach)
		(void)libusb_attach_kernel_driver(u->h, u->iface);
	libusb_close(u->h);
	u->h = NULL;
	u->iface = 0;
	u->reattach = false;
	u->ep_in = u->ep_out = u->ep_intr = 0;
	u->has_intr = false;
}

/* Open, detach and claim F; on success it becomes U's reader. */
static xport_err claim(usb *u, const found *f, xport_info *info)
{
	libusb_device_handle *h = NULL;
	bool reattach = false;
	int r = libusb_open(f->dev, &h);
	if (r != LIBUSB_SUCCESS)
		return usb_open_err(r);
	/* A kernel driver may hold the interface: on Linux pn533_usb binds the
	 * ACS ACR122U (072f:2200). libusb detaches it at claim and gives it
	 * back at release where it can; elsewhere do it by hand. */
	r = libusb_set_auto_detach_kernel_driver(h, 1);
	if (r == LIBUSB_ERROR_NOT_SUPPORTED) {
		r = libusb_kernel_driver_active(h, f->iface);
		if (r == 1) {
			r = libusb_detach_kernel_driver(h, f->iface);
			if (r != LIBUSB_SUCCESS)
				goto fail;
			reattach = true;
		} else if (r == LIBUSB_ERROR_NOT_SUPPORTED) {
			r = LIBUSB_SUCCESS; /* no kernel drivers to speak of */
		} else if (r != 0) {
			goto fail;
		}
	} else if (r != LIBUSB_SUCCESS) {
		goto fail;
	}
	r = libusb_claim_interface(h, f->iface);
	if (r != LIBUSB_SUCCESS)
		goto fail;

	fill_info(info, f, h);
	u->h = h;
	u->iface = f->iface;
	u->reattach = reattach;
	u->ep_in = f->ep_in;
	u->ep_out = f->ep_out;
	u->ep_intr = f->ep_intr;
	u->has_intr = f->has_intr;
	return XPORT_OK;

fail:
	if (reattach)
		(void)libusb_attach_kernel_driver(h, f->iface);
	libusb_close(h);
	return usb_open_err(r);
}

typedef struct open_arg {
	xport_info *info;
	xport_err err; /* the outcome so far */
} open_arg;

static bool visit_open(usb *u, const found *f, void *arg)
{
	open_arg *a = arg;
	if (!usb_id_allowed(u->allow, u->n_allow, f->dd.idVendor, f->dd.idProduct))
		return false;
	xport_err e = claim(u, f, a->info);
	if (e == XPORT_OK || e == XPORT_ERR_NOMEM) {
		a->err = e;
		return true;
	}
	/* Try the next reader; if none works, "cannot be claimed" says the
	 * most to a technician, then a failed transfer, then "none". */
	if (e == XPORT_ERR_ACCESS || (e == XPORT_ERR_IO && a->err == XPORT_ERR_NOT_FOUND))
		a->err = e;
	return false;
}

static xport_err op_open(void *ctx, xport_info *info)
{
	usb *u = ctx_usb(ctx);
	if (!info)
		abort();
	op_close(u);
	memset(info, 0, sizeof *info);
	open_arg a = {.info = info, .err = XPORT_ERR_NOT_FOUND};
	xport_err e = scan(u, visit_open, &a);
	if (e == XPORT_OK)
		e = a.err; /* a claimed reader stops the scan before it can fail */
	if (e != XPORT_OK)
		memset(info, 0, sizeof *info);
	return e;
}

/*
 * One transfer of LEN bytes at BUF on endpoint EP, bounded by DEADLINE_MS;
 * *GOT what moved. A stalled endpoint stays halted until the host clears
 * it, so it is cleared once here for the next command to pass; this
 * transfer is lost all the same.
 */
static xport_err transfer(usb *u, unsigned char ep, bool bulk, unsigned char *buf, size_t len,
			  size_t *got, int64_t deadline_ms)
{
	*got = 0;
	if (!u->h)
		return XPORT_ERR_GONE;
	int ilen = len > INT_MAX ? INT_MAX : (int)len;
	int n = 0;
	unsigned timeout = usb_timeout_ms(deadline_ms, xport_now_ms());
	int r = bulk ? libusb_bulk_transfer(u->h, ep, buf, ilen, &n, timeout)
		     : libusb_interrupt_transfer(u->h, ep, buf, ilen, &n, timeout);
	if (r == LIBUSB_ERROR_PIPE && libusb_clear_halt(u->h, ep) == LIBUSB_ERROR_NO_DEVICE)
		return XPORT_ERR_GONE;
	if (r != LIBUSB_SUCCESS)
		return usb_xfer_err(r);
	*got = n > 0 ? (size_t)n : 0;
	return XPORT_OK;
}

static xport_err op_bulk_write(void *ctx, const uint8_t *buf, size_t len, int64_t deadline_ms)
{
	usb *u = ctx_usb(ctx);
	if ((!buf && len > 0) || len > INT_MAX)
		abort(); /* a CCID message is at most dwMaxCCIDMessageLength */
	size_t sent = 0;
	/* libusb's prototype lacks const for the OUT direction, which it only
	 * reads; the cast through uintptr_t says so without -Wcast-qual. */
	xport_err e = transfer(u, u->ep_out, true, (unsigned char *)(uintptr_t)buf, len, &sent,
			       deadline_ms);
	if (e == XPORT_OK && sent != len)
		return XPORT_ERR_IO;
	return e;
}

static xport_err op_bulk_read(void *ctx, uint8_t *buf, size_t cap, size_t *got,
			      int64_t deadline_ms)
{
	usb *u = ctx_usb(ctx);
	if (!buf || !got || cap == 0)
		abort();
	/* One transfer of CAP bytes: the host controller ends it at the first
	 * short packet, so a reply longer than wMaxPacketSize arrives whole. */
	return transfer(u, u->ep_in, true, buf, cap, got, deadline_ms);
}

static xport_err op_intr_read(void *ctx, uint8_t *buf, size_t cap, size_t *got,
			      int64_t deadline_ms)
{
	usb *u = ctx_usb(ctx);
	if (!buf || !got || cap == 0)
		abort();
	*got = 0;
	if (!u->h)
		return XPORT_ERR_GONE;
	if (!u->has_intr)
		return XPORT_ERR_UNSUPPORTED;
	return transfer(u, u->ep_intr, false, buf, cap, got, deadline_ms);
}

/* Sleep on the monotonic clock until DEADLINE_MS (xport_now_ms's clock). */
static void sleep_until(int64_t deadline_ms)
{
	if (deadline_ms <= xport_now_ms())
		return;
	struct timespec ts = {
		.tv_sec = (time_t)(deadline_ms / 1000),
		.tv_nsec = (long)(deadline_ms % 1000) * 1000000L,
	};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static bool op_wait_arrival(void *ctx, int64_t deadline_ms)
{
	usb *u = ctx_usb(ctx);
	if (!u->hotplug) {
		sleep_until(deadline_ms);
		return true;
	}
	bool polled = false;
	for (;;) {
		if (atomic_exchange(&u->arrived, false))
			return true;
		int64_t now = xport_now_ms();
		if (deadline_ms <= now && polled)
			return false;
		/* A deadline already past polls once, without blocking. */
		int64_t left = deadline_ms > now ? deadline_ms - now : 0;
		struct timeval tv = {
			.tv_sec = (time_t)(left / 1000),
			.tv_usec = (suseconds_t)(left % 1000) * 1000,
		};
		int r = libusb_handle_events_timeout_completed(u->ctx, &tv, NULL);
		polled = true;
		if (r != LIBUSB_SUCCESS && r != LIBUSB_ERROR_INTERRUPTED) {
			/* Event handling is broken: rather than spin on it,
			 * behave as a backend without hotplug for this wait. */
			sleep_until(deadline_ms);
			return true;
		}
	}
}

static void op_free(void *ctx)
{
	usb *u = ctx;
	usb_free(&u);
}

static const xport_ops usb_ops = {
	.name = "usb",
	.open = op_open,
	.close = op_close,
	.bulk_write = op_bulk_write,
	.bulk_read = op_bulk_read,
	.intr_read = op_intr_read,
	.wait_arrival = op_wait_arrival,
	.free = op_free,
};

/* ---- the public half ----------------------------------------------------- */

/* Runs inside libusb's event handling (wait_arrival or a transfer), on the
 * thread that called it: anything more than a flag could re-enter libusb. */
static int LIBUSB_CALL on_hotplug(libusb_context *ctx, libusb_device *dev,
				  libusb_hotplug_event event, void *arg)
{
	(void)ctx;
	(void)dev;
	(void)event;
	usb *u = arg;
	atomic_store(&u->arrived, true);
	return 0; /* stay registered */
}

xport_err usb_new(usb **out, const usb_id *allow, size_t n_allow)
{
	if (!out || n_allow > USB_ALLOW_MAX || (n_allow > 0 && !allow))
		abort();
	*out = NULL;
	usb *u = calloc(1, sizeof *u);
	if (!u)
		return XPORT_ERR_NOMEM;
	atomic_init(&u->arrived, false);
	if (n_allow > 0)
		memcpy(u->allow, allow, n_allow * sizeof *allow);
	u->n_allow = n_allow;
	int r = libusb_init(&u->ctx);
	if (r != LIBUSB_SUCCESS) {
		free(u);
		return r == LIBUSB_ERROR_NO_MEM ? XPORT_ERR_NOMEM : XPORT_ERR_IO;
	}
	/* Any device: CCID readers have device class 0 (the class is in the
	 * interface), so the filter cannot be narrower; open sorts them out.
	 * Without LIBUSB_HOTPLUG_ENUMERATE: what is plugged in already is
	 * found by the caller's first open. A failed registration leaves
	 * arrival to polling, as on a libusb without hotplug. */
	if (libusb_has_capability(LIBUSB_CAP_HAS_HOTPLUG)) {
		r = libusb_hotplug_register_callback(
			u->ctx, LIBUSB_HOTPLUG_EVENT_DEVICE_ARRIVED, 0, LIBUSB_HOTPLUG_MATCH_ANY,
			LIBUSB_HOTPLUG_MATCH_ANY, LIBUSB_HOTPLUG_MATCH_ANY, on_hotplug, u, &u->cb);
		u->hotplug = r == LIBUSB_SUCCESS;
	}
	*out = u;
	return XPORT_OK;
}

void usb_free(usb **up)
{
	if (!up || !*up)
		return;
	usb *u = *up;
	op_close(u);
	if (u->hotplug)
		libusb_hotplug_deregister_callback(u->ctx, u->cb);
	libusb_exit(u->ctx);
	free(u);
	*up = NULL;
}

xport usb_xport(usb *u)
{
	if (!u)
		abort();
	return (xport){.ops = &usb_ops, .ctx = u};
}

bool usb_has_hotplug(const usb *u)
{
	if (!u)
		abort();
	return u->hotplug;
}

typedef struct list_arg {
	xport_info *info;
	bool *allowed;
	size_t cap, n;
} list_arg;

static bool visit_list(usb *u, const found *f, void *arg)
{
	list_arg *a = arg;
	/* A handle only to read the names; without permission the entry
	 * still says VID:PID and the descriptor, read from sysfs. */
	libusb_device_handle *h = NULL;
	if (libusb_open(f->dev, &h) != LIBUSB_SUCCESS)
		h = NULL;
	fill_info(&a->info[a->n], f, h);
	if (h)
		libusb_close(h);
	a->allowed[a->n] = usb_id_allowed(u->allow, u->n_allow, f->dd.idVendor, f->dd.idProduct);
	a->n++;
	return a->n >= a->cap;
}

int usb_list(usb *u, xport_info *info, bool *allowed, size_t cap)
{
	if (!u || (cap > 0 && (!info || !allowed)))
		abort();
	if (cap == 0)
		return 0;
	if (cap > INT_MAX)
		cap = INT_MAX;
	list_arg a = {.info = info, .allowed = allowed, .cap = cap, .n = 0};
	xport_err e = scan(u, visit_list, &a);
	if (e != XPORT_OK)
		return e;
	return (int)a.n;
}
