/*
 * req: the data-change request, the service's one record.
 *
 * A request names the applicant (the current values of NIK, NIP, name,
 * e-mail and phone), and for each profile field of the certificate holder
 * the current and, when it changes, the requested value; why (a reason
 * category and free text); which supporting documents the applicant will
 * show the officer; the consent given; how the identity was established (a
 * card read or a typed NIK, which the officer must check in person); the
 * kiosk; the ticket; and, for a resubmission, the rejected request's ticket.
 *
 * Fixed-size buffers only, so a request can live in a session and be wiped
 * with one explicit_bzero. Validation here is the whole-request check run
 * before submitting; each field's own rules are in val.h and nik.h.
 */
#ifndef KIOSK_REQ_H
#define KIOSK_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rstate.h"
#include "ticket.h"
#include "val.h"

/* The holder-profile fields a data change can touch, in the order screens
 * show them. The wire names ("name", "nik", ...) are stable. */
typedef enum req_field {
	REQ_F_NAME,
	REQ_F_NIK,
	REQ_F_NIP,
	REQ_F_EMAIL,
	REQ_F_PHONE,
	REQ_F_POSITION,    /* jabatan */
	REQ_F_INSTITUTION, /* organisasi / instansi */
	REQ_F_WORK_UNIT,   /* unit kerja */
	REQ_F_PROVINCE,
	REQ_F_CITY,
	REQ_F_COUNT
} req_field;

/* Why the data changes. REQ_R_NONE until the applicant chooses. */
typedef enum req_reason {
	REQ_R_NONE = -1,
	REQ_R_TRANSFER,    /* mutasi */
	REQ_R_PROMOTION,   /* promosi / jabatan baru */
	REQ_R_NAME_CHANGE, /* ganti nama */
	REQ_R_CORRECTION,  /* perbaikan data */
	REQ_R_NEW_EMAIL,
	REQ_R_NEW_PHONE,
	REQ_R_OTHER,
	REQ_R_COUNT
} req_reason;

/* Supporting documents the applicant will show the officer. */
typedef enum req_doc {
	REQ_D_DECREE,         /* SK pengangkatan / mutasi */
	REQ_D_KTP,            /* KTP-el */
	REQ_D_RECOMMENDATION, /* surat rekomendasi */
	REQ_D_COURT_ORDER,    /* penetapan pengadilan (ganti nama) */
	REQ_D_OTHER,
	REQ_D_COUNT
} req_doc;

/* How the applicant's identity was established at the kiosk. */
typedef enum req_id_source {
	REQ_ID_NONE,  /* not yet */
	REQ_ID_CARD,  /* read from the KTP-el */
	REQ_ID_TYPED, /* NIK typed on the keypad: the officer checks the KTP in person */
} req_id_source;

#define REQ_VALUE_MAX 404      /* bytes of one value, NUL included: 100 code points
                                  of up to 4 bytes (VAL_NAME_CAP) */
#define REQ_REASON_TEXT_MAX 512
#define REQ_DOC_OTHER_MAX 128
#define REQ_KIOSK_ID_MAX 33
#define REQ_CONSENT_VERSION_MAX 16
#define REQ_CARD_UID_MAX 21   /* up to 10 bytes of UID as hex */
#define REQ_REASON_TEXT_CHARS 300 /* code points */

typedef struct req_value {
	char current[REQ_VALUE_MAX];
	char requested[REQ_VALUE_MAX];
	bool change; /* the applicant chose to change this field */
} req_value;

typedef struct req {
	char ticket[TICKET_TEXT_MAX];      /* "" until submitted */
	char resubmit_of[TICKET_TEXT_MAX]; /* the rejected request's ticket, or "" */
	char kiosk_id[REQ_KIOSK_ID_MAX];
	req_id_source id_source;
	char card_uid[REQ_CARD_UID_MAX]; /* hex, when identified by card */
	req_value f[REQ_F_COUNT];
	req_reason reason;
	char reason_text[REQ_REASON_TEXT_MAX];
	bool docs[REQ_D_COUNT];
	char doc_other[REQ_DOC_OTHER_MAX];
	char consent_version[REQ_CONSENT_VERSION_MAX];
	int64_t consent_at;   /* epoch seconds; 0 = no consent */
	int64_t submitted_at; /* epoch seconds; 0 = not submitted */
	rstate state;
} req;

