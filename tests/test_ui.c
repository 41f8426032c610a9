/*
 * test_ui: the immediate-mode widget layer (app/ui.c, app/ui_kbd.c) without
 * SDL: the real theme and string catalogs, and a fake text measure (16 px
 * per UTF-8 code point, line height font_px * 4 / 3, wrapped lines =
 * ceil(width / wrap_w)).
 *
 * Each test draws a small scene every frame and drives it the way the touch
 * panel does: one pointer event per frame (down, move, up), widgets located
 * through the widget list by role and label or value, never by poking at
 * the context's insides. Covered: what counts as a tap (press and release
 * inside the same widget, disabled buttons never), the widget list (ids,
 * roles and labels in the current language, ids stable across languages),
 * redraw detection, modal dialogs making what lies behind them inert, text
 * fields with the five on-screen keyboards (auto-shift, one-shot shift,
 * UTF-8 backspace, digit-only NIK keypad with its 16-digit cap, '+' only
 * first on the phone keypad, one '@' and domain keys on the e-mail layout,
 * the byte capacity, the Done key), finger scrolling (a drag scrolls and
 * never taps, the offset stays within the content), ui_wipe leaving no byte
 * of typed personal data in the context, placeholders in ui_trf, the step
 * indicator, checkboxes and single-choice lists.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cat.h"
#include "theme.h"
#include "ui.h"

#ifndef KIOSK_SOURCE_DIR
#error "KIOSK_SOURCE_DIR (the repository root) must be defined by the build"
#endif

/* ---- fixture: theme, catalogs, context, a scene drawn every frame -------- */

typedef struct fx fx;
typedef void (*scene_fn)(fx *f);

struct fx {
	theme th;
	cat *c;
	ui *u;
	uint64_t now;
	scene_fn draw; /* the scene: the widget calls of one frame */
	void *scene;   /* its state */
};

static int utf8_cps(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static void fake_measure(void *user, ui_font font, const char *text, int wrap_w, int *w, int *h)
{
	const theme *th = user;
	int width = 16 * utf8_cps(text), lines = 1;
	if (wrap_w > 0 && width > wrap_w) {
		lines = (width + wrap_w - 1) / wrap_w;
		width = wrap_w;
	}
	*w = width;
	*h = th->font_px[font] * 4 / 3 * lines;
}

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	theme_init(&f->th, 0);
	if (cat_open(&f->c, KIOSK_SOURCE_DIR "/assets/i18n", stderr) != 0)
		return -1;
	f->u = ui_new(&f->th, f->c, fake_measure, &f->th);
	if (!f->u)
		return -1;
	f->now = 1000;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	ui_free(&f->u);
	cat_free(&f->c);
	free(f);
	return 0;
}

/* One frame of the scene; returns what ui_end returned. */
static bool frame(fx *f)
{
	f->now += 16;
	ui_begin(f->u, f->now);
	if (f->draw)
		f->draw(f);
	return ui_end(f->u);
}

/* One frame carrying one pointer event. */
static bool event(fx *f, ui_ptr_event ev, int x, int y)
{
	ui_pointer(f->u, ev, x, y);
	return frame(f);
}

/* A tap at (X, Y): down, up, and one more frame to show the result. */
static void tap(fx *f, int x, int y)
{
	event(f, UI_PTR_DOWN, x, y);
	event(f, UI_PTR_UP, x, y);
	frame(f);
}

static const ui_widget *find_label(const fx *f, ui_role role, const char *label)
{
	for (size_t i = 0; i < ui_widget_count(f->u); i++) {
		const ui_widget *w = ui_widget_at(f->u, i);
		if (w->role == role && strcmp(w->label, label) == 0)
			return w;
	}
	return NULL;
}

static const ui_widget *find_value(const fx *f, ui_role role, const char *value)
{
	for (size_t i = 0; i < ui_widget_count(f->u); i++) {
		const ui_widget *w = ui_widget_at(f->u, i);
		if (w->role == role && strcmp(w->value, value) == 0)
			return w;
	}
	return NULL;
}

static size_t count_role(const fx *f, ui_role role)
{
	size_t n = 0;
	for (size_t i = 0; i < ui_widget_count(f->u); i++)
		n += ui_widget_at(f->u, i)->role == role;
	return n;
}

/* Tap the middle of widget W (found in the last frame). */
static void tap_widget(fx *f, const ui_widget *w)
{
	int x = w->r.x + w->r.w / 2, y = w->r.y + w->r.h / 2;
	tap(f, x, y);
}

static const ui_widget *must_find_label(const fx *f, ui_role role, const char *label)
{
	const ui_widget *w = find_label(f, role, label);
	if (!w)
		fail_msg("no widget of role %d labelled \"%s\" in the last frame", (int)role,
			 label);
	return w;
}

/* ---- buttons: what counts as a tap --------------------------------------- */

static const ui_rect BTN_R = {48, 400, 984, 112};
static const ui_rect DIS_R = {48, 600, 984, 112};

typedef struct btn_scene {
	bool clicked, dis_clicked; /* returned this frame */
	int clicks, dis_clicks;
} btn_scene;

static void draw_buttons(fx *f)
{
	btn_scene *s = f->scene;
	s->clicked = ui_button(f->u, "idle.continue", BTN_R, UI_BTN_PRIMARY);
	s->clicks += s->clicked;
	s->dis_clicked = ui_button_ex(f->u, "gallery.disabled", ui_tr(f->u, "gallery.disabled"),
				      NULL, DIS_R, UI_BTN_PRIMARY, false);
	s->dis_clicks += s->dis_clicked;
}

