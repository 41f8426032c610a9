/*
 * scr_submit: sending the request. The screen first shows "Menyimpan
 * permohonan..." (so the citizen sees something happen), then, on the next
 * frame after that one was presented, writes the request durably: the
 * request, its first event and its outbox entry in one SQLite transaction
 * (sync/queue.h). Only when that commit returned does the receipt appear. If
 * the write fails (disk full, database busy) the citizen is told plainly,
 * nothing half-written remains, the draft is untouched, and "Coba lagi"
 * tries again.
 *
 * The write runs on the UI thread: it is one small transaction (a few
 * milliseconds, one fsync; see docs/benchmarks.md) bounded by the store's
 * busy timeout, and nothing else can happen on this screen meanwhile.
 */
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "log.h"
#include "step.h"
#include "uplink.h"

enum { SHOW_MS = 60, TICKET_TRIES = 5 };

static queue_err write_request(app *a)
{
	journey *j = &a->sess.j;
	req r = j->r;
	queue_err e = QUEUE_ERR_INVALID;

	/* A field unticked after a new value was typed: the value is not sent. */
	for (int i = 0; i < REQ_F_COUNT; i++)
		if (!r.f[i].change)
			memset(r.f[i].requested, 0, sizeof r.f[i].requested);
	if (!r.docs[REQ_D_OTHER])
		memset(r.doc_other, 0, sizeof r.doc_other);

	req_issue issues[JOURNEY_ISSUES_MAX];
	int n = req_validate(&r, issues, JOURNEY_ISSUES_MAX);
	if (req_issue_errors(issues, n) > 0) {
		log_warn("submit", "request refused by validation: %s",
			 val_code_name(issues[0].code));
		goto out;
	}
	int64_t now = app_wall_time(a);
	rstate_event ev;
	rstate st = RSTATE_DRAFT;
	if (rstate_apply(&st, RSTATE_QUEUED, RROLE_APPLICANT, a->cfg->kiosk.id, now, "", &ev) !=
	    RSTATE_OK)
		goto out;
	r.state = st;
	r.submitted_at = now;
	bool unc_d = false, unc_t = false;
	int64_t deadline = cal_deadline(&a->cal, now, &unc_d);
	int64_t target = cal_target(&a->cal, now, &unc_t);

	for (int t = 0; t < TICKET_TRIES; t++) {
		uint8_t rnd[TICKET_RANDOM_BYTES];
		if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
			log_error("submit", "no random bytes for a ticket");
			e = QUEUE_ERR_IO;
			goto out;
		}
		ticket_make(rnd, r.ticket);
		e = queue_submit(a->q, &r, &ev, deadline, target, unc_d || unc_t);
		if (e != QUEUE_ERR_DUP_TICKET)
			break;
	}
	if (e == QUEUE_OK) {
		j->r = r;
		j->deadline_at = deadline;
		j->target_at = target;
		j->deadline_uncovered = unc_d || unc_t;
		log_info("submit", "request stored, %d change(s)%s", req_change_count(&r),
			 unc_d || unc_t ? "; deadline beyond the holiday table" : "");
	} else {
		log_error("submit", "request not stored: %s", queue_err_name(e));
	}
out:
	req_wipe(&r);
	return e;
}

static const char *error_key(int e)
{
	switch ((queue_err)e) {
	case QUEUE_ERR_FULL:
		return "submit.err_full";
	case QUEUE_ERR_BUSY:
		return "submit.err_busy";
	case QUEUE_ERR_INVALID:
		return "submit.err_invalid";
	default:
		return "submit.err_io";
	}
}

void scr_submit_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	uint64_t now = app_now(a);
	ui_col col = ui_col_make(r, th->gap);
	col.y += th->landscape ? 40 : 200;

	if (a->scr.submit_phase == 2) {
		col.y += ui_label(u, "submit.failed", ui_col_rest(&col), UI_FONT_TITLE, th->color.text,
				  UI_ALIGN_CENTER) + th->gap;
		col.y += ui_label(u, error_key(a->scr.submit_error), ui_col_rest(&col), UI_FONT_BODY,
				  th->color.text, UI_ALIGN_CENTER) + th->gap;
		col.y += ui_label(u, "submit.kept", ui_col_rest(&col), UI_FONT_BODY,
				  th->color.text_muted, UI_ALIGN_CENTER) + th->gap * 2;
		ui_rect row = ui_col_take(&col, th->button_h);
		if (ui_button(u, "submit.back", ui_split(row, 2, th->gap, 0), UI_BTN_SECONDARY)) {
			a->scr.submit_phase = 0;
			app_goto(a, SCREEN_REVIEW);
		}
		if (ui_button(u, "submit.retry", ui_split(row, 2, th->gap, 1), UI_BTN_PRIMARY)) {
			a->scr.submit_phase = 0;
			a->scr.submit_at = 0;
		}
		return;
	}

	col.y += ui_label(u, "submit.saving", ui_col_rest(&col), UI_FONT_TITLE, th->color.text,
			  UI_ALIGN_CENTER) + th->gap;
	ui_spinner(u, "submit.spinner", ui_col_take(&col, th->spinner_d));
	col.y += ui_label(u, "submit.wait", ui_col_rest(&col), UI_FONT_BODY, th->color.text_muted,
			  UI_ALIGN_CENTER);

	/* Write once this frame has been on the screen for a moment. */
	if (a->scr.submit_at == 0) {
		a->scr.submit_at = now + SHOW_MS;
		ui_request_wake(u, a->scr.submit_at);
		return;
	}
	if (now < a->scr.submit_at) {
		ui_request_wake(u, a->scr.submit_at);
		return;
	}
	a->scr.submit_at = 0;
	queue_err e = write_request(a);
	if (e == QUEUE_OK) {
		a->scr.submit_phase = 0;
		uplink_kick(a);
		app_goto(a, SCREEN_RECEIPT);
	} else {
		a->scr.submit_phase = 2;
		a->scr.submit_error = (int)e;
		ui_request_frame(u);
	}
}
