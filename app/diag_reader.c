/*
 * diag_reader: the reader checks, reader.found, reader.card and
 * reader.read (diag_internal.h).
 *
 * In a running kiosk the reader thread owns the transport, so the checks
 * only read its snapshot (env->reader_live) and never touch the device:
 * the card's state and the counters of reads since start. Without one
 * (kiosk --diagnose) they open the reader themselves, as kiosk
 * --reader-test does, and run the reader check once (reader_probe_ex),
 * waiting briefly for a card: 1.5 s on the simulated reader (its card is
 * there or not from the start), 3 s on USB (time to lay a card down).
 *
 * Statuses: no reader fails reader.found, and the two others then warn
 * "not tried: no reader" (they are its consequence, not faults of their
 * own). No card is a warning (the reader works; a test read needs a
 * KTP-el). A card that is not a KTP-el gives "UID only", a warning; any
 * other failure to read a card's record fails reader.read with the
 * driver's reason, as does a simulated card whose image the simulator
 * refuses. The card's UID and data never reach the report.
 */
#include <string.h>

#include "ccidsim.h"
#include "diag_internal.h"
#include "readertest.h"
#include "usb.h"

enum {
	SIM_WAIT_MS = 1500,
	USB_WAIT_MS = 3000,
};

static const char NO_CARD_REASON[] = "no card on the reader: place a KTP-el for a test read";

/* reader.card and reader.read when there is no reader to try them on. */
static void not_tried(diag_report *r, const char *why)
{
	diag_add(r, "reader.card", DIAG_WARN, "not tried", "not tried: %s", why);
	diag_add(r, "reader.read", DIAG_WARN, "not tried", "not tried: %s", why);
}

/* "<name> (vvvv:pppp), CCID 1.10, 2 slots" into BUF (the name cut to fit). */
static void reader_value(char *buf, size_t cap, const char *name, uint16_t vid, uint16_t pid, bool desc_ok,
			 const ccid_desc *d)
{
	if (desc_ok)
		snprintf(buf, cap, "%.48s (%04x:%04x), CCID %x.%02x, %u slot%s", name, vid, pid,
			 d->bcd_ccid >> 8, d->bcd_ccid & 0xFF, d->max_slot_index + 1u,
			 d->max_slot_index ? "s" : "");
	else
		snprintf(buf, cap, "%.48s (%04x:%04x), no CCID descriptor", name, vid, pid);
}

/* ---- a running kiosk: the reader thread's snapshot ------------------------ */

static void live_checks(const reader_status *st, diag_report *r)
{
	char value[DIAG_VALUE_MAX];

	if (!st->attached) {
		if (st->refused_why && st->refused_why[0])
			diag_add(r, "reader.found", DIAG_FAIL, st->name, "the reader %s cannot be used: %s",
				 st->name, st->refused_why);
		else
			diag_add(r, "reader.found", DIAG_FAIL, "none",
				 "no card reader found: none is plugged in, or it was unplugged");
		not_tried(r, "no reader");
		return;
	}
	reader_value(value, sizeof value, st->name, st->vid, st->pid, st->desc_ok, &st->desc);
	diag_add(r, "reader.found", DIAG_OK, value, "%s%s",
		 st->has_sam_slot ? "ready: a card slot and a SAM slot"
				  : "one slot: no SAM, only UIDs can be read",
		 st->has_interrupt ? "" : "; no interrupt endpoint (polled)");
	if (st->card_present) {
		snprintf(value, sizeof value, "ATR %s", st->atr_hex);
		diag_add(r, "reader.card", DIAG_OK, st->atr_hex[0] ? value : "present", "%s", "");
	} else {
		diag_add(r, "reader.card", DIAG_WARN, "no card", "%s", NO_CARD_REASON);
	}

	snprintf(value, sizeof value, "%lu read, %lu UID only, %lu failed since start", st->reads_ok,
		 st->reads_unreadable, st->reads_failed);
	if (st->last_error && st->last_error[0])
		diag_add(r, "reader.read", DIAG_WARN, value, "the last card was not read: %s",
			 st->last_error);
	else
		diag_add(r, "reader.read", DIAG_OK, value, "%s", "");
}

/* ---- kiosk --diagnose: the reader check, once ---------------------------- */