static void test_tap_clicks_once_on_release(void **state)
{
	fx *f = *state;
	btn_scene s = {0};
	f->draw = draw_buttons;
	f->scene = &s;
	frame(f);
	const ui_widget *w = must_find_label(f, UI_ROLE_BUTTON, "Ya, lanjutkan");
	assert_false(w->flags & UI_W_PRESSED);
	int x = w->r.x + w->r.w / 2, y = w->r.y + w->r.h / 2;

	event(f, UI_PTR_DOWN, x, y);
	assert_false(s.clicked);
	w = must_find_label(f, UI_ROLE_BUTTON, "Ya, lanjutkan");
	assert_true(w->flags & UI_W_PRESSED); /* the finger is on it: drawn pressed */

	event(f, UI_PTR_UP, x, y);
	assert_true(s.clicked);
	assert_int_equal(s.clicks, 1);

	for (int i = 0; i < 3; i++) {
		frame(f);
		assert_false(s.clicked);
	}
	assert_int_equal(s.clicks, 1);
	w = must_find_label(f, UI_ROLE_BUTTON, "Ya, lanjutkan");
	assert_false(w->flags & UI_W_PRESSED);

	/* A second tap is a second click. */
	tap(f, x, y);
	assert_int_equal(s.clicks, 2);
}

static void test_press_inside_release_outside(void **state)
{
	fx *f = *state;
	btn_scene s = {0};
	f->draw = draw_buttons;
	f->scene = &s;
	frame(f);
	event(f, UI_PTR_DOWN, 540, BTN_R.y + 50);
	event(f, UI_PTR_MOVE, 540, 1200);
	/* The finger left: the button no longer looks pressed. */
	assert_false(must_find_label(f, UI_ROLE_BUTTON, "Ya, lanjutkan")->flags & UI_W_PRESSED);
	event(f, UI_PTR_UP, 540, 1200);
	frame(f);
	assert_int_equal(s.clicks, 0);
}

static void test_press_outside_release_inside(void **state)
{
	fx *f = *state;
	btn_scene s = {0};
	f->draw = draw_buttons;
	f->scene = &s;
	frame(f);
	event(f, UI_PTR_DOWN, 540, 1200);
	event(f, UI_PTR_MOVE, 540, BTN_R.y + 50);
	assert_false(must_find_label(f, UI_ROLE_BUTTON, "Ya, lanjutkan")->flags & UI_W_PRESSED);
	event(f, UI_PTR_UP, 540, BTN_R.y + 50);
	frame(f);
	assert_int_equal(s.clicks, 0);
}

static void test_disabled_button_never_clicks(void **state)
{
	fx *f = *state;
	btn_scene s = {0};
	f->draw = draw_buttons;
	f->scene = &s;
	frame(f);
	const ui_widget *w = must_find_label(f, UI_ROLE_BUTTON, "Tidak tersedia");
	assert_false(w->flags & UI_W_ENABLED);
	assert_true(w->r.x == DIS_R.x && w->r.y == DIS_R.y && w->r.w == DIS_R.w &&
		    w->r.h == DIS_R.h);
	int x = w->r.x + w->r.w / 2, y = w->r.y + w->r.h / 2;
	event(f, UI_PTR_DOWN, x, y);
	w = must_find_label(f, UI_ROLE_BUTTON, "Tidak tersedia");
	assert_false(w->flags & (UI_W_PRESSED | UI_W_ENABLED));
	event(f, UI_PTR_UP, x, y);
	assert_false(s.dis_clicked);
	for (int i = 0; i < 3; i++)
		tap(f, x, y);
	assert_int_equal(s.dis_clicks, 0);
	assert_int_equal(s.clicks, 0);
	/* The enabled button next to it is recorded as enabled. */
	assert_true(must_find_label(f, UI_ROLE_BUTTON, "Ya, lanjutkan")->flags & UI_W_ENABLED);
}

/* ---- the widget list and languages ---------------------------------------- */

static void draw_title_and_button(fx *f)
{
	ui_label(f->u, "idle.title", (ui_rect){48, 100, 984, 0}, UI_FONT_TITLE, f->th.color.text,
		 UI_ALIGN_LEFT);
	ui_button(f->u, "idle.continue", BTN_R, UI_BTN_PRIMARY);
}

static void test_widget_list_follows_language(void **state)
{
	fx *f = *state;
	f->draw = draw_title_and_button;
	assert_int_equal(ui_lang(f->u), CAT_ID);
	frame(f);
	assert_int_equal(ui_widget_count(f->u), 2);
	const ui_widget *h = must_find_label(f, UI_ROLE_HEADING, "Masih di sana?");
	const ui_widget *b = must_find_label(f, UI_ROLE_BUTTON, "Ya, lanjutkan");
	uint32_t hid = h->id, bid = b->id;
	assert_true(hid != bid);
	assert_true(b->r.x == BTN_R.x && b->r.y == BTN_R.y && b->r.w == BTN_R.w &&
		    b->r.h == BTN_R.h);
	assert_true(b->flags & UI_W_ENABLED);
	assert_string_equal(b->value, "");

	ui_set_lang(f->u, CAT_EN);
	assert_int_equal(ui_lang(f->u), CAT_EN);
	frame(f);
	assert_null(find_label(f, UI_ROLE_BUTTON, "Ya, lanjutkan"));
	h = must_find_label(f, UI_ROLE_HEADING, "Are you still there?");
	b = must_find_label(f, UI_ROLE_BUTTON, "Yes, continue");
	/* Ids come from the catalog key: a scenario finds the same widget in
	 * either language. */
	assert_true(h->id == hid);
	assert_true(b->id == bid);

	ui_set_lang(f->u, CAT_ID);
	frame(f);
	assert_true(must_find_label(f, UI_ROLE_BUTTON, "Ya, lanjutkan")->id == bid);
}

typedef struct change_scene {
	const char *text;
	bool box;
} change_scene;

