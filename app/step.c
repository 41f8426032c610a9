/*
 * step: the shared frame and field helpers of the request's steps (see
 * step.h).
 */
#include "step.h"

#include <string.h>

static const screen_id step_screens[J_STEP_COUNT] = {
	[J_CONSENT] = SCREEN_CONSENT, [J_IDENTIFY] = SCREEN_IDENTIFY, [J_CURRENT] = SCREEN_CURRENT,
	[J_CHOOSE] = SCREEN_CHOOSE,   [J_NEWVALS] = SCREEN_NEWVALS,   [J_REASON] = SCREEN_REASON,
	[J_DOCS] = SCREEN_DOCS,	      [J_IMPACT] = SCREEN_IMPACT,     [J_REVIEW] = SCREEN_REVIEW,
};

screen_id step_screen(journey_step s) { return step_screens[s]; }

ui_col step_begin(step_frame *sf, app *a, ui_rect r, journey_step s, const char *title_key,
		  const char *intro_key)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	sf->a = a;
	sf->step = s;
	sf->back_key = "common.back";

	ui_col head = ui_col_make(r, th->gap_small);
	ui_steps(u, ui_col_take(&head, 70), (int)s + 1, J_STEP_COUNT);
	head.y += ui_label(u, title_key, ui_col_rest(&head), UI_FONT_TITLE, th->color.text,
			   UI_ALIGN_LEFT);
	if (intro_key)
		head.y += ui_label(u, intro_key, ui_col_rest(&head), UI_FONT_BODY,
				   th->color.text_muted, UI_ALIGN_LEFT);
	head.y += th->gap;

	/* The navigation row stays put under the body; while the keyboard is
	 * up the body gets its room (the keyboard's "Selesai" closes it). */
	ui_rect body = ui_col_rest(&head);
	sf->nav = (ui_rect){r.x, r.y + r.h - th->button_h, r.w, th->button_h};
	if (ui_keyboard_wanted(u))
		sf->nav.h = 0;
	else
		body.h -= th->button_h + th->gap;

	ui_push_id(u, 0x73746570u + (uint32_t)s); /* each step keeps its own scroll */
	ui_rect c = ui_scroll_begin(u, "step.body", body);
	sf->y0 = c.y;
	/* Room on the right for the scroll bar. */
	return ui_col_make((ui_rect){c.x, c.y, c.w - 24, c.h}, th->gap);
}

step_action step_end(step_frame *sf, ui_col *col, const char *next_key)
{
	app *a = sf->a;
	ui *u = a->ui;
	const theme *th = &a->th;
	ui_scroll_end(u, col->y - sf->y0 + th->gap);
	ui_pop_id(u);
	if (sf->nav.h == 0)
		return STEP_STAY;

	step_action act = STEP_STAY;
	ui_rect back = {sf->nav.x, sf->nav.y, sf->nav.w / 3, sf->nav.h};
	ui_rect next = {back.x + back.w + th->gap, sf->nav.y, sf->nav.w - back.w - th->gap,
			sf->nav.h};
	const char *arrow = strcmp(sf->back_key, "common.back") == 0 ? "\xE2\x86\x90" : NULL;
	if (ui_button_ex(u, sf->back_key, ui_tr(u, sf->back_key), arrow, back,
			 UI_BTN_SECONDARY, true))
		act = STEP_BACK;
	const char *nk = next_key ? next_key : "common.next";
	if (ui_button_ex(u, nk, ui_tr(u, nk), NULL, next, UI_BTN_PRIMARY, true))
		act = STEP_NEXT;
	return act;
}

void step_follow(step_frame *sf, step_action act)
{
	app *a = sf->a;
	journey *j = &a->sess.j;
	if (act == STEP_BACK) {
		ui_unfocus(a->ui);
		app_goto(a, sf->step == 0 ? SCREEN_MENU : step_screen(sf->step - 1));
	} else if (act == STEP_NEXT) {
		if (!journey_next(j, sf->step))
			return;
		ui_unfocus(a->ui);
		app_goto(a, sf->step + 1 == J_STEP_COUNT ? SCREEN_SUBMIT : step_screen(sf->step + 1));
	}
}

ui_kbd_kind step_kbd(req_field f)
{
	switch (f) {
	case REQ_F_NAME:
		return UI_KBD_NAME;
	case REQ_F_NIK:
	case REQ_F_NIP:
		return UI_KBD_NIK;
	case REQ_F_EMAIL:
		return UI_KBD_EMAIL;
	case REQ_F_PHONE:
		return UI_KBD_PHONE;
	default:
		return UI_KBD_TEXT;
	}
}

