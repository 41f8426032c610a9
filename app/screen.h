/*
 * screen: the table of screens and the shell that frames them.
 *
 * A screen is a name, a title, whether the shell draws its header and footer,
 * and one draw function that lays out widgets in the content rectangle it is
 * given (portrait or landscape) and reacts to taps by changing app state.
 * To add a screen: write scr_NAME.c with its draw function, declare it below,
 * add a row to the table in screen.c, and put its words in assets/i18n.
 */
#ifndef KIOSK_SCREEN_H
#define KIOSK_SCREEN_H

#include <stdbool.h>
#include <stdint.h>

#include "ui.h"

struct app;

typedef enum {
	SCREEN_WELCOME,
	SCREEN_MENU,
	SCREEN_INFO,
	/* the request, one screen per step (journey.h) */
	SCREEN_CONSENT,
	SCREEN_IDENTIFY,
	SCREEN_CURRENT,
	SCREEN_CHOOSE,
	SCREEN_NEWVALS,
	SCREEN_REASON,
	SCREEN_DOCS,
	SCREEN_IMPACT,
	SCREEN_REVIEW,
	SCREEN_SUBMIT,
	SCREEN_RECEIPT,
	SCREEN_STATUS,
	SCREEN_GOODBYE,
	SCREEN_GALLERY,
	SCREEN_COMPLAINT,      /* a citizen's complaint: the form */
	SCREEN_COMPLAINT_DONE, /* ... and its number */
	/* staff mode (admin.h) */
	SCREEN_STAFF_PIN,
	SCREEN_STAFF_HOME,
	SCREEN_STAFF_QUEUE,
	SCREEN_STAFF_CASE,
	SCREEN_STAFF_COMPLAINTS,
	SCREEN_STAFF_COMPLAINT,
	SCREEN_STAFF_FIGURES,
	SCREEN_TECH,           /* the technician's diagnostics (tech.h) */
	SCREEN_COUNT
} screen_id;

typedef struct screen_def {
	const char *name;      /* for scripts and logs: "welcome" */
	const char *title_key; /* header title (chrome screens) */
	bool chrome;           /* header with language toggle and a footer */
	bool in_session;       /* showing it means a citizen's session is running */
	void (*draw)(struct app *a, ui_rect content);
	bool staff;            /* a staff screen: only while staff mode is on (the PIN pad aside);
				  draws its own frame with admin_chrome() */
} screen_def;

const screen_def *screen_get(screen_id id);
/* Returns 0 and sets *OUT, or -1 for an unknown name. */
int screen_parse(const char *name, screen_id *out);

/* Draw the whole frame: the current screen in its chrome, the keyboard when a
 * field has focus, and the idle dialog. Called between ui_begin/ui_end. */
void shell_frame(struct app *a);

/* The language toggle button, right-aligned in R (screens without chrome
 * place it themselves). Returns the button's left edge: it is as wide as its
 * label needs, so it may reach left of R.x. */
int shell_lang_toggle(struct app *a, ui_rect r);
/* "Selasa, 24 November 2026 · 09.00 WIB", in the current language, in the
 * frame arena. WIB (UTC+7) whatever the machine's time zone. */
const char *shell_datetime(struct app *a);
/* WHEN (epoch seconds) the same way, with or without the time of day:
 * "Senin, 30 November 2026" / "... · 15.45 WIB". In the frame arena. */
const char *shell_fmt_when(struct app *a, int64_t when, bool with_time);

/* A large tappable card in R: a round icon with GLYPH (a symbol), the
 * title from catalog TITLE_KEY and a line of BODY text (raw: the frame
 * arena or a catalog string); PRIMARY fills it with the primary colour.
 * Returns true when tapped. The menus of citizens and staff use it. */
bool shell_card(struct app *a, const char *title_key, const char *body, const char *glyph, ui_rect r,
		bool primary);

/* Screen draw functions. */
void scr_welcome_draw(struct app *a, ui_rect content);
void scr_menu_draw(struct app *a, ui_rect content);
void scr_info_draw(struct app *a, ui_rect content);
void scr_consent_draw(struct app *a, ui_rect content);
void scr_identify_draw(struct app *a, ui_rect content);
void scr_current_draw(struct app *a, ui_rect content);
void scr_choose_draw(struct app *a, ui_rect content);
void scr_newvals_draw(struct app *a, ui_rect content);
void scr_reason_draw(struct app *a, ui_rect content);
void scr_docs_draw(struct app *a, ui_rect content);
void scr_impact_draw(struct app *a, ui_rect content);
void scr_review_draw(struct app *a, ui_rect content);
void scr_submit_draw(struct app *a, ui_rect content);
void scr_receipt_draw(struct app *a, ui_rect content);
void scr_status_draw(struct app *a, ui_rect content);
void scr_goodbye_draw(struct app *a, ui_rect content);
void scr_gallery_draw(struct app *a, ui_rect content);
void scr_complaint_draw(struct app *a, ui_rect content);
void scr_complaint_done_draw(struct app *a, ui_rect content);
void scr_pin_draw(struct app *a, ui_rect content);
void scr_staff_home_draw(struct app *a, ui_rect content);
void scr_staff_queue_draw(struct app *a, ui_rect content);
void scr_staff_case_draw(struct app *a, ui_rect content);
void scr_staff_complaints_draw(struct app *a, ui_rect content);
void scr_staff_complaint_draw(struct app *a, ui_rect content);
void scr_staff_figures_draw(struct app *a, ui_rect content);
void scr_tech_draw(struct app *a, ui_rect content);

/* The identify step's side of the card reader: what a reader event (rdr.h)
 * means for the journey and the screens (a card on the welcome screen
 * starts a request; on the identify step it fills the identity). */
void scr_identify_reader_event(struct app *a, const struct rdr_event *ev);

#endif
