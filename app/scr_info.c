/*
 * scr_info: the service information a citizen needs before applying, from
 * the service standard (requirements, procedure, time, cost, product,
 * complaint channels). Four tabs so each topic fits one screen; the content
 * area scrolls by dragging when a topic is longer than the screen.
 * Hours and complaint contacts come from kiosk.conf, all words from the
 * catalogs.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"

/* A top-to-bottom document inside a scroll region. */
typedef struct doc {
	app *a;
	ui *u;
	const theme *th;
	ui_rect area; /* x, width, and the running y */
	int y0;
} doc;

static void doc_gap(doc *d, int g) { d->area.y += g; }

static void doc_heading(doc *d, const char *key)
{
	d->area.y += ui_label(d->u, key, d->area, UI_FONT_SUBTITLE, d->th->color.text, UI_ALIGN_LEFT);
	d->area.y += d->th->gap_small;
}

static void doc_para(doc *d, const char *key)
{
	d->area.y += ui_label(d->u, key, d->area, UI_FONT_BODY, d->th->color.text, UI_ALIGN_LEFT);
	d->area.y += d->th->gap;
}

/* A numbered (N > 0) or bulleted (N == 0) item. */
static void doc_item(doc *d, int n, const char *key, const char *text)
{
	const theme *th = d->th;
	int badge = n ? 64 : 20;
	ui_rect b = {d->area.x, d->area.y + (n ? 0 : 14), badge, badge};
	ui_draw_rect(d->u, b, n ? th->color.primary : th->color.text_muted, badge / 2);
	if (n) {
		char num[4];
		snprintf(num, sizeof num, "%d", n);
		ui_text_centered(d->u, b, ui_intern(d->u, num), UI_FONT_STRONG, th->color.text_inverse);
	}
	int indent = (n ? badge : 36) + th->gap;
	ui_rect t = {d->area.x + indent, d->area.y + (n ? 10 : 0), d->area.w - indent, 0};
	int h = key ? ui_label(d->u, key, t, UI_FONT_BODY, th->color.text, UI_ALIGN_LEFT)
		    : ui_label_text(d->u, text, t, UI_FONT_BODY, th->color.text, UI_ALIGN_LEFT);
	h += n ? 10 : 0;
	d->area.y += (h > badge ? h : badge) + th->gap;
}

/* A caption (catalog) over a value (raw text from configuration). */
static void doc_field(doc *d, const char *label_key, const char *value)
{
	const theme *th = d->th;
	d->area.y += ui_label(d->u, label_key, d->area, UI_FONT_STRONG, th->color.text_muted,
			      UI_ALIGN_LEFT);
	d->area.y += ui_label_text(d->u, value, d->area, UI_FONT_BODY, th->color.text, UI_ALIGN_LEFT);
	d->area.y += th->gap;
}

/* A highlighted card with a caption and a large value (cost, duration). */
static void doc_card(doc *d, const char *label_key, const char *value_key)
{
	const theme *th = d->th;
	int pad = th->gap;
	ui_rect inner = {d->area.x + pad, 0, d->area.w - 2 * pad, 0};
	int lw, lh, vw, vh;
	ui_measure(d->u, UI_FONT_STRONG, ui_tr(d->u, label_key), inner.w, &lw, &lh);
	ui_measure(d->u, UI_FONT_TITLE, ui_tr(d->u, value_key), inner.w, &vw, &vh);
	ui_rect card = {d->area.x, d->area.y, d->area.w, pad + lh + vh + pad};
	ui_draw_rect(d->u, card, th->color.primary_soft, th->radius);
	inner.y = card.y + pad;
	inner.y += ui_label(d->u, label_key, inner, UI_FONT_STRONG, th->color.text_muted, UI_ALIGN_LEFT);
	ui_label(d->u, value_key, inner, UI_FONT_TITLE, th->color.primary, UI_ALIGN_LEFT);
	d->area.y += card.h + th->gap;
}

static void tab_requirements(doc *d)
{
	doc_heading(d, "info.req.heading");
	doc_para(d, "info.req.intro");
	doc_para(d, "info.req.bring");
	static const char *const docs[] = {"info.req.doc_ktp", "info.req.doc_sk", "info.req.doc_rec",
					   "info.req.doc_court"};
	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
		doc_item(d, 0, docs[i], NULL);
	doc_gap(d, d->th->gap);
	doc_para(d, "info.req.note");
}

static void tab_procedure(doc *d)
{
	doc_heading(d, "info.proc.heading");
	static const char *const steps[] = {"info.proc.1", "info.proc.2", "info.proc.3", "info.proc.4",
					    "info.proc.5", "info.proc.6", "info.proc.7"};
	for (int i = 0; i < 7; i++)
		doc_item(d, i + 1, steps[i], NULL);
}

