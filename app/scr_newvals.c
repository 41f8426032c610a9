/*
 * scr_newvals: step 5, the new value of every field chosen in step 4, each
 * under today's value, checked as it is typed (errors show next to the field
 * once it is left). A chosen field whose current value was left empty asks
 * for that too.
 */
#include "step.h"

void scr_newvals_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	journey *j = &a->sess.j;
	step_frame sf;
	ui_col col = step_begin(&sf, a, r, J_NEWVALS, "newvals.title", "newvals.intro");
	req_issue issues[JOURNEY_ISSUES_MAX];
	int n = journey_step_issues(j, J_NEWVALS, issues, JOURNEY_ISSUES_MAX);

	for (int i = 0; i < REQ_F_COUNT; i++) {
		req_field f = (req_field)i;
		req_value *v = &j->r.f[i];
		if (!v->change)
			continue;
		ui_push_id(u, (uint32_t)i + 1);
		col.y += ui_label(u, req_field_key(f), ui_col_rest(&col), UI_FONT_SUBTITLE,
				  th->color.text, UI_ALIGN_LEFT) + th->gap_small;
		if (v->current[0]) {
			const char *args[1] = {v->current};
			col.y += ui_label_text(u, ui_trf(u, "newvals.now", args, 1), ui_col_rest(&col),
					       UI_FONT_BODY, th->color.text_muted, UI_ALIGN_LEFT) +
				 th->gap_small;
		} else {
			step_value_field(&sf, &col, f, REQ_PART_CURRENT, "newvals.current",
					 step_hint_key(f), issues, n);
		}
		step_value_field(&sf, &col, f, REQ_PART_REQUESTED, step_new_key(f), step_hint_key(f),
				 issues, n);
		col.y += th->gap;
		ui_pop_id(u);
	}
	step_follow(&sf, step_end(&sf, &col, NULL));
}
