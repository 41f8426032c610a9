/*
 * theme: every size, colour and font of the kiosk in one place.
 *
 * Screens ask for "a primary button" or "the body font", never for pixels or
 * colours of their own. Sizes are design pixels on the 1080-wide portrait (or
 * 1080-high landscape) design; touch targets are at least TOUCH_MIN (90) and
 * body text at least 28 px. Colours meet WCAG AA contrast on their backgrounds.
 */
#ifndef KIOSK_THEME_H
#define KIOSK_THEME_H

#include <stdint.h>

typedef struct ui_color {
	uint8_t r, g, b, a;
} ui_color;

typedef enum {
	UI_FONT_SMALL,   /* 28 px: hints, footnotes */
	UI_FONT_BODY,    /* 32 px: paragraphs */
	UI_FONT_STRONG,  /* 32 px bold */
	UI_FONT_BUTTON,  /* 34 px bold */
	UI_FONT_SUBTITLE,/* 40 px bold */
	UI_FONT_TITLE,   /* 52 px bold */
	UI_FONT_DISPLAY, /* 76 px bold: attract screen */
	UI_FONT_SYMBOL,  /* 40 px symbols face (✓ ⌫ ⇧ ←) */
	UI_FONT_COUNT
} ui_font;

typedef enum { THEME_FACE_REGULAR, THEME_FACE_BOLD, THEME_FACE_SYMBOLS } theme_face;

typedef struct theme {
	int design_w, design_h; /* 1080x1920 or 1920x1080 */
	int landscape;          /* 0 portrait, 1 landscape */

	struct {
		ui_color bg, surface, surface_alt, border;
		ui_color text, text_muted, text_inverse;
		ui_color primary, primary_pressed, primary_soft;
		ui_color danger, danger_pressed;
		ui_color success, warning;
		ui_color focus;
		ui_color disabled_bg, disabled_text;
		ui_color backdrop;
		ui_color header_bg, header_text, header_text_muted;
		ui_color staff_bg, staff_text, staff_stripe; /* staff mode's banner */
		ui_color key_bg, key_pressed, key_special;
	} color;

	int font_px[UI_FONT_COUNT];
	theme_face font_face[UI_FONT_COUNT];

	int touch_min;    /* minimum touch target side, 90 */
	int margin;       /* screen edge margin */
	int gap;          /* between widgets */
	int gap_small;
	int radius;       /* buttons, fields, cards */
	int border;       /* outline width */
	int focus_ring;   /* focus outline width */
	int button_h;     /* standard button height */
	int header_h;
	int footer_h;
	int field_box_h;
	int key_h;        /* keyboard key height */
	int key_gap;
	int keyboard_max_w;
	int check_box;    /* checkbox square side */
	int choice_h;
	int content_max_w; /* readable line length cap (landscape) */
	int dialog_max_w;  /* modal dialog panel width cap */
	int progress_h;
	int spinner_d;
} theme;

/* Fill TH for the given orientation (0 portrait 1080x1920, 1 landscape 1920x1080). */
void theme_init(theme *th, int landscape);

/* C with alpha A. */
ui_color theme_alpha(ui_color c, uint8_t a);

#endif
