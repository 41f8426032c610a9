/*
 * scr_reason: step 6, why the data changes: one reason from the list, and a
 * few words of explanation (required for "Lainnya").
 */
#include "step.h"

void scr_reason_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	journey *j = &a->sess.j;
	step_frame sf;
	ui_col col = step_begin(&sf, a, r, J_REASON, "reason.title", "reason.intro");
	req_issue issues[4];
	int n = journey_step_issues(j, J_REASON, issues, 4);

	val_code err = VAL_OK;
	for (int i = 0; i < n; i++)
		if (!val_code_is_warning(issues[i].code) && err == VAL_OK)
			err = issues[i].code;
	bool no_reason = err == VAL_REQ_NO_REASON;
	if (no_reason && j->attempted[J_REASON]) {
		int h = step_note(&sf, ui_col_rest(&col), STEP_NOTE_WARN, NULL,
				  ui_tr(u, val_code_key(err)));
		step_error_at(&sf, ui_col_take(&col, h));
	}
	const char *keys[REQ_R_COUNT];
	for (int i = 0; i < REQ_R_COUNT; i++)
		keys[i] = req_reason_key((req_reason)i);
	int sel = (int)j->r.reason;
	ui_choice(u, "reason.list", keys, REQ_R_COUNT, &sel,
		  ui_col_take(&col, ui_choice_height(u, REQ_R_COUNT)));
	j->r.reason = sel >= 0 && sel < REQ_R_COUNT ? (req_reason)sel : REQ_R_NONE;

	bool show = !no_reason && err != VAL_OK && !ui_focused(u, "reason.text") &&
		    (j->attempted[J_REASON] || j->r.reason_text[0]);
	int h = ui_field(u, "reason.text", j->r.reason_text, sizeof j->r.reason_text,
			 REQ_REASON_TEXT_CHARS, UI_KBD_TEXT, ui_col_rest(&col),
			 j->r.reason == REQ_R_OTHER ? "reason.text_required" : "reason.text_hint",
			 show ? val_code_key(err) : NULL);
	ui_rect at = ui_col_take(&col, h);
	if (show)
		step_error_at(&sf, at);
	step_follow(&sf, step_end(&sf, &col, NULL));
}
