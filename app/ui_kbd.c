/*
 * ui_kbd: text fields and the on-screen keyboards that edit them.
 *
 * A field registers its buffer with the context every frame while it has the
 * focus; the keyboard, drawn later in the same frame, edits that buffer at the
 * cursor. Layouts are static tables: alphabetic with shift (plus a digits row
 * and the punctuation names need), a numeric keypad for NIK, a keypad with +
 * for phone numbers, an e-mail layout with @ and domain keys, and the ticket
 * alphabet. Each key is
 * a widget of role KEY whose value is the text it types, so the scenario
 * runner types by tapping keys, never by writing into buffers.
 *
 * Editing is UTF-8 aware: the cursor sits on code-point boundaries and
 * backspace removes one whole code point. Temporary copies of typed text made
 * for measuring are wiped before they go out of scope.
 */
#include <string.h>

#include "ticket.h"
#include "ui_internal.h"

typedef enum { K_CHAR, K_SHIFT, K_BACK, K_SPACE, K_DONE } key_act;

typedef struct kdef {
	const char *lower; /* text typed (and shown); also the key's id */
	const char *upper; /* with shift; NULL = same as lower */
	key_act act;
	int units; /* width in half keys */
} kdef;

#define KC(l, u_) {l, u_, K_CHAR, 2}
#define KD(s) {s, NULL, K_CHAR, 2}

static const kdef row_digits[] = {KD("1"), KD("2"), KD("3"), KD("4"), KD("5"),
				  KD("6"), KD("7"), KD("8"), KD("9"), KD("0")};
static const kdef row_qwerty[] = {KC("q", "Q"), KC("w", "W"), KC("e", "E"), KC("r", "R"),
				  KC("t", "T"), KC("y", "Y"), KC("u", "U"), KC("i", "I"),
				  KC("o", "O"), KC("p", "P")};
static const kdef row_asdf[] = {KC("a", "A"), KC("s", "S"), KC("d", "D"), KC("f", "F"),
				KC("g", "G"), KC("h", "H"), KC("j", "J"), KC("k", "K"),
				KC("l", "L"), KD("'")};
static const kdef row_zxcv[] = {{"kbd.shift", NULL, K_SHIFT, 3},
				KC("z", "Z"), KC("x", "X"), KC("c", "C"), KC("v", "V"),
				KC("b", "B"), KC("n", "N"), KC("m", "M"),
				{"kbd.backspace", NULL, K_BACK, 3}};
static const kdef row_alpha_bottom[] = {KD("-"), KD("."), {"kbd.space", NULL, K_SPACE, 10}, KD(","),
					{"kbd.done", NULL, K_DONE, 4}};

static const kdef row_email_asdf[] = {KD("a"), KD("s"), KD("d"), KD("f"), KD("g"),
				      KD("h"), KD("j"), KD("k"), KD("l"), KD("_")};
static const kdef row_email_zxcv[] = {KD("z"), KD("x"), KD("c"), KD("v"), KD("b"),
				      KD("n"), KD("m"), KD("-"), {"kbd.backspace", NULL, K_BACK, 4}};
static const kdef row_email_bottom[] = {KD("@"), KD("."), {".com", NULL, K_CHAR, 4},
					{".go.id", NULL, K_CHAR, 4}, {".co.id", NULL, K_CHAR, 4},
					{"kbd.done", NULL, K_DONE, 4}};
static const kdef row_email_qwerty[] = {KD("q"), KD("w"), KD("e"), KD("r"), KD("t"),
					KD("y"), KD("u"), KD("i"), KD("o"), KD("p")};

static const kdef row_p123[] = {KD("1"), KD("2"), KD("3")};
static const kdef row_p456[] = {KD("4"), KD("5"), KD("6")};
static const kdef row_p789[] = {KD("7"), KD("8"), KD("9")};
static const kdef row_nik_last[] = {{"kbd.backspace", NULL, K_BACK, 2}, KD("0"),
				    {"kbd.done", NULL, K_DONE, 2}};
static const kdef row_phone_last[] = {KD("+"), KD("0"), {"kbd.backspace", NULL, K_BACK, 2}};
static const kdef row_phone_done[] = {{"kbd.done", NULL, K_DONE, 6}};

