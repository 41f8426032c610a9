/*
 * scr_impact: step 8, what the change means before it is sent: every change
 * as "old -> new", and in plain words whether a certificate the applicant
 * owns will have to be revoked (a change of name, NIK or institution alters
 * the certificate's subject) or stays valid.
 */
#include "step.h"

void scr_impact_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	const req *q = &a->sess.j.r;
	step_frame sf;
	ui_col col = step_begin(&sf, a, r, J_IMPACT, "impact.title", "impact.intro");
	col.y += step_changes(&sf, ui_col_rest(&col));
	col.y += th->gap;
	if (req_requires_revocation_if_owner(q))
		col.y += step_note(&sf, ui_col_rest(&col), STEP_NOTE_WARN,
				   ui_tr(u, "impact.revoke_title"), ui_tr(u, "impact.revoke"));
	else
		col.y += step_note(&sf, ui_col_rest(&col), STEP_NOTE_OK,
				   ui_tr(u, "impact.keep_title"), ui_tr(u, "impact.keep"));
	col.y += th->gap;
	col.y += ui_label(u, "impact.officer", ui_col_rest(&col), UI_FONT_BODY, th->color.text_muted,
			  UI_ALIGN_LEFT);
	step_follow(&sf, step_end(&sf, &col, NULL));
}
