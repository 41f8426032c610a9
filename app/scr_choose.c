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
	if (n > 0 && j->attempted[J_CHOOSE]) {
		int h = step_note(&sf, ui_col_rest(&col), STEP_NOTE_WARN, NULL,
				  ui_tr(u, val_code_key(issues[0].code)));
		step_error_at(&sf, ui_col_take(&col, h));
	}

	/* One column in portrait; in landscape two, row by row. */
	int ncol = th->landscape ? 2 : 1;
	ui_rect area = ui_col_rest(&col);
	int row_y = area.y;
	for (int i = 0; i < REQ_F_COUNT; i += ncol) {
		int row_h = 0;
		for (int c = 0; c < ncol && i + c < REQ_F_COUNT; c++) {
			req_value *v = &j->r.f[i + c];
			ui_rect cell = ui_split(area, ncol, th->gap * 2, c);
			ui_col cc = ui_col_make((ui_rect){cell.x, row_y, cell.w, 0}, 0);
			ui_checkbox(u, req_field_key((req_field)(i + c)), &v->change,
				    ui_col_take(&cc, th->touch_min));
			const char *cur = v->current[0] ? v->current : ui_tr(u, "common.empty_value");
			const char *args[1] = {cur};
			ui_rect line = ui_col_rest(&cc);
			line.x += th->check_box + th->gap;
			line.w -= th->check_box + th->gap;
			cc.y += ui_label_text(u, ui_trf(u, "choose.now", args, 1), line, UI_FONT_SMALL,
					      th->color.text_muted, UI_ALIGN_LEFT);
			if (cc.y - row_y > row_h)
				row_h = cc.y - row_y;
		}
		row_y += row_h + th->gap;
	}
	col.y = row_y;
	step_follow(&sf, step_end(&sf, &col, NULL));
}
