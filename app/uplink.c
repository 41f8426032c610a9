/* uplink: the app's side of the sync engine (see uplink.h). */
#include "uplink.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "log.h"

/* Engine log lines, on the engine's thread: log_msg is thread-safe. */
static void bridge_log(void *ctx, sync_log_level level, const char *line)
{
	(void)ctx;
	static const log_level map[] = {
		[SYNC_LOG_ERROR] = LOG_ERROR,
		[SYNC_LOG_WARN] = LOG_WARN,
		[SYNC_LOG_INFO] = LOG_INFO,
		[SYNC_LOG_DEBUG] = LOG_DEBUG,
	};
	log_msg((unsigned)level < 4 ? map[level] : LOG_INFO, "sync", "%s", line);
}

void uplink_open(app *a)
{
	const conf *c = a->cfg;
	const char *url = a->opts.central_url ? a->opts.central_url : c->central.url;
	char why[160];

	if (a->opts.no_sync || (a->opts.headless && a->opts.central_url == NULL))
		return;
	if (c->central.secret_file[0] == '\0') {
		log_warn("sync", "no [central] secret_file: requests are kept on this kiosk, not sent");
		return;
	}
	sync_opts o = {
		.db_path = a->opts.db_path ? a->opts.db_path : c->storage.database,
		.base_url = url,
		.kiosk_id = c->kiosk.id,
		.pin = c->central.pin[0] ? c->central.pin : NULL,
		.ca_file = c->central.ca_file[0] ? c->central.ca_file : NULL,
		.connect_timeout_ms = c->central.timeout_ms < 5000 ? c->central.timeout_ms : 5000,
		.total_timeout_ms = c->central.timeout_ms,
		.retry_base_ms = c->central.retry_base_ms,
		.retry_cap_ms = c->central.retry_cap_ms,
		.poll_ms = c->central.poll_s * 1000,
		.retention_days = c->storage.retention_days,
		.log = bridge_log,
		.notify = app_wake,
		.notify_ctx = a,
	};
	if (sign_load_secret(c->central.secret_file, o.secret, why, sizeof why) != 0) {
		log_error("sync", "[central] secret_file %s: %s; requests are kept, not sent",
			  c->central.secret_file, why);
		explicit_bzero(o.secret, sizeof o.secret);
		return;
	}
	int rc = sync_start(&a->sync, &o, why, sizeof why);
	explicit_bzero(o.secret, sizeof o.secret);
	if (rc != 0) {
		log_error("sync", "cannot start: %s; requests are kept, not sent", why);
		return;
	}
	log_info("sync", "sending to %s as %s", url, c->kiosk.id);
}

void uplink_close(app *a)
{
	sync_stop(&a->sync);
}

bool uplink_poll(app *a)
{
	sync_status st;
	if (a->sync == NULL)
		return false;
	sync_get_status(a->sync, &st);
	bool changed = memcmp(&st, &a->sync_st, sizeof st) != 0;
	a->sync_st = st;
	return changed;
}

void uplink_kick(app *a)
{
	if (a->sync)
		sync_kick(a->sync);
}

/* The words of the line for the current status (frame arena). */
static const char *line_text(app *a)
{
	const sync_status *st = &a->sync_st;
	char n[24];
	const char *args[1] = {n};
	const char *key;

	snprintf(n, sizeof n, "%" PRId64, st->pending);
	if (a->sync == NULL)
		key = "sync.disabled";
	else if (!st->contacted)
		key = "sync.connecting";
	else if (st->online && st->pending == 0)
		key = "sync.online";
	else if (st->online)
		key = "sync.sending";
	else if (st->pending > 0)
		key = "sync.offline_waiting";
	else
		key = "sync.offline";
	return ui_trf(a->ui, key, args, 1);
}

enum { DOT = 18, DOT_GAP = 14 };

int uplink_line_height(app *a, int w)
{
	int tw, th;
	ui_measure(a->ui, UI_FONT_SMALL, line_text(a), w - DOT - DOT_GAP, &tw, &th);
	return th;
}

int uplink_line(app *a, ui_rect r, ui_color fg, ui_align align)
{
	const sync_status *st = &a->sync_st;
	const theme *th = &a->th;
	const char *text = line_text(a);
	int tw, tht;

	ui_measure(a->ui, UI_FONT_SMALL, text, r.w - DOT - DOT_GAP, &tw, &tht);
	/* A coloured dot before the words: green connected, amber offline,
	 * grey before the first attempt or without an engine. */
	ui_color dot = !a->sync || !st->contacted ? th->color.border
		       : st->online ? th->color.success : th->color.warning;
	int x = align == UI_ALIGN_CENTER ? r.x + (r.w - tw - DOT - DOT_GAP) / 2 : r.x;
	int line_h = tht;
	ui_measure(a->ui, UI_FONT_SMALL, "Ag", 0, &tw, &line_h);
	ui_draw_rect(a->ui, (ui_rect){x, r.y + (line_h - DOT) / 2, DOT, DOT}, dot, DOT / 2);
	ui_label_text(a->ui, text, (ui_rect){x + DOT + DOT_GAP, r.y, r.w - DOT - DOT_GAP - (x - r.x), tht},
		      UI_FONT_SMALL, fg, UI_ALIGN_LEFT);
	return tht;
}
