/*
 * reqjson: the wire and storage form of a data-change request and of one
 * history event, as canonical compact JSON.
 *
 * The queue stores a request's JSON in SQLite (requests.payload) and puts
 * the same bytes in the outbox for the central service; the sync engine
 * will later send them and parse what the service sends back. Encoding is
 * canonical: keys in one fixed order, no white space, every non-ASCII code
 * point escaped as \uXXXX (jansson's JSON_ENSURE_ASCII), enum values by
 * their stable wire names (req_field_name, req_reason_name, req_doc_name,
 * req_id_source_name, rstate_name, rrole_name), times as integers (epoch
 * seconds). The same request always gives the same bytes.
 *
 * A request (format version 1):
 *
 *   {"v":1,"ticket":"ABCD-EFGH","resubmit_of":"","kiosk_id":"...",
 *    "state":"queued","submitted_at":1767225600,"id_source":"card",
 *    "card_uid":"04A1B2","fields":{"name":{"current":"...",
 *    "requested":"...","change":false},"nik":{...},... all REQ_F_COUNT
 *    fields in req_field order},"reason":"promotion","reason_text":"...",
 *    "docs":["decree","ktp"],"doc_other":"","consent_version":"2026-01",
 *    "consent_at":1767225500}
 *
 * An event (format version 1):
 *
 *   {"v":1,"ticket":"ABCD-EFGH","from":"queued","to":"in_verification",
 *    "role":"officer","actor":"...","at":1767229200,"reason":""}
 *
 * Decoding is strict, because it will parse bytes from the network: the
 * top level and "fields" must hold exactly the keys above (a missing,
 * unknown or duplicate key is an error), every value must have its type
 * (an integer time is not 1.0e9), every enum name must be known, every
 * string must fit its buffer in req.h / rstate.h with its NUL and be valid
 * UTF-8 without NUL, tickets must be canonical ("XXXX-XXXX" as
 * ticket_parse() writes it) or "", times must be >= 0, and "docs" must not
 * name a document twice. Decoding checks structure only: whether a request
 * is complete and valid is req_validate()'s business, and whether a move is
 * allowed is rstate_check()'s.
 *
 * Personal data: the strings this module returns hold names, NIKs and
 * contact details. Free them with reqjson_free(), which zeroes before it
 * frees. jansson's own buffers are zeroed when jansson frees them: on first
 * use this module installs, once per process, jansson allocation functions
 * that are malloc() and a free() that zeroes the whole block first (they
 * stay malloc-compatible, so other jansson users in the process are
 * unaffected). No error message ("why") ever contains a value or a key
 * taken from the input: only paths this module knows and positions.
 *
 * Thread-safe: no shared state besides that one-time installation.
 */
#ifndef KIOSK_REQJSON_H
#define KIOSK_REQJSON_H

#include <stddef.h>

#include "req.h"
#include "rstate.h"
#include "ticket.h"

#define REQJSON_VERSION 1 /* the "v" this module writes and accepts */

/* The largest input reqjson_decode*() accepts, in bytes: what the largest
 * request can encode to. A byte of a string grows to at most 6 characters
 * ("\u0001"), so 6 times the request's size plus the keys and punctuation
 * (under 4 KiB) always suffices, and follows req.h when its buffers change.
 * The cap stops a hostile peer from making jansson build a huge tree. */
#define REQJSON_MAX (6 * sizeof(req) + 4096)

/* A good size for the WHY buffer of the decoders. */
#define REQJSON_WHY_MAX 128

