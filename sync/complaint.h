/*
 * complaint: citizens' complaints (pengaduan) and what staff do about them,
 * in the kiosk's store (tables complaints and complaint_notes of queue.c's
 * migration 3), each change sent to the central service through the outbox.
 *
 * A citizen files a complaint at the kiosk, without signing in and without
 * a network: complaint_file() draws its number ("ADU-" and a ticket, so the
 * citizen gets it offline and can read it back), stores it and its outbox
 * entry (kind complaint, POST /v1/complaints) in one transaction. Staff then
 * respond to it, escalate it or resolve it (complaint_act()); each act is a
 * note, the complaint's new state, an outbox entry (kind complaint_note,
 * POST /v1/complaints/notes) and an audit entry (audit.h), in one
 * transaction. A complaint left open too long goes to the supervisor by
 * itself (complaint_escalate_due(), counted in working hours of the
 * service calendar).
 *
 * States and who may move them (complaint_check()):
 *
 *   act       role              from                       to
 *   respond   officer           open, responded            responded
 *   respond   supervisor        open, responded            responded
 *   respond   supervisor        escalated                  escalated
 *   escalate  officer, kiosk    open, responded            escalated
 *   resolve   officer           open, responded            resolved
 *   resolve   supervisor        open, responded, escalated resolved
 *
 * An escalated complaint belongs to the supervisor: only a supervisor
 * answers it, and an answer keeps it escalated (it stays on the
 * supervisor's list, and the automatic escalation never picks it up again)
 * until a supervisor resolves it. Nothing moves a resolved complaint.
 *
 * A complaint's text, contact and notes are personal data: views are wiped
 * with complaint_view_wipe(), retention empties them (complaint_purge()),
 * and no error name or log line carries them. Audit entries name the
 * number and the move ("open->responded"), never a text.
 *
 * Threads and blocking: as queue.h (one handle per thread; every call that
 * takes a queue reads or writes the file and may wait up to the handle's
 * busy timeout). The rule functions and the names never block.
 */
#ifndef KIOSK_COMPLAINT_H
#define KIOSK_COMPLAINT_H

#include <stdbool.h>
#include <stdint.h>

#include "cal.h"
#include "queue.h"
#include "rstate.h"
#include "ticket.h"

#define COMPLAINT_PREFIX "ADU-"
#define COMPLAINT_NUMBER_MAX 14     /* "ADU-XXXX-XXXX" and its NUL */
#define COMPLAINT_TEXT_MAX 2000     /* bytes of a complaint's text (protocol) */
#define COMPLAINT_CONTACT_MAX 128   /* bytes of the optional contact */
#define COMPLAINT_NOTE_MAX 1000     /* bytes of a note's text */
#define COMPLAINT_NOTES_MAX 16      /* notes a view holds (the newest) */
#define COMPLAINT_RESPONSE_DAYS 5   /* working days in which staff answer (service standard) */
#define COMPLAINT_NUMBER_TRIES 8    /* numbers drawn before giving up on duplicates */

/* What a complaint is about. Wire names (1-32 of a-z _) never change. */
typedef enum complaint_category {
	COMPLAINT_CAT_SERVICE,      /* "service": the service (layanan) */
	COMPLAINT_CAT_STAFF,        /* "staff": an officer (petugas) */
	COMPLAINT_CAT_WAITING_TIME, /* "waiting_time": waiting time (waktu tunggu) */
	COMPLAINT_CAT_KIOSK,        /* "kiosk": the kiosk / machine (kios / mesin) */
	COMPLAINT_CAT_DATA,         /* "data": data / certificate (data / sertifikat) */
	COMPLAINT_CAT_OTHER,        /* "other": anything else (lainnya) */
	COMPLAINT_CAT_COUNT
} complaint_category;