static void draw_change(fx *f)
{
	change_scene *s = f->scene;
	ui_label_text(f->u, s->text, (ui_rect){48, 100, 984, 0}, UI_FONT_BODY, f->th.color.text,
		      UI_ALIGN_LEFT);
	ui_label(f->u, "idle.title", (ui_rect){48, 200, 984, 0}, UI_FONT_TITLE, f->th.color.text,
		 UI_ALIGN_LEFT);
	ui_checkbox(f->u, "gallery.agree", &s->box, (ui_rect){48, 400, 984, 90});
}

static void test_end_reports_changes(void **state)
{
	fx *f = *state;
	char text[32] = "Antrian 12";
	change_scene s = {text, false};
	f->draw = draw_change;
	f->scene = &s;
	assert_true(frame(f)); /* the first frame must be drawn */
	assert_false(frame(f));
	assert_false(frame(f));

	/* Same length, different text (a counter ticking). */
	text[9] = '3';
	assert_true(frame(f));
	assert_false(frame(f));

	ui_set_lang(f->u, CAT_EN);
	assert_true(frame(f));
	assert_false(frame(f));

	s.box = true;
	assert_true(frame(f));
	assert_false(frame(f));
}

/* ---- modal dialogs --------------------------------------------------------- */

static const ui_rect BEHIND_R = {48, 100, 984, 112};

typedef struct modal_scene {
	bool show;
	int behind, inside;
} modal_scene;

static void draw_modal(fx *f)
{
	modal_scene *s = f->scene;
	if (ui_button(f->u, "gallery.open_dialog", BEHIND_R, UI_BTN_PRIMARY))
		s->behind++;
	if (s->show) {
		ui_rect c = ui_dialog_begin(f->u, "idle.title", f->th.button_h);
		if (ui_button(f->u, "idle.continue", c, UI_BTN_PRIMARY))
			s->inside++;
		ui_dialog_end(f->u);
	}
}

static void test_modal_makes_background_inert(void **state)
{
	fx *f = *state;
	modal_scene s = {true, 0, 0};
	f->draw = draw_modal;
	f->scene = &s;
	frame(f);
	frame(f);

	const ui_widget *d = must_find_label(f, UI_ROLE_DIALOG, "Masih di sana?");
	assert_false(d->flags & UI_W_INERT);
	const ui_widget *behind = must_find_label(f, UI_ROLE_BUTTON, "Tampilkan dialog");
	assert_true(behind->flags & UI_W_INERT);
	const ui_widget *in = must_find_label(f, UI_ROLE_BUTTON, "Ya, lanjutkan");
	assert_false(in->flags & UI_W_INERT);
	assert_true(in->flags & UI_W_ENABLED);
	/* The dialog's button lies inside its panel. */
	assert_true(in->r.y >= d->r.y && in->r.y + in->r.h <= d->r.y + d->r.h);

	/* A tap on the dimmed button behind the dialog does nothing. */
	int bx = behind->r.x + behind->r.w / 2, by = behind->r.y + behind->r.h / 2;
	event(f, UI_PTR_DOWN, bx, by);
	assert_false(must_find_label(f, UI_ROLE_BUTTON, "Tampilkan dialog")->flags & UI_W_PRESSED);
	event(f, UI_PTR_UP, bx, by);
	frame(f);
	assert_int_equal(s.behind, 0);

	/* The dialog's own button works. */
	tap_widget(f, must_find_label(f, UI_ROLE_BUTTON, "Ya, lanjutkan"));
	assert_int_equal(s.inside, 1);
	assert_int_equal(s.behind, 0);

	/* Once the dialog is gone, the screen behind it answers again. */
	s.show = false;
	frame(f);
	frame(f);
	assert_null(find_label(f, UI_ROLE_DIALOG, "Masih di sana?"));
	behind = must_find_label(f, UI_ROLE_BUTTON, "Tampilkan dialog");
	assert_false(behind->flags & UI_W_INERT);
	tap(f, bx, by);
	assert_int_equal(s.behind, 1);
}

/* ---- text fields and keyboards -------------------------------------------- */

static const ui_rect FIELD_R = {48, 200, 984, 0};

#define ZOE "Zo\xC3\xAB" /* "Zoë": 3 code points in 4 bytes */

typedef struct field_scene {
	const char *key;
	ui_kbd_kind kind;
	size_t cap;
	int max_chars;
	char buf[64]; /* bytes past CAP are a canary: they must never change */
} field_scene;

static void draw_field(fx *f)
{
	field_scene *s = f->scene;
	ui_field(f->u, s->key, s->buf, s->cap, s->max_chars, s->kind, FIELD_R, NULL, NULL);
	if (ui_keyboard_wanted(f->u)) {
		int h = ui_keyboard_height(f->u, f->th.design_w);
		ui_keyboard(f->u, (ui_rect){0, f->th.design_h - h, f->th.design_w, h});
	}
}

enum { CANARY = 0x5A };

/* Start a field scene: BUF holds INIT, every byte from CAP on is a canary. */
static void field_start(fx *f, field_scene *s, const char *key, ui_kbd_kind kind, size_t cap,
			int max_chars, const char *init)
{
	memset(s, 0, sizeof *s);
	s->key = key;
	s->kind = kind;
	s->cap = cap;
	s->max_chars = max_chars;
	assert_true(cap <= sizeof s->buf && strlen(init) < cap);
	memset(s->buf + cap, CANARY, sizeof s->buf - cap);
	strcpy(s->buf, init);
	f->draw = draw_field;
	f->scene = s;
	frame(f);
}

static void assert_canary(const field_scene *s)
{
	for (size_t i = s->cap; i < sizeof s->buf; i++)
		if ((unsigned char)s->buf[i] != CANARY)
			fail_msg("byte %zu of a %zu-byte field buffer was written", i, s->cap);
}

static const ui_widget *field_widget(const fx *f)
{
	const field_scene *s = f->scene;
	return must_find_label(f, UI_ROLE_FIELD, ui_tr(f->u, s->key));
}

