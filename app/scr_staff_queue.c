/*
 * scr_staff_queue: the officer's work queue. Filter chips (to verify, in
 * progress, overdue, conflicts, rejected, closed, all), a ticket search,
 * and one row per request: ticket, applicant, state, age in working hours
 * (the journey's calendar), deadline, and marks for overdue, a central
 * conflict, a typed NIK and actions not yet sent. Tapping a row opens the
 * case. The rows are read fresh every frame this screen draws (a few
 * milliseconds at most: frames here follow touches) and wiped after it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "log.h"

enum { PAGE = 30 };

static const char *const filter_keys[DESK_F_COUNT] = {
	[DESK_F_TO_VERIFY] = "staff.filter.to_verify", [DESK_F_IN_PROGRESS] = "staff.filter.in_progress",
	[DESK_F_OVERDUE] = "staff.filter.overdue",     [DESK_F_CONFLICT] = "staff.filter.conflict",
	[DESK_F_REJECTED] = "staff.filter.rejected",   [DESK_F_CLOSED] = "staff.filter.closed",
	[DESK_F_ALL] = "staff.filter.all",
};
/* Chip order on screen: the daily work first. */
static const desk_filter chip_order[DESK_F_COUNT] = {DESK_F_TO_VERIFY, DESK_F_IN_PROGRESS, DESK_F_OVERDUE,
						     DESK_F_CONFLICT,  DESK_F_REJECTED,	   DESK_F_CLOSED,
						     DESK_F_ALL};

/* Open the case TICKET (loads it; the case screen shows it). */
void admin_open_case(app *a, const char *ticket)
{
	admin_desk *d = &a->adm.desk;
	if (!d->cs)
		d->cs = calloc(1, sizeof *d->cs);
	if (!d->cs) {
		log_error("staff", "out of memory for a case");
		return;
	}
	queue_err e = desk_load(a->q, ticket, d->cs);
	if (e != QUEUE_OK) {
		log_warn("staff", "case %s not loaded: %s", ticket, queue_err_name(e));
		d->message = e == QUEUE_ERR_NOT_FOUND ? ADMIN_MSG_NOT_FOUND : ADMIN_MSG_STORE;
		return;
	}
	snprintf(d->ticket, sizeof d->ticket, "%s", ticket);
	memset(d->docs, 0, sizeof d->docs);
	d->reject_reason = -1;
	explicit_bzero(d->reject_text, sizeof d->reject_text);
	d->rejecting = false;
	d->message = ADMIN_MSG_NONE;
	app_goto(a, SCREEN_STAFF_CASE);
}

/* An id scope for the row of TICKET (FNV-1a): rows keep their ids when
 * the list scrolls or changes. */
static uint32_t ticket_id(const char *ticket)
{
	uint32_t h = 2166136261u;
	for (const char *p = ticket; *p; p++)
		h = (h ^ (uint8_t)*p) * 16777619u;
	return h;
}

/* "3 jam kerja" / "2 hari kerja" since SINCE. */
static const char *age(app *a, int64_t since)
{
	bool unc = false;
	int64_t secs = cal_working_seconds(&a->cal, since, app_wall_time(a), &unc);
	int hours = secs > 0 ? (int)(secs / 3600) : 0;
	char n[16];
	snprintf(n, sizeof n, "%d", hours);
	const char *args[1] = {n};
	return ui_trf(a->ui, "staff.age_hours", args, 1);
}