/* "Senin – Kamis" / "Jumat" for days FROM..TO (0 = Monday). */
static const char *day_range(doc *d, int from, int to)
{
	static const char *const names[7] = {"day.mon", "day.tue", "day.wed", "day.thu",
					     "day.fri", "day.sat", "day.sun"};
	if (from == to)
		return ui_tr(d->u, names[from]);
	const char *args[2] = {ui_tr(d->u, names[from]), ui_tr(d->u, names[to])};
	return ui_trf(d->u, "info.hours.range", args, 2);
}

/* "08.00 – 15.45, istirahat 12.00 – 13.00" or "Tutup". */
static const char *day_hours(doc *d, const conf_day *day)
{
	if (day->n == 0)
		return ui_tr(d->u, "info.hours.closed");
	char open[8], close[8], text[256];
	conf_fmt_time(day->w[0].start, open, sizeof open);
	conf_fmt_time(day->w[day->n - 1].end, close, sizeof close);
	snprintf(text, sizeof text, "%s \xE2\x80\x93 %s", open, close);
	for (int i = 1; i < day->n; i++) {
		char b0[8], b1[8];
		conf_fmt_time(day->w[i - 1].end, b0, sizeof b0);
		conf_fmt_time(day->w[i].start, b1, sizeof b1);
		const char *args[2] = {b0, b1};
		size_t n = strlen(text);
		snprintf(text + n, sizeof text - n, ", %s", ui_trf(d->u, "info.hours.break", args, 2));
	}
	return ui_intern(d->u, text);
}

static bool same_day(const conf_day *x, const conf_day *y)
{
	if (x->n != y->n)
		return false;
	for (int i = 0; i < x->n; i++)
		if (x->w[i].start != y->w[i].start || x->w[i].end != y->w[i].end)
			return false;
	return true;
}

static void tab_time_cost(doc *d)
{
	const conf *c = d->a->cfg;
	doc_card(d, "info.cost.label", "info.cost.value");
	doc_card(d, "info.time.label", "info.time.value");
	doc_heading(d, "info.hours.heading");
	for (int from = 0; from < 7;) {
		int to = from;
		while (to + 1 < 7 && same_day(&c->hours.day[from], &c->hours.day[to + 1]))
			to++;
		const char *args[2] = {day_range(d, from, to), day_hours(d, &c->hours.day[from])};
		doc_item(d, 0, NULL, ui_trf(d->u, "info.hours.line", args, 2));
		from = to + 1;
	}
	doc_para(d, "info.hours.holidays");
	doc_heading(d, "info.product.label");
	doc_para(d, "info.product.value");
}

static void tab_complaints(doc *d)
{
	const conf *c = d->a->cfg;
	doc_heading(d, "info.cmp.heading");
	doc_para(d, "info.cmp.intro");
	char phones[CONF_PHONES_TEXT_MAX];
	conf_fmt_phones(c, phones, sizeof phones);
	doc_field(d, "info.cmp.phone", phones);
	doc_field(d, "info.cmp.email", c->complaints.email);
	doc_field(d, "info.cmp.website", c->complaints.website);
	char social[160];
	snprintf(social, sizeof social, "Twitter %s  \xC2\xB7  Instagram %s", c->complaints.twitter,
		 c->complaints.instagram);
	doc_field(d, "info.cmp.social", social);
	char officer[200];
	snprintf(officer, sizeof officer, "%s  \xC2\xB7  %s", c->complaints.officer_name,
		 c->complaints.officer_phone);
	doc_field(d, "info.cmp.officer", officer);
	doc_heading(d, "info.cmp.direct_title");
	doc_para(d, "info.cmp.direct");
}

void scr_info_draw(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	static const char *const tabs[] = {"info.tab.req", "info.tab.proc", "info.tab.time",
					   "info.tab.complaints"};
	enum { NTABS = 4 };
	int per_row = th->landscape ? NTABS : 2;
	int rows = NTABS / per_row;
	ui_col col = ui_col_make(r, th->gap);
	for (int row = 0; row < rows; row++) {
		ui_rect line = ui_col_take(&col, th->button_h);
		for (int i = 0; i < per_row; i++) {
			int t = row * per_row + i;
			bool on = a->scr.info_tab == t;
			if (ui_button_ex(u, tabs[t], ui_tr(u, tabs[t]), NULL,
					 ui_split(line, per_row, th->gap_small, i),
					 on ? UI_BTN_PRIMARY : UI_BTN_SECONDARY, true))
				a->scr.info_tab = t;
		}
		col.y -= th->gap - th->gap_small;
	}
	col.y += th->gap - th->gap_small;

	ui_rect view = ui_col_rest(&col);
	ui_push_id(u, (uint32_t)a->scr.info_tab); /* each tab keeps its own scroll position */
	ui_rect content = ui_scroll_begin(u, "info.content", view);
	doc d = {a, u, th, {content.x, content.y, content.w - 24, 0}, content.y};
	switch (a->scr.info_tab) {
	case 0:
		tab_requirements(&d);
		break;
	case 1:
		tab_procedure(&d);
		break;
	case 2:
		tab_time_cost(&d);
		break;
	default:
		tab_complaints(&d);
		break;
	}
	ui_scroll_end(u, d.area.y - d.y0);
	ui_pop_id(u);
}