/* Ticket numbers: only the ticket alphabet (no 0/O, 1/I/L), in upper case. */
static const kdef row_t1[] = {KD("2"), KD("3"), KD("4"), KD("5"), KD("6"), KD("7"), KD("8"), KD("9")};
static const kdef row_t2[] = {KD("A"), KD("B"), KD("C"), KD("D"), KD("E"), KD("F"), KD("G"), KD("H")};
static const kdef row_t3[] = {KD("J"), KD("K"), KD("M"), KD("N"), KD("P"), KD("Q"), KD("R"), KD("S")};
static const kdef row_t4[] = {KD("T"), KD("U"), KD("V"), KD("W"), KD("X"), KD("Y"), KD("Z"),
			      {"kbd.backspace", NULL, K_BACK, 2}};
static const kdef row_t5[] = {KD("-"), {"kbd.done", NULL, K_DONE, 6}};

typedef struct krow {
	const kdef *keys;
	int n;
} krow;

#define ROW(a) {a, (int)(sizeof a / sizeof a[0])}

static const krow layout_alpha[] = {ROW(row_digits), ROW(row_qwerty), ROW(row_asdf), ROW(row_zxcv),
				    ROW(row_alpha_bottom)};
static const krow layout_email[] = {ROW(row_digits), ROW(row_email_qwerty), ROW(row_email_asdf),
				    ROW(row_email_zxcv), ROW(row_email_bottom)};
static const krow layout_nik[] = {ROW(row_p123), ROW(row_p456), ROW(row_p789), ROW(row_nik_last)};
static const krow layout_ticket[] = {ROW(row_t1), ROW(row_t2), ROW(row_t3), ROW(row_t4),
				     ROW(row_t5)};
static const krow layout_phone[] = {ROW(row_p123), ROW(row_p456), ROW(row_p789),
				    ROW(row_phone_last), ROW(row_phone_done)};

static const krow *layout_for(ui_kbd_kind kind, int *nrows, bool *keypad)
{
	*keypad = false;
	switch (kind) {
	case UI_KBD_NIK:
		*keypad = true;
		*nrows = 4;
		return layout_nik;
	case UI_KBD_PHONE:
		*keypad = true;
		*nrows = 5;
		return layout_phone;
	case UI_KBD_EMAIL:
		*nrows = 5;
		return layout_email;
	case UI_KBD_TICKET:
		*nrows = 5;
		return layout_ticket;
	case UI_KBD_TEXT:
	case UI_KBD_NAME:
	default:
		*nrows = 5;
		return layout_alpha;
	}
}

/* ---- UTF-8 helpers ------------------------------------------------------ */

static bool is_cont(unsigned char c) { return (c & 0xC0) == 0x80; }

static int utf8_count(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += !is_cont((unsigned char)*s);
	return n;
}

static size_t utf8_prev(const char *s, size_t at)
{
	while (at > 0 && is_cont((unsigned char)s[--at]))
		;
	return at;
}

static size_t utf8_next(const char *s, size_t at)
{
	if (!s[at])
		return at;
	at++;
	while (s[at] && is_cont((unsigned char)s[at]))
		at++;
	return at;
}

/* Width of the first N bytes of S. The copy may hold personal data: wiped. */
static int prefix_width(ui *u, ui_font f, const char *s, size_t n)
{
	char tmp[512];
	if (n >= sizeof tmp)
		n = sizeof tmp - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	int w = 0, h = 0;
	if (n)
		ui_measure(u, f, tmp, 0, &w, &h);
	explicit_bzero(tmp, sizeof tmp);
	return w;
}

/* ---- fields -------------------------------------------------------------- */

static int line_h(const ui *u, ui_font f)
{
	int w, h;
	u->measure(u->measure_user, f, "Ag", 0, &w, &h);
	return h;
}

int ui_field_height(const ui *u)
{
	const theme *th = u->th;
	return line_h(u, UI_FONT_STRONG) + th->gap_small + th->field_box_h + th->gap_small +
	       line_h(u, UI_FONT_SMALL);
}

static void place_caret(ui *u, const char *buf, int tap_x)
{
	size_t best = 0, at = 0;
	int best_d = tap_x < 0 ? -tap_x : tap_x;
	while (buf[at]) {
		at = utf8_next(buf, at);
		int d = prefix_width(u, UI_FONT_BODY, buf, at) - tap_x;
		if (d < 0)
			d = -d;
		if (d <= best_d) {
			best_d = d;
			best = at;
		}
	}
	u->caret = best;
}

