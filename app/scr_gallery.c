/*
 * scr_gallery: every widget of the widget layer on one scrolling page, in
 * both languages and orientations. Not reachable by citizens: developers open
 * it with `kiosk --screen gallery`, scenario scripts with `goto gallery`. It is
 * the living catalogue of the widget layer and the target of the keyboard,
 * scrolling, dialog and session-wipe scenarios. Its form lives in the session,
 * like every form a citizen fills.
 */
#include <stdio.h>

#include "app.h"

enum { LIST_ROWS = 30 };

static void list_demo(app *a, ui_rect view)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	ui_draw_frame(u, view, th->color.border, th->radius, th->border - 1);
	ui_rect c = ui_scroll_begin(u, "gallery.list", ui_inset(view, 2, 2));
	ui_col col = ui_col_make(c, 0);
	for (int i = 0; i < LIST_ROWS; i++) {
		char n[8];
		snprintf(n, sizeof n, "%d", i + 1);
		const char *args[1] = {n};
		ui_rect row = ui_col_take(&col, th->touch_min);
		ui_push_id(u, (uint32_t)i);
		if (i % 2)
			ui_draw_rect(u, row, th->color.surface_alt, 0);
		ui_label_text(u, ui_trf(u, "gallery.row", args, 1),
			      (ui_rect){row.x + th->gap, row.y + 26, row.w - 2 * th->gap, 40},
			      UI_FONT_BODY, th->color.text, UI_ALIGN_LEFT);
		ui_pop_id(u);
	}
	ui_scroll_end(u, col.y - c.y);
}

static void dialog(app *a)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	int bw, bh;
	ui_measure(u, UI_FONT_BODY, ui_tr(u, "gallery.dialog_body"), ui_dialog_content_w(u), &bw,
		   &bh);
	ui_rect c = ui_dialog_begin(u, "gallery.dialog_title", bh + th->gap + th->button_h);
	ui_col col = ui_col_make(c, th->gap);
	ui_label(u, "gallery.dialog_body", ui_col_take(&col, bh), UI_FONT_BODY, th->color.text,
		 UI_ALIGN_CENTER);
	if (ui_button(u, "common.close", ui_col_take(&col, th->button_h), UI_BTN_PRIMARY))
		a->scr.gallery_dialog = false;
	ui_dialog_end(u);
}

void scr_gallery_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	session_form *f = &a->sess.form;

	ui_rect c = ui_scroll_begin(u, "gallery.page", r);
	ui_col col = ui_col_make((ui_rect){c.x, c.y, c.w - 24, c.h}, th->gap);
	ui_steps(u, ui_col_take(&col, 70), 2, 6);

	int fh = ui_field_height(u);
	ui_field(u, "gallery.name", f->name, sizeof f->name, 80, UI_KBD_NAME, ui_col_take(&col, fh),
		 "gallery.name_hint", NULL);
	bool nik_bad = f->nik[0] && f->nik[15] == '\0';
	ui_field(u, "gallery.nik", f->nik, sizeof f->nik, 16, UI_KBD_NIK, ui_col_take(&col, fh),
		 "gallery.nik_hint", nik_bad ? "gallery.nik_short" : NULL);
	ui_field(u, "gallery.phone", f->phone, sizeof f->phone, 16, UI_KBD_PHONE,
		 ui_col_take(&col, fh), "gallery.phone_hint", NULL);
	ui_field(u, "gallery.email", f->email, sizeof f->email, 100, UI_KBD_EMAIL,
		 ui_col_take(&col, fh), NULL, NULL);

	ui_checkbox(u, "gallery.agree", &f->agree, ui_col_take(&col, th->touch_min));
	static const char *const opts[] = {"gallery.opt_name", "gallery.opt_position",
					   "gallery.opt_email"};
	ui_choice(u, "gallery.choice", opts, 3, &f->choice, ui_col_take(&col, ui_choice_height(u, 3)));

	ui_progress(u, "gallery.progress", ui_col_take(&col, 90), 0.4f);
	ui_spinner(u, "gallery.spinner", ui_col_take(&col, th->spinner_d));
	list_demo(a, ui_col_take(&col, 5 * th->touch_min));

	ui_rect row = ui_col_take(&col, th->button_h);
	if (ui_button(u, "gallery.open_dialog", ui_split(row, 2, th->gap, 0), UI_BTN_PRIMARY)) {
		a->scr.gallery_dialog = true;
		ui_unfocus(u); /* nothing may type behind a dialog */
	}
	ui_button_ex(u, "gallery.disabled", ui_tr(u, "gallery.disabled"), NULL,
		     ui_split(row, 2, th->gap, 1), UI_BTN_DANGER, false);
	ui_scroll_end(u, col.y - c.y);

	if (a->scr.gallery_dialog)
		dialog(a);
}
