/*
 * admin: staff mode's life cycle and its banner (see admin.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "audit.h"
#include "log.h"

void admin_wipe(admin *m)
{
	if (m->desk.cs) {
		desk_case_wipe(m->desk.cs);
		free(m->desk.cs);
	}
	if (m->cmp.cv) {
		complaint_view_wipe(m->cmp.cv);
		free(m->cmp.cv);
	}
	explicit_bzero(m, sizeof *m);
}

/* Catalog key naming ROLE ("staff.role.officer"). */
static const char *role_key(staff_role role)
{
	switch (role) {
	case STAFF_OFFICER: return "staff.role.officer";
	case STAFF_SUPERVISOR: return "staff.role.supervisor";
	case STAFF_TECHNICIAN: return "staff.role.technician";
	default: return "staff.role.unknown";
	}
}

void admin_audit(app *a, const char *action, const char *target, const char *detail)
{
	admin *m = &a->adm;
	audit_rec r;
	queue_err e = audit_rec_fill(&r, app_wall_time(a), m->active ? m->who.code : "unknown",
				     m->active ? staff_role_name(m->who.role) : "kiosk", action, target,
				     detail);
	if (e == QUEUE_OK)
		e = audit_append(a->q, &r);
	if (e != QUEUE_OK)
		log_error("staff", "audit entry %s not written: %s", action, queue_err_name(e));
}

void admin_open_pad(app *a)
{
	admin_pad *p = &a->adm.pad;
	explicit_bzero(p, sizeof *p);
	/* A lockout survives restarts: show it from the first frame. */
	staff_pad st = {0};
	if (staff_pad_state(a->q, app_wall_time(a), &st) != QUEUE_OK)
		p->msg = ADMIN_PAD_ERROR;
	else if (st.locked_until > app_wall_time(a))
		p->msg = ADMIN_PAD_LOCKED;
	p->locked_until = st.locked_until;
	log_info("staff", "PIN pad opened");
	app_goto(a, SCREEN_STAFF_PIN);
}

void admin_login(app *a, const staff_account *account)
{
	admin *m = &a->adm;
	admin_wipe(m);
	m->active = true;
	m->who = *account;
	m->last_input_ms = app_now(a);
	m->desk.reject_reason = -1;
	log_info("staff", "staff mode on: %s (%s)", m->who.code, staff_role_name(m->who.role));
	app_goto(a, SCREEN_STAFF_HOME);
}

void admin_logout(app *a, bool idle)
{
	admin *m = &a->adm;
	if (a->in_frame) { /* never wipe what the frame being built still reads */
		m->logout_pending = idle ? 2 : 1;
		ui_request_frame(a->ui);
		return;
	}
	if (m->active) {
		admin_audit(a, idle ? "logout_idle" : "logout", "", "");
		log_info("staff", "staff mode off%s: %s", idle ? " (idle)" : "", m->who.code);
	}
	admin_wipe(m);
	app_goto(a, SCREEN_WELCOME); /* ends the session: ui and render caches wiped */
}

void admin_touch(app *a, uint64_t now_ms)
{
	if (a->adm.active)
		a->adm.last_input_ms = now_ms;
}

void admin_tick(app *a, uint64_t now_ms, uint64_t *next_ms)
{
	admin *m = &a->adm;
	*next_ms = UINT64_MAX;
	if (!m->active)
		return;
	uint64_t limit = (uint64_t)a->cfg->staff.idle_logout_s * 1000u;
	uint64_t end = m->last_input_ms + limit;
	if (now_ms >= end) {
		admin_logout(a, true);
		return;
	}
	uint64_t left_ms = end - now_ms;
	int left = (int)((left_ms + 999) / 1000);
	if (left != m->idle_left_s) {
		m->idle_left_s = left;
		if (left <= ADMIN_IDLE_WARN_S)
			ui_request_frame(a->ui);
	}
	/* Wake at the next whole second while counting down, else when the
	 * countdown starts. */
	uint64_t warn_at = end - (uint64_t)ADMIN_IDLE_WARN_S * 1000u;
	*next_ms = now_ms < warn_at ? warn_at : now_ms + (left_ms % 1000 ? left_ms % 1000 : 1000);
}

