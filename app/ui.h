/*
 * ui: the kiosk's immediate-mode widget layer (in the spirit of microui).
 *
 * A caller-owned context. Each frame the screens call widget functions in
 * drawing order; each call does three things at once: it handles the frame's
 * pointer input for that widget (a tap is a press and a release inside the
 * same widget; nothing depends on hover, touch panels have none), it appends
 * drawing commands to the frame's command list, and it records the widget
 * (id, role, label, value, rectangle, state) in the frame's widget list, which
 * the scenario runner reads and, later, text-to-speech will.
 *
 * This module knows nothing of SDL: text is measured through a callback and
 * the command list is executed by render.c. Coordinates are design pixels
 * (1080x1920 portrait or 1920x1080 landscape); the renderer scales.
 *
 * Labels are catalog keys: widgets look their text up in the current language,
 * and widget ids are hashed from the key (plus the id scope), so a widget keeps
 * its id when the language changes. Raw text (values from configuration or
 * from the person) goes through the *_text variants.
 *
 * Personal data typed into fields passes through the frame's text arena; call
 * ui_wipe() when a session ends to zero every buffer that may hold it.
 */
#ifndef KIOSK_UI_H
#define KIOSK_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cat.h"
#include "theme.h"

typedef struct ui ui;

typedef struct ui_rect {
	int x, y, w, h;
} ui_rect;

/* What a widget is, for the widget list. */
typedef enum {
	UI_ROLE_TEXT,     /* a label or paragraph */
	UI_ROLE_HEADING,  /* a title */
	UI_ROLE_BUTTON,   /* also large tap areas */
	UI_ROLE_FIELD,    /* text field: label = field name, value = content */
	UI_ROLE_KEY,      /* on-screen keyboard key: value = text it types */
	UI_ROLE_CHECKBOX,
	UI_ROLE_CHOICE,   /* one option of a single-choice list */
	UI_ROLE_LIST,     /* a finger-scrolled list (the container) */
	UI_ROLE_DIALOG,   /* a modal dialog: label = its title */
	UI_ROLE_PROGRESS, /* value = percent */
	UI_ROLE_SPINNER,
	UI_ROLE_STEPS,    /* step indicator: label = "Langkah 2 dari 6" */
	UI_ROLE_COUNT
} ui_role;

enum {
	UI_W_ENABLED = 1u << 0,
	UI_W_FOCUSED = 1u << 1,
	UI_W_CHECKED = 1u << 2,
	UI_W_INERT = 1u << 3, /* behind a modal dialog: cannot be tapped */
	UI_W_PRESSED = 1u << 4,
};

/* One entry of the widget list. Strings live in the frame's text arena. */
typedef struct ui_widget {
	uint32_t id;
	ui_role role;
	unsigned flags;
	ui_rect r; /* visible part, design pixels */
	const char *label;
	const char *value; /* "" when the role has none */
} ui_widget;

/* Drawing commands, executed in order by the renderer. */
typedef enum { UI_CMD_RECT, UI_CMD_TEXT, UI_CMD_CLIP } ui_cmd_type;

typedef enum { UI_ALIGN_LEFT = 0, UI_ALIGN_CENTER = 1, UI_ALIGN_RIGHT = 2 } ui_align;

typedef struct ui_cmd {
	ui_cmd_type type;
	ui_rect r;       /* RECT: the box; TEXT: origin + wrap width; CLIP: clip */
	ui_color color;
	int radius;      /* RECT: corner radius */
	int border;      /* RECT: 0 = filled, > 0 = outline width */
	ui_font font;    /* TEXT */
	ui_align align;  /* TEXT: alignment of wrapped lines inside r.w */
	const char *text; /* TEXT: in the frame arena */
} ui_cmd;

/* Text measurement, supplied by the renderer: size of TEXT in FONT when
 * wrapped at WRAP_W design pixels (0 = no wrapping). */
typedef void (*ui_measure_fn)(void *user, ui_font font, const char *text, int wrap_w,
			      int *w, int *h);

/* The keyboard a text field asks for. */
typedef enum {
	UI_KBD_TEXT,    /* alphabetic with shift, digits row, ' - . */
	UI_KBD_NAME,    /* alphabetic; starts shifted, shift again after a space */
	UI_KBD_NIK,     /* numeric keypad, digits only */
	UI_KBD_PHONE,   /* numeric keypad with + */
	UI_KBD_EMAIL,   /* lower-case letters, digits, @ . - _ and domain keys */
	UI_KBD_TICKET,  /* the ticket alphabet only (ticket.h), upper case */
} ui_kbd_kind;

typedef enum { UI_BTN_PRIMARY, UI_BTN_SECONDARY, UI_BTN_DANGER, UI_BTN_QUIET } ui_btn_kind;

typedef enum { UI_PTR_NONE, UI_PTR_DOWN, UI_PTR_MOVE, UI_PTR_UP } ui_ptr_event;