static void probe_checks(const reader_probe_result *p, diag_report *r)
{
	char value[DIAG_VALUE_MAX];

	if (p->end == READER_PROBE_NO_READER) {
		diag_add(r, "reader.found", DIAG_FAIL, "none", "no card reader found: %s",
			 p->open_err == XPORT_ERR_NOT_FOUND
			     ? "none is plugged in (or not one on the allow list)"
			     : xport_err_name(p->open_err));
		not_tried(r, "no reader");
		return;
	}
	reader_value(value, sizeof value, p->info.name, p->info.vid, p->info.pid, p->desc_ok, &p->desc);
	if (p->end == READER_PROBE_UNSUPPORTED) {
		diag_add(r, "reader.found", DIAG_FAIL, value, "the reader cannot be used: %s",
			 p->unsupported);
		not_tried(r, "the reader cannot be used");
		return;
	}
	diag_add(r, "reader.found", DIAG_OK, value, "%s",
		 p->info.has_interrupt ? "" : "no interrupt endpoint (polled)");
	switch (p->end) {
	case READER_PROBE_NO_CARD:
		if (p->slot_error)
			diag_add(r, "reader.card", DIAG_FAIL, "unknown",
				 "the reader does not tell whether a card is present: %s", p->slot_error);
		else
			diag_add(r, "reader.card", DIAG_WARN, "no card", "%s", NO_CARD_REASON);
		diag_add(r, "reader.read", DIAG_WARN, "not tried", "not tried: no card");
		return;
	case READER_PROBE_NO_POWER:
		diag_add(r, "reader.card", DIAG_WARN, "present, no ATR",
			 "a card is on the reader but did not power on");
		diag_add(r, "reader.read", DIAG_FAIL, "card read error",
			 "the card does not answer power-on: %s", p->power_error);
		return;
	default: break;
	}
	snprintf(value, sizeof value, "ATR %s", p->atr_hex);
	diag_add(r, "reader.card", DIAG_OK, value, "protocol %s%s", p->protocol,
		 p->sam == READER_PROBE_SAM_PRESENT  ? ", SAM present"
		 : p->sam == READER_PROBE_SAM_ABSENT ? ", SAM slot empty or not answering"
						     : ", no SAM slot");
	const char *at = p->record_step ? " at " : "", *step = p->record_step ? p->record_step : "";
	if (p->record_read)
		diag_add(r, "reader.read", DIAG_OK, "record read",
			 "the KTP-el record was read (and wiped at once)");
	else if (p->record_err != RDR_OK)
		diag_add(r, "reader.read", DIAG_FAIL, "card read error", "%s%s%s",
			 rdr_err_name(p->record_err), at, step);
	else if (p->record_why == RDR_WHY_NOT_KTP)
		diag_add(r, "reader.read", DIAG_WARN, "UID only",
			 "the card on the reader is not a KTP-el: place a KTP-el for a test read");
	else if (p->record_why == RDR_WHY_NO_SAM)
		diag_add(r, "reader.read", DIAG_FAIL, "UID only",
			 "no KTP-el SAM answers in the reader: no card's record can be read "
			 "(citizens type their NIK)");
	else
		diag_add(r, "reader.read", DIAG_FAIL, "card read error", "%s%s%s",
			 rdr_why_name(p->record_why), at, step);
}

/* The simulated reader, with ENV's card image on it when one is given.
 * A refused image reads as a card that cannot be read. */
static void sim_checks(const diag_env *env, const reader_opts *ro, diag_report *r)
{
	ccidsim *sim = NULL;
	reader_probe_result p;

	if (ccidsim_new(&sim, NULL) != CCIDSIM_OK) {
		diag_add(r, "reader.found", DIAG_FAIL, "none",
			 "cannot start the simulated reader: out of memory");
		not_tried(r, "no reader");
		return;
	}
	ccidsim_err e = env->card_path ? ccidsim_insert(sim, env->card_path) : CCIDSIM_OK;
	reader_probe_ex(ccidsim_xport(sim), ro, e == CCIDSIM_OK ? SIM_WAIT_MS : 0, &p);
	explicit_bzero(p.uid, sizeof p.uid);
	ccidsim_free(&sim);
	if (e == CCIDSIM_OK || p.end != READER_PROBE_NO_CARD) {
		probe_checks(&p, r);
		return;
	}
	char value[DIAG_VALUE_MAX];
	reader_value(value, sizeof value, p.info.name, p.info.vid, p.info.pid, p.desc_ok, &p.desc);
	diag_add(r, "reader.found", DIAG_OK, value, "simulated reader");
	diag_add(r, "reader.card", DIAG_WARN, "no card",
		 "the simulated card was not placed: its image was refused");
	diag_add(r, "reader.read", DIAG_FAIL, "card read error", "the card %s cannot be read: %s",
		 env->card_path, ccidsim_err_name(e));
}

/* The first USB reader the allow list admits. */
static void usb_checks(const conf *cfg, const reader_opts *ro, diag_report *r)
{
	usb *u = NULL;
	reader_probe_result p;
	xport_err xe = readertest_usb_new(cfg, &u);
	if (xe != XPORT_OK) {
		diag_add(r, "reader.found", DIAG_FAIL, "none",
			 "no card reader found: USB is not available (%s)", xport_err_name(xe));
		not_tried(r, "no reader");
		return;
	}
	reader_probe_ex(usb_xport(u), ro, USB_WAIT_MS, &p);
	explicit_bzero(p.uid, sizeof p.uid);
	usb_free(&u);
	probe_checks(&p, r);
}

void diag_reader_checks(const diag_env *env, diag_report *r)
{
	if (env->reader_live) {
		live_checks(env->reader_live, r);
		return;
	}
	reader_opts ro = {.timeout_ms = env->cfg->reader.timeout_ms, .sam_slot = 1};
	if (env->cfg->reader.type == CONF_READER_SIM)
		sim_checks(env, &ro, r);
	else
		usb_checks(env->cfg, &ro, r);
}