typedef enum complaint_state {
	COMPLAINT_OPEN,      /* "open": filed, nobody answered yet */
	COMPLAINT_RESPONDED, /* "responded": staff answered, not settled */
	COMPLAINT_ESCALATED, /* "escalated": with the supervisor */
	COMPLAINT_RESOLVED,  /* "resolved": settled, with a resolution note */
	COMPLAINT_STATE_COUNT
} complaint_state;

/* What staff (or the kiosk) do; each act writes one note of its kind. */
typedef enum complaint_action {
	COMPLAINT_RESPOND,  /* note kind "response" */
	COMPLAINT_ESCALATE, /* note kind "escalation" */
	COMPLAINT_RESOLVE,  /* note kind "resolution" */
	COMPLAINT_ACTION_COUNT
} complaint_action;

/* Wire name of C ("waiting_time"), S ("responded") or of A's note kind
 * ("response"); "?" out of range. Static storage, never NULL. */
const char *complaint_category_name(complaint_category c);
const char *complaint_state_name(complaint_state s);
const char *complaint_note_kind(complaint_action a);

/* Catalog keys: "complaint.cat.waiting_time", "complaint.state.responded";
 * "complaint.cat.unknown" / "complaint.state.unknown" out of range (a
 * visible gap, not garbage). Static storage, never NULL. */
const char *complaint_category_key(complaint_category c);
const char *complaint_state_key(complaint_state s);

/* Parse an exact wire name into *OUT: 0, or -1 (NULL or unknown; *OUT
 * untouched). complaint_note_kind_parse() reads a note kind into its act. */
int complaint_category_parse(const char *name, complaint_category *out);
int complaint_state_parse(const char *name, complaint_state *out);
int complaint_note_kind_parse(const char *name, complaint_action *out);

/*
 * The rule (the table above): may ROLE do ACT on a complaint in state FROM?
 * Returns QUEUE_OK and *TO (may be NULL) the state after;
 * QUEUE_ERR_INVALID when ROLE never does ACT (an applicant, the central
 * service; a supervisor escalating; the kiosk responding or resolving) or
 * an argument is out of range; QUEUE_ERR_STATE when ROLE does ACT, but not
 * from FROM (an officer on an escalated complaint; anything on a resolved
 * one). Pure: no I/O. The officer desk asks it which buttons to show; the
 * central simulator applies the same rule.
 */
queue_err complaint_check(complaint_state from, complaint_action act, rrole role, complaint_state *to);

/* A complaint as the citizen gives it (strings borrowed for the call). */
typedef struct complaint_form_data {
	complaint_category category;
	const char *text;    /* what happened: 1..COMPLAINT_TEXT_MAX bytes once normalised */
	const char *ticket;  /* the request it is about: "" or canonical (ticket_parse()) */
	const char *contact; /* phone or e-mail for the answer: "" or up to
				COMPLAINT_CONTACT_MAX bytes once normalised */
} complaint_form_data;

/* A source of TICKET_RANDOM_BYTES random bytes (tests pass their own). */
typedef void (*complaint_random_fn)(void *ctx, uint8_t out[TICKET_RANDOM_BYTES]);

/*
 * File the complaint C made at kiosk KIOSK_ID (1-32 of A-Z a-z 0-9 -) at NOW
 * (epoch seconds, >= 0).
 * The text and the contact are normalised as val_text() does (white space
 * trimmed and runs collapsed; control and bidirectional characters
 * refused): the text must then hold 1..COMPLAINT_TEXT_MAX bytes, the
 * contact 0..COMPLAINT_CONTACT_MAX. The category is one of the enum.
 * NUMBER (OUT, not NULL): on QUEUE_OK the complaint's number, "ADU-" and a
 * fresh ticket_make() ticket from libsodium's randombytes_buf(), drawn again
 * (up to COMPLAINT_NUMBER_TRIES times) while the number is taken; "" on
 * any error.
 * In one durable transaction: the complaint row (state open) and an outbox
 * entry of kind complaint whose body is the protocol's
 *   {"v":1,"number":"ADU-...","kiosk_id":...,"category":...,"text":...,
 *    "ticket":...,"contact":...,"at":NOW}
 * (compact, in this key order, ASCII with \uXXXX escapes). A citizen
 * filing is not a staff action: no audit entry.
 * Returns QUEUE_OK (durable on return); QUEUE_ERR_INVALID when an argument
 * breaks the rules above (nothing written); QUEUE_ERR_DUP_TICKET when every
 * number drawn was taken (never in practice); QUEUE_ERR_BUSY,
 * QUEUE_ERR_FULL, QUEUE_ERR_IO (also: no randomness), QUEUE_ERR_NOMEM. On
 * every error nothing of the complaint was written.
 */
