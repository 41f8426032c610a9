/*
 * scr_identify: step 2, who is asking. "Tempelkan KTP-el Anda": a card on
 * the reader fills the NIK and the data the card holds, and the journey
 * moves on by itself (scr_identify_reader_event follows the reader thread's
 * events: reading, its progress, the identity, or why it failed). Without a
 * reader or a card, or when the card cannot be read, the NIK is typed on
 * the keypad; a typed NIK marks the request for an identity check in person
 * by the officer.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
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
	ui_rect pad = {r.x + (r.w - rw) / 2, r.y + r.h - rh - 56, rw, rh};
	if (running) {
		int phase = (int)(t % RING_PERIOD_MS);
		for (int i = 0; i < 2; i++) {
			int p = (phase + i * RING_PERIOD_MS / 2) % RING_PERIOD_MS;
			int grow = p * 50 / RING_PERIOD_MS;
			uint8_t alpha = (uint8_t)(160 - p * 160 / RING_PERIOD_MS);
			ui_rect ring = ui_inset(pad, -grow, -grow);
			ui_draw_frame(u, ring, theme_alpha(th->color.primary, alpha), th->radius * 2 + grow,
				      4);
		}
	}
	ui_draw_rect(u, pad, th->color.header_bg, th->radius * 2);
	ui_draw_rect(u, (ui_rect){pad.x + rw - 70, pad.y + rh - 34, 36, 14}, th->color.success, 7);
	ui_label(u, "identify.reader", (ui_rect){r.x, pad.y + rh + 12, r.w, 40}, UI_FONT_SMALL,
		 th->color.text_muted, UI_ALIGN_CENTER);

	/* The card hovers above the reader and settles onto it. */
	int cw = 260, ch = 164;
	int lift = running ? (int)((t % RING_PERIOD_MS) < RING_PERIOD_MS / 2
					    ? 60 - (int)(t % RING_PERIOD_MS) * 120 / RING_PERIOD_MS
					    : 0)
			   : 0;
	if (lift < 0)
		lift = 0;
	ui_rect card = {pad.x + (rw - cw) / 2, pad.y - ch + 50 - lift, cw, ch};
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

void scr_identify_reader_event(app *a, const rdr_event *ev)
{
	app_screens *s = &a->scr;
	bool here = a->screen == SCREEN_IDENTIFY;
	bool reading = here && s->card_state == IDCARD_READING;
	switch (ev->type) {
	case RDR_EV_CARD_PRESENT:
		/* A card on the reader starts a request, or identifies the
		 * applicant on the identify step. */
		if (a->screen == SCREEN_WELCOME || a->screen == SCREEN_MENU) {
			app_goto(a, SCREEN_CONSENT);
			journey_init(&a->sess.j, a->cfg->kiosk.id);
		} else {
			session_touch(&a->sess, app_now(a));
			if (here) {
				s->card_state = IDCARD_READING;
				s->card_progress = 5; /* the card is seen: a start */
			}
		}
		break;
	case RDR_EV_READING:
		if (reading)
			s->card_progress = ev->progress;
		break;
	case RDR_EV_IDENTITY:
		/* Only the identify step takes a card's data, and only after the
		 * citizen's consent. */
		if (!here)
			break;
		a->sess.j.identify_error = journey_from_card(&a->sess.j, &ev->id, ev->uid);
		if (a->sess.j.identify_error == VAL_OK) {
			log_info("identify", "identity read from the card");
			s->card_state = IDCARD_WAITING;
			app_goto(a, SCREEN_CURRENT);
		} else {
			log_warn("identify", "card identity refused: %s",
				 val_code_name(a->sess.j.identify_error));
			s->card_state = IDCARD_REFUSED;
		}
		break;
	case RDR_EV_CARD_UNREADABLE:
		if (here)
			s->card_state = IDCARD_UNREADABLE;
		break;
	case RDR_EV_ERROR:
		if (reading) {
			s->card_state = IDCARD_FAILED;
			s->card_error = ev->error;
		}
		break;
	case RDR_EV_CARD_REMOVED: /* before the reader could say why */
	case RDR_EV_DETACHED:
		if (reading) {
			s->card_state = IDCARD_FAILED;
			s->card_error = ev->type == RDR_EV_DETACHED ? RDR_ERR_UNPLUGGED
								   : RDR_ERR_CARD_GONE;
		}
		break;
	case RDR_EV_ATTACHED:
	default:
		break;
	}
	ui_request_frame(a->ui);
}

/* The catalog key telling the citizen what to do after a failed read. */
static const char *failed_key(rdr_err e)
{
	switch (e) {
	case RDR_ERR_CARD_GONE: return "identify.failed_removed";
	case RDR_ERR_UNPLUGGED: return "identify.failed_unplugged";
	default: return "identify.failed_retry";
	}
}

/* What the reader is doing, where the eye goes after the card. */
static void reader_notes(app *a, step_frame *sf, ui_col *notes)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	switch (a->scr.card_state) {
	case IDCARD_READING:
		notes->y += ui_label(u, "identify.keep", ui_col_rest(notes), UI_FONT_STRONG,
				     th->color.text, UI_ALIGN_CENTER) + th->gap;
		ui_progress(u, "identify.reading", ui_col_take(notes, 64),
			    (float)a->scr.card_progress / 100.0f);
		notes->y += th->gap;
		return;
	case IDCARD_REFUSED:
		notes->y += step_note(sf, ui_col_rest(notes), STEP_NOTE_WARN,
				      ui_tr(u, "identify.refused_title"),
				      ui_tr(u, val_code_key(a->sess.j.identify_error))) + th->gap;
		return;
	case IDCARD_UNREADABLE:
		notes->y += step_note(sf, ui_col_rest(notes), STEP_NOTE_WARN,
				      ui_tr(u, "identify.unreadable_title"),
				      ui_tr(u, "identify.unreadable")) + th->gap;
		return;
	case IDCARD_FAILED:
		notes->y += step_note(sf, ui_col_rest(notes), STEP_NOTE_WARN,
				      ui_tr(u, "identify.failed_title"),
				      ui_tr(u, failed_key(a->scr.card_error))) + th->gap;
		return;
	case IDCARD_WAITING:
	default:
		if (!a->reader_attached)
			notes->y += step_note(sf, ui_col_rest(notes), STEP_NOTE_INFO,
					      ui_tr(u, "identify.no_reader_title"),
					      ui_tr(u, "identify.no_reader")) + th->gap;
		return;
	}
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
		reader_art(a, ui_col_take(&left, th->landscape ? 300 : 380)); /* whole, above the fold */
		reader_notes(a, &sf, th->landscape ? &right : &left);
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