/* ---- context ---------------------------------------------------------- */

/*
 * Allocate a context. THEME and CAT are borrowed and must outlive it.
 * MEASURE/USER measure text. Returns NULL when out of memory.
 */
ui *ui_new(const theme *th, const cat *c, ui_measure_fn measure, void *user);
/* Wipe and free *U, then set *U to NULL. Accepts NULL. */
void ui_free(ui **u);

/* Replace the text measurement (the renderer was re-opened for a new size). */
void ui_set_measure(ui *u, ui_measure_fn measure, void *user);

void ui_set_lang(ui *u, cat_lang lang);
cat_lang ui_lang(const ui *u);

/* The text of KEY in the current language. */
const char *ui_tr(const ui *u, const char *key);

/*
 * Catalog text of KEY with "{1}".."{3}" replaced by ARGS[0..NARGS-1], copied
 * into the frame arena (valid until the next ui_begin). Never NULL.
 */
const char *ui_trf(ui *u, const char *key, const char *const *args, int nargs);

/* Copy TEXT into the frame arena (valid until the next ui_begin). */
const char *ui_intern(ui *u, const char *text);

/* Give the context the frame's one pointer event (design pixels). */
void ui_pointer(ui *u, ui_ptr_event ev, int x, int y);

/* Start a frame at NOW_MS (monotonic, virtual in headless runs). */
void ui_begin(ui *u, uint64_t now_ms);
/* Finish the frame. Returns true when its command list differs from the
 * previous frame's (something must be redrawn). */
bool ui_end(ui *u);

/* Ask for another frame right after this one (state changed mid-frame). */
void ui_request_frame(ui *u);
/* Ask for a frame no later than AT_MS (animations, countdowns). */
void ui_request_wake(ui *u, uint64_t at_ms);
/* After ui_end: was another frame requested, and when is the next wake
 * (UINT64_MAX = none)? */
bool ui_frame_requested(const ui *u);
uint64_t ui_next_wake(const ui *u);

/* The last finished frame's widget list and command list. */
size_t ui_widget_count(const ui *u);
const ui_widget *ui_widget_at(const ui *u, size_t i);
size_t ui_cmd_count(const ui *u);
const ui_cmd *ui_cmd_at(const ui *u, size_t i);
uint64_t ui_now(const ui *u);

/* Zero every buffer that may hold typed text and drop focus (session end). */
void ui_wipe(ui *u);

/* ---- ids and layout helpers --------------------------------------------- */

/* Push/pop an id scope (for repeated widgets: rows of a list). */
void ui_push_id(ui *u, uint32_t n);
void ui_pop_id(ui *u);

/* A column cursor: take rectangles from the top of AREA, GAP apart. */
typedef struct ui_col {
	ui_rect area;
	int y;
	int gap;
} ui_col;
ui_col ui_col_make(ui_rect area, int gap);
ui_rect ui_col_take(ui_col *c, int h);
/* What is left below the cursor. */
ui_rect ui_col_rest(const ui_col *c);

/* Column I of N equal columns of R, GAP apart. */
ui_rect ui_split(ui_rect r, int n, int gap, int i);
ui_rect ui_inset(ui_rect r, int dx, int dy);

/* ---- drawing primitives (no input, not in the widget list) -------------- */

void ui_draw_rect(ui *u, ui_rect r, ui_color c, int radius);
void ui_draw_frame(ui *u, ui_rect r, ui_color c, int radius, int width);
/* Draw TEXT centred in R (not listed). TEXT must live until the frame is
 * drawn: catalog text, a string literal, or the result of ui_intern(). */
void ui_text_centered(ui *u, ui_rect r, const char *text, ui_font f, ui_color c);
/* Size of raw text. */
void ui_measure(ui *u, ui_font f, const char *text, int wrap_w, int *w, int *h);

/* ---- widgets ------------------------------------------------------------- */

/* Label from catalog KEY wrapped inside R.w; returns the height used.
 * Recorded with role TEXT (or HEADING for the title fonts). */
int ui_label(ui *u, const char *key, ui_rect r, ui_font f, ui_color c, ui_align a);
/* The same for raw TEXT (configuration values, formatted text). */
int ui_label_text(ui *u, const char *text, ui_rect r, ui_font f, ui_color c, ui_align a);

/* Button labelled with catalog KEY. Returns true when tapped this frame. */
bool ui_button(ui *u, const char *key, ui_rect r, ui_btn_kind kind);
/* Button with raw TEXT, an optional symbol GLYPH drawn before it (may be
 * NULL), and ENABLED state. Id from ID_KEY. */
bool ui_button_ex(ui *u, const char *id_key, const char *text, const char *glyph, ui_rect r,
		  ui_btn_kind kind, bool enabled);
