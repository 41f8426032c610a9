/*
 * render: SDL2 + SDL2_ttf backend of the widget layer (see render.h).
 *
 * Design pixels map to window pixels by one uniform scale and an offset.
 * A cache entry is created when text is measured (sizes come from SDL_ttf's
 * metrics, without rasterising, for single lines) and gets its texture when
 * first drawn, rendered in its draw colour: SDL's software renderer blits an
 * untinted texture with its fast alpha path, while colour modulation falls
 * back to a generic per-pixel blitter about 3x slower (measured, see
 * docs/benchmarks.md). Streaming textures let us zero the pixels of a text
 * that showed personal data before the texture is freed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <SDL_ttf.h>

#include "log.h"
#include "render.h"

enum {
	CACHE_SLOTS = 1024, /* power of two */
	CACHE_MAX = 600,    /* live entries before unused ones are evicted */
	CORNER_MAX = 64,
	TEXT_MAX = 4096,
};

typedef struct text_entry {
	uint64_t hash; /* 0 = empty slot */
	char *text;
	size_t len;
	int font, wrap, align;
	int w, h;          /* window pixels */
	bool multiline;    /* wrapped onto several lines: alignment matters */
	SDL_Texture *tex;  /* NULL until first drawn */
	ui_color tex_color; /* the colour baked into TEX */
	uint64_t used;
} text_entry;

typedef struct corner {
	int radius, width; /* window px; width 0 = filled */
	int quadrant;      /* 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right */
	SDL_Texture *tex;
} corner;

struct render {
	SDL_Renderer *r;
	const theme *th;
	TTF_Font *font[UI_FONT_COUNT];
	float scale;
	int off_x, off_y, win_w, win_h;
	text_entry cache[CACHE_SLOTS];
	size_t ncache;
	uint64_t frame;
	corner corners[CORNER_MAX];
	int ncorners;
};

static int px(const render *rd, int v) { return (int)lroundf((float)v * rd->scale); }

static SDL_Rect to_win(const render *rd, ui_rect r)
{
	int x0 = rd->off_x + px(rd, r.x), y0 = rd->off_y + px(rd, r.y);
	int x1 = rd->off_x + px(rd, r.x + r.w), y1 = rd->off_y + px(rd, r.y + r.h);
	return (SDL_Rect){x0, y0, x1 - x0, y1 - y0};
}

int render_open(render **out, SDL_Renderer *r, const theme *th, const char *const faces[3],
		int win_w, int win_h, char *err, size_t errlen)
{
	*out = NULL;
	if (!TTF_WasInit() && TTF_Init() != 0) {
		snprintf(err, errlen, "SDL_ttf: %s", TTF_GetError());
		return -1;
	}
	render *rd = calloc(1, sizeof *rd);
	if (!rd) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rd->r = r;
	rd->th = th;
	rd->win_w = win_w;
	rd->win_h = win_h;
	float sx = (float)win_w / (float)th->design_w, sy = (float)win_h / (float)th->design_h;
	rd->scale = sx < sy ? sx : sy;
	rd->off_x = (win_w - (int)lroundf((float)th->design_w * rd->scale)) / 2;
	rd->off_y = (win_h - (int)lroundf((float)th->design_h * rd->scale)) / 2;

	for (int i = 0; i < UI_FONT_COUNT; i++) {
		int size = px(rd, th->font_px[i]);
		if (size < 6)
			size = 6;
		const char *path = faces[th->font_face[i]];
		/* Fonts are opened once, for the life of the window. */
		rd->font[i] = TTF_OpenFont(path, size);
		if (!rd->font[i]) {
			snprintf(err, errlen, "cannot open font %s: %s", path, TTF_GetError());
			render_close(&rd);
			return -1;
		}
		TTF_SetFontHinting(rd->font[i], TTF_HINTING_LIGHT);
	}
	*out = rd;
	return 0;
}

/* Zero a text texture's pixels (it may have shown personal data), free it.
 * Accepts NULL. */
