/*
 * scr_status: "Cek status permohonan". The citizen types the ticket number
 * (on a keyboard offering only the ticket alphabet; the check character
 * catches a typo before anything is looked up) and the last 4 digits of
 * their NIK. An unknown ticket and wrong digits get the same message, so the
 * screen never reveals which part was wrong. A found request shows where it
 * stands in plain words, its timeline, the deadline, the notifications sent;
 * a rejection shows its reason and "Ajukan ulang", which starts a new
 * request prefilled from the rejected one; "revocation required" says what
 * to do next.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "step.h"
#include "desk.h"

/* What each state means for the citizen, when it is the current one. */
static const char *const explain[RSTATE_COUNT] = {
	[RSTATE_DRAFT] = "status.explain.draft",
	[RSTATE_QUEUED] = "status.explain.queued",
	[RSTATE_RECEIVED] = "status.explain.received",
	[RSTATE_IN_VERIFICATION] = "status.explain.in_verification",
	[RSTATE_REJECTED] = "status.explain.rejected",
	[RSTATE_ACCEPTED] = "status.explain.accepted",
	[RSTATE_APPROVED] = "status.explain.approved",
	[RSTATE_INFORMED] = "status.explain.informed",
	[RSTATE_REVOCATION_REQUIRED] = "status.explain.revocation_required",
	[RSTATE_REVOKED] = "status.explain.revoked",
	[RSTATE_NOTIFIED] = "status.explain.notified",
	[RSTATE_CLOSED] = "status.explain.closed",
};

static void lookup(app *a)
{
	journey *j = &a->sess.j;
	char ticket[TICKET_TEXT_MAX];
	j->status_attempted = true;
	j->status_not_found = false;
	if (j->status_failures >= JOURNEY_STATUS_TRIES)
		return;
	if (ticket_parse(j->status_ticket, ticket) != TICKET_OK || strlen(j->status_last4) != 4)
		return;
	queue_err e = queue_lookup(a->q, ticket, j->status_last4, &j->status);
	if (e == QUEUE_OK) {
		j->status_loaded = true;
		ui_unfocus(a->ui);
	} else {
		j->status_not_found = true;
		j->status_failures++;
		if (e != QUEUE_ERR_NOT_FOUND)
			log_error("status", "lookup failed: %s", queue_err_name(e));
	}
}

static void form(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	journey *j = &a->sess.j;
	ui_rect view = ui_scroll_begin(u, "status.form", r);
	ui_col col = ui_col_make((ui_rect){view.x, view.y, view.w - 24, view.h}, th->gap);
	col.y += ui_label(u, "status.heading", ui_col_rest(&col), UI_FONT_TITLE, th->color.text,
			  UI_ALIGN_LEFT);
	col.y += ui_label(u, "status.intro", ui_col_rest(&col), UI_FONT_BODY, th->color.text_muted,
			  UI_ALIGN_LEFT) + th->gap;

	char canon[TICKET_TEXT_MAX];
	ticket_err te = ticket_parse(j->status_ticket, canon);
	bool t_focus = ui_focused(u, "status.ticket");
	const char *t_err = te != TICKET_OK && !t_focus &&
					    (j->status_attempted || j->status_ticket[0])
				    ? ticket_err_key(te)
				    : NULL;
	ui_col_take(&col, ui_field(u, "status.ticket", j->status_ticket, sizeof j->status_ticket,
				   TICKET_LEN + 1, UI_KBD_TICKET, ui_col_rest(&col), "status.ticket_hint",
				   t_err));
	bool l_bad = strlen(j->status_last4) != 4;
	const char *l_err = l_bad && j->status_attempted && !ui_focused(u, "status.last4")
				    ? "status.last4_err"
				    : NULL;
	ui_col_take(&col, ui_field(u, "status.last4", j->status_last4, sizeof j->status_last4, 4,
				   UI_KBD_NIK, ui_col_rest(&col), "status.last4_hint", l_err));
	bool locked = j->status_failures >= JOURNEY_STATUS_TRIES;
	if (locked)
		col.y += step_note(&(step_frame){.a = a}, ui_col_rest(&col), STEP_NOTE_WARN,
				   ui_tr(u, "status.locked_title"), ui_tr(u, "status.locked")) +
			 th->gap;
	else if (j->status_not_found)
		col.y += step_note(&(step_frame){.a = a}, ui_col_rest(&col), STEP_NOTE_WARN,
				   ui_tr(u, "status.not_found_title"), ui_tr(u, "status.not_found")) +
			 th->gap;
	ui_rect b = ui_col_take(&col, th->button_h);
	if (ui_button_ex(u, "status.check", ui_tr(u, "status.check"), NULL, b, UI_BTN_PRIMARY,
			 !locked))
		lookup(a);
	ui_scroll_end(u, col.y - view.y);
}

