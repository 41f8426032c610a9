/*
 * ui: the immediate-mode widget core (see ui.h): frames, input, ids, clip
 * and scroll regions, the widget list, and the basic widgets. Text fields and
 * keyboards live in ui_kbd.c and share ui_internal.h.
 *
 * Frames are double-buffered: `cur` is being built, `last` is the finished
 * frame the renderer draws and the scenario runner reads. A frame whose
 * command list hashes the same as the previous one needs no redraw.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ui_internal.h"

static uint64_t fnv64(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

ui *ui_new(const theme *th, const cat *c, ui_measure_fn measure, void *user)
{
	ui *u = calloc(1, sizeof *u);
	if (!u)
		return NULL;
	u->th = th;
	u->cat = c;
	u->measure = measure;
	u->measure_user = user;
	u->cur = &u->frames[0];
	u->last = &u->frames[1];
	u->wake = UINT64_MAX;
	return u;
}

void ui_free(ui **u)
{
	if (!u || !*u)
		return;
	ui_wipe(*u);
	free(*u);
	*u = NULL;
}

void ui_wipe(ui *u)
{
	explicit_bzero(u->frames, sizeof u->frames);
	u->focus = 0;
	u->fbuf = NULL;
	u->fcap = 0;
	u->caret = 0;
	u->shift = false;
	u->active = 0;
	u->scroll_candidate = 0;
	u->dragging = false;
	u->modal_prev = false; /* the next visitor's first touch must count */
	memset(u->scroll, 0, sizeof u->scroll);
	u->frame_req = true;
}

void ui_set_measure(ui *u, ui_measure_fn measure, void *user)
{
	u->measure = measure;
	u->measure_user = user;
	u->frame_req = true;
}

void ui_set_lang(ui *u, cat_lang lang)
{
	if (u->lang != lang)
		u->frame_req = true;
	u->lang = lang;
}

cat_lang ui_lang(const ui *u) { return u->lang; }
const char *ui_tr(const ui *u, const char *key) { return cat_get(u->cat, u->lang, key); }
uint64_t ui_now(const ui *u) { return u->now; }

static char *arena_alloc(ui *u, size_t n)
{
	ui_frame *f = u->cur;
	if (f->arena_used + n > sizeof f->arena) {
		if (!f->overflow)
			log_error("ui", "frame text arena full (%zu bytes); text dropped",
				  sizeof f->arena);
		f->overflow = true;
		return NULL;
	}
	char *p = f->arena + f->arena_used;
	f->arena_used += n;
	return p;
}

const char *ui_intern(ui *u, const char *text)
{
	size_t n = strlen(text) + 1;
	char *p = arena_alloc(u, n);
	if (!p)
		return "";
	memcpy(p, text, n);
	return p;
}

const char *ui_trf(ui *u, const char *key, const char *const *args, int nargs)
{
	const char *src = ui_tr(u, key);
	char out[1024];
	size_t o = 0;
	for (const char *s = src; *s && o + 1 < sizeof out; s++) {
		if (s[0] == '{' && s[1] >= '1' && s[1] <= '3' && s[2] == '}') {
			int i = s[1] - '1';
			const char *a = i < nargs && args[i] ? args[i] : "";
			size_t n = strlen(a);
			if (o + n >= sizeof out)
				n = sizeof out - 1 - o;
			memcpy(out + o, a, n);
			o += n;
			s += 2;
		} else {
			out[o++] = *s;
		}
	}
	out[o] = '\0';
	const char *r = ui_intern(u, out);
	explicit_bzero(out, o); /* arguments may one day carry personal data */
	return r;
}

/* ---- frames ---------------------------------------------------------------- */

void ui_pointer(ui *u, ui_ptr_event ev, int x, int y)
{
	u->ev = ev;
	u->px = x;
	u->py = y;
	if (ev == UI_PTR_DOWN)
		u->ptr_down = true;
}