static void texture_wipe(SDL_Texture *tex, int h)
{
	if (!tex)
		return;
	void *pixels = NULL;
	int pitch = 0;
	if (SDL_LockTexture(tex, NULL, &pixels, &pitch) == 0) {
		explicit_bzero(pixels, (size_t)pitch * (size_t)h);
		SDL_UnlockTexture(tex);
	}
	SDL_DestroyTexture(tex);
}

static void entry_wipe(text_entry *e)
{
	texture_wipe(e->tex, e->h);
	if (e->text) {
		explicit_bzero(e->text, e->len);
		free(e->text);
	}
	memset(e, 0, sizeof *e);
}

void render_purge(render *rd)
{
	for (int i = 0; i < CACHE_SLOTS; i++)
		if (rd->cache[i].hash)
			entry_wipe(&rd->cache[i]);
	rd->ncache = 0;
}

void render_close(render **rdp)
{
	if (!rdp || !*rdp)
		return;
	render *rd = *rdp;
	render_purge(rd);
	for (int i = 0; i < rd->ncorners; i++)
		SDL_DestroyTexture(rd->corners[i].tex);
	for (int i = 0; i < UI_FONT_COUNT; i++)
		if (rd->font[i])
			TTF_CloseFont(rd->font[i]);
	free(rd);
	*rdp = NULL;
}


void render_to_design(const render *rd, int wx, int wy, int *dx, int *dy)
{
	*dx = (int)lroundf((float)(wx - rd->off_x) / rd->scale);
	*dy = (int)lroundf((float)(wy - rd->off_y) / rd->scale);
}

void render_to_window(const render *rd, int dx, int dy, int *wx, int *wy)
{
	*wx = rd->off_x + px(rd, dx);
	*wy = rd->off_y + px(rd, dy);
}

/* ---- text cache ------------------------------------------------------------ */

static uint64_t key_hash(const char *text, size_t len, int font, int wrap, int align)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)text[i];
		h *= 0x100000001b3ULL;
	}
	h ^= (uint64_t)font * 0x9E3779B97F4A7C15ULL ^ (uint64_t)wrap << 20 ^ (uint64_t)align << 40;
	return h ? h : 1;
}

/* Evict entries not used in this frame when the cache is full. Rehash after. */
static void cache_evict(render *rd)
{
	text_entry *old = malloc(sizeof rd->cache);
	if (!old) {
		render_purge(rd);
		return;
	}
	memcpy(old, rd->cache, sizeof rd->cache);
	memset(rd->cache, 0, sizeof rd->cache);
	rd->ncache = 0;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		text_entry *e = &old[i];
		if (!e->hash)
			continue;
		if (e->used + 1 < rd->frame) {
			entry_wipe(e);
			continue;
		}
		size_t s = e->hash & (CACHE_SLOTS - 1);
		while (rd->cache[s].hash)
			s = (s + 1) & (CACHE_SLOTS - 1);
		rd->cache[s] = *e;
		rd->ncache++;
	}
	explicit_bzero(old, sizeof rd->cache);
	free(old);
}

static SDL_Surface *render_text_surface(render *rd, int font, const char *text, int wrap_px, int align,
					ui_color c)
{
	TTF_Font *f = rd->font[font];
	SDL_Color col = {c.r, c.g, c.b, 255};
	if (wrap_px > 0) {
		TTF_SetFontWrappedAlign(f, align == UI_ALIGN_CENTER  ? TTF_WRAPPED_ALIGN_CENTER
					   : align == UI_ALIGN_RIGHT ? TTF_WRAPPED_ALIGN_RIGHT
								     : TTF_WRAPPED_ALIGN_LEFT);
		return TTF_RenderUTF8_Blended_Wrapped(f, text, col, (Uint32)wrap_px);
	}
	return TTF_RenderUTF8_Blended(f, text, col);
}