queue_err complaint_file(queue *q, const char *kiosk_id, const complaint_form_data *c, int64_t now,
			 char number[COMPLAINT_NUMBER_MAX]);

/* complaint_file() with the random bytes from RND(CTX) (RND NULL: libsodium).
 * For tests, which need known and colliding numbers. */
queue_err complaint_file_with(queue *q, const char *kiosk_id, const complaint_form_data *c, int64_t now,
			      complaint_random_fn rnd, void *ctx, char number[COMPLAINT_NUMBER_MAX]);

/*
 * Act on complaint NUMBER: ROLE's ACTOR (an officer's code, a kiosk id; 1 to
 * RSTATE_ACTOR_MAX - 1 bytes of UTF-8, not blank, no control character)
 * does ACT at NOW (>= 0) with TEXT (the response, why it is escalated, how
 * it was resolved: 1..COMPLAINT_NOTE_MAX bytes of valid UTF-8, not blank,
 * no control character but line breaks and tabs; stored as given).
 * In one durable transaction, after checking complaint_check() against the
 * stored state: the note, the new state (escalated_at / resolved_at set on
 * those moves, updated_at = NOW), an outbox entry of kind complaint_note
 * with the body
 *   {"v":1,"number":...,"kind":"response|escalation|resolution",
 *    "role":...,"actor":...,"at":NOW,"text":...}
 * and an audit entry {at NOW, ACTOR, role name, action "complaint_response"
 * | "complaint_escalate" | "complaint_resolve", target NUMBER, detail
 * "open->responded"} (audit_append_locked()).
 * Returns QUEUE_OK; QUEUE_ERR_INVALID (an argument, or complaint_check()'s
 * role refusal); QUEUE_ERR_NOT_FOUND (no such number); QUEUE_ERR_STATE (not
 * from the stored state); QUEUE_ERR_BUSY, QUEUE_ERR_FULL, QUEUE_ERR_IO,
 * QUEUE_ERR_NOMEM. On any error nothing was written.
 */
queue_err complaint_act(queue *q, const char *number, complaint_action act, rrole role, const char *actor,
			const char *text, int64_t now);

/*
 * Escalate, as the kiosk (role kiosk, actor KIOSK_ID), every open or
 * responded complaint that has been waiting at least AFTER_WORKING_HOURS
 * (1..200) working hours since it was filed, counted with C's calendar
 * (cal_working_seconds(): only time inside service windows of working days;
 * a year the holiday table does not cover counts as if it had no days off).
 * Each gets the note "escalated automatically after N working hours", as
 * complaint_act() does, in one transaction per complaint: a complaint that
 * staff moved meanwhile is skipped. *N (OUT, may be NULL) gets how many were
 * escalated, also on error (those before it stay escalated).
 * Returns QUEUE_OK; QUEUE_ERR_INVALID (AFTER_WORKING_HOURS out of range,
 * a bad KIOSK_ID, NOW negative); QUEUE_ERR_BUSY, QUEUE_ERR_FULL,
 * QUEUE_ERR_IO, QUEUE_ERR_NOMEM.
 */
queue_err complaint_escalate_due(queue *q, const cal *c, int after_working_hours, const char *kiosk_id,
				 int64_t now, int *n);

