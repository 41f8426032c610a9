/*
 * scr_staff_case: one request on the officer's desk, from verification to
 * closing (service.md section 2). It shows where the request stands, the
 * old and new values side by side, the warnings an officer must look at
 * (a typed NIK needs the KTP-el checked in person; NIK/NIP inconsistencies),
 * and offers exactly the next steps the state machine allows the officer:
 *   queued/received  -> start verification
 *   in_verification  -> accept (every document ticked) or reject (a reason
 *                       from the fixed list, free text for "other")
 *   accepted         -> approve in AMS (through the central service)
 *   approved         -> the applicant was informed
 *   informed         -> look up the applicant's certificates (central
 *                       service): owns one -> revocation required; none ->
 *                       send "data telah diubah" (notified)
 *   revocation_required -> request the revocation ("identitas berubah");
 *                       the central service's answer moves it to revoked
 *   revoked          -> send "data telah diubah" (notified)
 *   notified         -> close
 * Every step is one desk_move() (event + outbox + audit in one transaction):
 * offline it waits in the outbox, and the screen says so. A central decision
 * that overrode the local state is shown until the officer acknowledges it.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "log.h"
#include "step.h"
#include "uplink.h"

/* Reload the open case (after a move, or when it changed underneath). */
static void reload(app *a)
{
	admin_desk *d = &a->adm.desk;
	if (desk_load(a->q, d->ticket, d->cs) != QUEUE_OK)
		d->message = ADMIN_MSG_STORE;
}

static void leave(app *a)
{
	admin_desk *d = &a->adm.desk;
	if (a->sync)
		sync_lookup_clear(a->sync);
	desk_case_wipe(d->cs);
	explicit_bzero(d->reject_text, sizeof d->reject_text);
	d->rejecting = false;
	app_goto(a, SCREEN_STAFF_QUEUE);
}

/* The officer moves the case to TO (REASON and DETAIL may be NULL). */
static void move(app *a, rstate to, const char *reason, const char *detail)
{
	admin_desk *d = &a->adm.desk;
	rstate stored = d->cs->st.r.state;
	queue_err e = desk_move(a->q, d->ticket, to, staff_rrole(a->adm.who.role), a->adm.who.code, reason,
				detail, app_wall_time(a), &stored);
	if (e == QUEUE_OK) {
		d->message = ADMIN_MSG_SAVED;
		uplink_kick(a);
	} else {
		log_warn("staff", "%s: %s -> %s refused: %s", d->ticket, rstate_name(d->cs->st.r.state),
			 rstate_name(to), queue_err_name(e));
		d->message = e == QUEUE_ERR_STATE ? ADMIN_MSG_STALE : ADMIN_MSG_STORE;
	}
	reload(a);
}

/* Old and new values of every changed field, side by side; the identity
 * fields the officer compares with the KTP-el above them. */
static int values(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	const req *q = &a->adm.desk.cs->st.r;
	int y = r.y;
	ui_rect head = {r.x, y, r.w, 44};
	ui_label(u, "staff.case_field", ui_split(head, 3, th->gap, 0), UI_FONT_SMALL, th->color.text_muted,
		 UI_ALIGN_LEFT);
	ui_label(u, "staff.case_old", ui_split(head, 3, th->gap, 1), UI_FONT_SMALL, th->color.text_muted,
		 UI_ALIGN_LEFT);
	ui_label(u, "staff.case_new", ui_split(head, 3, th->gap, 2), UI_FONT_SMALL, th->color.text_muted,
		 UI_ALIGN_LEFT);
	y += 44;
	for (int i = 0; i < REQ_F_COUNT; i++) {
		const req_value *v = &q->f[i];
		bool identity = i == REQ_F_NAME || i == REQ_F_NIK || i == REQ_F_NIP;
		if (!v->change && !identity)
			continue;
		ui_push_id(u, 0x76616cu + (uint32_t)i);
		ui_rect row = {r.x, y, r.w, 0};
		ui_draw_rect(u, (ui_rect){r.x, y, r.w, 2}, th->color.border, 0);
		row.y += th->gap_small;
		int h1 = ui_label(u, req_field_key((req_field)i), ui_split(row, 3, th->gap, 0), UI_FONT_STRONG,
				  th->color.text, UI_ALIGN_LEFT);
		int h2 = ui_label_text(u, v->current[0] ? v->current : ui_tr(u, "common.empty_value"),
				       ui_split(row, 3, th->gap, 1), UI_FONT_BODY, th->color.text, UI_ALIGN_LEFT);
		int h3 = ui_label_text(u, v->change ? v->requested : ui_tr(u, "staff.case_unchanged"),
				       ui_split(row, 3, th->gap, 2), v->change ? UI_FONT_STRONG : UI_FONT_SMALL,
				       v->change ? th->color.primary : th->color.text_muted, UI_ALIGN_LEFT);
		int h = h1 > h2 ? h1 : h2;
		h = h > h3 ? h : h3;
		y += h + th->gap;
		ui_pop_id(u);
	}
	return y - r.y;
}

