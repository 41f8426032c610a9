/*
 * scr_identify: step 2, who is asking. "Tempelkan KTP-el Anda": a card on
 * the reader fills the NIK and the data the card holds, and the journey
 * moves on by itself (app.c handles the reader's events). Without a card, or
 * when the card cannot be read, the NIK is typed on the keypad; a typed NIK
 * marks the request for an identity check in person by the officer.
 */
#include <stdio.h>
#include <string.h>

#include "step.h"

enum { ANIM_MS = 6000, ANIM_FRAME_MS = 40, RING_PERIOD_MS = 1500 };

/* A card moving onto a reader, with rings pulsing out of the reader while the
 * animation runs (it stops after ANIM_MS so an idle kiosk does not burn CPU). */
static void reader_art(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	uint64_t now = app_now(a);
	if (a->scr.identify_anim == 0)
		a->scr.identify_anim = now;
	uint64_t t = now - a->scr.identify_anim;
	bool running = t < ANIM_MS;
	if (running)
		ui_request_wake(u, now + ANIM_FRAME_MS);

	int rw = 360, rh = 120;
	ui_rect reader = {r.x + (r.w - rw) / 2, r.y + r.h - rh - 56, rw, rh};
	if (running) {
		int phase = (int)(t % RING_PERIOD_MS);
		for (int i = 0; i < 2; i++) {
			int p = (phase + i * RING_PERIOD_MS / 2) % RING_PERIOD_MS;
			int grow = p * 50 / RING_PERIOD_MS;
			uint8_t alpha = (uint8_t)(160 - p * 160 / RING_PERIOD_MS);
			ui_rect ring = ui_inset(reader, -grow, -grow);
			ui_draw_frame(u, ring, theme_alpha(th->color.primary, alpha), th->radius * 2 + grow,
				      4);
		}
	}
	ui_draw_rect(u, reader, th->color.header_bg, th->radius * 2);
	ui_draw_rect(u, (ui_rect){reader.x + rw - 70, reader.y + rh - 34, 36, 14}, th->color.success, 7);
	ui_label(u, "identify.reader", (ui_rect){r.x, reader.y + rh + 12, r.w, 40}, UI_FONT_SMALL,
		 th->color.text_muted, UI_ALIGN_CENTER);

	/* The card hovers above the reader and settles onto it. */
	int cw = 260, ch = 164;
	int lift = running ? (int)((t % RING_PERIOD_MS) < RING_PERIOD_MS / 2
					    ? 60 - (int)(t % RING_PERIOD_MS) * 120 / RING_PERIOD_MS
					    : 0)
			   : 0;
	if (lift < 0)
		lift = 0;
	ui_rect card = {reader.x + (rw - cw) / 2, reader.y - ch + 50 - lift, cw, ch};
	ui_draw_rect(u, card, th->color.primary_soft, th->radius * 2);
	ui_draw_frame(u, card, th->color.primary, th->radius * 2, th->border);
	ui_draw_rect(u, (ui_rect){card.x, card.y, cw, 40}, th->color.primary, th->radius * 2);
	ui_draw_rect(u, (ui_rect){card.x + 24, card.y + 64, 52, 40}, th->color.focus, 8);
	ui_label(u, "welcome.card", (ui_rect){card.x + 16, card.y + 2, 200, 36}, UI_FONT_SMALL,
		 th->color.text_inverse, UI_ALIGN_LEFT);
}

/* "NIK 3375 **** **** 0001": enough to recognise, not enough to copy. */
static const char *masked_nik(app *a, const char *nik)
{
	char m[32];
	size_t n = strlen(nik);
	if (n < 8)
		return "";
	snprintf(m, sizeof m, "%.4s \xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2 "
			      "\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2\xE2\x80\xA2 %s",
		 nik, nik + n - 4);
	return ui_intern(a->ui, m);
}

