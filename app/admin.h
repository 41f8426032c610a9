/*
 * admin: staff mode on the kiosk (officers, supervisors, technicians).
 *
 * A long press in the welcome screen's top-left corner opens the PIN pad
 * (scr_pin.c); a staff code and PIN checked by sync/staff.h unlock staff
 * mode for that account. While it is on, every staff screen is framed by a
 * "MODE PETUGAS" banner in its own colour (admin_chrome), so a citizen never
 * takes a staff screen for one of theirs; no citizen session runs beside it.
 * Staff mode ends by the banner's "Keluar" or after [staff] idle_logout
 * seconds without a touch; both are audited (sync/audit.h), and ending it
 * wipes everything the staff screens loaded (an applicant's data included)
 * the way a citizen's session end does.
 *
 * The struct lives in struct app; it holds the personal data the staff
 * screens show, in fixed buffers or in heap blocks it owns, all zeroed by
 * admin_wipe().
 */
#ifndef KIOSK_ADMIN_H
#define KIOSK_ADMIN_H

#include <stdbool.h>
#include <stdint.h>

#include "complaint.h"
#include "desk.h"
#include "figures.h"
#include "staff.h"
#include "ui.h"

struct app;

/* Long press that opens the PIN pad, and where. */
#define ADMIN_HOLD_MS 3000
#define ADMIN_HOLD_SIDE 200 /* design pixels of the top-left corner */
/* The banner counts down the last seconds before an idle logout. */
#define ADMIN_IDLE_WARN_S 20

typedef enum admin_pad_msg {
	ADMIN_PAD_NONE,
	ADMIN_PAD_WRONG,   /* code or PIN wrong: attempts_left shown */
	ADMIN_PAD_LOCKED,  /* too many wrong PINs: locked_until shown */
	ADMIN_PAD_ERROR,   /* the store could not be read or written */
	ADMIN_PAD_SHORT,   /* the code or PIN is too short */
} admin_pad_msg;

/* The PIN pad's state (nothing of it outlives the pad). */
typedef struct admin_pad {
	char code[STAFF_CODE_MAX];
	char pin[STAFF_PIN_MAX + 1];
	bool at_pin;          /* the code is entered: now the PIN */
	admin_pad_msg msg;
	int attempts_left;
	int64_t locked_until; /* epoch s */
	bool checking;        /* "checking" is shown; the check runs at check_at */
	uint64_t check_at;    /* app_now() of the check, 0 = not yet scheduled */
} admin_pad;

/* The work queue's and the case screens' state. */
typedef struct admin_desk {
	desk_filter filter;
	char query[12];       /* ticket search as typed */
	int offset;           /* first row shown */
	char ticket[16];      /* the open case */
	desk_case *cs;        /* its data (heap, wiped); NULL when none loaded */
	bool docs[8];         /* documents the officer ticked (req_doc order) */
	int reject_reason;    /* desk_reject_reason, -1 none */
	char reject_text[1204];
	bool rejecting;       /* the rejection dialog is open */
	int message;          /* admin_msg shown above the case's buttons */
	int64_t loaded_sent;  /* sync_status.sent when the case was last loaded */
	int64_t loaded_pulls; /* and sync_status.pulls */
} admin_desk;

/* The complaint desk's state. */
typedef struct admin_complaints {
	int filter;           /* complaint_filter */
	int offset;
	char number[16];      /* the open complaint */
	complaint_view *cv;   /* its data (heap, wiped); NULL when none loaded */
	char note[1004];      /* the response / escalation / resolution being typed */
	int message;          /* admin_msg shown on the detail screen */
} admin_complaints;

/* One-line results the staff screens show after an action. */
typedef enum admin_msg {
	ADMIN_MSG_NONE,
	ADMIN_MSG_SAVED,       /* stored; goes to the central service with the next sync */
	ADMIN_MSG_STALE,       /* someone else moved it meanwhile: reloaded */
	ADMIN_MSG_NOTE_EMPTY,  /* a note must say something */
	ADMIN_MSG_DOCS,        /* not every document is ticked */
	ADMIN_MSG_REASON,      /* a rejection needs its reason (and text for "other") */
	ADMIN_MSG_STORE,       /* the store could not be written: try again */
	ADMIN_MSG_LOOKUP_FAIL, /* the certificate lookup failed (offline?) */
	ADMIN_MSG_NOT_FOUND,   /* no such ticket / complaint */
} admin_msg;

typedef struct admin {
	bool active;
	staff_account who;
	uint64_t last_input_ms;
	int idle_left_s;      /* seconds until the idle logout, for the banner */
	admin_pad pad;
	admin_desk desk;
	admin_complaints cmp;
	int fig_year;         /* the quarter the figures screen shows; 0: the current one */
	int fig_quarter;
	figures fig;          /* its figures, read once per quarter shown (tens of ms on a big store) */
	bool fig_valid;       /* fig is for fig_year/fig_quarter */
	uint64_t fig_read_ms; /* when (app_now), to refresh the current quarter now and then */
	int logout_pending;   /* asked for during a frame: 1 by hand, 2 idle */
} admin;

