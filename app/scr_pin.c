/*
 * scr_pin: the staff PIN pad, opened by the welcome screen's hidden long
 * press. First the staff code, then the PIN (shown as dots), on a large
 * numeric pad. The check (argon2id, tenths of a second) runs on the frame
 * after "Memeriksa..." was shown. Wrong attempts say how many are left;
 * after [staff] pin_attempts wrong ones the pad is locked for a time that
 * doubles with each lockout and survives a restart (sync/staff.h); the
 * screen counts it down. Every attempt is audited by staff_unlock().
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"
#include "app.h"
#include "log.h"

enum { CODE_MIN = 4, PIN_MIN = 6, SHOW_MS = 60 };

static staff_policy policy(const app *a)
{
	return (staff_policy){.attempts = a->cfg->staff.pin_attempts,
			      .first_lock_s = a->cfg->staff.lockout_s,
			      .max_lock_s = a->cfg->staff.lockout_max_s,
			      .fast_hash_for_tests = false};
}

static void check(app *a)
{
	admin_pad *p = &a->adm.pad;
	staff_policy pol = policy(a);
	staff_account acct;
	staff_unlock_result res;
	staff_pad after;
	queue_err qe = QUEUE_OK;
	staff_err e = staff_unlock(a->q, &pol, p->code, p->pin, app_wall_time(a), &acct, &res, &after, &qe);
	explicit_bzero(p->pin, sizeof p->pin);
	p->checking = false;
	p->check_at = 0;
	if (e != STAFF_OK) {
		log_error("staff", "PIN check failed: %s (%s)", staff_err_name(e), queue_err_name(qe));
		p->msg = ADMIN_PAD_ERROR;
		return;
	}
	if (res == STAFF_UNLOCK_OK) {
		admin_login(a, &acct);
		explicit_bzero(&acct, sizeof acct);
		return;
	}
	log_info("staff", "unlock refused (%s)", res == STAFF_UNLOCK_LOCKED ? "locked" : "wrong");
	p->locked_until = after.locked_until;
	p->attempts_left = a->cfg->staff.pin_attempts - after.failures;
	p->msg = after.locked_until > app_wall_time(a) ? ADMIN_PAD_LOCKED : ADMIN_PAD_WRONG;
	/* The code stays: a mistyped PIN is retyped, not the code. */
}

/* The digits typed so far, or as many dots. */
static const char *shown(app *a, const char *digits, bool secret)
{
	char buf[64];
	size_t n = strlen(digits);
	if (!secret)
		return ui_intern(a->ui, digits);
	size_t o = 0;
	for (size_t i = 0; i < n && o + 4 < sizeof buf; i++) {
		memcpy(buf + o, "\xE2\x97\x8F", 3); /* ● */
		o += 3;
	}
	buf[o] = '\0';
	return ui_intern(a->ui, buf);
}

static const char *message(app *a)
{
	admin_pad *p = &a->adm.pad;
	ui *u = a->ui;
	char n[16];
	switch (p->msg) {
	case ADMIN_PAD_WRONG: {
		snprintf(n, sizeof n, "%d", p->attempts_left);
		const char *args[1] = {n};
		return ui_trf(u, "staff.pin_wrong", args, 1);
	}
	case ADMIN_PAD_LOCKED: {
		int64_t left = p->locked_until - app_wall_time(a);
		if (left < 0)
			left = 0;
		char mm[16], ss[16];
		snprintf(mm, sizeof mm, "%d", (int)(left / 60));
		snprintf(ss, sizeof ss, "%d", (int)(left % 60));
		const char *args[2] = {mm, ss};
		return ui_trf(u, "staff.pin_locked", args, 2);
	}
	case ADMIN_PAD_ERROR: return ui_tr(u, "staff.pin_error");
	case ADMIN_PAD_SHORT: return ui_tr(u, p->at_pin ? "staff.pin_short" : "staff.code_short");
	default: return NULL;
	}
}

/* The key K ("0".."9", "del", "ok") was tapped. */
static void key(app *a, const char *k)
{
	admin_pad *p = &a->adm.pad;
	char *buf = p->at_pin ? p->pin : p->code;
	size_t cap = p->at_pin ? sizeof p->pin : sizeof p->code;
	size_t n = strlen(buf);
	if (p->msg != ADMIN_PAD_LOCKED)
		p->msg = ADMIN_PAD_NONE;
	if (strcmp(k, "del") == 0) {
		if (n > 0)
			buf[n - 1] = '\0';
		else if (p->at_pin)
			p->at_pin = false; /* back to the code */
	} else if (strcmp(k, "ok") == 0) {
		if (n < (size_t)(p->at_pin ? PIN_MIN : CODE_MIN))
			p->msg = ADMIN_PAD_SHORT;
		else if (!p->at_pin)
			p->at_pin = true;
		else
			p->checking = true;
	} else if (n + 1 < cap) {
		buf[n] = k[0];
		buf[n + 1] = '\0';
	}
}