/* Warnings an officer must look at while verifying (once the request is
 * accepted or rejected they are behind); returns the height used. */
static int warnings(app *a, step_frame *sf, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	const req *q = &a->adm.desk.cs->st.r;
	int y = r.y;
	if (q->state != RSTATE_QUEUED && q->state != RSTATE_RECEIVED && q->state != RSTATE_IN_VERIFICATION)
		return 0;
	if (q->id_source == REQ_ID_TYPED)
		y += step_note(sf, (ui_rect){r.x, y, r.w, 0}, STEP_NOTE_WARN, ui_tr(u, "staff.warn_typed_title"),
			       ui_tr(u, "staff.warn_typed")) + th->gap;
	req copy = *q;
	req_issue issues[JOURNEY_ISSUES_MAX];
	int n = req_validate(&copy, issues, JOURNEY_ISSUES_MAX);
	req_wipe(&copy);
	for (int i = 0; i < n; i++) {
		if (issues[i].code == VAL_W_TYPED_NIK)
			continue; /* said above in the officer's words */
		ui_push_id(u, 0x7761726eu + (uint32_t)i);
		const char *title = ui_tr(u, req_field_key(issues[i].field));
		y += step_note(sf, (ui_rect){r.x, y, r.w, 0},
			       STEP_NOTE_WARN, title,
			       ui_tr(u, val_code_key(issues[i].code))) + th->gap;
		ui_pop_id(u);
	}
	return y - r.y;
}

/* The documents checklist: the KTP-el always, then what the applicant
 * said they would bring. Returns true when every box is ticked. */
static bool documents(app *a, ui_col *col, const char **detail)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	admin_desk *d = &a->adm.desk;
	const req *q = &d->cs->st.r;
	col->y += ui_label(u, "staff.docs_title", ui_col_rest(col), UI_FONT_SUBTITLE, th->color.text,
			   UI_ALIGN_LEFT) + th->gap_small;
	bool all = true;
	char list[128] = "";
	for (int i = 0; i < REQ_D_COUNT && i < (int)(sizeof d->docs / sizeof d->docs[0]); i++) {
		if (!q->docs[i] && i != REQ_D_KTP)
			continue;
		ui_push_id(u, 0x646f63u + (uint32_t)i);
		ui_rect r = ui_col_take(col, th->touch_min);
		ui_checkbox(u, req_doc_key((req_doc)i), &d->docs[i], r);
		ui_pop_id(u);
		if (!d->docs[i])
			all = false;
		else {
			size_t l = strlen(list);
			snprintf(list + l, sizeof list - l, "%s%s", l ? "," : "", req_doc_name((req_doc)i));
		}
	}
	if (q->docs[REQ_D_OTHER] && q->doc_other[0])
		col->y += ui_label_text(u, q->doc_other, ui_col_rest(col), UI_FONT_SMALL, th->color.text_muted,
					UI_ALIGN_LEFT);
	char buf[160];
	snprintf(buf, sizeof buf, "docs=%s", list);
	*detail = ui_intern(u, buf);
	return all;
}

/*
 * Reject: a reason from the fixed list, text for the applicant (needed for
 * "other"). While the keyboard is up the dialog shows just the chosen
 * reason and the text, above the keyboard; in landscape the list and the
 * text sit side by side so the whole dialog fits the screen.
 */