/* One request row; returns true when tapped. */
static bool row(app *a, const desk_row *r, ui_rect b, int64_t now)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	bool overdue = rstate_is_open(r->state) && r->deadline_at < now;
	/* Marks, right-aligned on the second line. */
	char marks[256] = "";
	const char *keys[4] = {overdue ? "staff.mark_overdue" : NULL, r->conflict ? "staff.mark_conflict" : NULL,
			       r->typed_nik ? "staff.mark_typed_nik" : NULL, r->unsent ? "staff.mark_unsent" : NULL};
	for (int i = 0; i < 4; i++)
		if (keys[i]) {
			size_t l = strlen(marks);
			snprintf(marks + l, sizeof marks - l, "%s%s", l ? " · " : "", ui_tr(u, keys[i]));
		}
	const char *dl[2] = {age(a, r->submitted_at), shell_fmt_when(a, r->deadline_at, false)};
	admin_row ar = {.title = r->ticket,
			.state = ui_tr(u, rstate_key(r->state)),
			.left = r->purged ? ui_tr(u, "staff.purged") : r->name,
			.right = marks[0] ? ui_intern(u, marks) : NULL,
			.foot = ui_trf(u, "staff.queue_times", dl, 2),
			.state_color = th->color.primary,
			.right_color = overdue || r->conflict ? th->color.danger : th->color.warning,
			.right_small = true,
			.alert = th->color.danger,
			.alert_on = overdue,
			.split_pct = 55};
	ui_push_id(u, ticket_id(r->ticket));
	bool hit = admin_row_draw(a, "staff.queue_row", &ar, b);
	explicit_bzero(marks, sizeof marks);
	ui_pop_id(u);
	return hit;
}

void scr_staff_queue_draw(app *a, ui_rect full)
{
	(void)full;
	ui *u = a->ui;
	const theme *th = &a->th;
	admin_desk *d = &a->adm.desk;
	int64_t now = app_wall_time(a);
	ui_rect c = admin_chrome(a, "staff.queue_title");
	ui_col col = ui_col_make(c, th->gap);

	int h;
	ui_rect top = ui_col_rest(&col);
	if (admin_back(a, "staff.back_home", top, &h)) {
		app_goto(a, SCREEN_STAFF_HOME);
		return;
	}
	col.y += h + th->gap;

	int sel = 0;
	const char *keys[DESK_F_COUNT];
	for (int i = 0; i < DESK_F_COUNT; i++) {
		keys[i] = filter_keys[chip_order[i]];
		if (chip_order[i] == d->filter)
			sel = i;
	}
	if (admin_chips(a, "staff.filter", keys, DESK_F_COUNT, &sel, ui_col_rest(&col), th->landscape ? 7 : 4,
			&h)) {
		d->filter = chip_order[sel];
		d->offset = 0;
	}
	col.y += h + th->gap;
	col.y += ui_field(u, "staff.search", d->query, sizeof d->query, 9, UI_KBD_TICKET, ui_col_rest(&col),
			  "staff.search_hint", NULL) +
		 th->gap_small;

	desk_row rows[PAGE];
	int n = 0, total = 0;
	queue_err e = desk_list(a->q, d->filter, d->query, now, d->offset, rows, PAGE, &n, &total);
	if (e != QUEUE_OK) {
		ui_label(u, "staff.msg_store", ui_col_rest(&col), UI_FONT_BODY, th->color.danger, UI_ALIGN_LEFT);
		return;
	}
	char cnt[32];
	snprintf(cnt, sizeof cnt, "%d", total);
	const char *ca[1] = {cnt};
	col.y += ui_label_text(u, ui_trf(u, "staff.queue_count", ca, 1), ui_col_rest(&col), UI_FONT_SMALL,
			       th->color.text_muted, UI_ALIGN_LEFT);

	ui_rect list = ui_col_rest(&col);
	ui_rect view = ui_scroll_begin(u, "staff.queue_list", list);
	ui_col lc = ui_col_make(view, th->gap_small);
	int rh = 150;
	const char *open = NULL;
	for (int i = 0; i < n; i++)
		if (row(a, &rows[i], ui_col_take(&lc, rh), now))
			open = ui_intern(u, rows[i].ticket);
	if (n == 0)
		lc.y += ui_label(u, "staff.queue_empty", ui_col_rest(&lc), UI_FONT_BODY, th->color.text_muted,
				 UI_ALIGN_LEFT);
	if (d->offset > 0 && ui_button(u, "staff.page_prev", ui_col_take(&lc, th->button_h), UI_BTN_SECONDARY))
		d->offset = d->offset > PAGE ? d->offset - PAGE : 0;
	if (d->offset + n < total &&
	    ui_button(u, "staff.page_next", ui_col_take(&lc, th->button_h), UI_BTN_SECONDARY))
		d->offset += PAGE;
	ui_scroll_end(u, lc.y - view.y);
	desk_rows_wipe(rows, PAGE);
	if (open)
		admin_open_case(a, open);
}