/* Tap the field's box DX px from its left edge (DX < 0: from its right). */
static void tap_field_box(fx *f, int dx)
{
	const ui_widget *w = field_widget(f);
	/* The box lies under the caption (one STRONG line and a small gap). */
	int box_y = w->r.y + f->th.font_px[UI_FONT_STRONG] * 4 / 3 + f->th.gap_small;
	int y = box_y + f->th.field_box_h / 2;
	int x = dx >= 0 ? w->r.x + dx : w->r.x + w->r.w + dx;
	tap(f, x, y);
}

static bool key_shown(const fx *f, const char *value)
{
	return find_value(f, UI_ROLE_KEY, value) != NULL;
}

/* Tap the key that types VALUE. */
static void press_key(fx *f, const char *value)
{
	const ui_widget *w = find_value(f, UI_ROLE_KEY, value);
	if (!w)
		fail_msg("the keyboard shows no key typing \"%s\"", value);
	tap_widget(f, w);
}

/* Tap the special key labelled with catalog key KEY (shift, delete, done). */
static void press_special(fx *f, const char *key)
{
	tap_widget(f, must_find_label(f, UI_ROLE_KEY, ui_tr(f->u, key)));
}

/* Type ASCII text key by key. */
static void type_text(fx *f, const char *text)
{
	for (const char *p = text; *p; p++) {
		char v[2] = {*p, '\0'};
		press_key(f, v);
	}
}

static const char *shown_value(const fx *f) { return field_widget(f)->value; }

static void test_field_focus_value_and_done(void **state)
{
	fx *f = *state;
	field_scene s;
	field_start(f, &s, "gallery.name", UI_KBD_TEXT, 64, 60, "");
	const ui_widget *w = field_widget(f);
	assert_string_equal(w->label, "Nama lengkap");
	assert_string_equal(w->value, "");
	assert_false(w->flags & UI_W_FOCUSED);
	assert_false(ui_keyboard_wanted(f->u));
	assert_int_equal(count_role(f, UI_ROLE_KEY), 0);

	tap_field_box(f, -8);
	assert_true(ui_keyboard_wanted(f->u));
	assert_true(field_widget(f)->flags & UI_W_FOCUSED);
	assert_true(count_role(f, UI_ROLE_KEY) > 30);

	type_text(f, "abc");
	assert_string_equal(s.buf, "abc");
	assert_string_equal(shown_value(f), "abc");

	assert_string_equal(ui_tr(f->u, "kbd.done"), "Selesai");
	tap_widget(f, must_find_label(f, UI_ROLE_KEY, "Selesai"));
	assert_false(ui_keyboard_wanted(f->u));
	assert_false(field_widget(f)->flags & UI_W_FOCUSED);
	assert_int_equal(count_role(f, UI_ROLE_KEY), 0);
	assert_string_equal(s.buf, "abc");
	assert_string_equal(shown_value(f), "abc");

	/* In English the same key reads "Done". */
	ui_set_lang(f->u, CAT_EN);
	frame(f);
	tap_field_box(f, -8);
	assert_true(ui_keyboard_wanted(f->u));
	assert_null(find_label(f, UI_ROLE_KEY, "Selesai"));
	tap_widget(f, must_find_label(f, UI_ROLE_KEY, "Done"));
	assert_false(ui_keyboard_wanted(f->u));
	assert_string_equal(s.buf, "abc");
	assert_canary(&s);
}

static void test_name_keyboard_autoshift(void **state)
{
	fx *f = *state;
	field_scene s;
	field_start(f, &s, "gallery.name", UI_KBD_NAME, 64, 60, "");
	tap_field_box(f, -8);
	/* The first letter of a name is a capital: the keys show capitals. */
	assert_true(key_shown(f, "S"));
	assert_false(key_shown(f, "s"));
	press_key(f, "S");
	assert_true(key_shown(f, "i"));
	assert_false(key_shown(f, "I"));
	type_text(f, "iti");
	press_key(f, " ");
	/* After a space, the next word starts with a capital again. */
	assert_true(key_shown(f, "N"));
	press_key(f, "N");
	type_text(f, "ur");
	assert_string_equal(s.buf, "Siti Nur");
	assert_string_equal(shown_value(f), "Siti Nur");
}

static void test_name_shift_back_after_deleting_everything(void **state)
{
	fx *f = *state;
	field_scene s;
	field_start(f, &s, "gallery.name", UI_KBD_NAME, 64, 60, "");
	tap_field_box(f, -8);
	press_key(f, "A");
	press_special(f, "kbd.backspace");
	assert_string_equal(s.buf, "");
	/* The name is empty again: its first letter must again be a capital. */
	if (!key_shown(f, "B"))
		fail_msg("NAME keyboard: after deleting the whole name the keys show lower case; "
			 "the retyped first letter would be small");
}

static void test_name_no_capital_after_deleting_a_space(void **state)
{
	fx *f = *state;
	field_scene s;
	field_start(f, &s, "gallery.name", UI_KBD_NAME, 64, 60, "");
	tap_field_box(f, -8);
	press_key(f, "S");
	type_text(f, "iti ");
	press_special(f, "kbd.backspace");
	assert_string_equal(s.buf, "Siti");
	/* The cursor is inside a word again: no capital. */
	if (!key_shown(f, "a"))
		fail_msg("NAME keyboard: after deleting a space the keys still show capitals; "
			 "the next letter would be a capital inside \"Siti\"");
}