const char *step_hint_key(req_field f)
{
	static const char *const keys[REQ_F_COUNT] = {
		[REQ_F_NAME] = "hint.name",	      [REQ_F_NIK] = "hint.nik",
		[REQ_F_NIP] = "hint.nip",	      [REQ_F_EMAIL] = "hint.email",
		[REQ_F_PHONE] = "hint.phone",	      [REQ_F_POSITION] = "hint.position",
		[REQ_F_INSTITUTION] = "hint.institution", [REQ_F_WORK_UNIT] = "hint.work_unit",
		[REQ_F_PROVINCE] = "hint.province",     [REQ_F_CITY] = "hint.city",
	};
	return (unsigned)f < REQ_F_COUNT ? keys[f] : NULL;
}

const char *step_new_key(req_field f)
{
	static const char *const keys[REQ_F_COUNT] = {
		[REQ_F_NAME] = "new.name",	     [REQ_F_NIK] = "new.nik",
		[REQ_F_NIP] = "new.nip",	     [REQ_F_EMAIL] = "new.email",
		[REQ_F_PHONE] = "new.phone",	     [REQ_F_POSITION] = "new.position",
		[REQ_F_INSTITUTION] = "new.institution", [REQ_F_WORK_UNIT] = "new.work_unit",
		[REQ_F_PROVINCE] = "new.province",     [REQ_F_CITY] = "new.city",
	};
	return (unsigned)f < REQ_F_COUNT ? keys[f] : NULL;
}

void step_value_field(step_frame *sf, ui_col *col, req_field f, req_part part,
		      const char *caption_key, const char *hint_key, const req_issue *issues,
		      int n)
{
	app *a = sf->a;
	ui *u = a->ui;
	journey *j = &a->sess.j;
	req_value *v = &j->r.f[f];
	char *buf = part == REQ_PART_REQUESTED ? v->requested : v->current;

	val_code warn;
	val_code err = journey_issue_for(issues, n, part, f, &warn);
	bool focused = ui_focused(u, caption_key);
	bool show = j->attempted[sf->step] || (buf[0] != '\0' && !focused);
	const char *err_key = err != VAL_OK && show ? val_code_key(err) : NULL;
	const char *warn_key = warn != VAL_OK && !focused ? val_code_key(warn) : NULL;
	int h = ui_field_ex(u, caption_key, buf, REQ_VALUE_MAX, req_field_max_chars(f), step_kbd(f),
			    ui_col_rest(col), hint_key, err_key, warn_key);
	ui_rect at = ui_col_take(col, h);
	if (err_key)
		step_error_at(sf, at);
}

void step_error_at(step_frame *sf, ui_rect r)
{
	journey *j = &sf->a->sess.j;
	if (!j->reveal_error)
		return;
	j->reveal_error = false;
	ui_scroll_into_view(sf->a->ui, r);
}

int step_pair(step_frame *sf, ui_rect r, const char *caption_key, const char *value)
{
	ui *u = sf->a->ui;
	const theme *th = &sf->a->th;
	int h = ui_label(u, caption_key, r, UI_FONT_SMALL, th->color.text_muted, UI_ALIGN_LEFT);
	r.y += h;
	const char *shown = value && value[0] ? value : ui_tr(u, "common.empty_value");
	h += ui_label_text(u, shown, r, UI_FONT_STRONG, th->color.text, UI_ALIGN_LEFT);
	return h;
}

int step_note(step_frame *sf, ui_rect r, step_note_kind kind, const char *title,
	      const char *body)
{
	ui *u = sf->a->ui;
	const theme *th = &sf->a->th;
	ui_color edge = kind == STEP_NOTE_WARN ? th->color.warning
			: kind == STEP_NOTE_OK ? th->color.success
					       : th->color.primary;
	int pad = th->gap;
	ui_rect in = {r.x + pad + 12, 0, r.w - 2 * pad - 12, 0};
	int tw, tth = 0, bw, bh = 0;
	if (title && !title[0])
		title = NULL; /* an empty part takes no room */
	if (body && !body[0])
		body = NULL;
	if (title)
		ui_measure(u, UI_FONT_STRONG, title, in.w, &tw, &tth);
	if (body)
		ui_measure(u, UI_FONT_BODY, body, in.w, &bw, &bh);
	int h = pad + tth + (title && body ? th->gap_small : 0) + bh + pad;
	ui_rect box = {r.x, r.y, r.w, h};
	ui_draw_rect(u, box, theme_alpha(edge, 28), th->radius);
	ui_draw_rect(u, (ui_rect){r.x, r.y, 12, h}, edge, th->radius / 2);
	in.y = r.y + pad;
	if (title)
		in.y += ui_label_text(u, title, in, UI_FONT_STRONG, th->color.text, UI_ALIGN_LEFT) +
			th->gap_small;
	if (body)
		ui_label_text(u, body, in, UI_FONT_BODY, th->color.text, UI_ALIGN_LEFT);
	return h;
}