typedef enum reqjson_err {
	REQJSON_OK = 0,
	REQJSON_ERR_NOMEM,   /* an allocation failed */
	REQJSON_ERR_INVALID, /* encode: the request or event breaks its own model (a
				string not NUL-terminated in its buffer or not UTF-8, an
				enum value out of range) */
	REQJSON_ERR_TOOBIG,  /* decode: input longer than REQJSON_MAX */
	REQJSON_ERR_SYNTAX,  /* decode: not JSON (or bad UTF-8, a \u0000, nesting too deep) */
	REQJSON_ERR_SCHEMA,  /* decode: JSON, but a key is missing, unknown or of the wrong type */
	REQJSON_ERR_VALUE,   /* decode: right type, bad value (unknown name, too long, bad
				ticket, negative time, unsupported "v", a document twice) */
} reqjson_err;

/* Name of E for logs ("schema mismatch"); never NULL, never personal data. */
const char *reqjson_err_name(reqjson_err e);

/*
 * Encode R as canonical JSON.
 *
 * R: a request (not NULL) in any state, valid or not: only its own model is
 * checked (every string NUL-terminated inside its buffer and valid UTF-8,
 * enum values in range).
 * OUT (OUT, not NULL): on REQJSON_OK, a NUL-terminated ASCII string from
 * malloc() that the caller owns and releases with reqjson_free(); on any
 * error, NULL.
 * Returns REQJSON_OK, REQJSON_ERR_INVALID, or REQJSON_ERR_NOMEM.
 * Never blocks; leaves R untouched.
 */
reqjson_err reqjson_encode(const req *r, char **out);

/*
 * Decode a request from JSON[0..LEN) (need not be NUL-terminated; may hold
 * anything, NULL only with LEN 0).
 *
 * OUT (OUT, not NULL): on REQJSON_OK, the request (every buffer zero after
 * its NUL, as req_init() leaves it). On any error, a fresh draft as
 * req_init() makes it: nothing of the input remains in it.
 * WHY (OUT, may be NULL when WHY_LEN is 0): on error, a short ASCII reason
 * for logs naming the part ("fields.nik.current: string too long",
 * "JSON syntax error at line 1, column 17"), truncated to WHY_LEN bytes
 * with its NUL; "" on success.
 * Returns REQJSON_OK, REQJSON_ERR_TOOBIG, REQJSON_ERR_SYNTAX,
 * REQJSON_ERR_SCHEMA, REQJSON_ERR_VALUE or REQJSON_ERR_NOMEM.
 * Never blocks, never crashes on any bytes.
 */
reqjson_err reqjson_decode(const char *json, size_t len, req *out, char *why, size_t why_len);

/*
 * Encode one history event EV (not NULL) of the request with the canonical
 * ticket TICKET (not NULL) as canonical JSON: what the outbox sends when an
 * action taken at this kiosk must reach the central service.
 * OUT, ownership and returns as reqjson_encode(); REQJSON_ERR_INVALID also
 * when TICKET is empty or not canonical, EV's from, to or role is out of
 * range, its actor is empty, or its time is negative.
 * The move itself is not checked (see rstate_check()).
 */
reqjson_err reqjson_encode_event(const char *ticket, const rstate_event *ev, char **out);

/*
 * Decode one event as reqjson_encode_event() writes it. TICKET (OUT, not
 * NULL) gets the canonical ticket; EV (OUT, not NULL) the event with every
 * byte after each string's NUL zero. On any error both are zeroed. WHY and
 * returns as reqjson_decode(). "actor" must be non-empty; the move itself
 * is not checked.
 */
reqjson_err reqjson_decode_event(const char *json, size_t len, char ticket[TICKET_TEXT_MAX],
				 rstate_event *ev, char *why, size_t why_len);

/*
 * Zero the string *S (up to its NUL) and free it; set *S to NULL. S must not
 * be NULL; *S may be NULL (nothing happens). Use it for every string this
 * module returns.
 */
void reqjson_free(char **s);

/*
 * Install the zeroing jansson allocation functions now (once per process;
 * later calls do nothing), for other modules of sync/ that parse with
 * jansson themselves (answer.c) before they call anything else here.
 * Thread-safe; never blocks beyond pthread_once().
 */
void reqjson_init(void);

#endif
