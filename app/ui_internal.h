/*
 * ui_internal: the widget context's insides, shared by ui.c (core, layout,
 * basic widgets) and ui_kbd.c (text fields and on-screen keyboards) only.
 * Nothing outside the ui_ files may include this header.
 */
#ifndef KIOSK_UI_INTERNAL_H
#define KIOSK_UI_INTERNAL_H

#include "ui.h"

enum {
	UI_MAX_CMDS = 4096,
	UI_MAX_WIDGETS = 768,
	UI_ARENA_SIZE = 96 * 1024,
	UI_MAX_CLIP = 16,
	UI_MAX_IDS = 16,
	UI_SCROLL_SLOTS = 16,
	UI_DRAG_THRESHOLD = 24, /* design px a finger may wobble before a tap becomes a drag */
};

typedef struct ui_frame {
	ui_cmd cmds[UI_MAX_CMDS];
	size_t ncmd;
	ui_widget widgets[UI_MAX_WIDGETS];
	size_t nwidget;
	char arena[UI_ARENA_SIZE];
	size_t arena_used;
	bool overflow; /* a cap was hit: logged once, the frame is still drawn */
	uint64_t hash;
} ui_frame;

typedef struct ui_scroll_state {
	uint32_t id;
	int offset;
	int content_h;
	uint64_t used; /* frame counter, for reuse of the oldest slot */
} ui_scroll_state;

struct ui {
	const theme *th;
	const cat *cat;
	cat_lang lang;
	ui_measure_fn measure;
	void *measure_user;

	ui_frame frames[2];
	ui_frame *cur;  /* being built */
	ui_frame *last; /* finished: rendered and read by the scenario runner */
	uint64_t frame_no;
	uint64_t now;

	/* pointer */
	ui_ptr_event ev;
	int px, py;
	bool ptr_down;
	uint32_t active; /* the widget the finger went down on */
	int press_y;
	uint64_t hold_since; /* ui_hold_area: when the finger went down on it */

	/* finger scrolling */
	uint32_t scroll_candidate;
	int scroll_start_off;
	bool dragging;
	ui_scroll_state scroll[UI_SCROLL_SLOTS];
	int scroll_cur[4]; /* slot indices of open scroll regions */
	int nscroll;

	ui_rect clip[UI_MAX_CLIP];
	int nclip;
	uint32_t ids[UI_MAX_IDS];
	int nids;

	/* modal dialogs */
	bool modal_prev, modal_seen, in_modal;

	/* text editing */
	uint32_t focus;
	bool focus_seen;
	char *fbuf;
	size_t fcap;
	int fmax;
	ui_kbd_kind fkind;
	size_t caret;
	bool shift;
	bool reveal; /* scroll the focused field into view (keyboard just opened) */

	bool frame_req;
	uint64_t wake;
};

/* Result of a widget's input handling. */
typedef struct ui_hit {
	bool held;    /* finger is down on it: draw pressed */
	bool clicked; /* press and release inside it */
} ui_hit;

uint32_t ui_id(const ui *u, const char *key);
ui_hit ui_interact(ui *u, uint32_t id, ui_rect r, bool enabled);
bool ui_inert(const ui *u);
void ui_record(ui *u, uint32_t id, ui_role role, unsigned flags, ui_rect r, const char *label,
	       const char *value);
void ui_emit_text(ui *u, ui_rect r, const char *text, ui_font f, ui_color c, ui_align a);
void ui_push_clip(ui *u, ui_rect r);
void ui_pop_clip(ui *u);
bool ui_rect_contains(ui_rect r, int x, int y);

#endif
