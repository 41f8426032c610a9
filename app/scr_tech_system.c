/*
 * scr_tech_system: the diagnostics page of the system. Its checks
 * (version and build, the configuration, uptime); the version, the kiosk's
 * id and how long it has been running; the configuration as loaded, every
 * secret masked (conf_write_masked); and the most recent log lines
 * (log_recent), which hold no personal data by the log's own rule. Both
 * are read when the page opens and on "Muat ulang", not every frame.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "conf.h"
#include "log.h"

/* The masked configuration as one string (heap), or NULL. */
static char *read_config(const conf *cfg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	conf_write_masked(cfg, f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The recent log lines, oldest first, one per line (heap), or NULL. */
static char *read_log(void)
{
	char(*lines)[LOG_LINE_MAX] = calloc(TECH_LOG_LINES, sizeof *lines);
	if (!lines)
		return NULL;
	int n = log_recent(lines, TECH_LOG_LINES);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	for (int i = 0; f && i < n; i++) {
		size_t l = strnlen(lines[i], LOG_LINE_MAX);
		while (l > 0 && lines[i][l - 1] == '\n')
			l--;
		fprintf(f, "%.*s\n", (int)l, lines[i]);
	}
	free(lines);
	if (!f || fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

void tech_system_load(app *a)
{
	tech *t = &a->tech;
	free(t->config_text);
	free(t->log_text);
	t->config_text = read_config(a->cfg);
	t->log_text = read_log();
	if (!t->config_text || !t->log_text)
		log_warn("tech", "the system page cannot show the configuration or the log: out of memory");
}

void tech_page_system(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	tech *t = &a->tech;
	tech_body b;
	ui_col *col = tech_body_begin(a, &b, r);
	tech_checks(a, col, TECH_PAGE_SYSTEM, false);
	tech_fact(a, col, "tech.system_version", KIOSK_VERSION);
	tech_fact(a, col, "tech.system_kiosk", a->cfg->kiosk.id);
	tech_fact(a, col, "tech.system_uptime", tech_duration(a, app_uptime_s(a)));
	col = tech_body_next(a, &b);
	ui_rect rb = ui_col_take(col, th->button_h);
	rb.w = rb.w < 420 ? rb.w : 420;
	if (ui_button(u, "tech.system_reload", rb, UI_BTN_SECONDARY))
		tech_system_load(a);
	col->y += th->gap_small;
	tech_heading(a, col, "tech.system_config");
	tech_lines(a, col, t->config_text, "tech.system_none");
	col->y += th->gap_small;
	tech_heading(a, col, "tech.system_log");
	tech_lines(a, col, t->log_text, "tech.system_none");
	tech_body_end(a, &b);
}