/* An empty draft: no values, no reason, state draft. */
void req_init(req *r);
/* Zero every byte of R (personal data). */
void req_wipe(req *r);

/* Replace the string in DST (CAP bytes) by SRC (shorter than CAP) and zero
 * the rest, so a request's buffers hold nothing after their strings. */
void req_set_text(char *dst, size_t cap, const char *src);

/* Stable wire names and catalog keys ("field.name", "reason.transfer",
 * "doc.decree"). Never NULL for a valid enum value. */
const char *req_field_name(req_field f);
const char *req_field_key(req_field f);
int req_field_parse(const char *name, req_field *out); /* 0, or -1 when unknown */
const char *req_reason_name(req_reason r);
const char *req_reason_key(req_reason r);
int req_reason_parse(const char *name, req_reason *out);
const char *req_doc_name(req_doc d);
const char *req_doc_key(req_doc d);
int req_doc_parse(const char *name, req_doc *out);
const char *req_id_source_name(req_id_source s);
int req_id_source_parse(const char *name, req_id_source *out);

/* Whether a current value is required for F (NIP is not: contract staff
 * have none), and the longest value in code points. */
bool req_field_required(req_field f);
int req_field_max_chars(req_field f);

/*
 * Check one value of field F as typed: dispatches to the field's validator
 * (nik_parse, val_email, val_phone, val_name, val_text) and writes the
 * normalised value to OUT (CAP bytes; "" on error). *WARNING (may be NULL)
 * gets a warning code or VAL_OK. An empty IN gives VAL_EMPTY.
 */
val_code req_check_value(req_field f, const char *in, char *out, size_t cap, val_code *warning);

/* Where an issue of a whole request lies. */
typedef enum req_part {
	REQ_PART_CURRENT,   /* f[field].current */
	REQ_PART_REQUESTED, /* f[field].requested */
	REQ_PART_REASON,
	REQ_PART_DOCS,
	REQ_PART_REQUEST,   /* the request as a whole (nothing changes, no consent) */
} req_part;

typedef struct req_issue {
	req_part part;
	req_field field; /* for CURRENT and REQUESTED */
	val_code code;   /* an error, or a warning (val_code_is_warning) */
} req_issue;

/*
 * Normalise R in place (each non-empty value through its validator) and
 * check it whole: required current values, every changed field has a valid
 * requested value that differs from the current one, at least one change, a
 * reason (free text required for "other"), a document named when "other" is
 * ticked, consent given, identity established; plus the officer's warnings
 * (academic titles, NIK/NIP birth date and sex disagreements, a typed NIK).
 * Writes up to CAP issues to OUT (may be NULL with CAP 0) and returns the
 * total number found (errors first, then warnings). A value with an error
 * is left as typed.
 */
int req_validate(req *r, req_issue *out, int cap);
/* Number of errors (not warnings) among ISSUES[0..N). */
int req_issue_errors(const req_issue *issues, int n);

/* ---- impact -------------------------------------------------------------- */

/* Does changing F alter the certificate's subject (name, NIK, institution)? */
bool req_field_in_subject(req_field f);
/* Bit (1u << field) for each changed field of R that alters the subject. */
unsigned req_subject_changes(const req *r);
/* R changes the subject: if the applicant owns a certificate, it must be
 * revoked (reason "identitas berubah") and a new one issued. */
bool req_requires_revocation_if_owner(const req *r);

/* Documents the officer will most likely ask for, given R's reason and
 * changes: bit (1u << doc). The KTP is always among them. */
unsigned req_docs_suggested(const req *r);

/* Number of fields marked for change. */
int req_change_count(const req *r);

/*
 * Start a resubmission of the rejected request OLD: a new draft with the
 * same values, reason and documents, linked by resubmit_of, with no
 * ticket, no consent, no submission time and no established identity (the
 * new session establishes it again, by card or NIK). Returns false (and leaves
 * *OUT a fresh draft) when OLD is not in a state that allows it.
 */
bool req_resubmit(const req *old, req *out);

#endif