static void keypad(app *a, ui_rect r, bool locked)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	static const char *const keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "del", "0", "ok"};
	int rows = 4, kh = (r.h - (rows - 1) * th->gap) / rows;
	for (int i = 0; i < 12; i++) {
		ui_rect row = {r.x, r.y + (i / 3) * (kh + th->gap), r.w, kh};
		ui_rect k = ui_split(row, 3, th->gap, i % 3);
		bool del = strcmp(keys[i], "del") == 0, ok = strcmp(keys[i], "ok") == 0;
		const char *label = del ? ui_tr(u, "staff.key_del")
				    : ok ? ui_tr(u, a->adm.pad.at_pin ? "staff.key_login" : "staff.key_next")
					 : keys[i];
		char id[24];
		snprintf(id, sizeof id, "staff.key.%s", keys[i]);
		if (ui_button_ex(u, id, label, NULL, k, ok ? UI_BTN_PRIMARY : UI_BTN_SECONDARY, !locked))
			key(a, keys[i]);
	}
}

void scr_pin_draw(app *a, ui_rect full)
{
	(void)full;
	ui *u = a->ui;
	const theme *th = &a->th;
	admin_pad *p = &a->adm.pad;
	int64_t now = app_wall_time(a);

	if (p->checking && p->check_at != 0 && app_now(a) >= p->check_at)
		check(a);
	if (a->screen != SCREEN_STAFF_PIN)
		return; /* logged in: the home screen draws from the next frame */
	bool locked = p->locked_until > now;
	if (!locked && p->msg == ADMIN_PAD_LOCKED)
		p->msg = ADMIN_PAD_NONE;
	if (locked)
		ui_request_wake(u, app_now(a) + 1000);

	ui_rect c = admin_chrome(a, "staff.pin_title");
	/* Portrait: one centred column. Landscape: field, message and cancel on
	 * the left, the keypad filling the height on the right. */
	int w = c.w < 760 ? c.w : 760;
	ui_rect left = {c.x + (c.w - w) / 2, c.y, w, c.h}, pad = {0, 0, 0, 0};
	if (th->landscape) {
		int pw = 720, lw = 640, x0 = c.x + (c.w - lw - pw - 3 * th->gap) / 2;
		left = (ui_rect){x0, c.y, lw, c.h};
		pad = (ui_rect){x0 + lw + 3 * th->gap, c.y, pw, c.h - th->gap};
	}
	ui_col col = ui_col_make(left, th->gap);
	col.y += ui_label(u, p->at_pin ? "staff.pin_enter" : "staff.code_enter", ui_col_rest(&col),
			  UI_FONT_SUBTITLE, th->color.text, UI_ALIGN_LEFT);
	ui_rect box = ui_col_take(&col, 120);
	ui_draw_rect(u, box, th->color.surface, th->radius);
	ui_draw_frame(u, box, th->color.focus, th->radius, th->focus_ring);
	ui_label_text(u, shown(a, p->at_pin ? p->pin : p->code, p->at_pin),
		      (ui_rect){box.x + th->gap, box.y + 24, box.w - 2 * th->gap, 80}, UI_FONT_TITLE,
		      th->color.text, UI_ALIGN_CENTER);
	const char *msg = p->checking ? ui_tr(u, "staff.pin_checking") : message(a);
	ui_rect mr = ui_col_take(&col, 100);
	if (msg)
		ui_label_text(u, msg, mr, UI_FONT_BODY,
			      p->checking ? th->color.text_muted : th->color.danger, UI_ALIGN_LEFT);

	if (!th->landscape)
		pad = ui_col_take(&col, 760);
	keypad(a, pad, locked || p->checking);
	col.y += th->gap;
	if (ui_button(u, "staff.cancel", ui_col_take(&col, th->button_h), UI_BTN_QUIET))
		admin_logout(a, false);

	if (p->checking) { /* show "checking" first, then check (every frame asks again) */
		if (p->check_at == 0)
			p->check_at = app_now(a) + SHOW_MS;
		ui_request_wake(u, p->check_at);
	}
}