void ui_begin(ui *u, uint64_t now_ms)
{
	ui_frame *f = u->cur;
	/* The previous contents may hold typed text: zero only what was used. */
	explicit_bzero(f->arena, f->arena_used);
	f->arena_used = 0;
	f->ncmd = 0;
	f->nwidget = 0;
	f->overflow = false;
	u->now = now_ms;
	u->frame_no++;
	u->frame_req = false;
	u->wake = UINT64_MAX;
	u->nclip = 0;
	u->nids = 0;
	u->nscroll = 0;
	u->modal_seen = false;
	u->in_modal = false;
	u->focus_seen = false;
	u->clip[u->nclip++] = (ui_rect){0, 0, u->th->design_w, u->th->design_h};
	ui_cmd *c = &f->cmds[f->ncmd++];
	*c = (ui_cmd){.type = UI_CMD_CLIP, .r = u->clip[0]};
}

static uint64_t frame_hash(const ui_frame *f)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < f->ncmd; i++) {
		const ui_cmd *c = &f->cmds[i];
		int v[9] = {(int)c->type, c->r.x,    c->r.y,	    c->r.w,	    c->r.h,
			    c->radius,	  c->border, (int)c->font, (int)c->align};
		h = fnv64(h, v, sizeof v);
		h = fnv64(h, &c->color, sizeof c->color);
		if (c->type == UI_CMD_TEXT && c->text)
			h = fnv64(h, c->text, strlen(c->text) + 1);
	}
	return h;
}

bool ui_end(ui *u)
{
	ui_frame *f = u->cur;
	f->hash = frame_hash(f);
	bool changed = f->hash != u->last->hash || u->last->ncmd == 0;

	if (u->ev == UI_PTR_UP) {
		u->ptr_down = false;
		u->active = 0;
		u->scroll_candidate = 0;
		u->dragging = false;
	}
	u->ev = UI_PTR_NONE;
	if (u->focus && !u->focus_seen) { /* the focused field left the screen */
		u->focus = 0;
		u->fbuf = NULL;
		u->frame_req = true;
	}
	if (u->modal_seen != u->modal_prev)
		u->frame_req = true;
	u->modal_prev = u->modal_seen;

	u->cur = u->last;
	u->last = f;
	return changed;
}

void ui_request_frame(ui *u) { u->frame_req = true; }

void ui_request_wake(ui *u, uint64_t at_ms)
{
	if (at_ms < u->wake)
		u->wake = at_ms;
}

bool ui_frame_requested(const ui *u) { return u->frame_req; }
uint64_t ui_next_wake(const ui *u) { return u->wake; }
size_t ui_widget_count(const ui *u) { return u->last->nwidget; }
const ui_widget *ui_widget_at(const ui *u, size_t i) { return &u->last->widgets[i]; }
size_t ui_cmd_count(const ui *u) { return u->last->ncmd; }
const ui_cmd *ui_cmd_at(const ui *u, size_t i) { return &u->last->cmds[i]; }

/* ---- ids, clip, layout --------------------------------------------------- */

uint32_t ui_id(const ui *u, const char *key)
{
	uint32_t h = u->nids ? u->ids[u->nids - 1] : 2166136261u;
	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 16777619u;
	}
	return h ? h : 1;
}

void ui_push_id(ui *u, uint32_t n)
{
	if (u->nids >= UI_MAX_IDS) {
		log_error("ui", "id scope stack overflow");
		abort();
	}
	uint32_t h = u->nids ? u->ids[u->nids - 1] : 2166136261u;
	h = (h ^ n) * 16777619u;
	u->ids[u->nids++] = h;
}

void ui_pop_id(ui *u)
{
	if (u->nids <= 0) {
		log_error("ui", "id scope stack underflow");
		abort();
	}
	u->nids--;
}

static ui_rect rect_intersect(ui_rect a, ui_rect b)
{
	int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
	int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
	int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
	return (ui_rect){x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0};
}