/*
 * Scroll the innermost scroll region so R is fully visible: the keyboard has
 * just taken the lower part of the screen and the person must see what they
 * type. Done once per focus, so the person can still scroll away.
 */
void ui_scroll_into_view(ui *u, ui_rect r)
{
	if (u->nscroll == 0)
		return;
	ui_scroll_state *st = &u->scroll[u->scroll_cur[u->nscroll - 1]];
	ui_rect view = u->clip[u->nclip - 1];
	int margin = u->th->gap;
	int delta = 0;
	if (r.y + r.h + margin > view.y + view.h)
		delta = r.y + r.h + margin - (view.y + view.h);
	if (r.y - delta - margin < view.y)
		delta = r.y - margin - view.y;
	if (delta) {
		st->offset += delta; /* clamped by ui_scroll_begin next frame */
		u->frame_req = true;
	}
}

static void reveal(ui *u, ui_rect r)
{
	ui_scroll_into_view(u, r);
	u->reveal = false;
}

int ui_field(ui *u, const char *key, char *buf, size_t cap, int max_chars, ui_kbd_kind kind,
	     ui_rect r, const char *hint_key, const char *error_key)
{
	return ui_field_ex(u, key, buf, cap, max_chars, kind, r, hint_key, error_key, NULL);
}

int ui_field_ex(ui *u, const char *key, char *buf, size_t cap, int max_chars, ui_kbd_kind kind,
		ui_rect r, const char *hint_key, const char *error_key, const char *warning_key)
{
	const theme *th = u->th;
	uint32_t id = ui_id(u, key);
	const char *caption = ui_tr(u, key);
	int cap_h = line_h(u, UI_FONT_STRONG);
	ui_emit_text(u, (ui_rect){r.x, r.y, r.w, cap_h}, caption, UI_FONT_STRONG, th->color.text,
		     UI_ALIGN_LEFT);
	ui_rect box = {r.x, r.y + cap_h + th->gap_small, r.w, th->field_box_h};
	int pad = th->gap;

	/* The caption is part of the target, as a label is on the web: more
	 * surface for a finger. */
	ui_rect target = {r.x, r.y, r.w, box.y + box.h - r.y};
	ui_hit hit = ui_interact(u, id, target, true);
	if (hit.clicked) {
		if (u->focus != id)
			u->shift = false;
		u->focus = id;
		u->reveal = true;
		place_caret(u, buf, u->py < box.y ? 1 << 20 : u->px - (box.x + pad));
		if (kind == UI_KBD_NAME)
			u->shift = u->caret == 0 || buf[u->caret - 1] == ' ';
	}
	bool focused = u->focus == id;
	if (focused) {
		u->focus_seen = true;
		u->fbuf = buf;
		u->fcap = cap;
		u->fmax = max_chars;
		u->fkind = kind;
		size_t len = strlen(buf);
		if (u->caret > len)
			u->caret = len;
		while (u->caret > 0 && is_cont((unsigned char)buf[u->caret]))
			u->caret--;
	}

	ui_draw_rect(u, box, th->color.surface, th->radius);
	ui_color edge = error_key ? th->color.danger : focused ? th->color.primary : th->color.border;
	ui_draw_frame(u, box, edge, th->radius, focused || error_key ? th->focus_ring : th->border);

	/* Content, scrolled left when the cursor would leave the box. */
	ui_rect inner = ui_inset(box, pad, 0);
	int text_h = line_h(u, UI_FONT_BODY);
	int caret_x = focused ? prefix_width(u, UI_FONT_BODY, buf, u->caret) : 0;
	int shift_x = caret_x > inner.w - 4 ? caret_x - (inner.w - 4) : 0;
	ui_push_clip(u, inner);
	const char *shown = ui_intern(u, buf);
	int ty = box.y + (box.h - text_h) / 2;
	ui_emit_text(u, (ui_rect){inner.x - shift_x, ty, 1 << 16, text_h}, shown, UI_FONT_BODY,
		     th->color.text, UI_ALIGN_LEFT);
	if (focused)
		ui_draw_rect(u, (ui_rect){inner.x + caret_x - shift_x, ty + 4, 3, text_h - 8},
			     th->color.primary, 0);
	ui_pop_clip(u);

	/* Hint or error under the box, and a character counter for capped fields. */
	int hy = box.y + box.h + th->gap_small, small_h = line_h(u, UI_FONT_SMALL);
	int counter_w = 0;
	if (max_chars > 0 && max_chars <= 64) {
		char cnt[24];
		snprintf(cnt, sizeof cnt, "%d/%d", utf8_count(buf), max_chars);
		int ch;
		ui_measure(u, UI_FONT_SMALL, cnt, 0, &counter_w, &ch);
		ui_rect cr = {r.x + r.w - counter_w, hy, counter_w, small_h};
		const char *ct = ui_intern(u, cnt);
		ui_emit_text(u, cr, ct, UI_FONT_SMALL, th->color.text_muted, UI_ALIGN_RIGHT);
		ui_record(u, id ^ 0x636e74u, UI_ROLE_TEXT, UI_W_ENABLED, cr, ct, NULL);
	}
	const char *under = error_key	? ui_tr(u, error_key)
			    : warning_key ? ui_tr(u, warning_key)
			    : hint_key	? ui_tr(u, hint_key)
					: NULL;
	ui_color under_c = error_key	 ? th->color.danger
			   : warning_key ? th->color.warning
					 : th->color.text_muted;
	int under_h = small_h;
	if (under) {
		int uw;
		ui_measure(u, UI_FONT_SMALL, under, r.w - counter_w - th->gap, &uw, &under_h);
		ui_rect ur = {r.x, hy, r.w - counter_w - th->gap, under_h};
		ui_emit_text(u, ur, under, UI_FONT_SMALL, under_c, UI_ALIGN_LEFT);
		ui_record(u, id ^ 0x68696eu, UI_ROLE_TEXT, UI_W_ENABLED, ur, under, NULL);
	}
	ui_record(u, id, UI_ROLE_FIELD, UI_W_ENABLED | (focused ? UI_W_FOCUSED : 0u), target, caption,
		  shown);
	/* Show the whole field, hint and counter included, above the keyboard;
	 * from the frame after the tap on, when the layout has made room for it. */
	if (focused && u->reveal && !hit.clicked)
		reveal(u, (ui_rect){r.x, r.y, r.w, hy + under_h - r.y});
	return hy + under_h - r.y;
}

