/*
 * scr_receipt: the proof that the request is stored: the ticket number in
 * large type with its QR code (to photograph or scan), the deadline and the
 * target date, what happens next (verification by the officer, a possible
 * revocation), how to check the status, and the complaint channels. No name
 * or NIK is shown: the receipt may be photographed by anyone standing near.
 * "Selesai" ends the session.
 */
#include <stdio.h>
#include <string.h>

#include "qr.h"
#include "uplink.h"
#include "step.h"

/* The ticket card: number and QR side by side (stacked when narrow). */
static int ticket_card(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	const char *ticket = a->sess.j.r.ticket;
	int pad = th->gap * 2, tw, tth;
	ui_measure(u, UI_FONT_DISPLAY, ticket, 0, &tw, &tth);
	/* The number on one line beside the code; the code shrinks first. */
	int qr = r.w - 3 * pad - tw - th->gap;
	if (qr > 300)
		qr = 300;
	if (qr < 200)
		qr = 200;
	int h = qr + 2 * pad;
	ui_rect card = {r.x, r.y, r.w, h};
	ui_draw_rect(u, card, th->color.primary_soft, th->radius * 2);
	ui_draw_frame(u, card, th->color.primary, th->radius * 2, th->border);
	ui_rect text = {card.x + pad, card.y + pad, card.w - 3 * pad - qr, qr};
	int y = text.y + 20;
	y += ui_label(u, "receipt.ticket", (ui_rect){text.x, y, text.w, 0}, UI_FONT_STRONG,
		      th->color.text_muted, UI_ALIGN_LEFT);
	y += ui_label_text(u, ticket, (ui_rect){text.x, y, text.w, 0}, UI_FONT_DISPLAY,
			   th->color.primary, UI_ALIGN_LEFT);
	ui_label(u, "receipt.keep", (ui_rect){text.x, y + th->gap_small, text.w, 0}, UI_FONT_BODY,
		 th->color.text, UI_ALIGN_LEFT);
	qr_draw(u, (ui_rect){card.x + card.w - pad - qr, card.y + pad, qr, qr}, ticket,
		th->color.text, th->color.surface);
	return h;
}

void scr_receipt_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	journey *j = &a->sess.j;
	const conf *c = a->cfg;

	if (th->landscape) { /* the receipt uses the whole width */
		r.x = th->margin;
		r.w = th->design_w - 2 * th->margin;
	}
	ui_rect done = {r.x, r.y + r.h - th->button_h, r.w, th->button_h};
	ui_rect body = {r.x, r.y, r.w, r.h - th->button_h - th->gap};
	step_frame sf = {.a = a};

	/* The ticket always in view: on top in portrait (the rest scrolls under
	 * it, dates first), on the left in landscape (the rest scrolls beside). */
	ui_rect fixed = body, rest = body;
	if (th->landscape) {
		fixed = ui_split(body, 2, th->gap * 2, 0);
		rest = ui_split(body, 2, th->gap * 2, 1);
	}
	ui_col top = ui_col_make(fixed, th->gap);
	top.y += ui_label(u, "receipt.heading", ui_col_rest(&top), UI_FONT_TITLE, th->color.success,
			  UI_ALIGN_LEFT) + th->gap_small;
	top.y += ui_label(u, "receipt.stored", ui_col_rest(&top), UI_FONT_BODY, th->color.text,
			  UI_ALIGN_LEFT) + th->gap_small;
	top.y += uplink_line(a, ui_col_rest(&top), th->color.text_muted, UI_ALIGN_LEFT) + th->gap;
	top.y += ticket_card(a, ui_col_rest(&top)) + th->gap;
	if (!th->landscape) {
		rest.y = top.y;
		rest.h = body.y + body.h - top.y;
	}
	ui_rect in = ui_scroll_begin(u, "receipt.body", rest);
	ui_col col = ui_col_make((ui_rect){in.x, in.y, in.w - 24, in.h}, th->gap);
	ui_col *dates = &col;

	const char *args[1] = {shell_fmt_when(a, j->deadline_at, true)};
	dates->y += step_pair(&sf, ui_col_rest(dates), "receipt.deadline",
			      ui_trf(u, "receipt.deadline_value", args, 1)) + th->gap_small;
	args[0] = shell_fmt_when(a, j->target_at, true);
	dates->y += step_pair(&sf, ui_col_rest(dates), "receipt.target",
			      ui_trf(u, "receipt.target_value", args, 1)) + th->gap_small;
	dates->y += ui_label(u, "receipt.days_note", ui_col_rest(dates), UI_FONT_SMALL,
			     th->color.text_muted, UI_ALIGN_LEFT) + th->gap;
	if (j->deadline_uncovered)
		dates->y += step_note(&sf, ui_col_rest(dates), STEP_NOTE_WARN, NULL,
				      ui_tr(u, "receipt.uncovered")) + th->gap;

	step_section(&sf, &col, "receipt.next_title", "receipt.next_verify", NULL);
	if (j->r.id_source == REQ_ID_TYPED)
		col.y += step_note(&sf, ui_col_rest(&col), STEP_NOTE_WARN, NULL,
				   ui_tr(u, "receipt.bring_ktp")) + th->gap;
	step_section(&sf, &col, NULL, req_requires_revocation_if_owner(&j->r)
					      ? "receipt.next_revoke"
					      : "receipt.next_profile", NULL);
	step_section(&sf, &col, NULL, "receipt.next_notify", NULL);
	step_section(&sf, &col, "receipt.status_title", "receipt.status", NULL);

	char phones[CONF_PHONES_TEXT_MAX];
	conf_fmt_phones(c, phones, sizeof phones);
	const char *cargs[2] = {phones, c->complaints.email};
	step_section(&sf, &col, "receipt.complaints_title", NULL,
		     ui_trf(u, "receipt.complaints", cargs, 2));
	ui_scroll_end(u, col.y - in.y);

	if (ui_button(u, "receipt.done", done, UI_BTN_PRIMARY))
		app_goto(a, SCREEN_WELCOME);
}