static void reject_dialog(app *a)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	admin_desk *d = &a->adm.desk;
	const char *keys[DESK_R_COUNT];
	for (int i = 0; i < DESK_R_COUNT; i++)
		keys[i] = desk_reason_key((desk_reason)i);
	bool typing = ui_keyboard_wanted(u);
	int ch = ui_choice_height(u, DESK_R_COUNT);
	int side = ui_field_height(u) + th->gap + 60 + th->gap + th->button_h;
	int content_h = typing ? 60 + ui_field_height(u)
			: th->landscape ? (ch > side ? ch : side)
					: ch + th->gap + side;
	bool wide = th->landscape && !typing;
	ui_rect c = ui_dialog_begin_w(u, "staff.reject_title", content_h, wide ? 1600 : th->dialog_max_w);
	ui_rect lc = c, rc = c;
	if (wide) {
		lc = ui_split(c, 2, 2 * th->gap, 0);
		rc = ui_split(c, 2, 2 * th->gap, 1);
	}
	ui_col col = ui_col_make(lc, th->gap);
	if (typing) {
		const char *chosen = d->reject_reason >= 0 ? ui_tr(u, keys[d->reject_reason])
							   : ui_tr(u, "staff.reject_none");
		const char *args[1] = {chosen};
		ui_label_text(u, ui_trf(u, "staff.reject_chosen", args, 1), ui_col_take(&col, 60), UI_FONT_STRONG,
			      th->color.text, UI_ALIGN_LEFT);
	} else {
		int before = d->reject_reason;
		col.y += ui_choice(u, "staff.reject_reason", keys, DESK_R_COUNT, &d->reject_reason,
				   ui_col_rest(&col)) + th->gap;
		if (d->reject_reason != before && d->message == ADMIN_MSG_REASON)
			d->message = ADMIN_MSG_NONE; /* the complaint is answered */
		if (th->landscape)
			col = ui_col_make(rc, th->gap);
	}
	col.y += ui_field(u, "staff.reject_text", d->reject_text, sizeof d->reject_text, DESK_REASON_TEXT_CHARS,
			  UI_KBD_TEXT, ui_col_rest(&col), "staff.reject_text_hint", NULL) +
		 th->gap;
	if (typing) {
		ui_dialog_end(u);
		return;
	}
	const char *msg = admin_msg_text(a, d->message == ADMIN_MSG_REASON ? ADMIN_MSG_REASON : ADMIN_MSG_NONE);
	ui_rect mr = ui_col_take(&col, 60);
	if (msg)
		ui_label_text(u, msg, mr, UI_FONT_SMALL, th->color.danger, UI_ALIGN_LEFT);
	ui_rect row = ui_col_take(&col, th->button_h);
	if (ui_button(u, "staff.reject_cancel", ui_split(row, 2, th->gap, 0), UI_BTN_SECONDARY)) {
		d->rejecting = false;
		d->message = ADMIN_MSG_NONE;
		ui_unfocus(u);
	} else if (ui_button(u, "staff.reject_confirm", ui_split(row, 2, th->gap, 1), UI_BTN_DANGER)) {
		char reason[RSTATE_REASON_MAX];
		if (d->reject_reason < 0 ||
		    desk_reason_format((desk_reason)d->reject_reason, d->reject_text, reason, sizeof reason) != 0) {
			d->message = ADMIN_MSG_REASON;
		} else {
			d->rejecting = false;
			ui_unfocus(u);
			move(a, RSTATE_REJECTED, reason, NULL); /* desk_move audits reason=<name> */
		}
		explicit_bzero(reason, sizeof reason);
	}
	ui_dialog_end(u);
}