bool ui_keyboard_wanted(const ui *u) { return u->focus != 0; }

bool ui_focused(const ui *u, const char *key) { return u->focus != 0 && u->focus == ui_id(u, key); }

void ui_unfocus(ui *u)
{
	u->focus = 0;
	u->fbuf = NULL;
	u->shift = false;
	u->frame_req = true;
}

int ui_keyboard_height(const ui *u, int w)
{
	(void)w;
	const theme *th = u->th;
	int nrows;
	bool keypad;
	layout_for(u->fkind, &nrows, &keypad);
	return nrows * th->key_h + (nrows - 1) * th->key_gap + 2 * th->gap;
}

/* Is TEXT allowed at the cursor of the focused field? */
static bool accepts(const ui *u, const char *text)
{
	size_t len = strlen(u->fbuf), n = strlen(text);
	if (len + n + 1 > u->fcap)
		return false;
	if (u->fmax > 0 && utf8_count(u->fbuf) + utf8_count(text) > u->fmax)
		return false;
	switch (u->fkind) {
	case UI_KBD_NIK:
		return n == 1 && text[0] >= '0' && text[0] <= '9';
	case UI_KBD_PHONE:
		/* '+' only as the first character, and nothing in front of it. */
		if (text[0] == '+')
			return u->caret == 0 && u->fbuf[0] != '+';
		if (u->caret == 0 && u->fbuf[0] == '+')
			return false;
		return n == 1 && text[0] >= '0' && text[0] <= '9';
	case UI_KBD_EMAIL:
		return !(text[0] == '@' && strchr(u->fbuf, '@'));
	case UI_KBD_TICKET:
		return n == 1 && (ticket_symbol_ok(text[0]) || (text[0] == '-' && !strchr(u->fbuf, '-')));
	case UI_KBD_TEXT:
	case UI_KBD_NAME:
	default:
		return true;
	}
}

