/*
 * scr_staff_complaints: the complaint desk. A list by filter (not yet
 * resolved, escalated, resolved, all; a supervisor starts on the escalated
 * ones) and one complaint whole: what the citizen wrote, the request it is
 * about, the contact for the answer, every note so far, and the acts the
 * staff member's role may do now (complaint_check()): respond, escalate to
 * the supervisor, resolve with a resolution note. Each act is one
 * transaction with its outbox entry and audit entry (complaint_act()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "log.h"
#include "step.h"
#include "uplink.h"

enum { PAGE = 30 };

static const char *const filter_keys[COMPLAINT_LIST_COUNT] = {
	[COMPLAINT_LIST_OPEN] = "staff.cfilter.open",
	[COMPLAINT_LIST_ESCALATED] = "staff.cfilter.escalated",
	[COMPLAINT_LIST_RESOLVED] = "staff.cfilter.resolved",
	[COMPLAINT_LIST_ALL] = "staff.cfilter.all",
};

static void open_complaint(app *a, const char *number)
{
	admin_complaints *m = &a->adm.cmp;
	if (!m->cv)
		m->cv = calloc(1, sizeof *m->cv);
	if (!m->cv)
		return;
	if (complaint_load(a->q, number, m->cv) != QUEUE_OK) {
		m->message = ADMIN_MSG_NOT_FOUND;
		return;
	}
	snprintf(m->number, sizeof m->number, "%s", number);
	explicit_bzero(m->note, sizeof m->note);
	m->message = ADMIN_MSG_NONE;
	app_goto(a, SCREEN_STAFF_COMPLAINT);
}

static bool row(app *a, const complaint_row *r, ui_rect b, uint32_t id)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	bool esc = r->state == COMPLAINT_ESCALATED;
	const char *args[1] = {shell_fmt_when(a, r->created_at, true)};
	admin_row ar = {.title = r->number,
			.state = ui_tr(u, complaint_state_key(r->state)),
			.left = ui_tr(u, complaint_category_key(r->category)),
			.right = r->ticket[0] ? r->ticket : NULL,
			.foot = ui_trf(u, "staff.complaint_filed", args, 1),
			.state_color = esc ? th->color.warning : th->color.primary,
			.right_color = th->color.text_muted,
			.alert = th->color.warning,
			.alert_on = esc,
			.split_pct = 50};
	ui_push_id(u, id);
	bool hit = admin_row_draw(a, "staff.complaint_row", &ar, b);
	ui_pop_id(u);
	return hit;
}

void scr_staff_complaints_draw(app *a, ui_rect full)
{
	(void)full;
	ui *u = a->ui;
	const theme *th = &a->th;
	admin_complaints *m = &a->adm.cmp;
	ui_rect c = admin_chrome(a, "staff.complaints_title");
	ui_col col = ui_col_make(c, th->gap);
	int h;
	if (admin_back(a, "staff.back_home", ui_col_rest(&col), &h)) {
		app_goto(a, SCREEN_STAFF_HOME);
		return;
	}
	col.y += h + th->gap;
	if (admin_chips(a, "staff.cfilter", filter_keys, COMPLAINT_LIST_COUNT, &m->filter, ui_col_rest(&col), 4,
			&h))
		m->offset = 0;
	col.y += h + th->gap;

	complaint_row rows[PAGE];
	int n = 0, total = 0;
	if (complaint_list(a->q, (complaint_filter)m->filter, m->offset, rows, PAGE, &n, &total) != QUEUE_OK) {
		ui_label(u, "staff.msg_store", ui_col_rest(&col), UI_FONT_BODY, th->color.danger, UI_ALIGN_LEFT);
		return;
	}
	char cnt[16];
	snprintf(cnt, sizeof cnt, "%d", total);
	const char *ca[1] = {cnt};
	col.y += ui_label_text(u, ui_trf(u, "staff.complaints_count", ca, 1), ui_col_rest(&col), UI_FONT_SMALL,
			       th->color.text_muted, UI_ALIGN_LEFT);
	ui_rect view = ui_scroll_begin(u, "staff.complaint_list", ui_col_rest(&col));
	ui_col lc = ui_col_make(view, th->gap_small);
	const char *open = NULL;
	for (int i = 0; i < n; i++)
		if (row(a, &rows[i], ui_col_take(&lc, 150), (uint32_t)(m->offset + i + 1)))
			open = ui_intern(u, rows[i].number);
	if (n == 0)
		lc.y += ui_label(u, "staff.complaints_empty", ui_col_rest(&lc), UI_FONT_BODY, th->color.text_muted,
				 UI_ALIGN_LEFT);
	if (m->offset > 0 && ui_button(u, "staff.page_prev", ui_col_take(&lc, th->button_h), UI_BTN_SECONDARY))
		m->offset = m->offset > PAGE ? m->offset - PAGE : 0;
	if (m->offset + n < total &&
	    ui_button(u, "staff.page_next", ui_col_take(&lc, th->button_h), UI_BTN_SECONDARY))
		m->offset += PAGE;
	ui_scroll_end(u, lc.y - view.y);
	if (open)
		open_complaint(a, open);
}

/* Do ACT with the typed note. */
static void act(app *a, complaint_action what)
{
	admin_complaints *m = &a->adm.cmp;
	if (m->note[0] == '\0') {
		m->message = ADMIN_MSG_NOTE_EMPTY;
		return;
	}
	queue_err e = complaint_act(a->q, m->number, what, staff_rrole(a->adm.who.role), a->adm.who.code, m->note,
				    app_wall_time(a));
	if (e == QUEUE_OK) {
		explicit_bzero(m->note, sizeof m->note);
		m->message = ADMIN_MSG_SAVED;
		ui_unfocus(a->ui);
		uplink_kick(a);
	} else {
		log_warn("staff", "complaint %s: %s refused: %s", m->number, complaint_note_kind(what),
			 queue_err_name(e));
		m->message = e == QUEUE_ERR_STATE ? ADMIN_MSG_STALE : ADMIN_MSG_STORE;
	}
	if (complaint_load(a->q, m->number, m->cv) != QUEUE_OK)
		m->message = ADMIN_MSG_STORE;
}