void step_section(step_frame *sf, ui_col *col, const char *heading_key, const char *body_key,
		  const char *body)
{
	ui *u = sf->a->ui;
	const theme *th = &sf->a->th;
	if (heading_key)
		col->y += ui_label(u, heading_key, ui_col_rest(col), UI_FONT_SUBTITLE, th->color.text,
				   UI_ALIGN_LEFT) + th->gap_small;
	if (body_key)
		col->y += ui_label(u, body_key, ui_col_rest(col), UI_FONT_BODY, th->color.text,
				   UI_ALIGN_LEFT);
	else if (body)
		col->y += ui_label_text(u, body, ui_col_rest(col), UI_FONT_BODY, th->color.text,
					UI_ALIGN_LEFT);
	col->y += th->gap;
}

/* "Lama -> Baru" rows: impact and review screens. */
int step_changes(step_frame *sf, ui_rect r)
{
	app *a = sf->a;
	ui *u = a->ui;
	const theme *th = &a->th;
	const req *q = &a->sess.j.r;
	int y = r.y;
	for (int i = 0; i < REQ_F_COUNT; i++) {
		const req_value *v = &q->f[i];
		if (!v->change)
			continue;
		ui_rect row = {r.x, y, r.w, 0};
		y += ui_label(u, req_field_key((req_field)i), row, UI_FONT_STRONG, th->color.text,
			      UI_ALIGN_LEFT);
		const char *was[1] = {v->current[0] ? v->current : ui_tr(u, "common.empty_value")};
		const char *now[1] = {v->requested};
		row.y = y;
		row.x += th->gap;
		row.w -= th->gap;
		y += ui_label_text(u, ui_trf(u, "impact.old", was, 1), row, UI_FONT_BODY,
				   th->color.text_muted, UI_ALIGN_LEFT);
		row.y = y;
		y += ui_label_text(u, ui_trf(u, "impact.new", now, 1), row, UI_FONT_STRONG,
				   th->color.text, UI_ALIGN_LEFT);
		if (req_field_in_subject((req_field)i)) {
			row.y = y;
			y += ui_label(u, "impact.in_subject", row, UI_FONT_SMALL, th->color.warning,
				      UI_ALIGN_LEFT);
		}
		y += th->gap;
	}
	return y - r.y;
}

int step_history(step_frame *sf, ui_rect r, const queue_status *st)
{
	app *a = sf->a;
	ui *u = a->ui;
	const theme *th = &a->th;
	int y = r.y;
	y += ui_label(u, "status.timeline", (ui_rect){r.x, y, r.w, 0}, UI_FONT_SUBTITLE, th->color.text,
			  UI_ALIGN_LEFT) + th->gap_small;
	for (int i = 0; i < st->n_events; i++) {
		const rstate_event *ev = &st->events[i];
		ui_rect row = {r.x, y, r.w, 0};
		int dot = 24;
		ui_draw_rect(u, (ui_rect){row.x + 4, row.y + 8, dot, dot},
			     i == st->n_events - 1 ? th->color.primary : th->color.border, dot / 2);
		ui_rect t = {row.x + dot + th->gap, row.y, row.w - dot - th->gap, 0};
		ui_push_id(u, (uint32_t)i + 1);
		int h = ui_label(u, rstate_key(ev->to), t, UI_FONT_STRONG, th->color.text, UI_ALIGN_LEFT);
		t.y += h;
		h += ui_label_text(u, shell_fmt_when(a, ev->at, true), t, UI_FONT_SMALL,
				   th->color.text_muted, UI_ALIGN_LEFT);
		ui_pop_id(u);
		y += h + th->gap_small;
	}
	if (st->n_notes > 0) {
		y += th->gap;
		y += ui_label(u, "status.notes", (ui_rect){r.x, y, r.w, 0}, UI_FONT_SUBTITLE, th->color.text,
				  UI_ALIGN_LEFT) + th->gap_small;
		for (int i = 0; i < st->n_notes; i++) {
			const queue_note *no = &st->notes[i];
			const char *ch = strcmp(no->channel, "email") == 0 ? "status.channel_email"
					 : strcmp(no->channel, "sms") == 0 ? "status.channel_sms"
									   : "status.channel_kiosk";
			const char *args[2] = {shell_fmt_when(a, no->at, true), ui_tr(u, ch)};
			ui_push_id(u, 0x6e6f7465u + (uint32_t)i);
			y += ui_label_text(u, ui_trf(u, "status.note_head", args, 2),
					       (ui_rect){r.x, y, r.w, 0}, UI_FONT_SMALL, th->color.text_muted,
					       UI_ALIGN_LEFT);
			y += ui_label_text(u, no->text, (ui_rect){r.x, y, r.w, 0}, UI_FONT_BODY,
					       th->color.text, UI_ALIGN_LEFT) + th->gap_small;
			ui_pop_id(u);
		}
	}
	return y - r.y;
}