typedef enum complaint_filter {
	COMPLAINT_LIST_OPEN,      /* open and responded: oldest first */
	COMPLAINT_LIST_ESCALATED, /* oldest first */
	COMPLAINT_LIST_RESOLVED,  /* newest resolution first */
	COMPLAINT_LIST_ALL,       /* the unresolved oldest first, then the resolved newest first */
	COMPLAINT_LIST_COUNT
} complaint_filter;

/* One line of the desk's list: no personal data (no text, no contact). */
typedef struct complaint_row {
	char number[COMPLAINT_NUMBER_MAX];
	complaint_category category;
	complaint_state state;
	char ticket[TICKET_TEXT_MAX]; /* "" when about no request */
	bool has_contact;
	int64_t created_at, updated_at;
	int64_t escalated_at, resolved_at; /* 0 = not (yet) */
} complaint_row;

/*
 * Up to MAX (0..1000) complaints of filter F, skipping the first OFFSET (>= 0),
 * in the filter's order (ties by filing order), into OUT (may be NULL when
 * MAX is 0); *N (OUT, not NULL) how many were written, *TOTAL (OUT, may be
 * NULL) how many match F in all. Read in one snapshot.
 * Returns QUEUE_OK; QUEUE_ERR_INVALID; QUEUE_ERR_BUSY, QUEUE_ERR_IO (also a
 * stored row this code cannot read), QUEUE_ERR_NOMEM. On error *N is 0.
 */
queue_err complaint_list(queue *q, complaint_filter f, int offset, complaint_row *out, int max, int *n,
			 int *total);

typedef struct complaint_note {
	complaint_action kind;
	rrole role;
	char actor[RSTATE_ACTOR_MAX];
	int64_t at;
	char text[COMPLAINT_NOTE_MAX + 1]; /* "" once purged */
} complaint_note;

/* One complaint whole, for the desk. Personal data: complaint_view_wipe(). */
typedef struct complaint_view {
	complaint_row row;
	char kiosk_id[33];
	char text[COMPLAINT_TEXT_MAX + 1];       /* "" once purged */
	char contact[COMPLAINT_CONTACT_MAX + 1]; /* "" when none or purged */
	bool purged;
	int notes_total;               /* notes stored */
	int n_notes;                   /* entries used in NOTES: the newest, oldest first */
	complaint_note notes[COMPLAINT_NOTES_MAX];
} complaint_view;

/*
 * Complaint NUMBER (not NULL) into *OUT (OUT, not NULL), read in one
 * snapshot. On any error *OUT is wiped.
 * Returns QUEUE_OK; QUEUE_ERR_NOT_FOUND (also for a malformed number);
 * QUEUE_ERR_BUSY, QUEUE_ERR_IO (a stored row this code cannot read),
 * QUEUE_ERR_NOMEM.
 */
queue_err complaint_load(queue *q, const char *number, complaint_view *out);

/* Zero every byte of *V (explicit_bzero). */
void complaint_view_wipe(complaint_view *v);

/*
 * Retention: empty the text, the contact and every note's text of each
 * resolved complaint whose resolution is at least RETENTION_DAYS (1..3650)
 * days before NOW (epoch s) and whose outbox entries are all done (a
 * pending, in flight or dead entry still carries the data and may be sent
 * or revived), and set its purged_at. Number, category, state, times and
 * the notes' kinds, roles and actors stay. *N (OUT, may be NULL) gets how
 * many were purged. One transaction; the WAL is checkpointed after it
 * when something was purged (as queue_purge() does). The sync engine calls
 * it beside queue_purge().
 * Returns QUEUE_OK, QUEUE_ERR_INVALID, QUEUE_ERR_BUSY, QUEUE_ERR_FULL,
 * QUEUE_ERR_IO, QUEUE_ERR_NOMEM.
 */
queue_err complaint_purge(queue *q, int64_t now, int retention_days, int64_t *n);

#endif