/* The note field and the actions ROLE may take in this state. */
static void complaint_actions(app *a, step_frame *sf, ui_col *col)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	admin_complaints *m = &a->adm.cmp;
	const complaint_view *v = m->cv;
	const char *msg = admin_msg_text(a, m->message);
	if (msg)
		col->y += step_note(sf, ui_col_rest(col), m->message == ADMIN_MSG_SAVED ? STEP_NOTE_OK : STEP_NOTE_WARN,
				    msg, NULL) + th->gap;

	rrole role = staff_rrole(a->adm.who.role);
	static const complaint_action acts[3] = {COMPLAINT_RESPOND, COMPLAINT_ESCALATE, COMPLAINT_RESOLVE};
	static const char *const act_keys[3] = {"staff.complaint_respond", "staff.complaint_escalate",
						"staff.complaint_resolve"};
	bool any = false;
	for (int i = 0; i < 3; i++)
		any |= complaint_check(v->row.state, acts[i], role, NULL) == QUEUE_OK;
	if (any) {
		col->y += ui_field(u, "staff.complaint_note", m->note, sizeof m->note, COMPLAINT_NOTE_MAX / 4,
				   UI_KBD_TEXT, ui_col_rest(col), "staff.complaint_note_hint", NULL) + th->gap_small;
		for (int i = 0; i < 3; i++) {
			if (complaint_check(v->row.state, acts[i], role, NULL) != QUEUE_OK)
				continue;
			if (ui_button(u, act_keys[i], ui_col_take(col, th->button_h),
				      i == 2 ? UI_BTN_PRIMARY : UI_BTN_SECONDARY)) {
				act(a, acts[i]);
				break;
			}
		}
	} else if (v->row.state == COMPLAINT_ESCALATED) {
		col->y += ui_label(u, "staff.complaint_for_supervisor", ui_col_rest(col), UI_FONT_BODY,
				   th->color.warning, UI_ALIGN_LEFT) + th->gap;
	} else if (v->row.state == COMPLAINT_RESOLVED) {
		col->y += ui_label(u, "staff.complaint_resolved_hint", ui_col_rest(col), UI_FONT_BODY,
				   th->color.text_muted, UI_ALIGN_LEFT) + th->gap;
	}
}

