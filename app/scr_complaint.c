/*
 * scr_complaint: "Pengaduan", a citizen's complaint or suggestion about the
 * service, without signing in: what it is about (big choices), what
 * happened (free text), optionally the ticket of the request it concerns
 * and a phone number or e-mail address for the answer, and a line on what
 * the data is used for. "Kirim pengaduan" checks everything at once and
 * shows each problem next to its field; when all is well the complaint is
 * stored with its outbox entry in one transaction (complaint_file(), on
 * the UI thread like the request's submit: one small write) and the done
 * screen shows its number. If the store fails the citizen is told so and
 * keeps what they typed.
 *
 * The field widget is one line: a long text scrolls inside its box while it
 * is typed, and the whole text is shown wrapped under it once it no longer
 * fits, so the citizen can read back what they wrote.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "step.h"
#include "uplink.h"
#include "val.h"

enum { TEXT_FIELD_CHARS = COMPLAINT_TEXT_MAX, CONTACT_FIELD_CHARS = 100 };

/* The form checked: catalog keys of its problems (NULL: none), and the
 * values complaint_file() takes. Holds personal data: wiped after use. */
typedef struct checked {
	const char *cat_err, *text_err, *ticket_err, *contact_err;
	char ticket[TICKET_TEXT_MAX];            /* canonical, or "" */
	char contact[COMPLAINT_CONTACT_MAX + 1]; /* normalised phone (62...) or e-mail, or "" */
} checked;

static bool blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

static void check(const complaint_form *f, checked *c)
{
	char tmp[VAL_EMAIL_CAP > COMPLAINT_TEXT_MAX + 1 ? VAL_EMAIL_CAP : COMPLAINT_TEXT_MAX + 1];

	memset(c, 0, sizeof *c);
	if (!f->chosen || f->category < 0 || f->category >= COMPLAINT_CAT_COUNT)
		c->cat_err = "complaint.category_err";
	/* The same rule complaint_file() applies, byte cap included. */
	val_code v = val_text(f->text, tmp, COMPLAINT_TEXT_MAX + 1, 1, COMPLAINT_TEXT_MAX);
	if (v == VAL_EMPTY)
		c->text_err = "complaint.text_required";
	else if (v != VAL_OK)
		c->text_err = "complaint.text_invalid";
	if (!blank(f->ticket)) {
		ticket_err te = ticket_parse(f->ticket, c->ticket);
		if (te != TICKET_OK)
			c->ticket_err = ticket_err_key(te);
	}
	if (!blank(f->contact)) {
		/* Stored normalised: a phone as 62..., an address in lower case. */
		bool ok = val_phone(f->contact, tmp, sizeof tmp) == VAL_OK ||
			  val_email(f->contact, tmp, sizeof tmp) == VAL_OK;
		size_t n = strlen(tmp);
		if (ok && n < sizeof c->contact)
			memcpy(c->contact, tmp, n + 1);
		else
			c->contact_err = "complaint.contact_err";
	}
	explicit_bzero(tmp, sizeof tmp);
}

static const char *store_error_key(int e)
{
	switch ((queue_err)e) {
	case QUEUE_ERR_FULL:
		return "complaint.err_full";
	case QUEUE_ERR_BUSY:
		return "complaint.err_busy";
	default:
		return "complaint.err_io";
	}
}

/* The first problem shown after "Kirim" comes into view. */
static void reveal_at(app *a, ui_rect r)
{
	complaint_form *f = &a->sess.complaint;
	if (!f->reveal)
		return;
	f->reveal = false;
	ui_scroll_into_view(a->ui, r);
}

static void send(app *a, const checked *ck)
{
	complaint_form *f = &a->sess.complaint;
	char number[COMPLAINT_NUMBER_MAX];

	f->attempted = true;
	f->store_error = 0;
	ui_unfocus(a->ui);
	if (ck->cat_err || ck->text_err || ck->ticket_err || ck->contact_err) {
		f->reveal = true;
		return;
	}
	complaint_form_data d = {(complaint_category)f->category, f->text, ck->ticket, ck->contact};
	queue_err e = a->q ? complaint_file(a->q, a->cfg->kiosk.id, &d, app_wall_time(a), number) : QUEUE_ERR_IO;
	if (e != QUEUE_OK) {
		log_error("complaint", "complaint not stored: %s", queue_err_name(e));
		f->store_error = (int)e;
		f->reveal = true;
		return;
	}
	log_info("complaint", "complaint %s stored", number);
	bool had_contact = ck->contact[0] != '\0';
	/* What was typed is stored: the form need not keep it any longer. */
	explicit_bzero(f, sizeof *f);
	snprintf(f->number, sizeof f->number, "%s", number);
	f->had_contact = had_contact;
	uplink_kick(a);
	app_goto(a, SCREEN_COMPLAINT_DONE);
}

/* A numbered section heading ("1. Tentang apa pengaduan Anda?"). */
static void heading(app *a, ui_col *col, const char *key)
{
	const theme *th = &a->th;
	col->y += ui_label(a->ui, key, ui_col_rest(col), UI_FONT_SUBTITLE, th->color.text, UI_ALIGN_LEFT) +
		  th->gap_small;
}

/* The whole text, wrapped, with its length, once it outgrows the box. */
static void text_preview(app *a, ui_col *col)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	const complaint_form *f = &a->sess.complaint;
	int w, h;
	if (f->text[0] == '\0')
		return;
	ui_measure(u, UI_FONT_BODY, f->text, 0, &w, &h);
	if (w <= col->area.w - 3 * th->gap)
		return;
	char n[16], max[16];
	snprintf(n, sizeof n, "%d", val_utf8_len(f->text));
	snprintf(max, sizeof max, "%d", TEXT_FIELD_CHARS);
	const char *args[2] = {n, max};
	step_frame sf = {.a = a};
	col->y += step_note(&sf, ui_col_rest(col), STEP_NOTE_INFO, ui_trf(u, "complaint.text_preview", args, 2),
			    f->text) +
		  th->gap;
}

