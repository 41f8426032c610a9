/*
 * scr_tech_network: the diagnostics page of the network and the sync
 * queue. Its checks (the central service's reachability and latency, its
 * TLS certificate, the clock offset, the last sync, the outbox, the dead
 * letters); the central service's address and the connection line; the
 * outbox by state; and the dead letters, each with "Coba lagi" (back to
 * the queue in its old place) and "Buang" (for good, after a
 * confirmation: it can never be undone), and "Coba lagi semua". Every
 * action is audited and wakes the sync engine.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "log.h"
#include "uplink.h"

enum {
	LETTERS_SHOWN = 20,
	OUTBOX_WALK_MS = 5000, /* how often the done and discarded counts are read again */
};

/* The reason a discarded entry keeps (queue.h: what was decided, not who). */
static const char DISCARD_WHY[] = "discarded by the technician: it will not be sent again";

/* "Pengaduan": the kind of entry K in the current language. */
static const char *kind_text(app *a, queue_kind k)
{
	char key[64];
	snprintf(key, sizeof key, "tech.kind.%s", queue_kind_name(k));
	return cat_has(a->cat, key) ? ui_tr(a->ui, key) : queue_kind_name(k);
}

/* "#12 · Pengaduan · ABCD-EFGH" (frame arena). */
static const char *letter_title(app *a, const queue_letter *l)
{
	char b[160];
	snprintf(b, sizeof b, "#%" PRId64 " \xC2\xB7 %s%s%s", l->seq, kind_text(a, l->kind),
		 l->ticket[0] ? " \xC2\xB7 " : "", l->ticket);
	return ui_intern(a->ui, b);
}

static void set_note(app *a, bool bad, const char *key, const char *arg)
{
	tech *t = &a->tech;
	const char *args[1] = {arg};
	snprintf(t->note, sizeof t->note, "%s", ui_trf(a->ui, key, args, 1));
	t->note_bad = bad;
}

queue_err tech_dead_retry(app *a, int64_t seq, int64_t *n)
{
	int64_t k = 0;
	queue_err e = queue_outbox_revive(a->q, seq, &k);
	char target[32] = "", detail[48];
	if (seq > 0)
		snprintf(target, sizeof target, "outbox/%" PRId64, seq);
	snprintf(detail, sizeof detail, "entries=%" PRId64, k);
	admin_audit(a, seq > 0 ? "dead_letter_retry" : "dead_letters_retry", target,
		    e == QUEUE_OK ? detail : queue_err_name(e));
	if (e == QUEUE_OK)
		log_info("tech", "dead letter%s %s sent again (%" PRId64 ")", seq > 0 ? "" : "s",
			 seq > 0 ? target : "all", k);
	else
		log_warn("tech", "dead letters not revived: %s", queue_err_name(e));
	uplink_kick(a);
	if (n)
		*n = k;
	return e;
}

static void retry(app *a, int64_t seq)
{
	int64_t n = 0;
	char num[24];
	queue_err e = tech_dead_retry(a, seq, &n);
	tech_run(a); /* the verdict at the top follows at once */
	a->tech.outbox_read_ms = 0;
	snprintf(num, sizeof num, "%" PRId64, n);
	if (e == QUEUE_OK)
		set_note(a, false, "tech.dead_retried", num);
	else
		set_note(a, true, "tech.dead_failed", queue_err_name(e));
}

static void discard(app *a, int64_t seq)
{
	int64_t n = 0;
	queue_err e = queue_outbox_discard(a->q, seq, DISCARD_WHY, &n);
	char target[32];
	snprintf(target, sizeof target, "outbox/%" PRId64, seq);
	admin_audit(a, "dead_letter_discard", target, e == QUEUE_OK ? "discarded" : queue_err_name(e));
	if (e == QUEUE_OK) {
		log_info("tech", "dead letter %s discarded", target);
		set_note(a, false, "tech.dead_discarded", a->tech.discard_what);
	} else {
		log_warn("tech", "dead letter %s not discarded: %s", target, queue_err_name(e));
		set_note(a, true, "tech.dead_failed", queue_err_name(e));
	}
	uplink_kick(a);
	tech_run(a);
	a->tech.outbox_read_ms = 0;
}

void tech_discard_dialog(app *a)
{
	tech *t = &a->tech;
	const char *args[1] = {t->discard_what};
	int rc = tech_confirm(a, "tech.discard_title", ui_trf(a->ui, "tech.discard_body", args, 1),
			      "tech.discard_yes");
	if (rc != 0)
		t->dialog = TECH_DLG_NONE;
	if (rc > 0)
		discard(a, t->discard_seq);
}