static void test_text_keyboard_shift_is_one_shot(void **state)
{
	fx *f = *state;
	field_scene s;
	field_start(f, &s, "gallery.name", UI_KBD_TEXT, 64, 60, "");
	tap_field_box(f, -8);
	assert_true(key_shown(f, "a"));
	assert_false(key_shown(f, "A"));
	const char *shift_label = ui_tr(f->u, "kbd.shift");
	assert_false(must_find_label(f, UI_ROLE_KEY, shift_label)->flags & UI_W_CHECKED);

	press_special(f, "kbd.shift");
	assert_true(must_find_label(f, UI_ROLE_KEY, shift_label)->flags & UI_W_CHECKED);
	assert_true(key_shown(f, "A"));
	press_key(f, "A");
	/* One capital only. */
	assert_false(must_find_label(f, UI_ROLE_KEY, shift_label)->flags & UI_W_CHECKED);
	assert_true(key_shown(f, "b"));
	assert_false(key_shown(f, "B"));
	press_key(f, "b");
	assert_string_equal(s.buf, "Ab");
	assert_string_equal(shown_value(f), "Ab");
}

static void test_backspace_removes_whole_code_point(void **state)
{
	fx *f = *state;
	field_scene s;
	field_start(f, &s, "gallery.name", UI_KBD_TEXT, 64, 60, ZOE);
	assert_string_equal(shown_value(f), ZOE);
	tap_field_box(f, -8); /* far right: cursor at the end */
	press_special(f, "kbd.backspace");
	assert_string_equal(s.buf, "Zo"); /* not "Zo\xC3": no half character left */
	assert_string_equal(shown_value(f), "Zo");
	press_special(f, "kbd.backspace");
	press_special(f, "kbd.backspace");
	assert_string_equal(s.buf, "");
	press_special(f, "kbd.backspace"); /* nothing left to delete */
	assert_string_equal(s.buf, "");
	assert_canary(&s);
}

static void test_backspace_inside_text(void **state)
{
	fx *f = *state;
	field_scene s;
	field_start(f, &s, "gallery.name", UI_KBD_TEXT, 64, 60, ZOE);
	/* Tap right after "Zo" (2 code points of 16 px after the box padding). */
	tap_field_box(f, f->th.gap + 32);
	press_special(f, "kbd.backspace");
	assert_string_equal(s.buf, "Z\xC3\xAB"); /* Zë */
	press_key(f, "a");
	assert_string_equal(s.buf, "Za\xC3\xAB"); /* Zaë */
	assert_string_equal(shown_value(f), "Za\xC3\xAB");
}

static void test_nik_keypad_digits_and_cap(void **state)
{
	fx *f = *state;
	field_scene s;
	field_start(f, &s, "gallery.nik", UI_KBD_NIK, 17, 16, "");
	tap_field_box(f, -8);
	/* Only digit keys type anything. */
	int digits = 0;
	for (size_t i = 0; i < ui_widget_count(f->u); i++) {
		const ui_widget *w = ui_widget_at(f->u, i);
		if (w->role != UI_ROLE_KEY || !w->value[0])
			continue;
		if (strlen(w->value) != 1 || w->value[0] < '0' || w->value[0] > '9')
			fail_msg("the NIK keypad has a key typing \"%s\"", w->value);
		digits++;
	}
	assert_int_equal(digits, 10);
	type_text(f, "12345678901234567"); /* one too many */
	assert_string_equal(s.buf, "1234567890123456");
	assert_string_equal(shown_value(f), "1234567890123456");
	assert_canary(&s);
	/* Back to 15: one more fits again. */
	press_special(f, "kbd.backspace");
	press_key(f, "9");
	assert_string_equal(s.buf, "1234567890123459");
}

static void test_phone_plus_only_first(void **state)
{
	fx *f = *state;
	field_scene s;
	field_start(f, &s, "gallery.phone", UI_KBD_PHONE, 20, 15, "");
	tap_field_box(f, -8);
	type_text(f, "+62812");
	assert_string_equal(s.buf, "+62812");
	press_key(f, "+");
	assert_string_equal(s.buf, "+62812");
	assert_string_equal(shown_value(f), "+62812");

	/* A number started without '+' cannot get one later. */
	field_start(f, &s, "gallery.phone", UI_KBD_PHONE, 20, 15, "");
	tap_field_box(f, -8);
	type_text(f, "0812");
	press_key(f, "+");
	assert_string_equal(s.buf, "0812");
	assert_canary(&s);
}

static void test_phone_plus_stays_first(void **state)
{
	fx *f = *state;
	field_scene s;
	field_start(f, &s, "gallery.phone", UI_KBD_PHONE, 20, 15, "+62");
	tap_field_box(f, 1); /* far left: the cursor goes before the '+' */
	press_key(f, "8");
	if (s.buf[0] != '+' || strchr(s.buf + 1, '+'))
		fail_msg("PHONE keypad: a digit typed before the leading '+' gives \"%s\"; "
			 "'+' must stay the first character",
			 s.buf);
}

static void test_email_layout(void **state)
{
	fx *f = *state;
	field_scene s;
	field_start(f, &s, "gallery.email", UI_KBD_EMAIL, 64, 60, "");
	tap_field_box(f, -8);
	assert_true(key_shown(f, "@"));
	assert_true(key_shown(f, ".com"));
	assert_true(key_shown(f, ".go.id"));
	assert_true(key_shown(f, "."));
	assert_true(key_shown(f, "_"));
	assert_true(key_shown(f, "-"));
	/* Addresses are lower case: no shift key, no capitals. */
	assert_null(find_label(f, UI_ROLE_KEY, ui_tr(f->u, "kbd.shift")));
	assert_false(key_shown(f, "A"));

	type_text(f, "siti");
	press_key(f, "@");
	type_text(f, "kemenag");
	press_key(f, "@"); /* a second '@' is refused */
	press_key(f, ".go.id");
	assert_string_equal(s.buf, "siti@kemenag.go.id");
	assert_string_equal(shown_value(f), "siti@kemenag.go.id");
	press_key(f, "@");
	assert_string_equal(s.buf, "siti@kemenag.go.id");
}