static void result(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	journey *j = &a->sess.j;
	const queue_status *st = &j->status;
	step_frame sf = {.a = a};

	ui_rect nav = {r.x, r.y + r.h - th->button_h, r.w, th->button_h};
	ui_rect view = ui_scroll_begin(u, "status.result", (ui_rect){r.x, r.y, r.w, r.h - th->button_h - th->gap});
	/* Portrait: one column. Landscape: where it stands on the left, its
	 * history on the right. */
	ui_rect area = {view.x, view.y, view.w - 24, view.h};
	ui_col col = ui_col_make(th->landscape ? ui_split(area, 2, th->gap * 2, 0) : area, th->gap);
	ui_col right = ui_col_make(ui_split(area, 2, th->gap * 2, 1), th->gap);

	const char *targs[1] = {st->r.ticket};
	col.y += ui_label_text(u, ui_trf(u, "status.for_ticket", targs, 1), ui_col_rest(&col),
			       UI_FONT_STRONG, th->color.text_muted, UI_ALIGN_LEFT);
	ui_color tone = st->r.state == RSTATE_REJECTED		   ? th->color.danger
			: st->r.state == RSTATE_REVOCATION_REQUIRED ? th->color.warning
								    : th->color.primary;
	col.y += ui_label(u, rstate_key(st->r.state), ui_col_rest(&col), UI_FONT_TITLE, tone,
			  UI_ALIGN_LEFT) + th->gap_small;
	col.y += ui_label(u, explain[st->r.state], ui_col_rest(&col), UI_FONT_BODY, th->color.text,
			  UI_ALIGN_LEFT) + th->gap;

	if (st->r.state == RSTATE_REJECTED) {
		const char *reason = "";
		for (int i = st->n_events - 1; i >= 0; i--)
			if (st->events[i].to == RSTATE_REJECTED) {
				reason = st->events[i].reason;
				break;
			}
		/* "documents_mismatch: text" (desk.h): the reason in words, then
		 * the officer's text; an older free-form reason as it is. */
		desk_reason code;
		char text[RSTATE_REASON_MAX];
		if (desk_reason_parse(reason, &code, text, sizeof text) == 0) {
			const char *parts[2] = {ui_tr(u, desk_reason_key(code)), text};
			reason = text[0] ? ui_trf(u, "status.reject_reason_text", parts, 2) : parts[0];
		}
		explicit_bzero(text, sizeof text);
		col.y += step_note(&sf, ui_col_rest(&col), STEP_NOTE_WARN,
				   ui_tr(u, "status.reject_reason"), reason) + th->gap;
		if (ui_button(u, "status.resubmit", ui_col_take(&col, th->button_h), UI_BTN_PRIMARY) &&
		    journey_start_resubmit(j, a->cfg->kiosk.id)) {
			app_goto(a, SCREEN_CONSENT);
			ui_scroll_end(u, col.y - view.y);
			return;
		}
	} else if (st->r.state == RSTATE_REVOCATION_REQUIRED) {
		col.y += step_note(&sf, ui_col_rest(&col), STEP_NOTE_WARN,
				   ui_tr(u, "status.revoke_title"), ui_tr(u, "status.revoke")) + th->gap;
	}
	if (rstate_is_open(st->r.state) && st->deadline_at > 0) {
		const char *args[1] = {shell_fmt_when(a, st->deadline_at, true)};
		col.y += step_pair(&sf, ui_col_rest(&col), "receipt.deadline",
				   ui_trf(u, "receipt.deadline_value", args, 1)) + th->gap;
	}

	int left_end = col.y;
	if (th->landscape)
		col = right;
	col.y += step_history(&sf, ui_col_rest(&col), st);
	ui_scroll_end(u, (col.y > left_end ? col.y : left_end) - view.y);

	if (ui_button(u, "status.another", ui_split(nav, 2, th->gap, 0), UI_BTN_SECONDARY)) {
		queue_status_wipe(&j->status);
		j->status_loaded = false;
		j->status_attempted = false;
		explicit_bzero(j->status_ticket, sizeof j->status_ticket);
		explicit_bzero(j->status_last4, sizeof j->status_last4);
	}
	if (ui_button(u, "status.done", ui_split(nav, 2, th->gap, 1), UI_BTN_PRIMARY))
		app_goto(a, SCREEN_WELCOME);
}

void scr_status_draw(app *a, ui_rect r)
{
	if (a->sess.j.status_loaded)
		result(a, r);
	else
		form(a, r);
}
