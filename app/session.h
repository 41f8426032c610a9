/*
 * session: one citizen's visit, from the first touch to the return to the
 * welcome screen, and the idle policy that ends it.
 *
 * Everything a citizen types lives in the session's fixed buffers, so ending
 * a session is one explicit_bzero over the struct: nothing of one visit can
 * reach the next. Plain C, no I/O, no SDL: unit-tested with a fake clock.
 *
 * Idle policy: after IDLE_TIMEOUT seconds without a touch a "Masih di sana?"
 * dialog counts down IDLE_WARNING seconds; if nobody answers, the session
 * ends. Total silence before the wipe: idle_timeout + idle_warning.
 */
#ifndef KIOSK_SESSION_H
#define KIOSK_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "complaint.h"
#include "journey.h"

/* The widget gallery's practice form (the journey's form arrives with issue 3). */
typedef struct session_form {
	char name[128];
	char nik[17];
	char phone[20];
	char email[128];
	bool agree;
	int choice; /* -1 = none */
} session_form;

/* The citizen's complaint form (scr_complaint.c). Fixed buffers, as typed:
 * the session's wipe takes them with it. */
typedef struct complaint_form {
	bool chosen;                             /* a category was picked */
	int category;                            /* complaint_category, when chosen */
	char text[COMPLAINT_TEXT_MAX + 1];
	char ticket[16];                         /* "" or a ticket as typed */
	char contact[COMPLAINT_CONTACT_MAX + 1]; /* "" or a phone number or e-mail, as typed */
	bool attempted;                          /* "Kirim" was tapped: show every error */
	bool reveal;                             /* scroll the first error into view */
	int store_error;                         /* queue_err of the last failed filing; 0 = none */
	char number[COMPLAINT_NUMBER_MAX];       /* the filed complaint's number (done screen) */
	bool had_contact;                        /* it was filed with a contact */
} complaint_form;

typedef struct session {
	bool active;
	uint64_t started_ms;
	uint64_t last_input_ms;
	bool idle_dialog;          /* the countdown dialog is showing */
	uint64_t idle_deadline_ms; /* when the countdown reaches zero */
	session_form form;
	journey j; /* the citizen's request and status check */
	complaint_form complaint; /* the citizen's complaint */
} session;

typedef enum {
	SESSION_OK,      /* active and attended, or no session */
	SESSION_WARN,    /* countdown dialog is (now) showing */
	SESSION_EXPIRED, /* countdown reached zero: end the session */
} session_state;

/* Start a fresh session at NOW (wipes whatever was there). */
void session_begin(session *s, uint64_t now_ms);

/* A touch at NOW: resets the idle timer unless the dialog is showing. */
void session_touch(session *s, uint64_t now_ms);

/* The person answered "still here": close the dialog, restart the timer. */
void session_continue(session *s, uint64_t now_ms);

/*
 * Advance the idle policy to NOW. Opens the dialog when the timeout has
 * passed. *SECONDS_LEFT (may be NULL) gets the countdown shown in the dialog;
 * *NEXT_MS (may be NULL) the next instant at which the answer can change
 * (UINT64_MAX when there is no session).
 */
session_state session_tick(session *s, uint64_t now_ms, int idle_timeout_s, int idle_warning_s,
			   int *seconds_left, uint64_t *next_ms);

/* End the session: zero every byte of it (form buffers included). */
void session_wipe(session *s);

#endif