void scr_complaint_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	complaint_form *f = &a->sess.complaint;
	step_frame sf = {.a = a};
	checked ck;
	int h;

	check(f, &ck);
	/* The buttons stay under the form; while the keyboard is up the form
	 * gets their room (the keyboard's "Selesai" closes it). */
	bool kbd = ui_keyboard_wanted(u);
	ui_rect nav = {r.x, r.y + r.h - th->button_h, r.w, th->button_h};
	ui_rect body = r;
	if (!kbd)
		body.h -= th->button_h + th->gap;
	ui_rect view = ui_scroll_begin(u, "complaint.body", body);
	ui_col col = ui_col_make((ui_rect){view.x, view.y, view.w - 24, view.h}, th->gap);

	col.y += ui_label(u, "complaint.heading", ui_col_rest(&col), UI_FONT_TITLE, th->color.text,
			  UI_ALIGN_LEFT);
	col.y += ui_label(u, "complaint.intro", ui_col_rest(&col), UI_FONT_BODY, th->color.text_muted,
			  UI_ALIGN_LEFT) + th->gap;
	if (f->store_error) {
		h = step_note(&sf, ui_col_rest(&col), STEP_NOTE_WARN, ui_tr(u, "complaint.err_title"),
			      ui_tr(u, store_error_key(f->store_error)));
		reveal_at(a, ui_col_take(&col, h));
	}

	/* 1. What it is about. */
	heading(a, &col, "complaint.category");
	if (f->attempted && ck.cat_err) {
		h = ui_label(u, ck.cat_err, ui_col_rest(&col), UI_FONT_BODY, th->color.danger, UI_ALIGN_LEFT);
		reveal_at(a, ui_col_take(&col, h));
	}
	/* Landscape: two columns of choices, so all six show at once. */
	const char *keys[COMPLAINT_CAT_COUNT];
	for (int i = 0; i < COMPLAINT_CAT_COUNT; i++)
		keys[i] = complaint_category_key((complaint_category)i);
	static const char *const list_ids[2] = {"complaint.category_list", "complaint.category_list2"};
	int cols = th->landscape ? 2 : 1, per = (COMPLAINT_CAT_COUNT + cols - 1) / cols;
	ui_rect lists = ui_col_take(&col, ui_choice_height(u, per));
	for (int c = 0; c < cols; c++) {
		int first = c * per, count = COMPLAINT_CAT_COUNT - first < per ? COMPLAINT_CAT_COUNT - first : per;
		int was = f->chosen && f->category >= first && f->category < first + count ? f->category - first : -1;
		int sel = was;
		ui_choice(u, list_ids[c], keys + first, count, &sel, ui_split(lists, cols, th->gap, c));
		if (sel != was && sel >= 0) {
			f->chosen = true;
			f->category = first + sel;
		}
	}
	col.y += th->gap;

	/* 2. What happened. Its error shows once "Kirim" was tapped. */
	heading(a, &col, "complaint.text_heading");
	const char *err = f->attempted && ck.text_err && !ui_focused(u, "complaint.text") ? ck.text_err : NULL;
	h = ui_field(u, "complaint.text", f->text, sizeof f->text, TEXT_FIELD_CHARS, UI_KBD_TEXT,
		     ui_col_rest(&col), "complaint.text_hint", err);
	ui_rect at = ui_col_take(&col, h);
	if (err)
		reveal_at(a, at);
	text_preview(a, &col);
	col.y += th->gap;

	/* 3. and 4. are optional; a malformed one shows its error as soon as
	 * the field is left, as on the status screen. */
	heading(a, &col, "complaint.optional");
	err = ck.ticket_err && !ui_focused(u, "complaint.ticket") ? ck.ticket_err : NULL;
	h = ui_field(u, "complaint.ticket", f->ticket, sizeof f->ticket, TICKET_LEN + 1, UI_KBD_TICKET,
		     ui_col_rest(&col), "complaint.ticket_hint", err);
	at = ui_col_take(&col, h);
	if (err)
		reveal_at(a, at);
	err = ck.contact_err && !ui_focused(u, "complaint.contact") ? ck.contact_err : NULL;
	h = ui_field(u, "complaint.contact", f->contact, sizeof f->contact, CONTACT_FIELD_CHARS, UI_KBD_EMAIL,
		     ui_col_rest(&col), "complaint.contact_hint", err);
	at = ui_col_take(&col, h);
	if (err)
		reveal_at(a, at);

	col.y += step_note(&sf, ui_col_rest(&col), STEP_NOTE_INFO, ui_tr(u, "complaint.privacy_title"),
			   ui_tr(u, "complaint.privacy")) +
		 th->gap;
	ui_scroll_end(u, col.y - view.y);

	if (!kbd) {
		ui_rect back = {nav.x, nav.y, nav.w / 3, nav.h};
		ui_rect go = {back.x + back.w + th->gap, nav.y, nav.w - back.w - th->gap, nav.h};
		if (ui_button_ex(u, "common.back", ui_tr(u, "common.back"), "\xE2\x86\x90", back, UI_BTN_SECONDARY,
				 true))
			app_goto(a, SCREEN_MENU);
		else if (ui_button(u, "complaint.send", go, UI_BTN_PRIMARY))
			send(a, &ck);
	}
	explicit_bzero(&ck, sizeof ck);
}
