/*
 * test_usb: the libusb backend of the transport seam (drivers/usb.c).
 *
 * The pure half is tested exhaustively, since it is where the backend
 * decides things about bytes a reader sends: the CCID class descriptor must
 * be found among other descriptors in the interface's, an endpoint's or the
 * configuration's extra bytes (a well-formed one anywhere beats a malformed
 * one earlier; a short or truncated one is reported with its length; none
 * gives 0), and the walk must never read past a span (each span is copied
 * to a heap block of its exact size, so ASan catches any overread) nor loop
 * on a zero bLength. Vendor-class interfaces count only with a whole
 * descriptor; the allow list admits everything when empty and exactly its
 * entries otherwise; a deadline becomes a libusb timeout of at least 1 ms
 * (libusb's 0 is "forever") and at most UINT_MAX, without overflow at the
 * extremes; libusb's error codes (by their ABI values: this file does not
 * include libusb.h) map as the contract says; reader names are cleaned,
 * de-duplicated, truncated, or fall back to VID:PID.
 *
 * Then the backend runs on the real libusb of this machine, which has no
 * USB bus (libusb 1.0.26 starts and sees no device): usb_new succeeds or
 * fails with XPORT_ERR_IO and a NULL handle; if it succeeds, open says
 * XPORT_ERR_NOT_FOUND, usb_list finds nothing, transfers on a backend with
 * no reader open say XPORT_ERR_GONE, close is a no-op, wait_arrival
 * returns by its deadline (within 200 ms) and not before it unless
 * something arrived, a past deadline polls once. A backend whose allow list
 * admits only 0000:0000 can open nothing on any machine. usb_free NULLs
 * the handle and tolerates NULL; two backends live side by side.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "usb.h"
#include "usb_internal.h"
#include "xport.h"

enum {
	DLEN = XPORT_CCID_DESC_LEN,
	SLACK_MS = 200, /* scheduling noise allowed past a deadline */
};

/* libusb's enum libusb_error, by value (stable ABI since libusb 1.0.0). */
enum {
	L_SUCCESS = 0,
	L_ERROR_IO = -1,
	L_ERROR_INVALID_PARAM = -2,
	L_ERROR_ACCESS = -3,
	L_ERROR_NO_DEVICE = -4,
	L_ERROR_NOT_FOUND = -5,
	L_ERROR_BUSY = -6,
	L_ERROR_TIMEOUT = -7,
	L_ERROR_OVERFLOW = -8,
	L_ERROR_PIPE = -9,
	L_ERROR_INTERRUPTED = -10,
	L_ERROR_NO_MEM = -11,
	L_ERROR_NOT_SUPPORTED = -12,
	L_ERROR_OTHER = -99,
};

/* ---- helpers ------------------------------------------------------------ */

/* A well-formed CCID class descriptor: bLength 54, type 0x21, then bytes
 * that tell each offset apart (SEED varies them between descriptors). */
static void make_ccid(uint8_t d[DLEN], uint8_t seed)
{
	d[0] = DLEN;
	d[1] = USB_DT_CCID;
	for (size_t i = 2; i < DLEN; i++)
		d[i] = (uint8_t)(seed + i * 7);
}

/* An exact-size heap copy of N bytes at P (NULL for N 0). */
static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	if (n == 0)
		return NULL;
	uint8_t *b = malloc(n);
	assert_non_null(b);
	memcpy(b, p, n);
	return b;
}

/* A byte builder for concatenated descriptors. */
typedef struct bytes {
	uint8_t b[512];
	size_t n;
} bytes;

static void put(bytes *x, const uint8_t *p, size_t n)
{
	assert_true(x->n + n <= sizeof x->b);
	memcpy(x->b + x->n, p, n);
	x->n += n;
}

/* Some descriptor of TYPE and LEN bytes (LEN >= 2), filled with 0x5A. */
static void put_other(bytes *x, uint8_t type, uint8_t len)
{
	uint8_t d[255];
	memset(d, 0x5A, sizeof d);
	d[0] = len;
	d[1] = type;
	put(x, d, len);
}