static void test_capacity_never_exceeded(void **state)
{
	fx *f = *state;
	field_scene s;
	/* 6 bytes: "Zoë" is 4, one more ASCII letter and the NUL fill it. */
	field_start(f, &s, "gallery.name", UI_KBD_TEXT, 6, 60, ZOE);
	tap_field_box(f, -8);
	press_key(f, "a");
	assert_string_equal(s.buf, ZOE "a");
	type_text(f, "bc");
	assert_string_equal(s.buf, ZOE "a");
	press_key(f, " ");
	assert_string_equal(s.buf, ZOE "a");
	assert_string_equal(shown_value(f), ZOE "a");
	assert_canary(&s);

	/* Multi-byte keys: ".go.id" does not fit in 8 bytes after "a@b",
	 * ".com" exactly does. */
	field_start(f, &s, "gallery.email", UI_KBD_EMAIL, 8, 60, "a@b");
	tap_field_box(f, -8);
	press_key(f, ".go.id");
	assert_string_equal(s.buf, "a@b");
	press_key(f, ".com");
	assert_string_equal(s.buf, "a@b.com");
	press_key(f, "x");
	assert_string_equal(s.buf, "a@b.com");
	assert_canary(&s);
}

static void test_max_chars_counts_code_points(void **state)
{
	fx *f = *state;
	field_scene s;
	field_start(f, &s, "gallery.name", UI_KBD_TEXT, 64, 4, ZOE);
	tap_field_box(f, -8);
	press_key(f, "a"); /* 4 characters in 5 bytes: allowed */
	assert_string_equal(s.buf, ZOE "a");
	press_key(f, "b");
	assert_string_equal(s.buf, ZOE "a");
}

/* ---- finger scrolling --------------------------------------------------------- */

enum { ROWS = 20, ROW_H = 100 };
static const ui_rect VIEW = {48, 200, 984, 500};

typedef struct scroll_scene {
	int clicks[ROWS];
} scroll_scene;

static void draw_scroll(fx *f)
{
	scroll_scene *s = f->scene;
	ui_rect c = ui_scroll_begin(f->u, "gallery.list", VIEW);
	for (int i = 0; i < ROWS; i++) {
		char n[12];
		snprintf(n, sizeof n, "%d", i);
		const char *args[1] = {n};
		ui_push_id(f->u, (uint32_t)i);
		ui_rect r = {c.x, c.y + i * ROW_H, c.w, ROW_H - 10};
		if (ui_button_ex(f->u, "gallery.row", ui_trf(f->u, "gallery.row", args, 1), NULL, r,
				 UI_BTN_SECONDARY, true))
			s->clicks[i]++;
		ui_pop_id(f->u);
	}
	ui_scroll_end(f->u, ROWS * ROW_H);
}

/* Row I's button in the last frame, or NULL when it is not listed. */
static const ui_widget *row(const fx *f, int i)
{
	char label[64];
	snprintf(label, sizeof label, "Baris contoh %d", i);
	return find_label(f, UI_ROLE_BUTTON, label);
}

/* The rows listed, as a bit set, and each listed row inside the view. */
static uint32_t listed_rows(const fx *f)
{
	uint32_t set = 0;
	for (int i = 0; i < ROWS; i++) {
		const ui_widget *w = row(f, i);
		if (!w)
			continue;
		set |= 1u << i;
		assert_true(w->r.y >= VIEW.y && w->r.y + w->r.h <= VIEW.y + VIEW.h);
		assert_true(w->r.h > 0);
	}
	return set;
}

static uint32_t rows_from_to(int first, int last)
{
	uint32_t set = 0;
	for (int i = first; i <= last; i++)
		set |= 1u << i;
	return set;
}

static int total_clicks(const scroll_scene *s)
{
	int n = 0;
	for (int i = 0; i < ROWS; i++)
		n += s->clicks[i];
	return n;
}

/* A finger drag from (X, Y0) by DY, in steps, then lifted. */
static void drag(fx *f, int x, int y0, int dy)
{
	event(f, UI_PTR_DOWN, x, y0);
	for (int k = 1; k <= 4; k++)
		event(f, UI_PTR_MOVE, x, y0 + dy * k / 4);
	event(f, UI_PTR_UP, x, y0 + dy);
	frame(f);
}

static void test_scroll_drag_scrolls_and_never_taps(void **state)
{
	fx *f = *state;
	scroll_scene s = {{0}};
	f->draw = draw_scroll;
	f->scene = &s;
	frame(f);
	frame(f);
	must_find_label(f, UI_ROLE_LIST, "Daftar contoh");
	/* 500 px of view, rows every 100 px: rows 0..4 listed, no others. */
	assert_int_equal(listed_rows(f), rows_from_to(0, 4));
	assert_int_equal(row(f, 0)->r.y, VIEW.y);

	/* The finger goes down on row 4, wobbles 20 px (still a tap), then
	 * drags the list up by 300 px and lifts. */
	int x = 540, y = VIEW.y + 4 * ROW_H + 45;
	event(f, UI_PTR_DOWN, x, y);
	assert_true(row(f, 4)->flags & UI_W_PRESSED);
	event(f, UI_PTR_MOVE, x, y - 20);
	assert_int_equal(row(f, 0)->r.y, VIEW.y); /* not scrolled yet */
	event(f, UI_PTR_MOVE, x, y - 150);
	event(f, UI_PTR_MOVE, x, y - 300);
	/* Scrolling: the row under the finger no longer looks pressed. */
	assert_false(row(f, 4)->flags & UI_W_PRESSED);
	event(f, UI_PTR_UP, x, y - 300);
	frame(f);

	assert_int_equal(total_clicks(&s), 0);
	assert_int_equal(listed_rows(f), rows_from_to(3, 7));
	assert_int_equal(row(f, 3)->r.y, VIEW.y);
	assert_int_equal(row(f, 4)->r.y, VIEW.y + ROW_H);

	/* The position stays after the finger lifts. */
	frame(f);
	assert_int_equal(listed_rows(f), rows_from_to(3, 7));

	/* And rows there tap normally. */
	tap_widget(f, row(f, 5));
	assert_int_equal(s.clicks[5], 1);
	assert_int_equal(total_clicks(&s), 1);
}