ui_rect admin_chrome(app *a, const char *title_key)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	admin *m = &a->adm;
	ui_rect bar = {0, 0, th->design_w, th->header_h};
	ui_draw_rect(u, bar, th->color.staff_bg, 0);
	/* A stripe of warning colour under the bar: unmistakably not a citizen screen. */
	ui_draw_rect(u, (ui_rect){0, bar.h - 10, bar.w, 10}, th->color.staff_stripe, 0);

	/* Both buttons as narrow as their labels allow: the name line needs the room. */
	int tw, tth;
	ui_measure(u, UI_FONT_BUTTON, ui_tr(u, "staff.logout"), 0, &tw, &tth);
	int logout_w = tw + 3 * th->gap > 200 ? tw + 3 * th->gap : 200;
	ui_rect out = {bar.w - th->margin - logout_w, (bar.h - 10 - th->touch_min) / 2, logout_w,
		       th->touch_min};
	if (m->active && ui_button_ex(u, "staff.logout", ui_tr(u, "staff.logout"), NULL, out,
				      UI_BTN_SECONDARY, true))
		admin_logout(a, false);
	/* Before login there is no "Keluar": the language choice takes its place. */
	int lang_x = m->active ? out.x - th->gap - 260 : bar.w - th->margin - 260;
	lang_x = shell_lang_toggle(a, (ui_rect){lang_x, out.y, 260, th->touch_min});
	/* Who is logged in, in what the buttons leave. */
	ui_rect text = {th->margin, 14, lang_x - th->gap - th->margin, bar.h - 24};
	const char *args[2] = {m->who.name, ui_tr(u, role_key(m->who.role))};
	const char *who = m->active ? ui_trf(u, "staff.banner_who", args, 2) : "";
	int h = ui_label(u, "staff.banner", text, UI_FONT_STRONG, th->color.staff_text, UI_ALIGN_LEFT);
	ui_label_text(u, who, (ui_rect){text.x, text.y + h, text.w, text.h - h}, UI_FONT_SMALL,
		      th->color.staff_text, UI_ALIGN_LEFT);

	ui_col col = ui_col_make((ui_rect){th->margin, bar.h + th->gap, bar.w - 2 * th->margin,
					   th->design_h - bar.h - 2 * th->gap},
				 th->gap);
	if (m->active && m->idle_left_s > 0 && m->idle_left_s <= ADMIN_IDLE_WARN_S) {
		char s[12];
		snprintf(s, sizeof s, "%d", m->idle_left_s);
		const char *w[1] = {s};
		const char *say = ui_trf(u, "staff.idle_warning", w, 1);
		ui_measure(u, UI_FONT_STRONG, say, col.area.w - 2 * th->gap, &tw, &tth);
		ui_rect warn = ui_col_take(&col, tth + 24);
		ui_draw_rect(u, warn, th->color.staff_stripe, th->radius);
		ui_label_text(u, say, (ui_rect){warn.x + th->gap, warn.y + 12, warn.w - 2 * th->gap, tth},
			      UI_FONT_STRONG, th->color.text, UI_ALIGN_LEFT);
	}
	col.y += ui_label(u, title_key, ui_col_rest(&col), UI_FONT_TITLE, th->color.text, UI_ALIGN_LEFT);
	col.y += th->gap_small;
	return ui_col_rest(&col);
}

bool admin_chips(app *a, const char *id_key, const char *const *keys, int n, int *selected, ui_rect r,
		 int per_row, int *used_h)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	bool changed = false;
	int rows = (n + per_row - 1) / per_row;
	(void)id_key; /* the keys are distinct catalog keys: ids of their own */
	for (int i = 0; i < n; i++) {
		ui_rect row = {r.x, r.y + (i / per_row) * (th->touch_min + th->gap_small), r.w, th->touch_min};
		ui_rect b = ui_split(row, per_row, th->gap_small, i % per_row);
		if (ui_button_ex(u, keys[i], ui_tr(u, keys[i]), NULL, b,
				 i == *selected ? UI_BTN_PRIMARY : UI_BTN_SECONDARY, true) &&
		    i != *selected) {
			*selected = i;
			changed = true;
		}
	}
	if (used_h)
		*used_h = rows * th->touch_min + (rows - 1) * th->gap_small;
	return changed;
}

bool admin_back(app *a, const char *key, ui_rect r, int *used_h)
{
	const theme *th = &a->th;
	/* As wide as its words on one line (at least 520), never wider than R. */
	int tw, tth, gw, gh;
	ui_measure(a->ui, UI_FONT_BUTTON, ui_tr(a->ui, key), 0, &tw, &tth);
	ui_measure(a->ui, UI_FONT_SYMBOL, "\xE2\x86\x90", 0, &gw, &gh);
	int w = tw + gw + th->gap_small + 4 * th->gap;
	w = w < 520 ? 520 : w;
	ui_rect b = {r.x, r.y, r.w < w ? r.w : w, th->touch_min};
	if (used_h)
		*used_h = b.h;
	return ui_button_ex(a->ui, key, ui_tr(a->ui, key), "\xE2\x86\x90", b, UI_BTN_SECONDARY, true);
}

