/*
 * scr_staff_home: where staff mode starts. Officers and supervisors see
 * their two desks as cards with what waits on each (requests to verify,
 * overdue, central conflicts; complaints open and escalated), and the
 * quarterly performance figures. Technicians
 * open their diagnostics screen (tech.h) from a card of its own, and see
 * the sync status and can send the dead letters again.
 */
#include <stdio.h>

#include "admin.h"
#include "app.h"
#include "complaint.h"
#include "log.h"
#include "uplink.h"

/* How many requests FILTER holds now (-1 when the store cannot say). */
static int count_requests(app *a, desk_filter f)
{
	desk_row one;
	int n = 0, total = -1;
	queue_err e = desk_list(a->q, f, NULL, app_wall_time(a), 0, &one, 1, &n, &total);
	desk_rows_wipe(&one, 1);
	return e == QUEUE_OK ? total : -1;
}

static int count_complaints(app *a, complaint_filter f)
{
	int n = 0, total = -1;
	if (complaint_list(a->q, f, 0, NULL, 0, &n, &total) != QUEUE_OK)
		return -1;
	return total;
}

static const char *num(app *a, int n)
{
	char b[16];
	if (n < 0)
		snprintf(b, sizeof b, "?");
	else
		snprintf(b, sizeof b, "%d", n);
	return ui_intern(a->ui, b);
}

static void officer_cards(app *a, ui_col *col, int h)
{
	ui *u = a->ui;
	const char *rq[3] = {num(a, count_requests(a, DESK_F_TO_VERIFY)),
			     num(a, count_requests(a, DESK_F_OVERDUE)),
			     num(a, count_requests(a, DESK_F_CONFLICT))};
	if (shell_card(a, "staff.home_queue", ui_trf(u, "staff.home_queue_body", rq, 3), "\xE2\x98\xB0",
		       ui_col_take(col, h), true)) {
		a->adm.desk.filter = DESK_F_TO_VERIFY;
		a->adm.desk.offset = 0;
		app_goto(a, SCREEN_STAFF_QUEUE);
	}
	const char *cm[2] = {num(a, count_complaints(a, COMPLAINT_LIST_OPEN)),
			     num(a, count_complaints(a, COMPLAINT_LIST_ESCALATED))};
	if (shell_card(a, "staff.home_complaints", ui_trf(u, "staff.home_complaints_body", cm, 2),
		       "\xE2\x9C\x89", ui_col_take(col, h), false)) {
		/* The supervisor's part is the escalated ones. */
		a->adm.cmp.filter = a->adm.who.role == STAFF_SUPERVISOR ? COMPLAINT_LIST_ESCALATED : COMPLAINT_LIST_OPEN;
		a->adm.cmp.offset = 0;
		app_goto(a, SCREEN_STAFF_COMPLAINTS);
	}
	if (shell_card(a, "staff.home_figures", ui_tr(u, "staff.home_figures_body"), "\xE2\x96\xA4",
		       ui_col_take(col, h), false)) {
		a->adm.fig_year = 0; /* the current quarter first, read afresh */
		a->adm.fig_valid = false;
		app_goto(a, SCREEN_STAFF_FIGURES);
	}
}

/* The technician's two cards: the diagnostics, and the sync with the dead
 * letters to send again. */
static void technician_cards(app *a, ui_col *col, int h)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	if (shell_card(a, "staff.home_diag", ui_tr(u, "staff.home_diag_body"), "\xE2\x9A\x99",
		       ui_col_take(col, h), true))
		tech_open(a);
	ui_rect card = ui_col_take(col, 420);
	ui_draw_rect(u, card, th->color.surface, th->radius * 2);
	ui_draw_frame(u, card, th->color.border, th->radius * 2, th->border);
	ui_col c = ui_col_make(ui_inset(card, th->gap * 2, th->gap * 2), th->gap);
	c.y += ui_label(u, "staff.home_sync", ui_col_rest(&c), UI_FONT_SUBTITLE, th->color.text,
			UI_ALIGN_LEFT);
	int lh = uplink_line_height(a, c.area.w);
	uplink_line(a, ui_col_take(&c, lh), th->color.text, UI_ALIGN_LEFT);
	const char *d[1] = {num(a, (int)a->sync_st.dead)};
	c.y += ui_label_text(u, ui_trf(u, "staff.home_dead", d, 1), ui_col_rest(&c), UI_FONT_BODY,
			     th->color.text_muted, UI_ALIGN_LEFT) + th->gap_small;
	ui_rect b = ui_col_take(&c, th->button_h);
	if (ui_button_ex(u, "staff.home_retry", ui_tr(u, "staff.home_retry"), NULL, b, UI_BTN_PRIMARY,
			 a->sync_st.dead > 0))
		tech_dead_retry(a, 0, NULL);
}

void scr_staff_home_draw(app *a, ui_rect full)
{
	(void)full;
	ui *u = a->ui;
	const theme *th = &a->th;
	ui_rect c = admin_chrome(a, "staff.home_title");
	ui_col col = ui_col_make(c, th->gap);
	const char *args[1] = {a->adm.who.name};
	col.y += ui_label_text(u, ui_trf(u, "staff.home_hello", args, 1), ui_col_rest(&col), UI_FONT_BODY,
			       th->color.text_muted, UI_ALIGN_LEFT);
	col.y += th->gap;
	int h = th->landscape ? 200 : 240;
	if (a->adm.who.role == STAFF_TECHNICIAN)
		technician_cards(a, &col, h);
	else
		officer_cards(a, &col, h);
}
