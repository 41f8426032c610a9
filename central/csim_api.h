/*
 * csim_api: the endpoint handlers of the sim. Each takes one call that
 * csim_flow.c has routed, authenticated, deduplicated and wrapped in a
 * transaction (store locked), and fills one answer; a 5xx answer makes the
 * flow roll everything back, a 4xx rolls back the handler's own writes.
 * Handlers never log; their messages never hold personal data.
 *
 *   csim_api_req.c   POST /v1/requests, POST /v1/events, GET /v1/changes
 *   csim_api_misc.c  POST /v1/certificates/lookup, POST /v1/revocations,
 *                    POST /v1/complaints, POST /v1/complaints/notes,
 *                    POST /v1/surveys, GET /v1/holidays
 *   csim_sim.c       GET|POST /_sim/faults, GET /_sim/stats, POST /_sim/events
 */
#ifndef CSIM_API_H
#define CSIM_API_H

#include "csim.h"
#include "csim_call.h"

typedef void (*csim_handler)(csim_app *app, const csim_call *c, csim_answer *a);

void csim_api_requests(csim_app *app, const csim_call *c, csim_answer *a);

/* The central state of TICKET and the kiosk that submitted it (OWNER):
 * true; false after answering A with 404 unknown_ticket (or 500). */
bool csim_api_ticket(csim_app *app, csim_answer *a, const char *ticket, rstate *state,
		     char owner[CSIM_KIOSK_ID_MAX]);
void csim_api_events(csim_app *app, const csim_call *c, csim_answer *a);
void csim_api_changes(csim_app *app, const csim_call *c, csim_answer *a);

void csim_api_lookup(csim_app *app, const csim_call *c, csim_answer *a);
void csim_api_revocations(csim_app *app, const csim_call *c, csim_answer *a);
void csim_api_complaints(csim_app *app, const csim_call *c, csim_answer *a);
void csim_api_complaint_notes(csim_app *app, const csim_call *c, csim_answer *a);
void csim_api_surveys(csim_app *app, const csim_call *c, csim_answer *a);
void csim_api_holidays(csim_app *app, const csim_call *c, csim_answer *a);

void csim_sim_faults_get(csim_app *app, const csim_call *c, csim_answer *a);
void csim_sim_faults_set(csim_app *app, const csim_call *c, csim_answer *a);
void csim_sim_stats(csim_app *app, const csim_call *c, csim_answer *a);
void csim_sim_events(csim_app *app, const csim_call *c, csim_answer *a);

/*
 * Record the notifications of KIND about TICKET that the service would send
 * to the applicant (one per channel in CHANNELS, "sms" and/or "email", to
 * the phone or address of the first request stored for TICKET, or of the
 * certificate holder when EMAIL/PHONE are given), each also added to the
 * feed of FEED_KIOSK (NULL: none). TEXT holds no personal data.
 * Returns 0 or -1 (database). Store lock held.
 */
int csim_api_notify(csim_app *app, const char *ticket, const char *kind, const char *cause, const char *text,
		    bool sms, bool email, const char *to_email, const char *to_phone, const char *feed_kiosk,
		    int64_t now);

/*
 * What the applicant is told when TICKET's central state reaches TO, by
 * whoever moved it (a kiosk's event, /_sim/events): to rejected an sms and
 * an e-mail of kind "rejected", "Permohonan ... ditolak" with REASON (the
 * event's reason, "<code>" or "<code>: <text>", cut to fit a note); to
 * notified an sms and an e-mail of kind "data_changed", "Data Anda telah
 * diubah ..."; nothing for other states. Each is also a notification change
 * in OWNER's feed (the submitting kiosk, also when the move was its own:
 * its status screen then shows what was sent). CAUSE as csim_api_notify().
 * Returns 0 or -1 (database). Store lock held.
 */
int csim_api_move_notify(csim_app *app, const char *ticket, rstate to, const char *reason, const char *cause,
			 const char *owner, int64_t now);

#endif