/* The certificate lookup step (informed). */
static void lookup(app *a, ui_col *col)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	admin_desk *d = &a->adm.desk;
	sync_lookup lk = {0};
	if (a->sync)
		sync_lookup_get(a->sync, &lk);
	if (lk.state == SYNC_LOOKUP_RUNNING) {
		/* The engine's notify only wakes the loop for status changes: poll. */
		ui_request_wake(u, app_now(a) + 200);
		col->y += ui_label(u, "staff.lookup_running", ui_col_rest(col), UI_FONT_BODY, th->color.text_muted,
				   UI_ALIGN_LEFT) + th->gap;
		return;
	}
	if (lk.state == SYNC_LOOKUP_DONE) {
		int valid = -1;
		for (int i = 0; i < lk.n; i++)
			if (strcmp(lk.certs[i].status, "valid") == 0 && valid < 0)
				valid = i;
		if (valid >= 0) {
			const sync_cert *c = &lk.certs[valid];
			const char *args[2] = {c->serial, shell_fmt_when(a, c->not_after, false)};
			col->y += ui_label_text(u, ui_trf(u, "staff.lookup_owns", args, 2), ui_col_rest(col),
						UI_FONT_BODY, th->color.warning, UI_ALIGN_LEFT) + th->gap;
			if (ui_button(u, "staff.act_revocation_required", ui_col_take(col, th->button_h),
				      UI_BTN_PRIMARY)) {
				char serial[64];
				snprintf(serial, sizeof serial, "%s", c->serial);
				sync_lookup_clear(a->sync);
				move(a, RSTATE_REVOCATION_REQUIRED, serial, "certificate=valid");
			}
		} else {
			col->y += ui_label(u, "staff.lookup_none", ui_col_rest(col), UI_FONT_BODY, th->color.success,
					   UI_ALIGN_LEFT) + th->gap;
			if (ui_button(u, "staff.act_notify", ui_col_take(col, th->button_h), UI_BTN_PRIMARY)) {
				sync_lookup_clear(a->sync);
				move(a, RSTATE_NOTIFIED, NULL, "certificate=none");
			}
		}
		return;
	}
	if (lk.state == SYNC_LOOKUP_FAILED)
		col->y += ui_label_text(u, admin_msg_text(a, ADMIN_MSG_LOOKUP_FAIL), ui_col_rest(col), UI_FONT_BODY,
					th->color.danger, UI_ALIGN_LEFT) + th->gap;
	if (ui_button(u, "staff.act_lookup", ui_col_take(col, th->button_h), UI_BTN_PRIMARY)) {
		const char *nik = d->cs->st.r.f[REQ_F_NIK].current;
		if (!a->sync || sync_lookup_start(a->sync, nik) != 0)
			d->message = ADMIN_MSG_LOOKUP_FAIL;
		else
			admin_audit(a, "certificate_lookup", d->ticket, "");
	}
}

/* The serial the revocation_required event named (its reason). */
static const char *required_serial(const queue_status *st)
{
	for (int i = st->n_events - 1; i >= 0; i--)
		if (st->events[i].to == RSTATE_REVOCATION_REQUIRED)
			return st->events[i].reason;
	return "";
}

