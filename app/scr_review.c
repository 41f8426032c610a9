/*
 * scr_review: step 9, everything at once before it is sent: who is asking,
 * what changes, why, which documents, how the identity was established, and
 * the deadline the request would get if sent now. Each part has an "Ubah"
 * (change) button back to its step; nothing typed is lost on the way. The
 * citizen confirms the data is true, then "Kirim permohonan" submits.
 */
#include "step.h"

/* A part's heading with its "Ubah" button; returns the height used. */
static int part_head(step_frame *sf, ui_col *col, const char *key, screen_id edit)
{
	app *a = sf->a;
	ui *u = a->ui;
	const theme *th = &a->th;
	ui_rect row = ui_col_take(col, th->touch_min);
	int bw = 220;
	ui_label(u, key, (ui_rect){row.x, row.y + 20, row.w - bw - th->gap, row.h}, UI_FONT_SUBTITLE,
		 th->color.text, UI_ALIGN_LEFT);
	ui_push_id(u, (uint32_t)edit);
	if (ui_button(u, "review.edit", (ui_rect){row.x + row.w - bw, row.y, bw, row.h},
		      UI_BTN_SECONDARY))
		app_goto(a, edit);
	ui_pop_id(u);
	ui_draw_rect(u, (ui_rect){row.x, row.y + row.h + 4, row.w, 2}, th->color.border, 0);
	col->y += th->gap_small;
	return row.h;
}

void scr_review_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	journey *j = &a->sess.j;
	const req *q = &j->r;
	step_frame sf;
	ui_col col = step_begin(&sf, a, r, J_REVIEW, "review.title", "review.intro");

	part_head(&sf, &col, "review.who", SCREEN_CURRENT);
	static const req_field who[] = {REQ_F_NAME, REQ_F_NIK, REQ_F_NIP, REQ_F_EMAIL, REQ_F_PHONE,
					REQ_F_POSITION, REQ_F_INSTITUTION, REQ_F_WORK_UNIT,
					REQ_F_PROVINCE, REQ_F_CITY};
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
		if (!q->f[who[i]].current[0] && !req_field_required(who[i]))
			continue; /* optional and left empty */
		col.y += step_pair(&sf, ui_col_rest(&col), req_field_key(who[i]),
				   q->f[who[i]].current) + th->gap_small;
	}
	col.y += step_pair(&sf, ui_col_rest(&col), "review.id_source",
			   ui_tr(u, q->id_source == REQ_ID_CARD ? "review.by_card" : "review.by_typed")) +
		 th->gap;

	part_head(&sf, &col, "review.changes", SCREEN_CHOOSE);
	col.y += step_changes(&sf, ui_col_rest(&col));

	part_head(&sf, &col, "review.reason", SCREEN_REASON);
	col.y += step_pair(&sf, ui_col_rest(&col), "review.reason_kind",
			   ui_tr(u, req_reason_key(q->reason))) + th->gap_small;
	if (q->reason_text[0])
		col.y += step_pair(&sf, ui_col_rest(&col), "reason.text", q->reason_text);
	col.y += th->gap;

	part_head(&sf, &col, "review.docs", SCREEN_DOCS);
	int shown = 0;
	for (int i = 0; i < REQ_D_COUNT; i++) {
		if (!q->docs[i])
			continue;
		const char *name = i == REQ_D_OTHER && q->doc_other[0] ? q->doc_other
								     : ui_tr(u, req_doc_key((req_doc)i));
		const char *args[1] = {name};
		col.y += ui_label_text(u, ui_trf(u, "review.bullet", args, 1), ui_col_rest(&col),
				       UI_FONT_BODY, th->color.text, UI_ALIGN_LEFT);
		shown++;
	}
	if (!shown)
		col.y += ui_label(u, "review.no_docs", ui_col_rest(&col), UI_FONT_BODY,
				  th->color.text_muted, UI_ALIGN_LEFT);
	col.y += th->gap * 2;

	/* What the deadline would be if sent now (the receipt gives the real one). */
	int64_t now = app_wall_time(a);
	bool uncovered = false;
	int64_t deadline = cal_deadline(&a->cal, now, &uncovered);
	if (deadline > 0) {
		const char *args[1] = {shell_fmt_when(a, deadline, false)};
		col.y += step_note(&sf, ui_col_rest(&col), STEP_NOTE_INFO, ui_tr(u, "review.deadline_title"),
				   ui_trf(u, "review.deadline", args, 1)) + th->gap;
	}

	bool missing = j->attempted[J_REVIEW] && !a->scr.review_confirm;
	ui_checkbox(u, "review.confirm", &a->scr.review_confirm, ui_col_take(&col, th->touch_min));
	if (missing) {
		int h = ui_label(u, "review.confirm_needed", ui_col_rest(&col), UI_FONT_SMALL,
				 th->color.danger, UI_ALIGN_LEFT);
		ui_rect at = ui_col_take(&col, h);
		step_error_at(&sf, (ui_rect){at.x, at.y - th->touch_min - th->gap, at.w,
					     at.h + th->touch_min + th->gap});
	}

	step_action act = step_end(&sf, &col, "review.send");
	if (act == STEP_NEXT && !a->scr.review_confirm) {
		j->attempted[J_REVIEW] = true;
		j->reveal_error = true;
		return;
	}
	step_follow(&sf, act);
}