static void test_scroll_small_wobble_is_a_tap(void **state)
{
	fx *f = *state;
	scroll_scene s = {{0}};
	f->draw = draw_scroll;
	f->scene = &s;
	frame(f);
	int x = 540, y = VIEW.y + 2 * ROW_H + 45;
	event(f, UI_PTR_DOWN, x, y);
	event(f, UI_PTR_MOVE, x, y + 10);
	event(f, UI_PTR_MOVE, x, y + 20);
	event(f, UI_PTR_UP, x, y + 20);
	frame(f);
	assert_int_equal(s.clicks[2], 1);
	assert_int_equal(total_clicks(&s), 1);
	assert_int_equal(row(f, 0)->r.y, VIEW.y);
}

static void test_scroll_offset_clamped(void **state)
{
	fx *f = *state;
	scroll_scene s = {{0}};
	f->draw = draw_scroll;
	f->scene = &s;
	frame(f);

	/* Pulling down at the top: nothing above row 0. */
	drag(f, 540, VIEW.y + 100, 400);
	assert_int_equal(listed_rows(f), rows_from_to(0, 4));
	assert_int_equal(row(f, 0)->r.y, VIEW.y);

	/* Flinging far up: the last row ends at the bottom of the view. */
	drag(f, 540, VIEW.y + 450, -5000);
	assert_int_equal(listed_rows(f), rows_from_to(15, 19));
	assert_int_equal(row(f, 19)->r.y, VIEW.y + VIEW.h - ROW_H);
	assert_int_equal(row(f, 15)->r.y, VIEW.y);

	/* The stored offset is the clamped one: 100 px down shows row 14. */
	drag(f, 540, VIEW.y + 100, 100);
	assert_int_equal(listed_rows(f), rows_from_to(14, 18));
	assert_int_equal(row(f, 14)->r.y, VIEW.y);
	assert_int_equal(total_clicks(&s), 0);
}

/* ---- wiping typed personal data -------------------------------------------- */

static const char SECRET[] = "3171234567890123"; /* a made-up NIK */

/* Does any 8-byte piece of SECRET lie in the N bytes at P? */
static bool holds_secret(const void *p, size_t n)
{
	size_t len = strlen(SECRET);
	for (size_t i = 0; i + 8 <= len; i++)
		if (memmem(p, n, SECRET + i, 8))
			return true;
	return false;
}

static void test_wipe_leaves_no_typed_text(void **state)
{
	fx *f = *state;
	field_scene s;
	field_start(f, &s, "gallery.nik", UI_KBD_NIK, 17, 16, "");
	tap_field_box(f, -8);
	type_text(f, SECRET);
	frame(f);
	assert_string_equal(s.buf, SECRET);
	const ui_widget *w = field_widget(f);
	assert_string_equal(w->value, SECRET);
	const char *old_value = w->value; /* points into the context's arena */

	/* The whole allocation of the (opaque) context. */
	const unsigned char *mem = (const unsigned char *)f->u;
	size_t size = malloc_usable_size(f->u);
	assert_true(size > 0);
	assert_true(old_value >= (const char *)mem && old_value < (const char *)mem + size);
	assert_true(holds_secret(mem, size)); /* the check can see it */

	ui_wipe(f->u);
	assert_int_equal(ui_widget_count(f->u), 0);
	assert_int_equal(ui_cmd_count(f->u), 0);
	assert_false(ui_keyboard_wanted(f->u));
	for (size_t i = 0; i < sizeof SECRET; i++)
		assert_int_equal(old_value[i], 0);
	if (holds_secret(mem, size))
		fail_msg("part of the typed NIK is still in the ui context after ui_wipe");

	/* The session wipes its own buffers; the next frame must be redrawn
	 * (the screen still shows the old one) and shows nothing typed. */
	explicit_bzero(s.buf, sizeof s.buf);
	assert_true(frame(f));
	assert_string_equal(shown_value(f), "");
	assert_false(field_widget(f)->flags & UI_W_FOCUSED);
	assert_int_equal(count_role(f, UI_ROLE_KEY), 0);
	assert_false(holds_secret(mem, size));
}

/* ---- text helpers, steps, checkbox, choice ------------------------------------ */

