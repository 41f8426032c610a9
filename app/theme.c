/*
 * theme: the one table of sizes, colours and fonts (see theme.h).
 *
 * The palette is a civic blue on a light neutral background: dark text on
 * light surfaces (contrast > 12:1), white on primary blue (> 6:1), so the
 * screens read from arm's length in a bright office.
 */
#include "theme.h"

static ui_color rgb(uint32_t hex)
{
	ui_color c = {(uint8_t)(hex >> 16), (uint8_t)(hex >> 8), (uint8_t)hex, 255};
	return c;
}

ui_color theme_alpha(ui_color c, uint8_t a)
{
	c.a = a;
	return c;
}

void theme_init(theme *th, int landscape)
{
	*th = (theme){0};
	th->landscape = landscape ? 1 : 0;
	th->design_w = landscape ? 1920 : 1080;
	th->design_h = landscape ? 1080 : 1920;

	th->color.bg = rgb(0xF3F5F9);
	th->color.surface = rgb(0xFFFFFF);
	th->color.surface_alt = rgb(0xE8EEF6);
	th->color.border = rgb(0xB8C2D0);
	th->color.text = rgb(0x161B26);
	th->color.text_muted = rgb(0x465165);
	th->color.text_inverse = rgb(0xFFFFFF);
	th->color.primary = rgb(0x0B5CAD);
	th->color.primary_pressed = rgb(0x084681);
	th->color.primary_soft = rgb(0xDCE9F7);
	th->color.danger = rgb(0xB42318);
	th->color.danger_pressed = rgb(0x8A1A12);
	th->color.success = rgb(0x1E7A3C);
	th->color.warning = rgb(0xA15C00);
	th->color.focus = rgb(0xF2A900);
	th->color.disabled_bg = rgb(0xD5DAE1);
	th->color.disabled_text = rgb(0x5F6878);
	th->color.backdrop = theme_alpha(rgb(0x0A1424), 170);
	th->color.header_bg = rgb(0x0A2E5C);
	th->color.staff_bg = rgb(0x4A2A00);
	th->color.staff_text = rgb(0xFFFFFF);
	th->color.staff_stripe = rgb(0xF2B600);
	th->color.header_text = rgb(0xFFFFFF);
	/* Solid, not translucent white: the software renderer blits untinted
	 * text on its fast path. */
	th->color.header_text_muted = rgb(0xD9E1EC);
	th->color.key_bg = rgb(0xFFFFFF);
	th->color.key_pressed = rgb(0xBCD4EE);
	th->color.key_special = rgb(0xD9E0EA);

	static const int px[UI_FONT_COUNT] = {28, 32, 32, 34, 40, 52, 76, 40};
	static const theme_face face[UI_FONT_COUNT] = {
		THEME_FACE_REGULAR, THEME_FACE_REGULAR, THEME_FACE_BOLD, THEME_FACE_BOLD,
		THEME_FACE_BOLD,    THEME_FACE_BOLD,    THEME_FACE_BOLD, THEME_FACE_SYMBOLS};
	for (int i = 0; i < UI_FONT_COUNT; i++) {
		th->font_px[i] = px[i];
		th->font_face[i] = face[i];
	}

	th->touch_min = 90;
	th->margin = 48;
	th->gap = 24;
	th->gap_small = 12;
	th->radius = 16;
	th->border = 3;
	th->focus_ring = 5;
	th->button_h = 112;
	th->header_h = 128;
	th->footer_h = 160;
	th->field_box_h = 100;
	th->key_h = 100;
	th->key_gap = 10;
	th->keyboard_max_w = 1300;
	th->check_box = 56;
	th->choice_h = 100;
	th->content_max_w = landscape ? 1500 : 1080;
	th->dialog_max_w = 920;
	th->progress_h = 28;
	th->spinner_d = 96;
}