bool ui_rect_contains(ui_rect r, int x, int y)
{
	return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

static void emit(ui *u, ui_cmd c)
{
	ui_frame *f = u->cur;
	if (f->ncmd >= UI_MAX_CMDS) {
		if (!f->overflow)
			log_error("ui", "frame command list full (%d)", UI_MAX_CMDS);
		f->overflow = true;
		return;
	}
	f->cmds[f->ncmd++] = c;
}

void ui_push_clip(ui *u, ui_rect r)
{
	if (u->nclip >= UI_MAX_CLIP) {
		log_error("ui", "clip stack overflow");
		abort();
	}
	ui_rect c = rect_intersect(r, u->clip[u->nclip - 1]);
	u->clip[u->nclip++] = c;
	emit(u, (ui_cmd){.type = UI_CMD_CLIP, .r = c});
}

void ui_pop_clip(ui *u)
{
	if (u->nclip <= 1) {
		log_error("ui", "clip stack underflow");
		abort();
	}
	u->nclip--;
	emit(u, (ui_cmd){.type = UI_CMD_CLIP, .r = u->clip[u->nclip - 1]});
}

ui_col ui_col_make(ui_rect area, int gap) { return (ui_col){area, area.y, gap}; }

ui_rect ui_col_take(ui_col *c, int h)
{
	ui_rect r = {c->area.x, c->y, c->area.w, h};
	c->y += h + c->gap;
	return r;
}

ui_rect ui_col_rest(const ui_col *c)
{
	int h = c->area.y + c->area.h - c->y;
	return (ui_rect){c->area.x, c->y, c->area.w, h > 0 ? h : 0};
}


ui_rect ui_split(ui_rect r, int n, int gap, int i)
{
	int w = (r.w - gap * (n - 1)) / n;
	return (ui_rect){r.x + i * (w + gap), r.y, w, r.h};
}

ui_rect ui_inset(ui_rect r, int dx, int dy) { return (ui_rect){r.x + dx, r.y + dy, r.w - 2 * dx, r.h - 2 * dy}; }

/* ---- input and the widget list -------------------------------------------- */

bool ui_inert(const ui *u) { return u->modal_prev && !u->in_modal; }

ui_hit ui_interact(ui *u, uint32_t id, ui_rect r, bool enabled)
{
	ui_hit hit = {false, false};
	bool over = enabled && !ui_inert(u) && ui_rect_contains(r, u->px, u->py) &&
		    ui_rect_contains(u->clip[u->nclip - 1], u->px, u->py);
	if (u->ev == UI_PTR_DOWN && over)
		u->active = id; /* later (topmost) widgets win */
	hit.held = u->active == id && u->ptr_down && over && !u->dragging;
	if (u->ev == UI_PTR_UP && u->active == id && over && !u->dragging) {
		hit.clicked = true;
		u->frame_req = true;
	}
	return hit;
}

void ui_record(ui *u, uint32_t id, ui_role role, unsigned flags, ui_rect r, const char *label,
	       const char *value)
{
	ui_rect vis = rect_intersect(r, u->clip[u->nclip - 1]);
	if (vis.w <= 0 || vis.h <= 0)
		return;
	ui_frame *f = u->cur;
	if (f->nwidget >= UI_MAX_WIDGETS) {
		if (!f->overflow)
			log_error("ui", "widget list full (%d)", UI_MAX_WIDGETS);
		f->overflow = true;
		return;
	}
	if (ui_inert(u))
		flags |= UI_W_INERT;
	f->widgets[f->nwidget++] = (ui_widget){id, role, flags, vis, label ? label : "",
					       value ? value : ""};
}

/* ---- drawing primitives ------------------------------------------------------ */

void ui_draw_rect(ui *u, ui_rect r, ui_color c, int radius)
{
	emit(u, (ui_cmd){.type = UI_CMD_RECT, .r = r, .color = c, .radius = radius});
}

void ui_draw_frame(ui *u, ui_rect r, ui_color c, int radius, int width)
{
	emit(u, (ui_cmd){.type = UI_CMD_RECT, .r = r, .color = c, .radius = radius, .border = width});
}

void ui_measure(ui *u, ui_font f, const char *text, int wrap_w, int *w, int *h)
{
	u->measure(u->measure_user, f, text, wrap_w, w, h);
}

void ui_emit_text(ui *u, ui_rect r, const char *text, ui_font f, ui_color c, ui_align a)
{
	if (!text || !*text)
		return;
	ui_rect vis = rect_intersect(r, u->clip[u->nclip - 1]);
	if (vis.w <= 0 || vis.h <= 0)
		return;
	emit(u, (ui_cmd){.type = UI_CMD_TEXT, .r = r, .color = c, .font = f, .align = a, .text = text});
}


void ui_text_centered(ui *u, ui_rect r, const char *text, ui_font f, ui_color c)
{
	int w, h;
	ui_measure(u, f, text, r.w, &w, &h);
	ui_emit_text(u, (ui_rect){r.x, r.y + (r.h - h) / 2, r.w, h}, text, f, c, UI_ALIGN_CENTER);
}

/* ---- widgets ---------------------------------------------------------------- */

static int label_common(ui *u, uint32_t id, const char *text, ui_rect r, ui_font f, ui_color c,
			ui_align a)
{
	int w, h;
	ui_measure(u, f, text, r.w, &w, &h);
	r.h = h;
	ui_emit_text(u, r, text, f, c, a);
	ui_role role = f >= UI_FONT_SUBTITLE && f <= UI_FONT_DISPLAY ? UI_ROLE_HEADING : UI_ROLE_TEXT;
	ui_record(u, id, role, UI_W_ENABLED, r, text, NULL);
	return h;
}

int ui_label(ui *u, const char *key, ui_rect r, ui_font f, ui_color c, ui_align a)
{
	return label_common(u, ui_id(u, key), ui_tr(u, key), r, f, c, a);
}

int ui_label_text(ui *u, const char *text, ui_rect r, ui_font f, ui_color c, ui_align a)
{
	const char *t = ui_intern(u, text);
	return label_common(u, ui_id(u, t), t, r, f, c, a);
}

bool ui_button_ex(ui *u, const char *id_key, const char *text, const char *glyph, ui_rect r,
		  ui_btn_kind kind, bool enabled)
{
	const theme *th = u->th;
	uint32_t id = ui_id(u, id_key);
	ui_hit hit = ui_interact(u, id, r, enabled);
	ui_color bg, fg;
	switch (kind) {
	case UI_BTN_PRIMARY:
		bg = hit.held ? th->color.primary_pressed : th->color.primary;
		fg = th->color.text_inverse;
		break;
	case UI_BTN_DANGER:
		bg = hit.held ? th->color.danger_pressed : th->color.danger;
		fg = th->color.text_inverse;
		break;
	case UI_BTN_SECONDARY:
		bg = hit.held ? th->color.primary_soft : th->color.surface;
		fg = th->color.primary;
		break;
	case UI_BTN_QUIET:
	default:
		bg = hit.held ? th->color.primary_soft : theme_alpha(th->color.surface, 0);
		fg = th->color.primary;
		break;
	}
	if (!enabled) {
		bg = th->color.disabled_bg;
		fg = th->color.disabled_text;
	}
	if (bg.a)
		ui_draw_rect(u, r, bg, th->radius);
	if (kind == UI_BTN_SECONDARY && enabled)
		ui_draw_frame(u, r, th->color.primary, th->radius, th->border);

	const char *t = ui_intern(u, text);
	int tw, thh, gw = 0, gh = 0, pad = th->gap;
	if (glyph)
		ui_measure(u, UI_FONT_SYMBOL, glyph, 0, &gw, &gh);
	int avail = r.w - 2 * pad - (glyph ? gw + th->gap_small : 0);
	ui_measure(u, UI_FONT_BUTTON, t, avail, &tw, &thh);
	int total = tw + (glyph ? gw + th->gap_small : 0);
	int x = r.x + (r.w - total) / 2;
	if (glyph) {
		ui_emit_text(u, (ui_rect){x, r.y + (r.h - gh) / 2, gw, gh}, ui_intern(u, glyph),
			     UI_FONT_SYMBOL, fg, UI_ALIGN_LEFT);
		x += gw + th->gap_small;
	}
	ui_emit_text(u, (ui_rect){x, r.y + (r.h - thh) / 2, tw, thh}, t, UI_FONT_BUTTON, fg,
		     UI_ALIGN_CENTER);
	ui_record(u, id, UI_ROLE_BUTTON,
		  (enabled ? UI_W_ENABLED : 0u) | (hit.held ? UI_W_PRESSED : 0u), r, t, NULL);
	return hit.clicked;
}

bool ui_button(ui *u, const char *key, ui_rect r, ui_btn_kind kind)
{
	return ui_button_ex(u, key, ui_tr(u, key), NULL, r, kind, true);
}

bool ui_tap_area(ui *u, const char *key, ui_rect r)
{
	uint32_t id = ui_id(u, key);
	ui_hit hit = ui_interact(u, id, r, true);
	ui_record(u, id, UI_ROLE_BUTTON, UI_W_ENABLED, r, ui_tr(u, key), NULL);
	return hit.clicked;
}

bool ui_tap_area_text(ui *u, const char *id_key, const char *label, ui_rect r)
{
	uint32_t id = ui_id(u, id_key);
	ui_hit hit = ui_interact(u, id, r, true);
	ui_record(u, id, UI_ROLE_BUTTON, UI_W_ENABLED, r, ui_intern(u, label), NULL);
	return hit.clicked;
}

ui_hold ui_hold_area(ui *u, const char *key, ui_rect r, int hold_ms)
{
	uint32_t id = ui_id(u, key);
	if (u->ev == UI_PTR_DOWN && ui_rect_contains(r, u->px, u->py))
		u->hold_since = u->now;
	ui_hit hit = ui_interact(u, id, r, true);
	if (hit.clicked)
		return UI_HOLD_TAP;
	if (!hit.held)
		return UI_HOLD_NONE;
	uint64_t due = u->hold_since + (uint64_t)hold_ms;
	if (u->now >= due) {
		u->active = 0; /* its release taps nothing */
		u->frame_req = true;
		return UI_HOLD_LONG;
	}
	ui_request_wake(u, due);
	return UI_HOLD_NONE;
}

bool ui_checkbox(ui *u, const char *key, bool *value, ui_rect r)
{
	const theme *th = u->th;
	uint32_t id = ui_id(u, key);
	const char *text = ui_tr(u, key);
	int bx = th->check_box;
	int tw, tth;
	ui_measure(u, UI_FONT_BODY, text, r.w - bx - th->gap, &tw, &tth);
	if (r.h < th->touch_min)
		r.h = th->touch_min;
	if (r.h < tth + th->gap)
		r.h = tth + th->gap;
	ui_hit hit = ui_interact(u, id, r, true);
	if (hit.clicked)
		*value = !*value;
	if (hit.held)
		ui_draw_rect(u, r, th->color.primary_soft, th->radius);
	ui_rect box = {r.x + th->gap_small, r.y + (r.h - bx) / 2, bx, bx};
	if (*value) {
		ui_draw_rect(u, box, th->color.primary, th->radius / 2);
		ui_text_centered(u, box, "\xE2\x9C\x93", UI_FONT_SYMBOL, th->color.text_inverse);
	} else {
		ui_draw_rect(u, box, th->color.surface, th->radius / 2);
		ui_draw_frame(u, box, th->color.text_muted, th->radius / 2, th->border);
	}
	int tx = box.x + bx + th->gap;
	ui_emit_text(u, (ui_rect){tx, r.y + (r.h - tth) / 2, r.x + r.w - tx, tth}, text, UI_FONT_BODY,
		     th->color.text, UI_ALIGN_LEFT);
	ui_record(u, id, UI_ROLE_CHECKBOX, UI_W_ENABLED | (*value ? UI_W_CHECKED : 0u), r, text, NULL);
	return hit.clicked;
}

int ui_choice_height(const ui *u, int n) { return n * u->th->choice_h + (n - 1) * u->th->gap_small; }

int ui_choice(ui *u, const char *id_key, const char *const *option_keys, int n, int *selected,
	      ui_rect r)
{
	const theme *th = u->th;
	ui_col col = ui_col_make(r, th->gap_small);
	ui_push_id(u, ui_id(u, id_key));
	for (int i = 0; i < n; i++) {
		ui_rect row = ui_col_take(&col, th->choice_h);
		uint32_t id = ui_id(u, option_keys[i]);
		ui_hit hit = ui_interact(u, id, row, true);
		if (hit.clicked)
			*selected = i;
		bool on = *selected == i;
		ui_draw_rect(u, row, on || hit.held ? th->color.primary_soft : th->color.surface,
			     th->radius);
		ui_draw_frame(u, row, on ? th->color.primary : th->color.border, th->radius,
			      on ? th->border + 1 : th->border - 1);
		int d = th->check_box;
		ui_rect ring = {row.x + th->gap, row.y + (row.h - d) / 2, d, d};
		ui_draw_rect(u, ring, on ? th->color.primary : th->color.text_muted, d / 2);
		ui_draw_rect(u, ui_inset(ring, 5, 5), th->color.surface, d / 2 - 5);
		if (on)
			ui_draw_rect(u, ui_inset(ring, 14, 14), th->color.primary, d / 2 - 14);
		const char *text = ui_tr(u, option_keys[i]);
		int tx = ring.x + d + th->gap, tw, tth;
		ui_font f = on ? UI_FONT_STRONG : UI_FONT_BODY;
		int avail = row.x + row.w - tx - th->gap;
		ui_measure(u, f, text, avail, &tw, &tth);
		ui_emit_text(u, (ui_rect){tx, row.y + (row.h - tth) / 2, avail, tth}, text, f,
			     th->color.text, UI_ALIGN_LEFT);
		ui_record(u, id, UI_ROLE_CHOICE, UI_W_ENABLED | (on ? UI_W_CHECKED : 0u), row, text,
			  NULL);
	}
	ui_pop_id(u);
	return n > 0 ? col.y - col.gap - r.y : 0;
}

/* ---- finger scrolling ------------------------------------------------------ */

static int scroll_slot(ui *u, uint32_t id)
{
	int oldest = 0;
	for (int i = 0; i < UI_SCROLL_SLOTS; i++) {
		if (u->scroll[i].id == id)
			return i;
		if (u->scroll[i].used < u->scroll[oldest].used)
			oldest = i;
	}
	u->scroll[oldest] = (ui_scroll_state){.id = id};
	return oldest;
}

ui_rect ui_scroll_begin(ui *u, const char *id_key, ui_rect r)
{
	uint32_t id = ui_id(u, id_key);
	int slot = scroll_slot(u, id);
	ui_scroll_state *st = &u->scroll[slot];
	st->used = u->frame_no;
	bool over = !ui_inert(u) && ui_rect_contains(r, u->px, u->py) &&
		    ui_rect_contains(u->clip[u->nclip - 1], u->px, u->py);
	if (u->ev == UI_PTR_DOWN && over) {
		u->scroll_candidate = id;
		u->scroll_start_off = st->offset;
		u->press_y = u->py;
		u->dragging = false;
	}
	int max_off = st->content_h > r.h ? st->content_h - r.h : 0;
	if (u->scroll_candidate == id && u->ptr_down && u->ev == UI_PTR_MOVE) {
		int dy = u->py - u->press_y;
		if (!u->dragging && (dy > UI_DRAG_THRESHOLD || dy < -UI_DRAG_THRESHOLD)) {
			u->dragging = true; /* the finger is scrolling: no tap will fire */
			u->active = id;
		}
		if (u->dragging)
			st->offset = u->scroll_start_off - dy;
	}
	if (st->offset > max_off)
		st->offset = max_off;
	if (st->offset < 0)
		st->offset = 0;
	ui_record(u, id, UI_ROLE_LIST, UI_W_ENABLED, r, ui_tr(u, id_key), NULL);
	ui_push_clip(u, r);
	if (u->nscroll >= 4) {
		log_error("ui", "scroll regions nested too deep");
		abort();
	}
	u->scroll_cur[u->nscroll++] = slot;
	return (ui_rect){r.x, r.y - st->offset, r.w, 1 << 20};
}

void ui_scroll_end(ui *u, int content_h)
{
	if (u->nscroll <= 0) {
		log_error("ui", "ui_scroll_end without ui_scroll_begin");
		abort();
	}
	ui_scroll_state *st = &u->scroll[u->scroll_cur[--u->nscroll]];
	ui_rect view = u->clip[u->nclip - 1];
	if (st->content_h != content_h)
		u->frame_req = true; /* the offset clamp depends on it */
	st->content_h = content_h;
	if (content_h > view.h && view.h > 0) {
		/* A scroll bar so a person sees there is more below. */
		const theme *th = u->th;
		int bar_w = 8, track = view.h;
		int bar_h = track * view.h / content_h;
		if (bar_h < 60)
			bar_h = 60;
		int max_off = content_h - view.h;
		int y = view.y + (track - bar_h) * st->offset / (max_off ? max_off : 1);
		ui_draw_rect(u, (ui_rect){view.x + view.w - bar_w - 2, y, bar_w, bar_h},
			     theme_alpha(th->color.text_muted, 150), bar_w / 2);
	}
	ui_pop_clip(u);
}

/* ---- dialogs, progress, spinner, steps ------------------------------------- */

static int dialog_w(const theme *th, int max_w)
{
	int w = th->design_w - 2 * th->margin;
	return w > max_w ? max_w : w;
}

int ui_dialog_content_w(const ui *u) { return dialog_w(u->th, u->th->dialog_max_w) - 2 * u->th->margin; }

ui_rect ui_dialog_begin(ui *u, const char *key, int content_h)
{
	return ui_dialog_begin_w(u, key, content_h, u->th->dialog_max_w);
}

ui_rect ui_dialog_begin_w(ui *u, const char *key, int content_h, int max_w)
{
	const theme *th = u->th;
	u->modal_seen = true;
	u->in_modal = true;
	ui_push_clip(u, (ui_rect){0, 0, th->design_w, th->design_h});
	ui_draw_rect(u, (ui_rect){0, 0, th->design_w, th->design_h}, th->color.backdrop, 0);
	int w = dialog_w(th, max_w);
	const char *title = ui_tr(u, key);
	int pad = th->margin, tw, tth;
	ui_measure(u, UI_FONT_SUBTITLE, title, w - 2 * pad, &tw, &tth);
	int h = pad + tth + th->gap + content_h + pad;
	/* Centred in what the keyboard leaves free while a field is typed into. */
	int room = th->design_h - (ui_keyboard_wanted(u) ? ui_keyboard_height(u, th->design_w) : 0);
	int y = (room - h) / 2;
	ui_rect panel = {(th->design_w - w) / 2, y > 0 ? y : 0, w, h};
	ui_draw_rect(u, panel, th->color.surface, th->radius * 2);
	ui_rect tr = {panel.x + pad, panel.y + pad, w - 2 * pad, tth};
	ui_emit_text(u, tr, title, UI_FONT_SUBTITLE, th->color.text, UI_ALIGN_CENTER);
	ui_record(u, ui_id(u, key), UI_ROLE_DIALOG, UI_W_ENABLED, panel, title, NULL);
	return (ui_rect){panel.x + pad, tr.y + tth + th->gap, w - 2 * pad, content_h};
}

void ui_dialog_end(ui *u)
{
	ui_pop_clip(u);
	/* in_modal stays set: nothing may be drawn over a dialog but the dialog. */
}

void ui_progress(ui *u, const char *key, ui_rect r, float fraction)
{
	const theme *th = u->th;
	if (fraction < 0.0f)
		fraction = 0.0f;
	if (fraction > 1.0f)
		fraction = 1.0f;
	const char *text = ui_tr(u, key);
	int tw, tth;
	ui_measure(u, UI_FONT_BODY, text, r.w, &tw, &tth);
	ui_emit_text(u, (ui_rect){r.x, r.y, r.w, tth}, text, UI_FONT_BODY, th->color.text, UI_ALIGN_LEFT);
	ui_rect bar = {r.x, r.y + tth + th->gap_small, r.w, th->progress_h};
	ui_draw_rect(u, bar, th->color.surface_alt, bar.h / 2);
	int fw = (int)((float)bar.w * fraction + 0.5f);
	if (fw > 0)
		ui_draw_rect(u, (ui_rect){bar.x, bar.y, fw < bar.h ? bar.h : fw, bar.h}, th->color.primary,
			     bar.h / 2);
	char pct[8];
	snprintf(pct, sizeof pct, "%d%%", (int)(fraction * 100.0f + 0.5f));
	ui_record(u, ui_id(u, key), UI_ROLE_PROGRESS, UI_W_ENABLED,
		  (ui_rect){r.x, r.y, r.w, bar.y + bar.h - r.y}, text, ui_intern(u, pct));
}

void ui_spinner(ui *u, const char *key, ui_rect r)
{
	const theme *th = u->th;
	enum { DOTS = 8, STEP_MS = 100 };
	int d = th->spinner_d, dot = d / 6;
	int cx = r.x + r.w / 2, cy = r.y + r.h / 2;
	int phase = (int)((u->now / STEP_MS) % DOTS);
	/* Dot positions on a circle, precomputed for 8 steps (cos/sin * 1000). */
	static const int ox[DOTS] = {0, 707, 1000, 707, 0, -707, -1000, -707};
	static const int oy[DOTS] = {-1000, -707, 0, 707, 1000, 707, 0, -707};
	int rad = d / 2 - dot / 2;
	for (int i = 0; i < DOTS; i++) {
		int age = (phase - i + DOTS) % DOTS;
		uint8_t a = (uint8_t)(255 - age * 28);
		int x = cx + ox[i] * rad / 1000 - dot / 2, y = cy + oy[i] * rad / 1000 - dot / 2;
		ui_draw_rect(u, (ui_rect){x, y, dot, dot}, theme_alpha(th->color.primary, a), dot / 2);
	}
	ui_request_wake(u, (u->now / STEP_MS + 1) * STEP_MS);
	ui_record(u, ui_id(u, key), UI_ROLE_SPINNER, UI_W_ENABLED, r, ui_tr(u, key), NULL);
}

void ui_steps(ui *u, ui_rect r, int current, int total)
{
	const theme *th = u->th;
	char a[12], b[12];
	snprintf(a, sizeof a, "%d", current);
	snprintf(b, sizeof b, "%d", total);
	const char *args[2] = {a, b};
	const char *text = ui_trf(u, "ui.steps", args, 2);
	int tw, tth;
	ui_measure(u, UI_FONT_STRONG, text, r.w, &tw, &tth);
	ui_emit_text(u, (ui_rect){r.x, r.y, r.w, tth}, text, UI_FONT_STRONG, th->color.text_muted,
		     UI_ALIGN_LEFT);
	int seg_y = r.y + tth + th->gap_small, seg_h = 12;
	for (int i = 0; i < total; i++) {
		ui_rect s = ui_split((ui_rect){r.x, seg_y, r.w, seg_h}, total, th->gap_small, i);
		ui_draw_rect(u, s, i < current ? th->color.primary : th->color.border, seg_h / 2);
	}
	ui_record(u, ui_id(u, "ui.steps"), UI_ROLE_STEPS, UI_W_ENABLED,
		  (ui_rect){r.x, r.y, r.w, seg_y + seg_h - r.y}, text, NULL);
}
