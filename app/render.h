/*
 * render: executes the widget layer's command list with SDL2's renderer and
 * SDL2_ttf, and measures text for it.
 *
 * Fonts are opened once, at the window's real pixel size (design size times
 * the window scale), so text stays sharp in small development windows; the
 * design is centred with letterboxing when the aspect ratios differ.
 * Rendered text is cached as textures keyed by (font, wrap width, alignment,
 * text); rounded corners are cached anti-aliased quarter-circle masks. The
 * cache may hold personal data typed by a citizen: render_purge() zeroes and
 * frees it when a session ends.
 */
#ifndef KIOSK_RENDER_H
#define KIOSK_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include <SDL.h>

#include "theme.h"
#include "ui.h"

typedef struct render render;

/*
 * Open a renderer backend on SDL renderer R whose output is WIN_W x WIN_H
 * pixels, for theme TH (borrowed), with the three font files FACES
 * (regular, bold, symbols). Returns 0, or -1 with a one-line reason in ERR
 * (fonts missing or unreadable, out of memory); *OUT is then NULL.
 */
int render_open(render **out, SDL_Renderer *r, const theme *th, const char *const faces[3],
		int win_w, int win_h, char *err, size_t errlen);

/* Purge, close the fonts and free; sets *RD to NULL. Accepts NULL. */
void render_close(render **rd);

/* ui_measure_fn for the widget layer; USER is the render. */
void render_measure(void *user, ui_font f, const char *text, int wrap_w, int *w, int *h);

/* Clear and draw U's last finished frame. Does not present. */
void render_draw(render *rd, const ui *u);

/* Zero and drop every cached text texture (call at session end). */
void render_purge(render *rd);

/*
 * Read the current target as RGBA into a malloc'd buffer (*PIXELS, pitch
 * *W * 4). Returns 0, or -1 (SDL error or out of memory). The caller frees.
 */
int render_read_rgba(render *rd, uint8_t **pixels, int *w, int *h);

/* Map window pixels to design pixels and back (touch input, scripted taps). */
void render_to_design(const render *rd, int wx, int wy, int *dx, int *dy);
void render_to_window(const render *rd, int dx, int dy, int *wx, int *wy);


#endif