static void apply_key(ui *u, const kdef *k, const char *typed)
{
	char *b = u->fbuf;
	switch (k->act) {
	case K_SHIFT:
		u->shift = !u->shift;
		break;
	case K_DONE:
		ui_unfocus(u);
		break;
	case K_BACK:
		if (u->caret > 0) {
			size_t from = utf8_prev(b, u->caret);
			memmove(b + from, b + u->caret, strlen(b + u->caret) + 1);
			u->caret = from;
		}
		/* Names: a capital is due again at the start and after a space. */
		if (u->fkind == UI_KBD_NAME)
			u->shift = u->caret == 0 || b[u->caret - 1] == ' ';
		break;
	case K_SPACE:
	case K_CHAR:
	default: {
		if (!accepts(u, typed))
			break;
		size_t n = strlen(typed), len = strlen(b);
		memmove(b + u->caret + n, b + u->caret, len - u->caret + 1);
		memcpy(b + u->caret, typed, n);
		u->caret += n;
		if (u->fkind == UI_KBD_NAME)
			u->shift = u->caret == 0 || b[u->caret - 1] == ' ';
		else
			u->shift = false; /* shift is one-shot, whatever was typed */
		break;
	}
	}
	u->frame_req = true;
}

void ui_keyboard(ui *u, ui_rect r)
{
	if (!u->focus || !u->fbuf)
		return;
	const theme *th = u->th;
	int nrows;
	bool keypad;
	const krow *rows = layout_for(u->fkind, &nrows, &keypad);

	ui_draw_rect(u, r, th->color.surface_alt, 0);
	ui_draw_rect(u, (ui_rect){r.x, r.y, r.w, 2}, th->color.border, 0);
	int kw_total = keypad ? 3 * 240 + 2 * th->key_gap : th->keyboard_max_w;
	if (kw_total > r.w - 2 * th->gap)
		kw_total = r.w - 2 * th->gap;
	int x0 = r.x + (r.w - kw_total) / 2, y = r.y + th->gap;

	ui_push_id(u, 0x6b626400u); /* "kbd" scope: key ids are stable across layouts */
	for (int ri = 0; ri < nrows; ri++, y += th->key_h + th->key_gap) {
		const krow *row = &rows[ri];
		int units = 0;
		for (int i = 0; i < row->n; i++)
			units += row->keys[i].units;
		int x = x0;
		for (int i = 0; i < row->n; i++) {
			const kdef *k = &row->keys[i];
			int w = (kw_total + th->key_gap) * k->units / units - th->key_gap;
			if (i == row->n - 1)
				w = x0 + kw_total - x;
			ui_rect kr = {x, y, w, th->key_h};
			x += w + th->key_gap;

			bool special = k->act != K_CHAR;
			const char *typed = k->act == K_SPACE ? " "
					    : (u->shift && k->upper) ? k->upper
								      : k->lower;
			const char *label = special && k->act != K_SPACE ? ui_tr(u, k->lower)
					    : k->act == K_SPACE		    ? ui_tr(u, k->lower)
									    : typed;
			uint32_t id = ui_id(u, k->lower);
			ui_hit hit = ui_interact(u, id, kr, true);
			bool on = k->act == K_SHIFT && u->shift;
			ui_color bg = hit.held ? th->color.key_pressed
				      : on     ? th->color.primary
				      : k->act == K_DONE ? th->color.primary
				      : special && k->act != K_SPACE ? th->color.key_special
								      : th->color.key_bg;
			ui_color fg = (on || k->act == K_DONE) && !hit.held ? th->color.text_inverse
									     : th->color.text;
			ui_draw_rect(u, kr, bg, th->radius / 2);
			if (k->act == K_SHIFT)
				ui_text_centered(u, kr, "\xE2\x87\xA7", UI_FONT_SYMBOL, fg); /* ⇧ */
			else if (k->act == K_BACK)
				ui_text_centered(u, kr, "\xE2\x8C\xAB", UI_FONT_SYMBOL, fg); /* ⌫ */
			else
				ui_text_centered(u, kr, label,
						 special || strlen(typed) > 1 ? UI_FONT_BUTTON
									      : UI_FONT_SUBTITLE,
						 fg);
			ui_record(u, id, UI_ROLE_KEY,
				  UI_W_ENABLED | (on ? UI_W_CHECKED : 0u) |
					  (hit.held ? UI_W_PRESSED : 0u),
				  kr, label, k->act == K_CHAR || k->act == K_SPACE ? typed : NULL);
			if (hit.clicked)
				apply_key(u, k, typed);
		}
	}
	ui_pop_id(u);
}