const char *admin_msg_text(app *a, int msg)
{
	static const char *const keys[] = {
		[ADMIN_MSG_SAVED] = "staff.msg_saved",	     [ADMIN_MSG_STALE] = "staff.msg_stale",
		[ADMIN_MSG_NOTE_EMPTY] = "staff.msg_note_empty", [ADMIN_MSG_DOCS] = "staff.msg_docs",
		[ADMIN_MSG_REASON] = "staff.msg_reason",	     [ADMIN_MSG_STORE] = "staff.msg_store",
		[ADMIN_MSG_LOOKUP_FAIL] = "staff.msg_lookup_fail", [ADMIN_MSG_NOT_FOUND] = "staff.msg_not_found",
	};
	if (msg <= ADMIN_MSG_NONE || msg >= (int)(sizeof keys / sizeof keys[0]) || !keys[msg])
		return NULL;
	return ui_tr(a->ui, keys[msg]);
}

void admin_housekeeping(app *a, uint64_t now_ms)
{
	if (now_ms < a->adm_housekeep_ms || a->sess.active)
		return; /* never inside a citizen's session: a write can wait */
	a->adm_housekeep_ms = now_ms + ADMIN_HOUSEKEEP_MS;
	int n = 0;
	queue_err e = complaint_escalate_due(a->q, &a->cal, a->cfg->complaints.escalate_after_h, a->cfg->kiosk.id,
					     app_wall_time(a), &n);
	if (e != QUEUE_OK)
		log_warn("staff", "complaint escalation postponed: %s", queue_err_name(e));
	else if (n > 0)
		log_info("staff", "%d complaint(s) escalated to the supervisor (no answer in %d working hours)", n,
			 a->cfg->complaints.escalate_after_h);
}

ui_rect admin_split(app *a, ui_rect c, ui_rect *right)
{
	const theme *th = &a->th;
	*right = (ui_rect){0, 0, 0, 0};
	if (!th->landscape)
		return c;
	ui_rect left = c;
	left.w = c.w * 3 / 5;
	*right = (ui_rect){c.x + left.w + 3 * th->gap, c.y, c.w - left.w - 3 * th->gap, c.h};
	/* A rule between the two: the right column is where the officer acts. */
	ui_draw_rect(a->ui, (ui_rect){c.x + left.w + th->gap, c.y, 2, c.h}, th->color.border, 0);
	return left;
}

ui_col admin_actions_begin(app *a, ui_rect right)
{
	const theme *th = &a->th;
	ui_rect v = ui_scroll_begin(a->ui, "staff.case_actions", right);
	ui_col col = ui_col_make((ui_rect){v.x, v.y, v.w - 24, v.h}, th->gap);
	col.y += ui_label(a->ui, "staff.case_next", ui_col_rest(&col), UI_FONT_SUBTITLE, th->color.text,
			  UI_ALIGN_LEFT) + th->gap_small;
	return col;
}

void admin_actions_end(app *a, const ui_col *col)
{
	ui_scroll_end(a->ui, col->y - col->area.y + a->th.gap);
}

bool admin_row_draw(app *a, const char *tap_key, const admin_row *r, ui_rect b)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	bool hit = ui_tap_area_text(u, tap_key, r->title, b);
	ui_draw_rect(u, b, th->color.surface, th->radius);
	ui_draw_frame(u, b, r->alert_on ? r->alert : th->color.border, th->radius,
		      r->alert_on ? th->focus_ring : th->border);
	ui_rect in = ui_inset(b, th->gap, th->gap_small);
	int half = in.w * r->split_pct / 100;
	ui_label_text(u, r->title, (ui_rect){in.x, in.y, half, 44}, UI_FONT_STRONG, th->color.text, UI_ALIGN_LEFT);
	ui_label_text(u, r->state, (ui_rect){in.x + half, in.y, in.w - half, 44}, UI_FONT_STRONG, r->state_color,
		      UI_ALIGN_RIGHT);
	if (r->left)
		ui_label_text(u, r->left, (ui_rect){in.x, in.y + 46, half, 40}, UI_FONT_BODY, th->color.text,
			      UI_ALIGN_LEFT);
	if (r->right)
		ui_label_text(u, r->right, (ui_rect){in.x + half, in.y + 46, in.w - half, 40},
			      r->right_small ? UI_FONT_SMALL : UI_FONT_BODY, r->right_color, UI_ALIGN_RIGHT);
	ui_label_text(u, r->foot, (ui_rect){in.x, in.y + 92, in.w, 36}, UI_FONT_SMALL, th->color.text_muted,
		      UI_ALIGN_LEFT);
	return hit;
}