/* The buttons for the next step; returns nothing, moves the case. */
static void actions(app *a, ui_col *col)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	admin_desk *d = &a->adm.desk;
	const desk_case *cs = d->cs;
	switch (cs->st.r.state) {
	case RSTATE_QUEUED:
	case RSTATE_RECEIVED:
		if (ui_button(u, "staff.act_verify", ui_col_take(col, th->button_h), UI_BTN_PRIMARY))
			move(a, RSTATE_IN_VERIFICATION, NULL, NULL);
		break;
	case RSTATE_IN_VERIFICATION: {
		const char *detail = "";
		bool all = documents(a, col, &detail);
		col->y += th->gap;
		ui_rect row = ui_col_take(col, th->button_h);
		if (ui_button(u, "staff.act_reject", ui_split(row, 2, th->gap, 0), UI_BTN_DANGER)) {
			d->rejecting = true;
			d->message = ADMIN_MSG_NONE;
		}
		if (ui_button(u, "staff.act_accept", ui_split(row, 2, th->gap, 1), UI_BTN_PRIMARY)) {
			if (!all)
				d->message = ADMIN_MSG_DOCS;
			else
				move(a, RSTATE_ACCEPTED, NULL, detail);
		}
		break;
	}
	case RSTATE_ACCEPTED:
		if (ui_button(u, "staff.act_approve", ui_col_take(col, th->button_h), UI_BTN_PRIMARY))
			move(a, RSTATE_APPROVED, NULL, NULL);
		break;
	case RSTATE_APPROVED:
		col->y += ui_label(u, "staff.informed_hint", ui_col_rest(col), UI_FONT_BODY, th->color.text_muted,
				   UI_ALIGN_LEFT) + th->gap_small;
		if (ui_button(u, "staff.act_informed", ui_col_take(col, th->button_h), UI_BTN_PRIMARY))
			move(a, RSTATE_INFORMED, NULL, NULL);
		break;
	case RSTATE_INFORMED:
		lookup(a, col);
		break;
	case RSTATE_REVOCATION_REQUIRED: {
		const char *serial = required_serial(&cs->st);
		const char *args[1] = {serial};
		col->y += ui_label_text(u, ui_trf(u, "staff.revocation_for", args, 1), ui_col_rest(col), UI_FONT_BODY,
					th->color.text, UI_ALIGN_LEFT) + th->gap_small;
		if (cs->revocation == DESK_E_PENDING || cs->revocation == DESK_E_IN_FLIGHT) {
			col->y += ui_label(u, "staff.revocation_waiting", ui_col_rest(col), UI_FONT_BODY,
					   th->color.warning, UI_ALIGN_LEFT) + th->gap;
		} else if (cs->revocation == DESK_E_DEAD) {
			col->y += ui_label(u, "staff.revocation_dead", ui_col_rest(col), UI_FONT_BODY,
					   th->color.danger, UI_ALIGN_LEFT) + th->gap;
		} else if (ui_button(u, "staff.act_revoke", ui_col_take(col, th->button_h), UI_BTN_DANGER)) {
			queue_err e = desk_request_revocation(a->q, d->ticket, serial, a->adm.who.code,
							      app_wall_time(a));
			if (e != QUEUE_OK)
				log_warn("staff", "%s: revocation request refused: %s", d->ticket, queue_err_name(e));
			d->message = e == QUEUE_OK ? ADMIN_MSG_SAVED : e == QUEUE_ERR_STATE ? ADMIN_MSG_STALE
											     : ADMIN_MSG_STORE;
			if (e == QUEUE_OK)
				uplink_kick(a);
			reload(a);
		}
		break;
	}
	case RSTATE_REVOKED:
		if (ui_button(u, "staff.act_notify", ui_col_take(col, th->button_h), UI_BTN_PRIMARY))
			move(a, RSTATE_NOTIFIED, NULL, NULL);
		break;
	case RSTATE_NOTIFIED:
		if (ui_button(u, "staff.act_close", ui_col_take(col, th->button_h), UI_BTN_PRIMARY))
			move(a, RSTATE_CLOSED, NULL, NULL);
		break;
	case RSTATE_REJECTED:
		col->y += ui_label(u, "staff.rejected_hint", ui_col_rest(col), UI_FONT_BODY, th->color.text_muted,
				   UI_ALIGN_LEFT) + th->gap;
		break;
	case RSTATE_CLOSED:
		col->y += ui_label(u, "staff.closed_hint", ui_col_rest(col), UI_FONT_BODY, th->color.text_muted,
				   UI_ALIGN_LEFT) + th->gap;
		break;
	default:
		break;
	}
}

/* Where the request stands: ticket, state, times, overdue mark, a central
 * decision that overrode ours, actions not yet sent. */
static void standing(app *a, step_frame *sf, ui_col *col)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	admin_desk *d = &a->adm.desk;
	const desk_case *cs = d->cs;
	const char *targs[1] = {cs->st.r.ticket};
	col->y += ui_label_text(u, ui_trf(u, "status.for_ticket", targs, 1), ui_col_rest(col), UI_FONT_STRONG,
				th->color.text_muted, UI_ALIGN_LEFT);
	col->y += ui_label(u, rstate_key(cs->st.r.state), ui_col_rest(col), UI_FONT_TITLE, th->color.primary,
			   UI_ALIGN_LEFT);
	const char *dl[2] = {shell_fmt_when(a, cs->st.r.submitted_at, true),
			     shell_fmt_when(a, cs->st.deadline_at, false)};
	col->y += ui_label_text(u, ui_trf(u, "staff.case_times", dl, 2), ui_col_rest(col), UI_FONT_SMALL,
				th->color.text_muted, UI_ALIGN_LEFT) + th->gap;
	if (rstate_is_open(cs->st.r.state) && cs->st.deadline_at < app_wall_time(a))
		col->y += ui_label(u, "staff.case_overdue", ui_col_rest(col), UI_FONT_STRONG, th->color.danger,
				   UI_ALIGN_LEFT) + th->gap;

	if (cs->conflict.present) {
		const char *args[3] = {ui_tr(u, rstate_key(cs->conflict.central_to)), cs->conflict.central_actor,
				       ui_tr(u, rstate_key(cs->conflict.local_state))};
		col->y += step_note(sf, ui_col_rest(col), STEP_NOTE_WARN, ui_tr(u, "staff.conflict_title"),
				    ui_trf(u, "staff.conflict_body", args, 3)) + th->gap_small;
		if (ui_button(u, "staff.conflict_seen", ui_col_take(col, th->button_h), UI_BTN_SECONDARY)) {
			if (desk_conflict_seen(a->q, d->ticket, a->adm.who.code, app_wall_time(a)) != QUEUE_OK)
				d->message = ADMIN_MSG_STORE;
			reload(a);
		}
		col->y += th->gap;
	}
	if (d->cs->unsent > 0) {
		char n[16];
		snprintf(n, sizeof n, "%d", d->cs->unsent);
		const char *args[1] = {n};
		col->y += step_note(sf, ui_col_rest(col), STEP_NOTE_INFO, ui_tr(u, "staff.unsent_title"),
				    ui_trf(u, "staff.unsent_body", args, 1)) + th->gap;
	}
}