/* Copy SURF into a new streaming texture (wiping the surface). NULL on error. */
static SDL_Texture *texture_from(render *rd, SDL_Surface *surf)
{
	SDL_Surface *argb = surf->format->format == SDL_PIXELFORMAT_ARGB8888
				    ? surf
				    : SDL_ConvertSurfaceFormat(surf, SDL_PIXELFORMAT_ARGB8888, 0);
	SDL_Texture *tex = NULL;
	if (argb) {
		tex = SDL_CreateTexture(rd->r, SDL_PIXELFORMAT_ARGB8888, SDL_TEXTUREACCESS_STREAMING,
					argb->w, argb->h);
		void *pixels;
		int pitch;
		if (tex && SDL_LockTexture(tex, NULL, &pixels, &pitch) == 0) {
			for (int y = 0; y < argb->h; y++)
				memcpy((char *)pixels + (size_t)y * (size_t)pitch,
				       (char *)argb->pixels + (size_t)y * (size_t)argb->pitch,
				       (size_t)argb->w * 4);
			SDL_UnlockTexture(tex);
			SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
		}
		/* The surfaces held the text's pixels: wipe before freeing. */
		explicit_bzero(argb->pixels, (size_t)argb->pitch * (size_t)argb->h);
		if (argb != surf)
			SDL_FreeSurface(argb);
	}
	explicit_bzero(surf->pixels, (size_t)surf->pitch * (size_t)surf->h);
	SDL_FreeSurface(surf);
	return tex;
}

static text_entry *cache_get(render *rd, int font, const char *text, int wrap, int align)
{
	size_t len = strnlen(text, TEXT_MAX);
	uint64_t h = key_hash(text, len, font, wrap, align);
	size_t s = h & (CACHE_SLOTS - 1);
	while (rd->cache[s].hash) {
		text_entry *e = &rd->cache[s];
		if (e->hash == h && e->len == len && e->font == font && e->wrap == wrap &&
		    e->align == align && memcmp(e->text, text, len) == 0) {
			e->used = rd->frame;
			return e;
		}
		s = (s + 1) & (CACHE_SLOTS - 1);
	}
	if (rd->ncache >= CACHE_MAX) {
		cache_evict(rd);
		if (rd->ncache >= CACHE_MAX) /* all in use this frame: start afresh */
			render_purge(rd);
		return cache_get(rd, font, text, wrap, align);
	}

	text_entry *e = &rd->cache[s];
	char *copy = malloc(len + 1);
	if (!copy)
		return NULL;
	memcpy(copy, text, len);
	copy[len] = '\0';
	TTF_Font *f = rd->font[font];
	int w = 0, hgt = TTF_FontLineSkip(f), wrap_px = wrap ? px(rd, wrap) : 0;
	bool multi = false;
	if (len && TTF_SizeUTF8(f, copy, &w, &hgt) != 0)
		log_warn("render", "text measurement failed: %s", TTF_GetError());
	if (len && wrap_px > 0 && (w > wrap_px || strchr(copy, '\n'))) {
		/* Several lines: only laying them out gives the size. */
		SDL_Surface *surf = render_text_surface(rd, font, copy, wrap_px, align,
							(ui_color){255, 255, 255, 255});
		if (surf) {
			w = surf->w;
			hgt = surf->h;
			multi = true;
			explicit_bzero(surf->pixels, (size_t)surf->pitch * (size_t)surf->h);
			SDL_FreeSurface(surf);
		}
	}
	*e = (text_entry){.hash = h, .text = copy, .len = len, .font = font, .wrap = wrap,
			  .align = align, .w = w, .h = hgt, .multiline = multi, .used = rd->frame};
	rd->ncache++;
	return e;
}

void render_measure(void *user, ui_font f, const char *text, int wrap_w, int *w, int *h)
{
	render *rd = user;
	text_entry *e = cache_get(rd, (int)f, text, wrap_w, UI_ALIGN_LEFT);
	if (!e) {
		*w = 0;
		*h = rd->th->font_px[f];
		return;
	}
	*w = (int)ceilf((float)e->w / rd->scale);
	*h = (int)ceilf((float)e->h / rd->scale);
}