/* Load the request TICKET and show its case screen (a message on the
 * queue screen when it cannot be loaded). */
void admin_open_case(struct app *a, const char *ticket);

/* The welcome screen's corner was long-pressed: open the PIN pad (the
 * welcome screen shows only when no citizen session runs). */
void admin_open_pad(struct app *a);

/* Unlock staff mode for ACCOUNT (the PIN pad checked it) and show the staff
 * home screen. */
void admin_login(struct app *a, const staff_account *account);

/* End staff mode: audit "logout" (IDLE false) or "logout_idle", wipe every
 * staff buffer, back to the welcome screen. Harmless when not active.
 * Asked for during a frame (a button), it happens right after that frame. */
void admin_logout(struct app *a, bool idle);

/* A touch while staff mode is on restarts its idle timer. */
void admin_touch(struct app *a, uint64_t now_ms);

/* Advance the idle policy to NOW: logs out when the time is up; *NEXT_MS
 * gets the next instant the banner's countdown or the logout is due
 * (UINT64_MAX when staff mode is off). */
void admin_tick(struct app *a, uint64_t now_ms, uint64_t *next_ms);

/* How often unanswered complaints are checked for escalation. */
#define ADMIN_HOUSEKEEP_MS (5 * 60 * 1000)

/* Staff work the kiosk does by itself while no citizen is served: every
 * ADMIN_HOUSEKEEP_MS, escalate complaints nobody answered within [complaints]
 * escalate_after_hours working hours (complaint_escalate_due()). Called by
 * the loop; cheap when nothing is due. */
void admin_housekeeping(struct app *a, uint64_t now_ms);

/* Zero every staff buffer (the PIN pad, the loaded case) and free the
 * heap ones. Called by admin_logout and when the app closes. */
void admin_wipe(admin *m);

/*
 * Draw a staff screen's frame: the "MODE PETUGAS" banner (who is logged
 * in, the idle countdown near its end, "Keluar") and the screen's title,
 * and return the content rectangle below them. TITLE_KEY is a catalog key.
 */
ui_rect admin_chrome(struct app *a, const char *title_key);
/*
 * One tappable record row of a staff list in B (a request, a complaint):
 * TITLE (strong) and STATE (strong, STATE_COLOR) on the first line, LEFT
 * and RIGHT (RIGHT in RIGHT_COLOR, small when RIGHT_SMALL) on the second,
 * FOOT (small, muted) on the third; the frame is drawn in ALERT (thicker)
 * when ALERT_ON. TAP_KEY is the row's catalog key (what a script taps is
 * TITLE). LEFT and RIGHT may be NULL. True when tapped.
 */
typedef struct admin_row {
	const char *title, *state, *left, *right, *foot;
	ui_color state_color, right_color, alert;
	bool right_small, alert_on;
	int split_pct; /* where the right column starts, percent of the width */
} admin_row;
bool admin_row_draw(struct app *a, const char *tap_key, const admin_row *r, ui_rect b);

/* Landscape: split the content rectangle C into the record (returned, 3/5
 * wide) and the officer's actions (*RIGHT), with a rule between them.
 * Portrait: C itself, *RIGHT empty. */
ui_rect admin_split(struct app *a, ui_rect c, ui_rect *right);
/* The actions column RIGHT (from admin_split): a scrolling column headed
 * "Langkah berikutnya"; lay the actions out in the returned column, then
 * end it with admin_actions_end(). */
ui_col admin_actions_begin(struct app *a, ui_rect right);
void admin_actions_end(struct app *a, const ui_col *col);

/*
 * A row (or rows, PER_ROW chips each) of filter chips in R: the catalog
 * KEYS[0..N), the one at *SELECTED drawn as chosen. Sets *SELECTED and
 * returns true when another chip is tapped. ID_KEY scopes their ids.
 * *USED_H (may be NULL) gets the height taken.
 */
bool admin_chips(struct app *a, const char *id_key, const char *const *keys, int n, int *selected,
		 ui_rect r, int per_row, int *used_h);

/* The "back" button of a staff screen, at the top of R; true when tapped.
 * Returns the height used through *USED_H. */
bool admin_back(struct app *a, const char *key, ui_rect r, int *used_h);

/* The line of text for MSG (admin_msg) in the current language, or NULL. */
const char *admin_msg_text(struct app *a, int msg);

/* Append an audit entry for the logged-in staff member (actor "unknown"
 * when no one is); a failure is logged, never shown: the action it records
 * was already taken or refused. ACTION is audit.h's verb; TARGET and DETAIL
 * may be NULL and never carry personal data. */
void admin_audit(struct app *a, const char *action, const char *target, const char *detail);

#endif
