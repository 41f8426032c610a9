/*
 * scr_tech_reader: the diagnostics page of the card reader. Its checks;
 * a test read ("Baca uji": the card on the reader is read again, and the
 * result is judged by the reader thread's counters, so no card data ever
 * reaches this page); and what the reader thread knows now: the reader's
 * name, VID:PID, its CCID descriptor (version, slots, exchange level,
 * protocols, largest message), the card present and its ATR, and the
 * counters of reads and of plugging.
 *
 * A card placed while this page is up starts no citizen's request: reader
 * events start one only on the welcome and menu screens
 * (scr_identify_reader_event), and the identity a read yields is dropped
 * unread outside the identify step.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "log.h"

/* Ask for a test read of the card on the reader (ST: the reader's view, NULL
 * without a reader thread). */
static void start_read(app *a, const reader_status *st)
{
	tech *t = &a->tech;
	if (!st || !st->attached) {
		t->read = TECH_READ_NO_READER;
		return;
	}
	if (!st->card_present) {
		t->read = TECH_READ_NO_CARD;
		return;
	}
	t->read_base[0] = st->reads_ok;
	t->read_base[1] = st->reads_unreadable;
	t->read_base[2] = st->reads_failed;
	t->read = TECH_READ_WAITING;
	log_info("tech", "test read asked");
	reader_request_read(a->reader);
}

/* A waiting test read ends when one of the counters moves. */
static void follow_read(app *a, const reader_status *st)
{
	tech *t = &a->tech;
	if (t->read != TECH_READ_WAITING || !st)
		return;
	if (st->reads_ok > t->read_base[0])
		t->read = TECH_READ_OK;
	else if (st->reads_unreadable > t->read_base[1])
		t->read = TECH_READ_UNREADABLE;
	else if (st->reads_failed > t->read_base[2]) {
		t->read = TECH_READ_FAILED;
		snprintf(t->read_error, sizeof t->read_error, "%s", st->last_error[0] ? st->last_error : "?");
	} else if (!st->card_present)
		t->read = TECH_READ_NO_CARD; /* lifted before the read began */
	if (t->read != TECH_READ_WAITING)
		log_info("tech", "test read: %s",
			 t->read == TECH_READ_OK           ? "read"
			 : t->read == TECH_READ_UNREADABLE ? "UID only"
			 : t->read == TECH_READ_FAILED     ? t->read_error
							   : "card gone");
}

static void test_read(app *a, ui_col *col, const reader_status *st)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	tech *t = &a->tech;
	follow_read(a, st);
	ui_rect b = ui_col_take(col, th->button_h);
	b.w = b.w < 520 ? b.w : 520;
	if (ui_button_ex(u, "tech.read_test", ui_tr(u, "tech.read_test"), NULL, b, UI_BTN_PRIMARY,
			 st != NULL && t->read != TECH_READ_WAITING))
		start_read(a, st);
	const char *args[1] = {t->read_error};
	switch (t->read) {
	case TECH_READ_WAITING: tech_note(a, col, ui_tr(u, "tech.read_waiting"), false); break;
	case TECH_READ_OK: tech_note(a, col, ui_tr(u, "tech.read_ok"), false); break;
	case TECH_READ_UNREADABLE: tech_note(a, col, ui_tr(u, "tech.read_unreadable"), true); break;
	case TECH_READ_FAILED: tech_note(a, col, ui_trf(u, "tech.read_failed", args, 1), true); break;
	case TECH_READ_NO_CARD: tech_note(a, col, ui_tr(u, "tech.read_no_card"), true); break;
	case TECH_READ_NO_READER: tech_note(a, col, ui_tr(u, "tech.read_no_reader"), true); break;
	case TECH_READ_NONE:
	default: col->y += th->gap; break;
	}
}

/* X in decimal, in the frame arena. */
static const char *ul(app *a, unsigned long x)
{
	char b[24];
	snprintf(b, sizeof b, "%lu", x);
	return ui_intern(a->ui, b);
}

/* The reader's descriptor facts, the card and the counters. */
static void reader_facts(app *a, ui_col *col, const reader_status *st)
{
	ui *u = a->ui;
	tech_heading(a, col, "tech.reader_now");
	if (!st || !st->attached) {
		tech_fact(a, col, "tech.reader_name",
			  ui_tr(u, st ? "tech.reader_none" : "tech.reader_no_thread"));
		if (st && st->refused_why[0])
			tech_fact(a, col, "tech.reader_refused", st->refused_why);
		if (st && st->last_error[0])
			tech_fact(a, col, "tech.reader_last_error", st->last_error);
		return;
	}
	const ccid_desc *d = &st->desc;
	char b[32];
	tech_fact(a, col, "tech.reader_name", st->name);
	snprintf(b, sizeof b, "%04x:%04x", (unsigned)st->vid, (unsigned)st->pid);
	tech_fact(a, col, "tech.reader_vidpid", b);
	tech_fact(a, col, "tech.reader_path", st->path);
	if (st->desc_ok) {
		snprintf(b, sizeof b, "%x.%02x", (unsigned)d->bcd_ccid >> 8, (unsigned)d->bcd_ccid & 0xFFu);
		tech_fact(a, col, "tech.reader_ccid", b);
		const char *sa[1] = {ul(a, d->max_slot_index + 1ul)};
		tech_fact(
			a, col, "tech.reader_slots",
			ui_trf(u, st->has_sam_slot ? "tech.reader_slots_sam" : "tech.reader_slots_n", sa, 1));
		tech_fact(a, col, "tech.reader_level", ccid_level_name(d->level));
		tech_fact(a, col, "tech.reader_protocols",
			  d->protocols & 1 && d->protocols & 2 ? "T=0, T=1"
			  : d->protocols & 2                   ? "T=1"
			  : d->protocols & 1                   ? "T=0"
							       : "\xE2\x80\x94");
		const char *ma[1] = {ul(a, d->max_msg_len)};
		tech_fact(a, col, "tech.reader_max_msg", ui_trf(u, "tech.bytes_n", ma, 1));
	}
	tech_fact(a, col, "tech.reader_interrupt",
		  ui_tr(u, st->has_interrupt ? "tech.reader_interrupt_yes" : "tech.reader_interrupt_no"));
	tech_fact(a, col, "tech.reader_card", ui_tr(u, st->card_present ? "tech.yes" : "tech.no"));
	tech_fact(a, col, "tech.reader_atr", st->atr_hex);
	const char *ca[3] = {ul(a, st->reads_ok), ul(a, st->reads_unreadable), ul(a, st->reads_failed)};
	tech_fact(a, col, "tech.reader_reads", ui_trf(u, "tech.reader_reads_n", ca, 3));
	const char *pa[2] = {ul(a, st->attaches), ul(a, st->detaches)};
	tech_fact(a, col, "tech.reader_plugs", ui_trf(u, "tech.reader_plugs_n", pa, 2));
	tech_fact(a, col, "tech.reader_last_error", st->last_error);
}

void tech_page_reader(app *a, ui_rect r)
{
	reader_status st;
	bool have = a->reader != NULL;
	if (have)
		reader_get_status(a->reader, &st);
	tech_body b;
	ui_col *col = tech_body_begin(a, &b, r);
	tech_checks(a, col, TECH_PAGE_READER, false);
	col = tech_body_next(a, &b);
	test_read(a, col, have ? &st : NULL);
	reader_facts(a, col, have ? &st : NULL);
	tech_body_end(a, &b);
}
