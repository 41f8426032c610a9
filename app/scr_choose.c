/*
 * scr_choose: step 4, which data changes. One checkbox per profile field,
 * each with today's value under it so the choice is concrete. Unticking a
 * field keeps whatever new value was typed for it, in case the citizen ticks
 * it again.
 */
#include "step.h"

void scr_choose_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	journey *j = &a->sess.j;
	step_frame sf;
	ui_col col = step_begin(&sf, a, r, J_CHOOSE, "choose.title", "choose.intro");
	req_issue issues[4];
	int n = journey_step_issues(j, J_CHOOSE, issues, 4);
	if (n > 0 && j->attempted[J_CHOOSE])
		col.y += step_note(&sf, ui_col_rest(&col), STEP_NOTE_WARN, NULL,
				   ui_tr(u, val_code_key(issues[0].code))) + th->gap;

	for (int i = 0; i < REQ_F_COUNT; i++) {
		req_value *v = &j->r.f[i];
		ui_checkbox(u, req_field_key((req_field)i), &v->change, ui_col_take(&col, th->touch_min));
		const char *cur = v->current[0] ? v->current : ui_tr(u, "common.empty_value");
		const char *args[1] = {cur};
		ui_rect line = ui_col_rest(&col);
		line.x += th->check_box + th->gap;
		line.w -= th->check_box + th->gap;
		col.y += ui_label_text(u, ui_trf(u, "choose.now", args, 1), line, UI_FONT_SMALL,
				       th->color.text_muted, UI_ALIGN_LEFT);
		col.y += th->gap_small;
	}
	step_follow(&sf, step_end(&sf, &col, NULL));
}