/* ---- shapes ----------------------------------------------------------------- */

/* An anti-aliased white quarter disc (or quarter ring of WIDTH) of RADIUS px
 * for corner QUADRANT. One texture per orientation: flipped copies
 * (SDL_RenderCopyEx) take a slower path in the software renderer. */
static SDL_Texture *corner_get(render *rd, int radius, int width, int quadrant)
{
	for (int i = 0; i < rd->ncorners; i++)
		if (rd->corners[i].radius == radius && rd->corners[i].width == width &&
		    rd->corners[i].quadrant == quadrant)
			return rd->corners[i].tex;
	SDL_Texture *tex = SDL_CreateTexture(rd->r, SDL_PIXELFORMAT_ARGB8888,
					     SDL_TEXTUREACCESS_STATIC, radius, radius);
	if (!tex)
		return NULL;
	Uint32 *px_ = malloc((size_t)radius * (size_t)radius * 4);
	if (!px_) {
		SDL_DestroyTexture(tex);
		return NULL;
	}
	float ro = (float)radius, ri = width ? (float)(radius - width) : -1.0f;
	bool right = quadrant & 1, bottom = quadrant & 2;
	for (int y = 0; y < radius; y++)
		for (int x = 0; x < radius; x++) {
			int cover = 0; /* 4x4 supersampling; the centre is the inner corner */
			for (int sy = 0; sy < 4; sy++)
				for (int sx = 0; sx < 4; sx++) {
					float fx = (float)x + ((float)sx + 0.5f) / 4.0f;
					float fy = (float)y + ((float)sy + 0.5f) / 4.0f;
					float dx = right ? fx : ro - fx;
					float dy = bottom ? fy : ro - fy;
					float d = sqrtf(dx * dx + dy * dy);
					cover += d <= ro && d >= ri;
				}
			Uint32 a = (Uint32)(cover * 255 / 16);
			px_[y * radius + x] = a << 24 | 0xFFFFFFu;
		}
	SDL_UpdateTexture(tex, NULL, px_, radius * 4);
	free(px_);
	SDL_SetTextureBlendMode(tex, SDL_BLENDMODE_BLEND);
	corner c = {radius, width, quadrant, tex};
	if (rd->ncorners < CORNER_MAX) {
		rd->corners[rd->ncorners++] = c;
	} else { /* full: replace the oldest; rare (few distinct radii exist) */
		SDL_DestroyTexture(rd->corners[0].tex);
		memmove(rd->corners, rd->corners + 1, sizeof(corner) * (CORNER_MAX - 1));
		rd->corners[CORNER_MAX - 1] = c;
	}
	return tex;
}

static void fill(render *rd, int x, int y, int w, int h)
{
	if (w > 0 && h > 0)
		SDL_RenderFillRect(rd->r, &(SDL_Rect){x, y, w, h});
}