/* usb_ccid_desc_find over up to 3 byte runs, each given its own exact-size
 * heap block; OUT is pre-filled with garbage to see it zeroed. */
static size_t find3(const bytes *a, const bytes *b, const bytes *c, uint8_t out[DLEN])
{
	const bytes *in[3] = {a, b, c};
	usb_desc_span spans[3];
	uint8_t *blocks[3] = {NULL, NULL, NULL};
	size_t n = 0;
	for (size_t i = 0; i < 3 && in[i]; i++) {
		blocks[i] = dup_bytes(in[i]->b, in[i]->n);
		spans[n++] = (usb_desc_span){blocks[i], in[i]->n};
	}
	memset(out, 0xEE, DLEN);
	size_t r = usb_ccid_desc_find(spans, n, out);
	for (size_t i = 0; i < 3; i++)
		free(blocks[i]);
	return r;
}

static bool zeros(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* ---- the class descriptor ----------------------------------------------- */

static void test_desc_alone(void **state)
{
	(void)state;
	uint8_t d[DLEN], out[DLEN];
	make_ccid(d, 1);
	bytes x = {.n = 0};
	put(&x, d, DLEN);
	assert_int_equal(find3(&x, NULL, NULL, out), DLEN);
	assert_memory_equal(out, d, DLEN);
}

static void test_desc_among_others(void **state)
{
	(void)state;
	uint8_t d[DLEN], out[DLEN];
	make_ccid(d, 2);
	bytes x = {.n = 0};
	put_other(&x, 0x24, 5);   /* a class-specific interface descriptor */
	put_other(&x, 0x0B, 8);   /* an interface association */
	put(&x, d, DLEN);
	put_other(&x, 0x05, 7);   /* an endpoint-like descriptor after it */
	assert_int_equal(find3(&x, NULL, NULL, out), DLEN);
	assert_memory_equal(out, d, DLEN);

	/* Last in the span, ending exactly at its end. */
	bytes y = {.n = 0};
	put_other(&y, 0x24, 3);
	put(&y, d, DLEN);
	assert_int_equal(find3(&y, NULL, NULL, out), DLEN);
	assert_memory_equal(out, d, DLEN);
}

static void test_desc_misplaced(void **state)
{
	(void)state;
	uint8_t d[DLEN], out[DLEN];
	make_ccid(d, 3);
	bytes none = {.n = 0}, ep = {.n = 0}, cfg = {.n = 0};
	/* On an endpoint, the interface's extra bytes empty (O2Micro OZ776). */
	put(&ep, d, DLEN);
	assert_int_equal(find3(&none, &ep, NULL, out), DLEN);
	assert_memory_equal(out, d, DLEN);
	/* In the configuration's extra bytes. */
	bytes ep2 = {.n = 0};
	put_other(&ep2, 0x30, 6);
	put(&cfg, d, DLEN);
	assert_int_equal(find3(&none, &ep2, &cfg, out), DLEN);
	assert_memory_equal(out, d, DLEN);
}

static void test_desc_first_good_wins(void **state)
{
	(void)state;
	uint8_t d1[DLEN], d2[DLEN], out[DLEN];
	make_ccid(d1, 4);
	make_ccid(d2, 5);
	bytes a = {.n = 0}, b = {.n = 0};
	put(&a, d1, DLEN);
	put(&a, d2, DLEN);
	assert_int_equal(find3(&a, NULL, NULL, out), DLEN);
	assert_memory_equal(out, d1, DLEN);
	/* Across spans too: the interface's before the endpoint's. */
	put(&b, d2, DLEN);
	bytes c = {.n = 0};
	put(&c, d1, DLEN);
	assert_int_equal(find3(&c, &b, NULL, out), DLEN);
	assert_memory_equal(out, d1, DLEN);
}

static void test_desc_good_beats_earlier_malformed(void **state)
{
	(void)state;
	uint8_t d[DLEN], out[DLEN];
	make_ccid(d, 6);
	/* A 9-byte descriptor of type 0x21 (the HID descriptor's type, too)
	 * before a good one, in the same span and in an earlier one. */
	bytes a = {.n = 0};
	put_other(&a, USB_DT_CCID, 9);
	put(&a, d, DLEN);
	assert_int_equal(find3(&a, NULL, NULL, out), DLEN);
	assert_memory_equal(out, d, DLEN);

	bytes b = {.n = 0}, c = {.n = 0};
	put_other(&b, USB_DT_CCID, 9);
	put(&c, d, DLEN);
	assert_int_equal(find3(&b, &c, NULL, out), DLEN);
	assert_memory_equal(out, d, DLEN);
}

static void test_desc_wrong_length(void **state)
{
	(void)state;
	uint8_t out[DLEN];
	/* bLength 9: reported with its 9 bytes, the rest of OUT zero. */
	bytes a = {.n = 0};
	put_other(&a, 0x24, 5);
	put_other(&a, USB_DT_CCID, 9);
	assert_int_equal(find3(&a, NULL, NULL, out), 9);
	assert_int_equal(out[0], 9);
	assert_int_equal(out[1], USB_DT_CCID);
	assert_true(zeros(out + 9, DLEN - 9));

	/* bLength 53: one byte short of the spec. */
	uint8_t d[DLEN];
	make_ccid(d, 7);
	d[0] = DLEN - 1;
	bytes b = {.n = 0};
	put(&b, d, DLEN - 1);
	assert_int_equal(find3(&b, NULL, NULL, out), DLEN - 1);
	assert_memory_equal(out, d, DLEN - 1);
	assert_int_equal(out[DLEN - 1], 0);

	/* Two malformed ones: the first is reported. */
	bytes c = {.n = 0};
	put_other(&c, USB_DT_CCID, 12);
	put_other(&c, USB_DT_CCID, 20);
	assert_int_equal(find3(&c, NULL, NULL, out), 12);

	/* bLength over 54, whole: its first 54 bytes, as ccid_desc_parse
	 * accepts a bLength of at least 54. */
	uint8_t big[60];
	make_ccid(big, 8);
	big[0] = sizeof big;
	memset(big + DLEN, 0x77, sizeof big - DLEN);
	bytes e = {.n = 0};
	put(&e, big, sizeof big);
	put_other(&e, 0x24, 4);
	assert_int_equal(find3(&e, NULL, NULL, out), DLEN);
	assert_memory_equal(out, big, DLEN);
}

static void test_desc_truncated(void **state)
{
	(void)state;
	uint8_t d[DLEN], out[DLEN];
	make_ccid(d, 9);
	/* bLength 54 but the span ends after 40 bytes. */
	bytes a = {.n = 0};
	put_other(&a, 0x24, 5);
	put(&a, d, 40);
	assert_int_equal(find3(&a, NULL, NULL, out), 40);
	assert_memory_equal(out, d, 40);
	assert_true(zeros(out + 40, DLEN - 40));

	/* Only its two header bytes. */
	bytes b = {.n = 0};
	put(&b, d, 2);
	assert_int_equal(find3(&b, NULL, NULL, out), 2);
	assert_true(zeros(out + 2, DLEN - 2));

	/* One byte: not even a type to read. */
	bytes c = {.n = 0};
	put(&c, d, 1);
	assert_int_equal(find3(&c, NULL, NULL, out), 0);
	assert_true(zeros(out, DLEN));

	/* A longer descriptor cut short still yields its first 54 bytes. */
	uint8_t big[70];
	make_ccid(big, 10);
	big[0] = sizeof big;
	bytes e = {.n = 0};
	put(&e, big, 60);
	assert_int_equal(find3(&e, NULL, NULL, out), DLEN);
	assert_memory_equal(out, big, DLEN);

	/* A truncated one in the interface, a good one on an endpoint. */
	bytes f = {.n = 0}, g = {.n = 0};
	put(&f, d, 30);
	put(&g, d, DLEN);
	assert_int_equal(find3(&f, &g, NULL, out), DLEN);
	assert_memory_equal(out, d, DLEN);
}

static void test_desc_missing(void **state)
{
	(void)state;
	uint8_t out[DLEN];
	bytes a = {.n = 0};
	put_other(&a, 0x24, 5);
	put_other(&a, 0x25, 7);
	assert_int_equal(find3(&a, NULL, NULL, out), 0);
	assert_true(zeros(out, DLEN));

	bytes empty = {.n = 0};
	assert_int_equal(find3(&empty, &empty, &empty, out), 0);
	assert_true(zeros(out, DLEN));

	/* No spans at all, and spans with no bytes. */
	memset(out, 0xEE, DLEN);
	assert_int_equal(usb_ccid_desc_find(NULL, 0, out), 0);
	assert_true(zeros(out, DLEN));
	usb_desc_span nulls[2] = {{NULL, 0}, {NULL, 0}};
	memset(out, 0xEE, DLEN);
	assert_int_equal(usb_ccid_desc_find(nulls, 2, out), 0);
	assert_true(zeros(out, DLEN));
}

static void test_desc_bad_lengths_stop_walk(void **state)
{
	(void)state;
	uint8_t d[DLEN], out[DLEN];
	make_ccid(d, 11);
	/* bLength 0 then a good descriptor: the walk cannot step over the
	 * zero, so the span yields nothing (and does not loop). */
	bytes a = {.n = 0};
	uint8_t zero[2] = {0, 0x24};
	put(&a, zero, 2);
	put(&a, d, DLEN);
	assert_int_equal(find3(&a, NULL, NULL, out), 0);
	/* ... but the next span is still searched. */
	bytes b = {.n = 0};
	put(&b, d, DLEN);
	assert_int_equal(find3(&a, &b, NULL, out), DLEN);
	assert_memory_equal(out, d, DLEN);

	/* bLength 1 stops too. */
	bytes c = {.n = 0};
	uint8_t one[2] = {1, USB_DT_CCID};
	put(&c, one, 2);
	put(&c, d, DLEN);
	assert_int_equal(find3(&c, NULL, NULL, out), 0);

	/* A non-CCID descriptor running past the span's end hides nothing
	 * and reads nothing beyond it (ASan watches the exact-size block). */
	bytes e = {.n = 0};
	uint8_t longer[4] = {200, 0x24, 1, 2};
	put(&e, longer, sizeof longer);
	assert_int_equal(find3(&e, NULL, NULL, out), 0);
}

/* ---- which interfaces are readers --------------------------------------- */

static void test_is_ccid(void **state)
{
	(void)state;
	assert_true(usb_is_ccid(USB_CCID_CLASS, DLEN));
	assert_true(usb_is_ccid(USB_CCID_CLASS, 0));  /* ccid_open refuses it, with a reason */
	assert_true(usb_is_ccid(USB_CCID_CLASS, 9));
	assert_true(usb_is_ccid(USB_CLASS_VENDOR, DLEN));
	assert_false(usb_is_ccid(USB_CLASS_VENDOR, 0));
	assert_false(usb_is_ccid(USB_CLASS_VENDOR, DLEN - 1));
	assert_false(usb_is_ccid(USB_CLASS_VENDOR, 9));
	assert_false(usb_is_ccid(0x03, DLEN)); /* HID */
	assert_false(usb_is_ccid(0x08, DLEN)); /* mass storage */
	assert_false(usb_is_ccid(0x00, DLEN));
}

/* ---- the allow list ------------------------------------------------------ */

static void test_allow_empty_admits_all(void **state)
{
	(void)state;
	assert_true(usb_id_allowed(NULL, 0, 0x072f, 0x2200));
	assert_true(usb_id_allowed(NULL, 0, 0x0000, 0x0000));
	assert_true(usb_id_allowed(NULL, 0, 0xffff, 0xffff));
	const usb_id some[1] = {{0x1234, 0x5678}};
	assert_true(usb_id_allowed(some, 0, 0x072f, 0x2200)); /* N_ALLOW rules */
}

static void test_allow_match(void **state)
{
	(void)state;
	const usb_id list[USB_ALLOW_MAX] = {
		{0x072f, 0x2200}, {0x04e6, 0x5116}, {0x076b, 0x5421}, {0x08e6, 0x3437},
		{0x0b97, 0x7772}, {0x1a44, 0x0001}, {0x058f, 0x9540}, {0x0ca6, 0x00a0},
	};
	for (size_t i = 0; i < USB_ALLOW_MAX; i++)
		assert_true(usb_id_allowed(list, USB_ALLOW_MAX, list[i].vid, list[i].pid));
	/* Only the first N entries count. */
	assert_false(usb_id_allowed(list, 2, 0x076b, 0x5421));
	assert_true(usb_id_allowed(list, 1, 0x072f, 0x2200));
}

static void test_allow_no_match(void **state)
{
	(void)state;
	const usb_id list[2] = {{0x072f, 0x2200}, {0x04e6, 0x5116}};
	assert_false(usb_id_allowed(list, 2, 0x072f, 0x2201)); /* same vendor */
	assert_false(usb_id_allowed(list, 2, 0x0730, 0x2200)); /* same product */
	assert_false(usb_id_allowed(list, 2, 0x2200, 0x072f)); /* swapped */
	assert_false(usb_id_allowed(list, 2, 0x072f, 0x5116)); /* crossed */
	assert_false(usb_id_allowed(list, 2, 0x0000, 0x0000));
}

/* ---- deadlines ------------------------------------------------------------ */

static void test_timeout(void **state)
{
	(void)state;
	assert_int_equal(usb_timeout_ms(1250, 1000), 250);
	assert_int_equal(usb_timeout_ms(1001, 1000), 1);
	assert_int_equal(usb_timeout_ms(1000, 1000), USB_TIMEOUT_MIN_MS); /* due now */
	assert_int_equal(usb_timeout_ms(999, 1000), USB_TIMEOUT_MIN_MS);  /* just past */
	assert_int_equal(usb_timeout_ms(0, 5000000), USB_TIMEOUT_MIN_MS); /* long past */
	assert_int_equal(usb_timeout_ms(INT64_MIN, INT64_MAX), USB_TIMEOUT_MIN_MS);
	assert_int_equal(usb_timeout_ms(INT64_MIN, 0), USB_TIMEOUT_MIN_MS);
	/* The cap: UINT_MAX exactly, and beyond it, without overflow. */
	assert_true(usb_timeout_ms((int64_t)UINT_MAX + 10, 10) == UINT_MAX);
	assert_true(usb_timeout_ms((int64_t)UINT_MAX + 11, 10) == UINT_MAX);
	assert_true(usb_timeout_ms(INT64_MAX, 0) == UINT_MAX);
	assert_true(usb_timeout_ms(INT64_MAX, INT64_MIN) == UINT_MAX);
	/* With the real clock: never 0, never more than asked. */
	int64_t now = xport_now_ms();
	unsigned t = usb_timeout_ms(now + 300, xport_now_ms());
	assert_true(t >= 1 && t <= 300);
	assert_int_equal(usb_timeout_ms(now - 1, xport_now_ms()), 1);
}

/* ---- error mapping ----------------------------------------------------- */

static void test_xfer_errors(void **state)
{
	(void)state;
	assert_int_equal(usb_xfer_err(L_SUCCESS), XPORT_OK);
	assert_int_equal(usb_xfer_err(L_ERROR_TIMEOUT), XPORT_ERR_TIMEOUT);
	assert_int_equal(usb_xfer_err(L_ERROR_NO_DEVICE), XPORT_ERR_GONE);
	assert_int_equal(usb_xfer_err(L_ERROR_NO_MEM), XPORT_ERR_NOMEM);
	const int io[] = {L_ERROR_PIPE,	       L_ERROR_OVERFLOW, L_ERROR_IO,
			  L_ERROR_INTERRUPTED, L_ERROR_OTHER,	 L_ERROR_ACCESS,
			  L_ERROR_BUSY,	       L_ERROR_NOT_FOUND, L_ERROR_INVALID_PARAM,
			  L_ERROR_NOT_SUPPORTED, -1000};
	for (size_t i = 0; i < sizeof io / sizeof io[0]; i++)
		assert_int_equal(usb_xfer_err(io[i]), XPORT_ERR_IO);
}

static void test_open_errors(void **state)
{
	(void)state;
	assert_int_equal(usb_open_err(L_SUCCESS), XPORT_OK);
	assert_int_equal(usb_open_err(L_ERROR_ACCESS), XPORT_ERR_ACCESS);
	assert_int_equal(usb_open_err(L_ERROR_BUSY), XPORT_ERR_ACCESS);
	assert_int_equal(usb_open_err(L_ERROR_NO_DEVICE), XPORT_ERR_NOT_FOUND);
	assert_int_equal(usb_open_err(L_ERROR_NOT_FOUND), XPORT_ERR_NOT_FOUND);
	assert_int_equal(usb_open_err(L_ERROR_NO_MEM), XPORT_ERR_NOMEM);
	const int io[] = {L_ERROR_IO,	     L_ERROR_PIPE,	   L_ERROR_TIMEOUT,
			  L_ERROR_OVERFLOW, L_ERROR_INVALID_PARAM, L_ERROR_NOT_SUPPORTED,
			  L_ERROR_OTHER,    L_ERROR_INTERRUPTED};
	for (size_t i = 0; i < sizeof io / sizeof io[0]; i++)
		assert_int_equal(usb_open_err(io[i]), XPORT_ERR_IO);
}

/* ---- names --------------------------------------------------------------- */

static void name_is(const char *mfr, const char *product, uint16_t vid, uint16_t pid,
		    const char *want)
{
	char out[XPORT_NAME_CAP];
	memset(out, 'X', sizeof out);
	usb_format_name(out, mfr, product, vid, pid);
	assert_string_equal(out, want);
}

static void test_name(void **state)
{
	(void)state;
	name_is("SCM Microsystems Inc.", "SCR3310 v2.0 USB SC Reader", 0x04e6, 0x5116,
		"SCM Microsystems Inc. SCR3310 v2.0 USB SC Reader");
	/* The maker once, case aside, only as a whole word. */
	name_is("ACS", "ACS ACR122U PICC Interface", 0x072f, 0x2200,
		"ACS ACR122U PICC Interface");
	name_is("acs", "ACS ACR122U", 0x072f, 0x2200, "ACS ACR122U");
	name_is("Gemalto", "Gemalto", 0x08e6, 0x3437, "Gemalto");
	name_is("AC", "ACS X", 1, 2, "AC ACS X");
	/* One of the two. */
	name_is(NULL, "Reader", 1, 2, "Reader");
	name_is("", "Reader", 1, 2, "Reader");
	name_is("Maker", NULL, 1, 2, "Maker");
	name_is("Maker", "   ", 1, 2, "Maker");
	/* Neither: VID:PID as lsusb prints it. */
	name_is(NULL, NULL, 0x072f, 0x2200, "072f:2200");
	name_is("", " \t", 0x0A5C, 0x00FF, "0a5c:00ff");
	name_is(NULL, NULL, 0, 0, "0000:0000");
	/* Trimmed; control and non-ASCII bytes shown as '?'. */
	name_is("  Maker \r\n", "\tProduct  ", 1, 2, "Maker Product");
	name_is("Ma\x1bker", "Pro\x7f" "duct\xc3\xa9", 1, 2, "Ma?ker Pro?duct??");
}

static void test_name_truncated(void **state)
{
	(void)state;
	char m[200], p[200], out[XPORT_NAME_CAP];
	memset(m, 'm', sizeof m - 1);
	m[sizeof m - 1] = '\0';
	memset(p, 'p', sizeof p - 1);
	p[sizeof p - 1] = '\0';
	usb_format_name(out, m, p, 1, 2);
	assert_int_equal(strlen(out), XPORT_NAME_CAP - 1);
	for (size_t i = 0; i < XPORT_NAME_CAP - 1; i++)
		assert_int_equal(out[i], 'm');
	memset(m, 'm', 60);
	m[60] = '\0';
	usb_format_name(out, m, p, 1, 2);
	assert_int_equal(strlen(out), XPORT_NAME_CAP - 1);
	assert_int_equal(out[60], ' ');
	assert_int_equal(out[61], 'p');
}

/* ---- the real libusb --------------------------------------------------- */

/* A backend on this machine, or NULL when libusb cannot start here (which
 * usb_new must report as XPORT_ERR_IO). */
static usb *new_or_null(const usb_id *allow, size_t n_allow)
{
	usb *u = (usb *)1; /* must become NULL on failure */
	xport_err e = usb_new(&u, allow, n_allow);
	if (e != XPORT_OK) {
		assert_int_equal(e, XPORT_ERR_IO);
		assert_null(u);
		return NULL;
	}
	assert_non_null(u);
	return u;
}

static void test_real_new_free(void **state)
{
	(void)state;
	usb *u = new_or_null(NULL, 0);
	if (!u)
		skip();
	xport x = usb_xport(u);
	assert_ptr_equal(x.ctx, u);
	assert_non_null(x.ops);
	assert_string_equal(x.ops->name, "usb");
	assert_non_null(x.ops->open);
	assert_non_null(x.ops->close);
	assert_non_null(x.ops->bulk_write);
	assert_non_null(x.ops->bulk_read);
	assert_non_null(x.ops->intr_read);
	assert_non_null(x.ops->wait_arrival);
	assert_non_null(x.ops->free);
	(void)usb_has_hotplug(u);
	usb_free(&u);
	assert_null(u);
	usb_free(&u); /* *U NULL */
	usb_free(NULL);

	/* Through the ops, and two backends (two libusb contexts) at once,
	 * freed in the order they were made. */
	usb *a = new_or_null(NULL, 0), *b = new_or_null(NULL, 0);
	assert_non_null(a);
	assert_non_null(b);
	xport xa = usb_xport(a);
	xa.ops->free(xa.ctx);
	usb_free(&b);
	assert_null(b);
}

static void test_real_nothing_plugged(void **state)
{
	(void)state;
	usb *u = new_or_null(NULL, 0);
	if (!u)
		skip();
	xport x = usb_xport(u);
	xport_info info[USB_LIST_MAX];
	bool allowed[USB_LIST_MAX];
	assert_int_equal(usb_list(u, NULL, NULL, 0), 0);
	int n = usb_list(u, info, allowed, USB_LIST_MAX);
	assert_true(n >= 0 && n <= USB_LIST_MAX);
	for (int i = 0; i < n; i++) { /* a machine with readers: sane facts */
		assert_true(allowed[i]);  /* no allow list */
		assert_memory_equal(info[i].path, "usb:", 4);
		assert_true(info[i].ccid_desc_len <= DLEN);
		assert_true(strlen(info[i].name) < XPORT_NAME_CAP);
	}
	if (n == 0) {
		xport_info one;
		memset(&one, 0xEE, sizeof one);
		assert_int_equal(x.ops->open(x.ctx, &one), XPORT_ERR_NOT_FOUND);
		xport_info zero;
		memset(&zero, 0, sizeof zero);
		assert_memory_equal(&one, &zero, sizeof one); /* nothing half-filled */
		/* Again: a failed open leaves the backend usable. */
		assert_int_equal(x.ops->open(x.ctx, &one), XPORT_ERR_NOT_FOUND);
	}
	usb_free(&u);
}

static void test_real_allow_list_admits_none(void **state)
{
	(void)state;
	/* 0000:0000 is no vendor's: this list admits no reader anywhere. */
	const usb_id nobody[1] = {{0x0000, 0x0000}};
	usb *u = new_or_null(nobody, 1);
	if (!u)
		skip();
	xport x = usb_xport(u);
	xport_info info;
	assert_int_equal(x.ops->open(x.ctx, &info), XPORT_ERR_NOT_FOUND);
	xport_info list[USB_LIST_MAX];
	bool allowed[USB_LIST_MAX];
	int n = usb_list(u, list, allowed, USB_LIST_MAX);
	assert_true(n >= 0);
	for (int i = 0; i < n; i++)
		assert_false(allowed[i]);
	usb_free(&u);
}

static void test_real_ops_without_reader(void **state)
{
	(void)state;
	usb *u = new_or_null(NULL, 0);
	if (!u)
		skip();
	xport x = usb_xport(u);
	x.ops->close(x.ctx); /* nothing open: a no-op, twice */
	x.ops->close(x.ctx);
	uint8_t buf[64] = {0x62};
	size_t got = 99;
	int64_t dl = xport_deadline_in(100);
	int64_t t0 = xport_now_ms();
	assert_int_equal(x.ops->bulk_write(x.ctx, buf, 10, dl), XPORT_ERR_GONE);
	assert_int_equal(x.ops->bulk_read(x.ctx, buf, sizeof buf, &got, dl), XPORT_ERR_GONE);
	assert_int_equal(got, 0);
	got = 99;
	assert_int_equal(x.ops->intr_read(x.ctx, buf, sizeof buf, &got, dl), XPORT_ERR_GONE);
	assert_int_equal(got, 0);
	assert_true(xport_now_ms() - t0 < 50); /* none of them waited */
	usb_free(&u);
}

static void test_real_wait_arrival(void **state)
{
	(void)state;
	usb *u = new_or_null(NULL, 0);
	if (!u)
		skip();
	xport x = usb_xport(u);
	int64_t deadline = xport_deadline_in(300);
	bool r = x.ops->wait_arrival(x.ctx, deadline);
	int64_t now = xport_now_ms();
	assert_true(now <= deadline + SLACK_MS);
	/* False means the deadline came; without hotplug the backend sleeps
	 * to the deadline and says true. Only a real arrival returns early. */
	if (!r || !usb_has_hotplug(u))
		assert_true(now >= deadline);

	/* A deadline already past: one look, no wait. */
	int64_t t0 = xport_now_ms();
	r = x.ops->wait_arrival(x.ctx, t0 - 1000);
	assert_true(xport_now_ms() - t0 < SLACK_MS);
	if (!usb_has_hotplug(u))
		assert_true(r);
	usb_free(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_desc_alone),
		cmocka_unit_test(test_desc_among_others),
		cmocka_unit_test(test_desc_misplaced),
		cmocka_unit_test(test_desc_first_good_wins),
		cmocka_unit_test(test_desc_good_beats_earlier_malformed),
		cmocka_unit_test(test_desc_wrong_length),
		cmocka_unit_test(test_desc_truncated),
		cmocka_unit_test(test_desc_missing),
		cmocka_unit_test(test_desc_bad_lengths_stop_walk),
		cmocka_unit_test(test_is_ccid),
		cmocka_unit_test(test_allow_empty_admits_all),
		cmocka_unit_test(test_allow_match),
		cmocka_unit_test(test_allow_no_match),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_xfer_errors),
		cmocka_unit_test(test_open_errors),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_name_truncated),
		cmocka_unit_test(test_real_new_free),
		cmocka_unit_test(test_real_nothing_plugged),
		cmocka_unit_test(test_real_allow_list_admits_none),
		cmocka_unit_test(test_real_ops_without_reader),
		cmocka_unit_test(test_real_wait_arrival),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
