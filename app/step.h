/*
 * step: the frame every step of the citizen's request shares, so no step
 * screen repeats layout code: the step indicator ("Langkah 3 dari 9"), the
 * step's title and one-line intro, a finger-scrolled body, and the navigation
 * row (Kembali / Lanjut) at the bottom, hidden while the keyboard is up (its
 * "Selesai" key closes it). Also the field helpers the form steps share.
 *
 * Use:   step_frame sf;
 *        ui_col col = step_begin(&sf, a, r, J_REASON, "reason.title", "reason.intro");
 *        ... widgets taken from col ...
 *        step_follow(&sf, step_end(&sf, &col, NULL));
 */
#ifndef KIOSK_STEP_H
#define KIOSK_STEP_H

#include "app.h"
#include "journey.h"

typedef struct step_frame {
	app *a;
	journey_step step;
	ui_rect nav;    /* the navigation row; h = 0 when hidden */
	int y0;         /* top of the scrolled content */
	const char *back_key; /* the left button's label; step_begin sets "common.back" */
} step_frame;

/* The screen showing step S. */
screen_id step_screen(journey_step s);

/* Draw the head of step S in R (title and intro are catalog keys; INTRO_KEY
 * may be NULL) and open the scrolled body. Returns the body's column. */
ui_col step_begin(step_frame *sf, app *a, ui_rect r, journey_step s, const char *title_key,
		  const char *intro_key);

typedef enum { STEP_STAY, STEP_BACK, STEP_NEXT } step_action;

/*
 * Close the body (COL's cursor gives its height) and draw the navigation
 * row: "Kembali" and the primary button (NEXT_KEY, NULL = "Lanjut").
 * Returns what was tapped; nothing moves yet, so a step may act first.
 */
step_action step_end(step_frame *sf, ui_col *col, const char *next_key);

/* Act on ACT: back to the previous step (the menu from the first), or, when
 * journey_next accepts the step, on to the next one (the submit screen after
 * the review). With errors the step stays and shows them all. */
void step_follow(step_frame *sf, step_action act);

/* ---- shared field helpers -------------------------------------------- */

/* The keyboard for field F, and its hint under the box ("hint.name"). */
ui_kbd_kind step_kbd(req_field f);
const char *step_hint_key(req_field f);
/* The caption of F's new value ("Nama baru"). */
const char *step_new_key(req_field f);

/*
 * A text field for value PART (REQ_PART_CURRENT or REQ_PART_REQUESTED) of
 * field F, captioned with CAPTION_KEY, taken from COL. Its error (from
 * ISSUES) shows once the step was attempted or the field holds text and has
 * lost the focus; a warning shows in its place, otherwise HINT_KEY (may be
 * NULL).
 */
void step_value_field(step_frame *sf, ui_col *col, req_field f, req_part part,
		      const char *caption_key, const char *hint_key, const req_issue *issues,
		      int n);

/* A read-only "caption: value" pair (review, impact, current value). */
int step_pair(step_frame *sf, ui_rect r, const char *caption_key, const char *value);

/* An error is shown at R (content coordinates): if the step just failed to
 * move on, scroll it into view (the first one only). */
void step_error_at(step_frame *sf, ui_rect r);

/* A section heading and a paragraph (catalog keys; BODY may be raw text
 * when BODY_KEY is NULL), taken from COL. */
void step_section(step_frame *sf, ui_col *col, const char *heading_key, const char *body_key,
		  const char *body);

/* Every changed field of the draft as "old -> new" in R, noting those that
 * alter the certificate's subject; returns the height used. */
int step_changes(step_frame *sf, ui_rect r);

/* A request's history in R: each event's state and time (the newest
 * marked), then the notifications sent to the applicant; returns the
 * height used. The citizen's status screen and the officer's case show it. */
int step_history(step_frame *sf, ui_rect r, const queue_status *st);

/* A tinted notice box with a heading and body text (either may be NULL or
 * "" and then takes no room); returns its height. */
typedef enum { STEP_NOTE_INFO, STEP_NOTE_WARN, STEP_NOTE_OK } step_note_kind;
int step_note(step_frame *sf, ui_rect r, step_note_kind kind, const char *title,
	      const char *body);

#endif