static void draw_rect(render *rd, const ui_cmd *c)
{
	SDL_Rect r = to_win(rd, c->r);
	ui_color col = c->color;
	int rad = px(rd, c->radius), bw = c->border ? px(rd, c->border) : 0;
	if (c->border && bw < 1)
		bw = 1;
	if (rad > r.w / 2)
		rad = r.w / 2;
	if (rad > r.h / 2)
		rad = r.h / 2;
	if (bw && rad && bw > rad)
		bw = rad;
	SDL_SetRenderDrawColor(rd->r, col.r, col.g, col.b, col.a);
	SDL_SetRenderDrawBlendMode(rd->r, col.a < 255 ? SDL_BLENDMODE_BLEND : SDL_BLENDMODE_NONE);
	if (rad < 2) {
		if (bw) {
			fill(rd, r.x, r.y, r.w, bw);
			fill(rd, r.x, r.y + r.h - bw, r.w, bw);
			fill(rd, r.x, r.y + bw, bw, r.h - 2 * bw);
			fill(rd, r.x + r.w - bw, r.y + bw, bw, r.h - 2 * bw);
		} else {
			fill(rd, r.x, r.y, r.w, r.h);
		}
		return;
	}
	if (bw) {
		fill(rd, r.x + rad, r.y, r.w - 2 * rad, bw);
		fill(rd, r.x + rad, r.y + r.h - bw, r.w - 2 * rad, bw);
		fill(rd, r.x, r.y + rad, bw, r.h - 2 * rad);
		fill(rd, r.x + r.w - bw, r.y + rad, bw, r.h - 2 * rad);
	} else {
		fill(rd, r.x + rad, r.y, r.w - 2 * rad, r.h);
		fill(rd, r.x, r.y + rad, rad, r.h - 2 * rad);
		fill(rd, r.x + r.w - rad, r.y + rad, rad, r.h - 2 * rad);
	}
	SDL_Rect q[4] = {{r.x, r.y, rad, rad},
			 {r.x + r.w - rad, r.y, rad, rad},
			 {r.x, r.y + r.h - rad, rad, rad},
			 {r.x + r.w - rad, r.y + r.h - rad, rad, rad}};
	for (int i = 0; i < 4; i++) {
		SDL_Texture *t = corner_get(rd, rad, bw, i);
		if (!t)
			return;
		SDL_SetTextureColorMod(t, col.r, col.g, col.b);
		SDL_SetTextureAlphaMod(t, col.a);
		SDL_RenderCopy(rd->r, t, NULL, &q[i]);
	}
}

static void draw_text(render *rd, const ui_cmd *c)
{
	int wrap = c->r.w >= (1 << 16) ? 0 : c->r.w;
	/* One line looks the same whatever the alignment: share the entry made
	 * when the text was measured (left-aligned). */
	text_entry *e = cache_get(rd, (int)c->font, c->text, wrap, UI_ALIGN_LEFT);
	if (e && e->multiline && c->align != UI_ALIGN_LEFT)
		e = cache_get(rd, (int)c->font, c->text, wrap, (int)c->align);
	if (!e || !e->len)
		return;
	ui_color col = c->color;
	if (!e->tex || memcmp(&e->tex_color, &col, sizeof col) != 0) {
		texture_wipe(e->tex, e->h);
		e->tex = NULL;
		SDL_Surface *surf = render_text_surface(rd, e->font, e->text,
							e->multiline ? px(rd, wrap) : 0, e->align, col);
		if (!surf) {
			log_warn("render", "text rendering failed: %s", TTF_GetError());
			return;
		}
		e->w = surf->w;
		e->h = surf->h;
		e->tex = texture_from(rd, surf);
		e->tex_color = col;
		if (!e->tex)
			return;
		SDL_SetTextureAlphaMod(e->tex, col.a);
	}
	SDL_Rect box = to_win(rd, c->r);
	int x = box.x;
	if (wrap && c->align == UI_ALIGN_CENTER)
		x = box.x + (box.w - e->w) / 2;
	else if (wrap && c->align == UI_ALIGN_RIGHT)
		x = box.x + box.w - e->w;
	SDL_RenderCopy(rd->r, e->tex, NULL, &(SDL_Rect){x, box.y, e->w, e->h});
}

/* Is AT inside one of the N bands [LO, HI)? *NEXT gets where that answer
 * next changes (the band's end, or the start of the nearest band after AT,
 * or END). */
static bool band_run(const int *lo, const int *hi, int n, int at, int end, int *next)
{
	*next = end;
	for (int i = 0; i < n; i++) {
		if (at >= lo[i] && at < hi[i]) {
			*next = hi[i];
			return true;
		}
		if (lo[i] > at && lo[i] < *next)
			*next = lo[i];
	}
	return false;
}