/* The outbox by state, from the store itself (the engine's status lags). */
static void outbox_facts(app *a, ui_col *col)
{
	ui *u = a->ui;
	tech *t = &a->tech;
	uint64_t now = app_now(a);
	if (t->outbox_read_ms == 0 || now - t->outbox_read_ms >= OUTBOX_WALK_MS) {
		t->outbox_done_ok = queue_outbox_count(a->q, "done", &t->outbox_done) == QUEUE_OK &&
				    queue_outbox_count(a->q, "discarded", &t->outbox_discarded) == QUEUE_OK;
		t->outbox_read_ms = now ? now : 1;
	}
	/* pending, in_flight and dead come from small indexes: read every frame. */
	static const char *const states[5] = {"pending", "in_flight", "done", "dead", "discarded"};
	char n[5][24];
	for (int i = 0; i < 5; i++) {
		int64_t v = i == 2 ? t->outbox_done : t->outbox_discarded;
		bool walked = i == 2 || i == 4;
		bool ok = walked ? t->outbox_done_ok : queue_outbox_count(a->q, states[i], &v) == QUEUE_OK;
		if (ok)
			snprintf(n[i], sizeof n[i], "%" PRId64, v);
		else
			snprintf(n[i], sizeof n[i], "?");
	}
	const char *wa[3] = {n[0], n[1], n[2]};
	tech_fact(a, col, "tech.outbox_flow", ui_trf(u, "tech.outbox_flow_value", wa, 3));
	const char *da[2] = {n[3], n[4]};
	tech_fact(a, col, "tech.outbox_stuck", ui_trf(u, "tech.outbox_stuck_value", da, 2));
	const sync_status *st = &a->sync_st;
	tech_fact(a, col, "tech.sync_last",
		  st->last_success > 0 ? shell_fmt_when(a, st->last_success, true) : ui_tr(u, "tech.never"));
	if (st->last_error[0])
		tech_fact(a, col, "tech.sync_error", st->last_error);
}

/* One dead letter L: what it is, how often it was tried and why it was
 * refused, and its two actions. */
static void letter(app *a, ui_col *col, const queue_letter *l)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	tech *t = &a->tech;
	ui_rect r = ui_col_rest(col);
	ui_rect in = ui_inset(r, th->gap, th->gap_small);
	char tries[16];
	snprintf(tries, sizeof tries, "%d", l->attempts);
	const char *ta[2] = {tries, l->reason[0] ? l->reason : "\xE2\x80\x94"};
	const char *why = ui_trf(u, "tech.dead_why", ta, 2);
	int ww, wh, tw, tth;
	const char *title = letter_title(a, l);
	ui_measure(u, UI_FONT_STRONG, title, in.w, &tw, &tth);
	ui_measure(u, UI_FONT_BODY, why, in.w, &ww, &wh);
	int h = th->gap_small + tth + wh + th->gap_small + th->button_h + th->gap_small;
	ui_rect box = {r.x, r.y, r.w, h};
	ui_draw_rect(u, box, th->color.surface, th->radius);
	ui_draw_frame(u, box, th->color.danger, th->radius, th->border);
	int y = r.y + th->gap_small;
	y += ui_label_text(u, title, (ui_rect){in.x, y, in.w, tth}, UI_FONT_STRONG, th->color.text,
			   UI_ALIGN_LEFT);
	y += ui_label_text(u, why, (ui_rect){in.x, y, in.w, wh}, UI_FONT_BODY, th->color.text_muted,
			   UI_ALIGN_LEFT);
	ui_rect row = {in.x, y + th->gap_small, in.w, th->button_h};
	if (ui_button(u, "tech.dead_retry", ui_split(row, 2, th->gap, 0), UI_BTN_SECONDARY))
		retry(a, l->seq);
	if (ui_button(u, "tech.dead_discard", ui_split(row, 2, th->gap, 1), UI_BTN_DANGER)) {
		t->discard_seq = l->seq;
		snprintf(t->discard_what, sizeof t->discard_what, "%s", title);
		t->dialog = TECH_DLG_DISCARD;
	}
	col->y += h + th->gap_small;
}

static void dead_letters(app *a, ui_col *col)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	queue_letter l[LETTERS_SHOWN];
	int n = 0;
	int64_t total = 0;
	tech_heading(a, col, "tech.dead_title");
	if (queue_outbox_dead(a->q, l, LETTERS_SHOWN, &n) != QUEUE_OK ||
	    queue_outbox_count(a->q, "dead", &total) != QUEUE_OK) {
		col->y += ui_label(u, "staff.msg_store", ui_col_rest(col), UI_FONT_BODY, th->color.danger,
				   UI_ALIGN_LEFT);
		return;
	}
	if (n == 0) {
		col->y += ui_label(u, "tech.dead_none", ui_col_rest(col), UI_FONT_BODY, th->color.text_muted,
				   UI_ALIGN_LEFT) +
			  th->gap_small;
		return;
	}
	if (ui_button(u, "tech.dead_retry_all", ui_col_take(col, th->button_h), UI_BTN_PRIMARY))
		retry(a, 0);
	col->y += th->gap_small;
	for (int i = 0; i < n; i++) {
		ui_push_id(u, 0x646c00u + (uint32_t)l[i].seq);
		letter(a, col, &l[i]);
		ui_pop_id(u);
	}
	if (total > n) {
		char more[24];
		snprintf(more, sizeof more, "%" PRId64, total - n);
		const char *ma[1] = {more};
		col->y += ui_label_text(u, ui_trf(u, "tech.dead_more", ma, 1), ui_col_rest(col),
					UI_FONT_SMALL, th->color.text_muted, UI_ALIGN_LEFT);
	}
}

void tech_page_network(app *a, ui_rect r)
{
	const theme *th = &a->th;
	tech *t = &a->tech;
	tech_body b;
	ui_col *col = tech_body_begin(a, &b, r);
	tech_checks(a, col, TECH_PAGE_NETWORK, false);
	col = tech_body_next(a, &b);
	if (t->note[0])
		tech_note(a, col, t->note, t->note_bad);
	tech_heading(a, col, "tech.central_title");
	tech_fact(a, col, "tech.central_url",
		  a->opts.central_url ? a->opts.central_url : a->cfg->central.url);
	ui_rect lr = ui_col_rest(col);
	col->y += uplink_line(a, lr, th->color.text, UI_ALIGN_LEFT) + th->gap_small;
	outbox_facts(a, col);
	col->y += th->gap;
	dead_letters(a, col);
	tech_body_end(a, &b);
}
