/*
 * journey: the citizen's data-change request as a sequence of steps, and the
 * status check. The state of one visit's journey (the draft request, what
 * was typed, what the status check found) lives in the session, so it is
 * wiped with it; this module holds the rules of moving between steps and of
 * which problems each step shows. Plain C with no SDL: unit-tested.
 *
 * Steps: consent, identify, current data, what changes, new values, reason,
 * documents, impact, review. Going back never loses anything; going forward
 * is allowed only when the step has no errors. A step's errors are shown
 * next to their fields once the field was left or "Lanjut" was tapped.
 */
#ifndef KIOSK_JOURNEY_H
#define KIOSK_JOURNEY_H

#include <stdbool.h>
#include <stdint.h>

#include "ktp.h"
#include "queue.h"
#include "req.h"

typedef enum journey_step {
	J_CONSENT,
	J_IDENTIFY,
	J_CURRENT,
	J_CHOOSE,
	J_NEWVALS,
	J_REASON,
	J_DOCS,
	J_IMPACT,
	J_REVIEW,
	J_STEP_COUNT
} journey_step;

/* The consent text's version, recorded with the request. Change it whenever
 * the consent words in the catalogs change. */
#define JOURNEY_CONSENT_VERSION "2026.1"

#define JOURNEY_ISSUES_MAX 48
/* Status lookups that may find nothing in one session before the screen
 * stops looking (4 digits of a NIK are only 10,000 guesses). */
#define JOURNEY_STATUS_TRIES 5

typedef struct journey {
	req r;                        /* the draft */
	bool attempted[J_STEP_COUNT]; /* "Lanjut" was tapped: show every error of the step */
	bool reveal_error;            /* scroll the step's first error into view */
	bool left[2][REQ_F_COUNT];    /* [current|requested][field] was edited and left */
	char nik_typed[17];           /* the identify step's keypad */
	val_code identify_error;      /* why the typed NIK was refused */
	bool card_nik;                /* r's NIK came from the card (not editable) */
	char resubmit_nik[17];        /* a resubmission must be made by the same NIK */
	bool resubmit;

	/* After submitting */
	int64_t deadline_at, target_at;
	bool deadline_uncovered;

	/* Status check */
	char status_ticket[16];
	char status_last4[8];
	bool status_attempted;
	bool status_not_found;
	int status_failures;          /* lookups that found nothing, this session */
	bool status_loaded;
	queue_status status;
} journey;

/* A fresh journey: empty draft, nothing typed. */
void journey_init(journey *j, const char *kiosk_id);

/*
 * The problems of step S in the draft as it stands (checked on a copy; the
 * draft is not changed): up to CAP issues into OUT, returns how many.
 * Only the parts a step edits are reported: the current values on
 * J_CURRENT, the changed fields' new values on J_NEWVALS, "nothing chosen"
 * on J_CHOOSE, the reason on J_REASON, the "other" document on J_DOCS.
 */
int journey_step_issues(const journey *j, journey_step s, req_issue *out, int cap);

/* The first error (not warning) for FIELD in PART among ISSUES, or VAL_OK;
 * *WARNING (may be NULL) gets the first warning. */
val_code journey_issue_for(const req_issue *issues, int n, req_part part, req_field field,
			   val_code *warning);

/*
 * Try to leave step S forward. With no errors, normalises the step's values
 * in the draft (phone to 62..., trimmed text) and returns true. Otherwise
 * marks the step attempted (every error shows), asks for its first error to
 * be scrolled into view, and returns false.
 */
bool journey_next(journey *j, journey_step s);

/* Record consent at NOW (epoch seconds). */
void journey_consent(journey *j, int64_t now);

/*
 * The identify step: establish the identity from the NIK typed on the keypad
 * (FROM_CARD false) or read from the card (true). Returns VAL_OK, the NIK's
 * error, or VAL_REQ_OTHER_NIK when a resubmission is made with another NIK.
 * On success the draft's current NIK is set and the identity source noted.
 */
val_code journey_identify(journey *j, const char *nik, bool from_card);

/*
 * The identify step with a card's identity ID (UID: its hex UID): the NIK
 * as journey_identify(from_card = true), then the current name, province
 * and city from the card (names in the card's capitals become "Siti
 * Nur'aini"), which the citizen can still edit. Returns as journey_identify.
 */
val_code journey_from_card(journey *j, const ktp_identity *id, const char *uid);

/* Mark or unmark FIELD as changing. Unmarking keeps the typed new value (so
 * going back and forth loses nothing) but it is not submitted. */
void journey_set_change(journey *j, req_field f, bool change);

/* Start a resubmission of the loaded status's rejected request. Returns
 * false when the loaded request cannot be resubmitted. */
bool journey_start_resubmit(journey *j, const char *kiosk_id);

#endif