/* An invisible tap area (e.g. "touch the screen to start"). */
bool ui_tap_area(ui *u, const char *key, ui_rect r);
/* The same labelled with raw LABEL (a list row named by its ticket); the id
 * comes from ID_KEY in the current id scope. */
bool ui_tap_area_text(ui *u, const char *id_key, const char *label, ui_rect r);

typedef enum { UI_HOLD_NONE, UI_HOLD_TAP, UI_HOLD_LONG } ui_hold;
/*
 * An invisible area that tells a tap from a long press (a hidden gesture:
 * staff mode). A press released before HOLD_MS is UI_HOLD_TAP, as a tap
 * area would give; a press kept still on R for HOLD_MS gives UI_HOLD_LONG
 * once, in the frame where the time is reached (a wake is asked for), and
 * its release then taps nothing. Deliberately NOT in the widget list, so
 * neither the scenario runner's labels nor a future screen reader reveal
 * it; scenarios use "hold X Y DURATION".
 */
ui_hold ui_hold_area(ui *u, const char *key, ui_rect r, int hold_ms);

/*
 * Text field: caption from catalog KEY above a box showing BUF (UTF-8,
 * capacity CAP bytes, at most MAX_CHARS code points). Tapping focuses it and
 * places the cursor; the keyboard of KIND then edits BUF. HINT_KEY (may be
 * NULL) is shown under the box, ERROR_KEY (may be NULL) replaces it in red.
 * Returns the height used. R.h is ignored: the field takes theme heights.
 */
int ui_field(ui *u, const char *key, char *buf, size_t cap, int max_chars, ui_kbd_kind kind,
	     ui_rect r, const char *hint_key, const char *error_key);
/* The same with WARNING_KEY (may be NULL): shown in the warning colour
 * instead of the hint when there is no error (accepted, but worth a look). */
int ui_field_ex(ui *u, const char *key, char *buf, size_t cap, int max_chars, ui_kbd_kind kind,
		ui_rect r, const char *hint_key, const char *error_key, const char *warning_key);
/* Height a field takes (caption + box + hint line). */
int ui_field_height(const ui *u);

/* Does the field with catalog KEY (in the current id scope) have the focus? */
bool ui_focused(const ui *u, const char *key);

/* True while a text field has the focus (the keyboard should be shown). */
bool ui_keyboard_wanted(const ui *u);
/* Height of the keyboard for the focused field's kind at width W. */
int ui_keyboard_height(const ui *u, int w);
/* Draw the keyboard for the focused field in R and apply its keys. */
void ui_keyboard(ui *u, ui_rect r);
/* Drop the focus (hides the keyboard). */
void ui_unfocus(ui *u);

/* Checkbox row; toggles *VALUE when tapped; returns true when it changed. */
bool ui_checkbox(ui *u, const char *key, bool *value, ui_rect r);

/* Single-choice list of N options (catalog keys) stacked in R from the top;
 * *SELECTED is the chosen index or -1. Returns the height used. */
int ui_choice(ui *u, const char *id_key, const char *const *option_keys, int n, int *selected,
	      ui_rect r);
/* Height ui_choice will take for N options. */
int ui_choice_height(const ui *u, int n);

/*
 * Finger-scrolled region R. Between begin and end, lay widgets out in the
 * returned content rectangle (same x and width as R, y shifted by the scroll
 * offset, unlimited height) and report the content's total height to
 * ui_scroll_end. A drag of more than a few pixels scrolls and cancels the tap
 * on whatever was pressed. Widgets outside R are clipped and not listed.
 */
ui_rect ui_scroll_begin(ui *u, const char *id_key, ui_rect r);
void ui_scroll_end(ui *u, int content_h);
/* Between begin and end: scroll so that R (content coordinates of this
 * frame) is in view from the next frame on (an error to show, a field). */
void ui_scroll_into_view(ui *u, ui_rect r);

/*
 * Modal dialog titled by catalog KEY: dims everything drawn before it (which
 * becomes inert from the next frame on) and returns the panel's content
 * rectangle, sized for CONTENT_H. End with ui_dialog_end().
 */
ui_rect ui_dialog_begin(ui *u, const char *key, int content_h);
/* The same, at most MAX_W wide (a dialog laid out in columns). */
ui_rect ui_dialog_begin_w(ui *u, const char *key, int content_h, int max_w);
void ui_dialog_end(ui *u);
/* Width of a dialog's content rectangle (to measure text before opening it). */
int ui_dialog_content_w(const ui *u);

/* Progress bar at FRACTION (0..1) with catalog KEY as caption. */
void ui_progress(ui *u, const char *key, ui_rect r, float fraction);
/* An animated spinner in R (asks for frames while drawn). */
void ui_spinner(ui *u, const char *key, ui_rect r);
/* "Langkah CURRENT dari TOTAL" with one segment per step. */
void ui_steps(ui *u, ui_rect r, int current, int total);

#endif