/* What was done so far, oldest first. */
static void complaint_notes(app *a, ui_col *col)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	const complaint_view *v = a->adm.cmp.cv;
	col->y += ui_label(u, "staff.complaint_notes", ui_col_rest(col), UI_FONT_SUBTITLE, th->color.text,
			   UI_ALIGN_LEFT) + th->gap_small;
	for (int i = 0; i < v->n_notes; i++) {
		const complaint_note *no = &v->notes[i];
		ui_push_id(u, 0x6e6f74u + (uint32_t)i);
		const char *args[3] = {shell_fmt_when(a, no->at, true), no->actor,
				       ui_tr(u, no->kind == COMPLAINT_RESPOND	 ? "staff.note_response"
						: no->kind == COMPLAINT_ESCALATE ? "staff.note_escalation"
										 : "staff.note_resolution")};
		col->y += ui_label_text(u, ui_trf(u, "staff.complaint_note_head", args, 3), ui_col_rest(col),
					UI_FONT_SMALL, th->color.text_muted, UI_ALIGN_LEFT);
		col->y += ui_label_text(u, no->text, ui_col_rest(col), UI_FONT_BODY, th->color.text, UI_ALIGN_LEFT) +
			  th->gap_small;
		ui_pop_id(u);
	}
	if (v->n_notes == 0)
		col->y += ui_label(u, "staff.complaint_no_notes", ui_col_rest(col), UI_FONT_BODY, th->color.text_muted,
				   UI_ALIGN_LEFT);
}

/* Portrait: one scrolling column. Landscape: the complaint and its notes
 * on the left, the note field and actions on the right (as the case). */
void scr_staff_complaint_draw(app *a, ui_rect full)
{
	(void)full;
	ui *u = a->ui;
	const theme *th = &a->th;
	admin_complaints *m = &a->adm.cmp;
	if (!m->cv) {
		app_goto(a, SCREEN_STAFF_COMPLAINTS);
		return;
	}
	const complaint_view *v = m->cv;
	step_frame sf = {.a = a};
	ui_rect c = admin_chrome(a, "staff.complaint_title"), right;
	ui_rect left = admin_split(a, c, &right);
	ui_rect view = ui_scroll_begin(u, "staff.complaint", left);
	ui_col col = ui_col_make((ui_rect){view.x, view.y, view.w - 24, view.h}, th->gap);
	int h;
	if (admin_back(a, "staff.back_complaints", ui_col_rest(&col), &h)) {
		ui_scroll_end(u, h);
		complaint_view_wipe(m->cv);
		explicit_bzero(m->note, sizeof m->note);
		app_goto(a, SCREEN_STAFF_COMPLAINTS);
		return;
	}
	col.y += h + th->gap;
	col.y += ui_label_text(u, v->row.number, ui_col_rest(&col), UI_FONT_TITLE, th->color.text, UI_ALIGN_LEFT);
	col.y += ui_label(u, complaint_state_key(v->row.state), ui_col_rest(&col), UI_FONT_SUBTITLE,
			  th->color.primary, UI_ALIGN_LEFT) + th->gap_small;
	col.y += step_pair(&sf, ui_col_rest(&col), "staff.complaint_category",
			   ui_tr(u, complaint_category_key(v->row.category))) + th->gap_small;
	col.y += step_pair(&sf, ui_col_rest(&col), "staff.complaint_when",
			   shell_fmt_when(a, v->row.created_at, true)) + th->gap_small;
	if (v->row.ticket[0])
		col.y += step_pair(&sf, ui_col_rest(&col), "staff.complaint_ticket", v->row.ticket) + th->gap_small;
	col.y += step_pair(&sf, ui_col_rest(&col), "staff.complaint_contact",
			   v->contact[0] ? v->contact : ui_tr(u, "staff.complaint_no_contact")) + th->gap_small;
	col.y += step_note(&sf, ui_col_rest(&col), STEP_NOTE_INFO, ui_tr(u, "staff.complaint_text"),
			   v->purged ? ui_tr(u, "staff.purged") : v->text) + th->gap;
	if (!th->landscape) {
		complaint_actions(a, &sf, &col);
		col.y += th->gap;
	}
	complaint_notes(a, &col);
	ui_scroll_end(u, col.y - view.y + th->gap);

	if (th->landscape) {
		ui_col pc = admin_actions_begin(a, right);
		complaint_actions(a, &sf, &pc);
		admin_actions_end(a, &pc);
	}
}
