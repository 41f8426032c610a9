/*
 * scr_docs: step 7, the supporting documents the citizen will show the
 * officer. Nothing is scanned at the kiosk; the officer ticks each document
 * as it is shown. Documents the officer will most likely ask for, given the
 * reason and the changes, carry a "Disarankan" (recommended) tag.
 */
#include "step.h"

void scr_docs_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	journey *j = &a->sess.j;
	step_frame sf;
	ui_col col = step_begin(&sf, a, r, J_DOCS, "docs.title", "docs.intro");
	req_issue issues[4];
	int n = journey_step_issues(j, J_DOCS, issues, 4);
	unsigned suggested = req_docs_suggested(&j->r);

	for (int i = 0; i < REQ_D_COUNT; i++) {
		ui_rect row = ui_col_take(&col, th->touch_min);
		const char *tag = ui_tr(u, "docs.suggested");
		int tw = 0, tth;
		if (suggested & (1u << i)) {
			ui_measure(u, UI_FONT_SMALL, tag, 0, &tw, &tth);
			tw += 2 * th->gap;
		}
		ui_checkbox(u, req_doc_key((req_doc)i), &j->r.docs[i],
			    (ui_rect){row.x, row.y, row.w - tw - th->gap, row.h});
		if (tw) {
			ui_rect chip = {row.x + row.w - tw, row.y + (row.h - 52) / 2, tw, 52};
			ui_draw_rect(u, chip, th->color.primary_soft, 26);
			ui_label(u, "docs.suggested", (ui_rect){chip.x, chip.y + (52 - tth) / 2, tw, tth},
				 UI_FONT_SMALL, th->color.primary, UI_ALIGN_CENTER);
		}
	}
	if (j->r.docs[REQ_D_OTHER]) {
		val_code err = n > 0 ? issues[0].code : VAL_OK;
		bool show = err != VAL_OK && !ui_focused(u, "docs.other_name") &&
			    (j->attempted[J_DOCS] || j->r.doc_other[0]);
		int h = ui_field(u, "docs.other_name", j->r.doc_other, sizeof j->r.doc_other, 100,
				 UI_KBD_TEXT, ui_col_rest(&col), NULL,
				 show ? val_code_key(err) : NULL);
		ui_rect at = ui_col_take(&col, h);
		if (show)
			step_error_at(&sf, at);
	}
	col.y += step_note(&sf, ui_col_rest(&col), STEP_NOTE_INFO, NULL, ui_tr(u, "docs.note"));
	step_follow(&sf, step_end(&sf, &col, NULL));
}
