/*
 * scr_current: step 3, the applicant's data as it stands in the certificate
 * profile today: prefilled from the KTP-el where the card gave it, every
 * field editable except the NIK, which the identify step established (Back
 * changes it). Name, NIK, e-mail and phone
 * are required (the officer and the notifications need them); NIP is not
 * (contract staff have none); the job fields may be left empty.
 */
#include "step.h"

void scr_current_draw(app *a, ui_rect r)
{
	journey *j = &a->sess.j;
	step_frame sf;
	ui_col col = step_begin(&sf, a, r, J_CURRENT, "current.title", "current.intro");
	req_issue issues[JOURNEY_ISSUES_MAX];
	int n = journey_step_issues(j, J_CURRENT, issues, JOURNEY_ISSUES_MAX);

	/* One column in portrait; in landscape two, row by row. */
	const theme *th = &a->th;
	int ncol = th->landscape ? 2 : 1, k = 0;
	ui_rect area = ui_col_rest(&col);
	ui_col cols[2];
	for (int c = 0; c < ncol; c++)
		cols[c] = ui_col_make(ui_split(area, ncol, th->gap * 2, c), th->gap);
	for (int i = 0; i < REQ_F_COUNT; i++) {
		req_field f = (req_field)i;
		ui_col *c = &cols[k];
		if (f == REQ_F_NIK) /* established on the identify step */
			c->y += step_pair(&sf, ui_col_rest(c),
					  j->card_nik ? "current.nik_card" : "current.nik_typed",
					  j->r.f[f].current) + th->gap;
		else
			step_value_field(&sf, c, f, REQ_PART_CURRENT, req_field_key(f),
					 step_hint_key(f), issues, n);
		k = (k + 1) % ncol;
		if (k == 0 && ncol == 2) /* a row is complete: both columns go on below it */
			cols[0].y = cols[1].y = cols[0].y > cols[1].y ? cols[0].y : cols[1].y;
	}
	col.y = cols[0].y > cols[ncol - 1].y ? cols[0].y : cols[ncol - 1].y;
	step_follow(&sf, step_end(&sf, &col, NULL));
}