/*
 * Paint the theme background, except under the full-width and full-height
 * opaque bands the frame paints anyway (header, hero panel, footer, keyboard).
 * Filling is most of a software frame's cost (memory bandwidth), so not
 * painting pixels twice is the cheapest speed-up there is.
 */
static void fill_background(render *rd, const ui *u)
{
	const theme *th = rd->th;
	int W = th->design_w, H = th->design_h;
	/* Up to 8 horizontal and 8 vertical bands, design pixels. */
	int hy0[8], hy1[8], nh = 0, vx0[8], vx1[8], nv = 0;
	bool clipped = false;
	for (size_t i = 0; i < ui_cmd_count(u); i++) {
		const ui_cmd *c = ui_cmd_at(u, i);
		if (c->type == UI_CMD_CLIP)
			clipped = c->r.x != 0 || c->r.y != 0 || c->r.w != W || c->r.h != H;
		if (c->type != UI_CMD_RECT || clipped || c->border || c->radius || c->color.a != 255)
			continue;
		if (c->r.x <= 0 && c->r.x + c->r.w >= W && nh < 8) {
			hy0[nh] = c->r.y;
			hy1[nh++] = c->r.y + c->r.h;
		} else if (c->r.y <= 0 && c->r.y + c->r.h >= H && nv < 8) {
			vx0[nv] = c->r.x;
			vx1[nv++] = c->r.x + c->r.w;
		}
	}
	SDL_SetRenderDrawColor(rd->r, th->color.bg.r, th->color.bg.g, th->color.bg.b, 255);
	/* Rows top to bottom in runs outside the horizontal bands, and within
	 * each, columns outside the vertical bands. */
	for (int y = 0, ynext; y < H; y = ynext) {
		bool ycov = band_run(hy0, hy1, nh, y, H, &ynext);
		for (int x = 0, xnext; !ycov && x < W; x = xnext)
			if (!band_run(vx0, vx1, nv, x, W, &xnext)) {
				SDL_Rect r = to_win(rd, (ui_rect){x, y, xnext - x, ynext - y});
				SDL_RenderFillRect(rd->r, &r);
			}
	}
}

void render_draw(render *rd, const ui *u)
{
	rd->frame++;
	SDL_RenderSetClipRect(rd->r, NULL);
	SDL_SetRenderDrawBlendMode(rd->r, SDL_BLENDMODE_NONE);
	if (rd->off_x || rd->off_y) { /* letterbox bars */
		SDL_SetRenderDrawColor(rd->r, 0, 0, 0, 255);
		SDL_RenderClear(rd->r);
	}
	fill_background(rd, u);

	size_t n = ui_cmd_count(u);
	for (size_t i = 0; i < n; i++) {
		const ui_cmd *c = ui_cmd_at(u, i);
		switch (c->type) {
		case UI_CMD_RECT:
			draw_rect(rd, c);
			break;
		case UI_CMD_TEXT:
			draw_text(rd, c);
			break;
		case UI_CMD_CLIP: {
			SDL_Rect cr = to_win(rd, c->r);
			SDL_RenderSetClipRect(rd->r, &cr);
			break;
		}
		default:
			break;
		}
	}
	SDL_RenderSetClipRect(rd->r, NULL);
}

int render_read_rgba(render *rd, uint8_t **pixels, int *w, int *h)
{
	*pixels = NULL;
	*w = rd->win_w;
	*h = rd->win_h;
	uint8_t *buf = malloc((size_t)rd->win_w * (size_t)rd->win_h * 4);
	if (!buf)
		return -1;
	/* ABGR8888 is R,G,B,A in memory on little-endian machines. */
	Uint32 fmt = SDL_BYTEORDER == SDL_LIL_ENDIAN ? SDL_PIXELFORMAT_ABGR8888 : SDL_PIXELFORMAT_RGBA8888;
	if (SDL_RenderReadPixels(rd->r, NULL, fmt, buf, rd->win_w * 4) != 0) {
		free(buf);
		return -1;
	}
	*pixels = buf;
	return 0;
}