void scr_identify_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	journey *j = &a->sess.j;
	step_frame sf;
	ui_col col = step_begin(&sf, a, r, J_IDENTIFY, "identify.title", NULL);

	if (j->r.id_source != REQ_ID_NONE) {
		const char *args[1] = {masked_nik(a, j->r.f[REQ_F_NIK].current)};
		col.y += step_note(&sf, ui_col_rest(&col), STEP_NOTE_OK,
				   ui_tr(u, j->card_nik ? "identify.done_card" : "identify.done_typed"),
				   ui_trf(u, "identify.done_nik", args, 1)) + th->gap;
		col.y += ui_label(u, "identify.again", ui_col_rest(&col), UI_FONT_BODY,
				  th->color.text_muted, UI_ALIGN_LEFT) + th->gap;
	}

	/* Portrait: the card above the keypad field. Landscape: side by side,
	 * so both fit without scrolling. */
	ui_rect area = ui_col_rest(&col);
	ui_col left = ui_col_make(th->landscape ? ui_split(area, 2, th->gap * 2, 0) : area, th->gap);
	ui_col right = left;
	if (th->landscape)
		right = ui_col_make(ui_split(area, 2, th->gap * 2, 1), th->gap);

	if (!ui_keyboard_wanted(u) || th->landscape) {
		left.y += ui_label(u, "identify.tap", ui_col_rest(&left), UI_FONT_SUBTITLE,
				   th->color.text, UI_ALIGN_CENTER);
		left.y += th->gap;
		reader_art(a, ui_col_take(&left, 380));
		/* What the reader did, where the eye goes next. */
		ui_col *notes = th->landscape ? &right : &left;
		if (a->scr.card_state == IDCARD_READING)
			ui_spinner(u, "identify.reading", ui_col_take(notes, th->spinner_d));
		else if (a->scr.card_state == IDCARD_REFUSED)
			notes->y += step_note(&sf, ui_col_rest(notes), STEP_NOTE_WARN,
					      ui_tr(u, "identify.refused_title"),
					      ui_tr(u, val_code_key(j->identify_error))) + th->gap;
		else if (a->scr.card_state == IDCARD_UNREADABLE)
			notes->y += step_note(&sf, ui_col_rest(notes), STEP_NOTE_WARN,
					      ui_tr(u, "identify.unreadable_title"),
					      ui_tr(u, "identify.unreadable")) + th->gap;
		if (!th->landscape) {
			left.y += ui_label(u, "identify.or", ui_col_rest(&left), UI_FONT_STRONG,
					   th->color.text_muted, UI_ALIGN_CENTER) + th->gap;
			right = left;
		}
	}
	if (th->landscape)
		right.y += ui_label(u, "identify.or", ui_col_rest(&right), UI_FONT_SUBTITLE,
				    th->color.text, UI_ALIGN_LEFT) + th->gap;

	const char *err = j->identify_error != VAL_OK ? val_code_key(j->identify_error) : NULL;
	if (ui_focused(u, "identify.nik"))
		err = NULL;
	int h = ui_field(u, "identify.nik", j->nik_typed, sizeof j->nik_typed, 16, UI_KBD_NIK,
			 ui_col_rest(&right), "identify.nik_hint", err);
	ui_col_take(&right, h);
	right.y += ui_label(u, "identify.typed_note", ui_col_rest(&right), UI_FONT_SMALL,
			    th->color.text_muted, UI_ALIGN_LEFT);
	col.y = left.y > right.y ? left.y : right.y;

	step_action act = step_end(&sf, &col, NULL);
	if (act == STEP_NEXT) {
		if (j->nik_typed[0] != '\0') {
			j->identify_error = journey_identify(j, j->nik_typed, false);
			if (j->identify_error != VAL_OK)
				return;
			explicit_bzero(j->nik_typed, sizeof j->nik_typed);
		} else if (j->r.id_source == REQ_ID_NONE) {
			j->identify_error = VAL_EMPTY;
			return;
		}
	}
	step_follow(&sf, act);
}
