/*
 * scr_tech_display: the diagnostics page of the display. Its checks; what
 * the kiosk draws on (the window's pixels, the design it scales, the
 * refresh rate, the touch devices SDL sees) and how long its frames take
 * now (the loop's ring of frame times); and test patterns to judge the
 * panel by eye: eight colour bars (white, yellow, cyan, green, magenta,
 * red, blue, black), a grey ramp and red, green and blue ramps, where
 * banding, a dead channel or a tint shows at once.
 */
#include <stdio.h>

#include "app.h"

/* Eight bars of the classic order, full intensity. */
static void colour_bars(app *a, ui_rect r)
{
	static const uint32_t bars[8] = {0xFFFFFF, 0xFFFF00, 0x00FFFF, 0x00FF00,
					 0xFF00FF, 0xFF0000, 0x0000FF, 0x000000};
	for (int i = 0; i < 8; i++) {
		ui_rect b = ui_split(r, 8, 0, i);
		ui_color c = {(uint8_t)(bars[i] >> 16), (uint8_t)(bars[i] >> 8), (uint8_t)bars[i], 255};
		ui_draw_rect(a->ui, b, c, 0);
	}
	ui_draw_frame(a->ui, r, a->th.color.border, 0, 2);
}

/* A ramp from black to (R, G, B) across R: as many steps as 8 bits give,
 * or one every 3 pixels on a narrow page. */
static void ramp(app *a, ui_rect r, int rr, int gg, int bb)
{
	int steps = r.w / 3 < 256 ? r.w / 3 : 256;
	for (int i = 0; i < steps; i++) {
		int x0 = r.x + r.w * i / steps, x1 = r.x + r.w * (i + 1) / steps;
		int v = steps > 1 ? 255 * i / (steps - 1) : 255;
		ui_color c = {(uint8_t)(rr * v / 255), (uint8_t)(gg * v / 255), (uint8_t)(bb * v / 255), 255};
		ui_draw_rect(a->ui, (ui_rect){x0, r.y, x1 - x0, r.h}, c, 0);
	}
}

static void patterns(app *a, ui_col *col)
{
	const theme *th = &a->th;
	static const struct {
		const char *key;
		int r, g, b;
	} ramps[4] = {{"tech.display_grey", 255, 255, 255},
		      {"tech.display_red", 255, 0, 0},
		      {"tech.display_green", 0, 255, 0},
		      {"tech.display_blue", 0, 0, 255}};
	tech_heading(a, col, "tech.display_patterns");
	colour_bars(a, ui_col_take(col, 180));
	col->y += th->gap_small;
	for (int i = 0; i < 4; i++) {
		col->y += ui_label(a->ui, ramps[i].key, ui_col_rest(col), UI_FONT_SMALL, th->color.text_muted,
				   UI_ALIGN_LEFT);
		ramp(a, ui_col_take(col, 56), ramps[i].r, ramps[i].g, ramps[i].b);
	}
}

static void display_facts(app *a, ui_col *col)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	char w[16], h[16], dw[16], dh[16], n[16];
	snprintf(w, sizeof w, "%d", a->win_w);
	snprintf(h, sizeof h, "%d", a->win_h);
	snprintf(dw, sizeof dw, "%d", th->design_w);
	snprintf(dh, sizeof dh, "%d", th->design_h);
	const char *ra[3] = {w, h,
			     ui_tr(u, th->landscape ? "tech.display_landscape" : "tech.display_portrait")};
	tech_fact(a, col, "tech.display_window", ui_trf(u, "tech.display_size", ra, 3));
	const char *da[2] = {dw, dh};
	tech_fact(a, col, "tech.display_design", ui_trf(u, "tech.display_px", da, 2));
	SDL_DisplayMode dm;
	int idx = SDL_GetWindowDisplayIndex(a->win);
	if (idx >= 0 && SDL_GetCurrentDisplayMode(idx, &dm) == 0 && dm.refresh_rate > 0) {
		snprintf(n, sizeof n, "%d Hz", dm.refresh_rate);
		tech_fact(a, col, "tech.display_refresh", n);
	} else {
		tech_fact(a, col, "tech.display_refresh", ui_tr(u, "tech.unknown"));
	}
	snprintf(n, sizeof n, "%d", SDL_GetNumTouchDevices());
	const char *ta[1] = {n};
	tech_fact(a, col, "tech.display_touch_devices", ui_trf(u, "tech.display_devices", ta, 1));
	double p50, p99;
	app_frame_times(a, &p50, &p99);
	if (a->frame_n == 0) {
		tech_fact(a, col, "tech.display_frames", ui_tr(u, "tech.display_no_frames"));
	} else {
		snprintf(n, sizeof n, "%d", a->frame_n);
		const char *fa[3] = {tech_ms(a, p50), tech_ms(a, p99), n};
		tech_fact(a, col, "tech.display_frames", ui_trf(u, "tech.display_frames_value", fa, 3));
	}
	tech_fact(a, col, "tech.display_driver",
		  SDL_GetCurrentVideoDriver() ? SDL_GetCurrentVideoDriver() : "?");
}

void tech_page_display(app *a, ui_rect r)
{
	tech_body b;
	ui_col *col = tech_body_begin(a, &b, r);
	tech_checks(a, col, TECH_PAGE_DISPLAY, false);
	display_facts(a, col);
	col = tech_body_next(a, &b);
	patterns(a, col);
	tech_body_end(a, &b);
}
