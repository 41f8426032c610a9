/*
 * readertest: the reader check (see readertest.h).
 */
#include <stdbool.h>
#include <string.h>

#include "ccid.h"
#include "ccidsim.h"
#include "reader.h"
#include "readertest.h"
#include "usb.h"

/* Every CCID interface on the bus, allowed or not. */
static void list_usb(usb *u, FILE *out)
{
	xport_info info[USB_LIST_MAX];
	bool allowed[USB_LIST_MAX];
	int n = usb_list(u, info, allowed, USB_LIST_MAX);
	if (n < 0) {
		fprintf(out, "cannot list USB devices: %s\n", xport_err_name((xport_err)n));
		return;
	}
	fprintf(out, "%d CCID reader%s on the bus\n", n, n == 1 ? "" : "s");
	for (int i = 0; i < n; i++) {
		ccid_desc d;
		const char *why = NULL;
		ccid_err e = ccid_desc_parse(info[i].ccid_desc, info[i].ccid_desc_len, &d, &why);
		fprintf(out, "- %s (%04x:%04x) at %s%s\n", info[i].name, info[i].vid, info[i].pid,
			info[i].path, allowed[i] ? "" : " [not on the allow list]");
		if (e == CCID_ERR_BAD_DESC) {
			fprintf(out, "  no usable CCID class descriptor\n");
			continue;
		}
		reader_print_desc(out, &d);
		if (e == CCID_ERR_UNSUPPORTED)
			fprintf(out, "  unsupported: %s\n", why);
	}
}

xport_err readertest_usb_new(const conf *cfg, usb **out)
{
	usb_id allow[USB_ALLOW_MAX];
	size_t n = 0;
	for (int i = 0; i < cfg->reader.n_allow && n < USB_ALLOW_MAX; i++)
		allow[n++] = (usb_id){cfg->reader.allow[i].vid, cfg->reader.allow[i].pid};
	return usb_new(out, allow, n);
}

int readertest_run(const conf *cfg, const char *card_path, int wait_ms, FILE *out)
{
	reader_opts ro = {.timeout_ms = cfg->reader.timeout_ms, .sam_slot = 1};
	int rc = 2;
	if (cfg->reader.type == CONF_READER_SIM) {
		ccidsim *sim = NULL;
		if (ccidsim_new(&sim, NULL) != CCIDSIM_OK) {
			fprintf(out, "out of memory\n");
			return 2;
		}
		ccidsim_err e = card_path ? ccidsim_insert(sim, card_path) : CCIDSIM_OK;
		if (e != CCIDSIM_OK)
			fprintf(out, "card image %s: %s\n", card_path, ccidsim_err_name(e));
		else
			rc = reader_probe(ccidsim_xport(sim), &ro, wait_ms, out);
		ccidsim_free(&sim);
		return rc;
	}
	usb *u = NULL;
	xport_err xe = readertest_usb_new(cfg, &u);
	if (xe != XPORT_OK) {
		fprintf(out, "USB is not available: %s\n", xport_err_name(xe));
		return 2;
	}
	list_usb(u, out);
	fprintf(out, "place a KTP-el on the reader (waiting up to %d s)\n", wait_ms / 1000);
	fflush(out);
	rc = reader_probe(usb_xport(u), &ro, wait_ms, out);
	usb_free(&u);
	return rc;
}
