/*
 * scr_tech_touch: the diagnostics page of the touch panel. A grid fills
 * the page and every cell a finger touches or drags across is painted, by
 * every finger, not only the one the widgets follow (the loop feeds each
 * finger's points to tech_finger()); dead zones of a worn panel stay
 * white. Above it: the most fingers that were down at once, how many
 * corners were reached and how many cells are painted, and "Bersihkan".
 * The four corner targets sit in the panel's physical corners, drawn over
 * the banner, and turn green once touched. The grid is one tap area, so a
 * stroke that starts on it presses nothing else on the way.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"

static const char *const corner_keys[4] = {"tech.corner_tl", "tech.corner_tr", "tech.corner_bl",
					   "tech.corner_br"};

/* The grid's cells: 12 across in portrait, 20 in landscape, and as many
 * rows as fit at least a fingertip (CELL_MIN_H) high, filling R. */
static void grid_layout(app *a, ui_rect r, ui_rect *grid)
{
	enum { CELL_MIN_H = 56 };
	tech_touch *tt = &a->tech.touch;
	int cols = a->th.landscape ? 20 : 12;
	int rows = r.h / CELL_MIN_H;
	if (rows > TECH_GRID_MAX)
		rows = TECH_GRID_MAX;
	if (rows < 1)
		rows = 1;
	int cw = r.w / cols, ch = r.h / rows;
	*grid = (ui_rect){r.x + (r.w - cols * cw) / 2, r.y, cols * cw, rows * ch};
	if (cols != tt->cols || rows != tt->rows) { /* a new layout: what was painted means nothing */
		memset(tt->painted, 0, sizeof tt->painted);
		tt->cols = cols;
		tt->rows = rows;
	}
}

void tech_page_touch(app *a, ui_rect r)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	tech_touch *tt = &a->tech.touch;
	ui_col col = ui_col_make(r, th->gap_small);
	tech_checks(a, &col, TECH_PAGE_TOUCH, true);

	/* What was reached so far, and the way to start over. */
	int painted = 0, corners = 0;
	for (int y = 0; y < tt->rows; y++)
		for (int x = 0; x < tt->cols; x++)
			painted += tt->painted[y][x];
	for (int i = 0; i < 4; i++)
		corners += tt->corner_hit[i];
	char f[12], c[12], p[12], n[12];
	snprintf(f, sizeof f, "%d", tt->max_fingers);
	snprintf(c, sizeof c, "%d", corners);
	snprintf(p, sizeof p, "%d", painted);
	snprintf(n, sizeof n, "%d", tt->cols * tt->rows);
	const char *fa[1] = {f}, *ca[3] = {c, p, n};
	const char *fingers = ui_trf(u, "tech.touch_fingers", fa, 1),
		   *reached = ui_trf(u, "tech.touch_reached", ca, 3);
	int bw = 320, w, h1, h2;
	ui_rect info = ui_col_rest(&col);
	ui_rect text = {info.x, info.y, info.w - bw - th->gap, 0};
	ui_measure(u, UI_FONT_STRONG, fingers, text.w, &w, &h1);
	ui_measure(u, UI_FONT_SMALL, reached, text.w, &w, &h2);
	info.h = h1 + h2 > th->touch_min ? h1 + h2 : th->touch_min;
	if (ui_button(u, "tech.touch_clear", (ui_rect){info.x + info.w - bw, info.y, bw, th->touch_min},
		      UI_BTN_SECONDARY)) {
		memset(tt->painted, 0, sizeof tt->painted);
		memset(tt->corner_hit, 0, sizeof tt->corner_hit);
		tt->max_fingers = 0;
	}
	ui_label_text(u, fingers, (ui_rect){text.x, text.y, text.w, h1}, UI_FONT_STRONG, th->color.text,
		      UI_ALIGN_LEFT);
	ui_label_text(u, reached, (ui_rect){text.x, text.y + h1, text.w, h2}, UI_FONT_SMALL,
		      th->color.text_muted, UI_ALIGN_LEFT);
	col.y += info.h + th->gap_small;

	ui_rect grid;
	grid_layout(a, ui_col_rest(&col), &grid);
	tt->grid = grid;
	ui_tap_area(u, "tech.touch_area", grid); /* strokes on the grid press nothing else */
	ui_draw_rect(u, grid, th->color.border, 0);
	int cw = grid.w / tt->cols, ch = grid.h / tt->rows;
	for (int y = 0; y < tt->rows; y++)
		for (int x = 0; x < tt->cols; x++)
			ui_draw_rect(u, (ui_rect){grid.x + x * cw + 1, grid.y + y * ch + 1, cw - 2, ch - 2},
				     tt->painted[y][x] ? th->color.primary : th->color.surface, 0);
}

void tech_touch_corners(app *a)
{
	ui *u = a->ui;
	const theme *th = &a->th;
	tech_touch *tt = &a->tech.touch;
	/* As wide as the screen's margin: nothing the screens draw reaches
	 * into it, so a corner target covers no button. */
	int s = th->margin;
	for (int i = 0; i < 4; i++) {
		ui_rect r = {i % 2 ? th->design_w - s : 0, i / 2 ? th->design_h - s : 0, s, s};
		tt->corner[i] = r;
		ui_tap_area(u, corner_keys[i], r);
		ui_draw_rect(u, r, tt->corner_hit[i] ? th->color.success : th->color.staff_stripe, 0);
		ui_draw_frame(u, r, th->color.text, 0, th->border);
		if (tt->corner_hit[i])
			ui_text_centered(u, r, "\xE2\x9C\x93", UI_FONT_SYMBOL, th->color.text_inverse);
	}
}