/* The request itself: values side by side, then (portrait) the warnings. */
static void details(app *a, step_frame *sf, ui_col *col)
{
	const theme *th = &a->th;
	if (a->adm.desk.cs->st.purged) {
		col->y += ui_label(a->ui, "staff.purged", ui_col_rest(col), UI_FONT_BODY, th->color.text_muted,
				   UI_ALIGN_LEFT) + th->gap;
		return;
	}
	col->y += values(a, ui_col_rest(col)) + th->gap;
	if (!th->landscape) /* landscape: beside the buttons, see below */
		col->y += warnings(a, sf, ui_col_rest(col));
}

/* The result of the last tap, right above the buttons it is about, then
 * the buttons. False when a tap left the case (the screen changed). */
static bool next_step(app *a, step_frame *sf, ui_col *col)
{
	const theme *th = &a->th;
	admin_desk *d = &a->adm.desk;
	const char *msg = d->rejecting ? NULL : admin_msg_text(a, d->message);
	if (msg)
		col->y += step_note(sf, ui_col_rest(col), d->message == ADMIN_MSG_SAVED ? STEP_NOTE_OK : STEP_NOTE_WARN,
				    msg, "") + th->gap;
	actions(a, col);
	return a->screen == SCREEN_STAFF_CASE && d->cs;
}

/*
 * Portrait: one scrolling column (standing, details, next step, history).
 * Landscape: the request on the left (standing, details, history) and the
 * next step in its own column on the right, so the officer's buttons never
 * scroll away from the documents checklist.
 */
void scr_staff_case_draw(app *a, ui_rect full)
{
	(void)full;
	ui *u = a->ui;
	const theme *th = &a->th;
	admin_desk *d = &a->adm.desk;
	if (!d->cs) {
		app_goto(a, SCREEN_STAFF_QUEUE);
		return;
	}
	/* The engine delivered something or read the central service's
	 * changes: either may be about this case. */
	if (a->sync_st.sent != d->loaded_sent || a->sync_st.pulls != d->loaded_pulls) {
		d->loaded_sent = a->sync_st.sent;
		d->loaded_pulls = a->sync_st.pulls;
		reload(a);
		/* "Saved, sent at the next sync" is stale once nothing waits. */
		if (d->cs && d->cs->unsent == 0 && d->message == ADMIN_MSG_SAVED)
			d->message = ADMIN_MSG_NONE;
	}
	ui_rect c = admin_chrome(a, "staff.case_title");
	step_frame sf = {.a = a};
	ui_rect right, left = admin_split(a, c, &right);
	ui_rect view = ui_scroll_begin(u, "staff.case", left);
	ui_col col = ui_col_make((ui_rect){view.x, view.y, view.w - 24, view.h}, th->gap);
	int h;
	if (admin_back(a, "staff.back_queue", ui_col_rest(&col), &h)) {
		ui_scroll_end(u, h);
		leave(a);
		return;
	}
	col.y += h + th->gap;
	standing(a, &sf, &col);
	details(a, &sf, &col);
	if (!th->landscape && !next_step(a, &sf, &col)) {
		ui_scroll_end(u, col.y - view.y + th->gap);
		return;
	}
	col.y += th->gap;
	col.y += step_history(&sf, ui_col_rest(&col), &d->cs->st);
	ui_scroll_end(u, col.y - view.y + th->gap);

	if (th->landscape) {
		ui_col pc = admin_actions_begin(a, right);
		if (!d->cs->st.purged)
			pc.y += warnings(a, &sf, ui_col_rest(&pc));
		bool stay = next_step(a, &sf, &pc);
		admin_actions_end(a, &pc);
		if (!stay)
			return;
	}
	if (d->rejecting)
		reject_dialog(a);
}