static void test_trf_placeholders(void **state)
{
	fx *f = *state;
	ui_begin(f->u, 1);
	const char *sec[] = {"20"};
	assert_string_equal(ui_trf(f->u, "idle.body", sec, 1),
			    "Sesi Anda akan berakhir dalam 20 detik dan data yang sudah diisi "
			    "akan dihapus.");
	const char *two[] = {"3", "5"};
	assert_string_equal(ui_trf(f->u, "ui.steps", two, 2), "Langkah 3 dari 5");
	/* A missing or NULL argument becomes empty text. */
	assert_string_equal(ui_trf(f->u, "ui.steps", two, 1), "Langkah 3 dari ");
	const char *null_first[] = {NULL, "5"};
	assert_string_equal(ui_trf(f->u, "ui.steps", null_first, 2), "Langkah  dari 5");
	/* Arguments are copied as they are, never expanded again. */
	const char *tricky[] = {"{2}", "x"};
	assert_string_equal(ui_trf(f->u, "ui.steps", tricky, 2), "Langkah {2} dari x");
	/* Text without placeholders is copied unchanged. */
	assert_string_equal(ui_trf(f->u, "idle.title", NULL, 0), "Masih di sana?");
	/* A huge argument is cut, not overflowed. */
	char big[3000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	const char *huge[] = {big, "6"};
	const char *t = ui_trf(f->u, "ui.steps", huge, 2);
	assert_true(strncmp(t, "Langkah aaaa", 12) == 0);
	assert_true(strlen(t) < 1024);

	ui_set_lang(f->u, CAT_EN);
	assert_string_equal(ui_trf(f->u, "idle.body", sec, 1),
			    "Your session will end in 20 seconds and everything you entered "
			    "will be erased.");
	assert_string_equal(ui_trf(f->u, "ui.steps", two, 2), "Step 3 of 5");
	ui_end(f->u);
}

static void draw_steps(fx *f) { ui_steps(f->u, (ui_rect){48, 100, 984, 80}, 2, 6); }

static void test_steps_label(void **state)
{
	fx *f = *state;
	f->draw = draw_steps;
	frame(f);
	assert_int_equal(count_role(f, UI_ROLE_STEPS), 1);
	uint32_t id = must_find_label(f, UI_ROLE_STEPS, "Langkah 2 dari 6")->id;
	ui_set_lang(f->u, CAT_EN);
	frame(f);
	assert_null(find_label(f, UI_ROLE_STEPS, "Langkah 2 dari 6"));
	assert_true(must_find_label(f, UI_ROLE_STEPS, "Step 2 of 6")->id == id);
}

typedef struct check_scene {
	bool agree;
	bool changed; /* returned this frame */
	int changes;
} check_scene;

static void draw_checkbox(fx *f)
{
	check_scene *s = f->scene;
	s->changed = ui_checkbox(f->u, "gallery.agree", &s->agree, (ui_rect){48, 300, 984, 90});
	s->changes += s->changed;
}

static void test_checkbox_toggles(void **state)
{
	fx *f = *state;
	check_scene s = {false, false, 0};
	f->draw = draw_checkbox;
	f->scene = &s;
	frame(f);
	const char *label = "Saya setuju data saya digunakan untuk layanan ini";
	const ui_widget *w = must_find_label(f, UI_ROLE_CHECKBOX, label);
	assert_false(w->flags & UI_W_CHECKED);
	assert_true(w->r.h >= f->th.touch_min);
	int x = w->r.x + w->r.w / 2, y = w->r.y + w->r.h / 2;

	event(f, UI_PTR_DOWN, x, y);
	assert_false(s.agree);
	event(f, UI_PTR_UP, x, y);
	assert_true(s.changed);
	assert_true(s.agree);
	frame(f);
	assert_false(s.changed);
	assert_true(must_find_label(f, UI_ROLE_CHECKBOX, label)->flags & UI_W_CHECKED);

	tap(f, x, y);
	assert_false(s.agree);
	assert_false(must_find_label(f, UI_ROLE_CHECKBOX, label)->flags & UI_W_CHECKED);
	assert_int_equal(s.changes, 2);
}

typedef struct choice_scene {
	int selected;
} choice_scene;

static const char *const OPTIONS[] = {"gallery.opt_name", "gallery.opt_position",
				      "gallery.opt_email"};

static void draw_choice(fx *f)
{
	choice_scene *s = f->scene;
	ui_rect r = {48, 300, 984, ui_choice_height(f->u, 3)};
	ui_choice(f->u, "gallery.choice", OPTIONS, 3, &s->selected, r);
}

/* The CHOICE widgets' checked states as a bit set. */
static unsigned checked_options(const fx *f)
{
	unsigned set = 0;
	for (int i = 0; i < 3; i++) {
		const ui_widget *w = must_find_label(f, UI_ROLE_CHOICE, ui_tr(f->u, OPTIONS[i]));
		if (w->flags & UI_W_CHECKED)
			set |= 1u << i;
	}
	return set;
}

static void test_choice_selects_one(void **state)
{
	fx *f = *state;
	choice_scene s = {-1};
	f->draw = draw_choice;
	f->scene = &s;
	frame(f);
	assert_int_equal(count_role(f, UI_ROLE_CHOICE), 3);
	assert_int_equal(checked_options(f), 0);
	uint32_t id0 = must_find_label(f, UI_ROLE_CHOICE, "Nama")->id;
	uint32_t id1 = must_find_label(f, UI_ROLE_CHOICE, "Jabatan")->id;
	assert_true(id0 != id1);

	tap_widget(f, must_find_label(f, UI_ROLE_CHOICE, "Jabatan"));
	assert_int_equal(s.selected, 1);
	assert_int_equal(checked_options(f), 1u << 1);

	tap_widget(f, must_find_label(f, UI_ROLE_CHOICE, "Alamat e-mail baru"));
	assert_int_equal(s.selected, 2);
	assert_int_equal(checked_options(f), 1u << 2);
}

#define UT(t) cmocka_unit_test_setup_teardown(t, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		UT(test_tap_clicks_once_on_release),
		UT(test_press_inside_release_outside),
		UT(test_press_outside_release_inside),
		UT(test_disabled_button_never_clicks),
		UT(test_widget_list_follows_language),
		UT(test_end_reports_changes),
		UT(test_modal_makes_background_inert),
		UT(test_field_focus_value_and_done),
		UT(test_name_keyboard_autoshift),
		UT(test_name_shift_back_after_deleting_everything),
		UT(test_name_no_capital_after_deleting_a_space),
		UT(test_text_keyboard_shift_is_one_shot),
		UT(test_backspace_removes_whole_code_point),
		UT(test_backspace_inside_text),
		UT(test_nik_keypad_digits_and_cap),
		UT(test_phone_plus_only_first),
		UT(test_phone_plus_stays_first),
		UT(test_email_layout),
		UT(test_capacity_never_exceeded),
		UT(test_max_chars_counts_code_points),
		UT(test_scroll_drag_scrolls_and_never_taps),
		UT(test_scroll_small_wobble_is_a_tap),
		UT(test_scroll_offset_clamped),
		UT(test_wipe_leaves_no_typed_text),
		UT(test_trf_placeholders),
		UT(test_steps_label),
		UT(test_checkbox_toggles),
		UT(test_choice_selects_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
