/*
 * scr_consent: step 1, the citizen's consent to the use of their personal
 * data (UU 27/2022): what is collected, why, how long it is kept and who sees
 * it, in plain words. "Saya setuju" records the consent (its text version and
 * time) and goes on; "Tidak setuju" ends the session politely.
 */
#include <stdio.h>

#include "step.h"

void scr_consent_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	step_frame sf;
	ui_col col = step_begin(&sf, a, r, J_CONSENT, "consent.title", "consent.intro");
	step_section(&sf, &col, "consent.what_title", "consent.what", NULL);
	step_section(&sf, &col, "consent.why_title", "consent.why", NULL);
	char days[12];
	snprintf(days, sizeof days, "%d", a->cfg->storage.retention_days);
	const char *args[1] = {days};
	step_section(&sf, &col, "consent.keep_title", NULL, ui_trf(u, "consent.keep", args, 1));
	step_section(&sf, &col, "consent.who_title", "consent.who", NULL);
	step_section(&sf, &col, "consent.rights_title", "consent.rights", NULL);

	sf.back_key = "consent.decline";
	step_action act = step_end(&sf, &col, "consent.agree");
	if (act == STEP_BACK) {
		app_goto(a, SCREEN_GOODBYE);
		return;
	}
	if (act == STEP_NEXT)
		journey_consent(&a->sess.j, app_wall_time(a));
	step_follow(&sf, act);
}
