/*
 * fixture_req: the made-up applicant of the store's, the JSON form's and the
 * submit benchmark's tests: Siti Nur'aini, whose promotion changes her
 * position and work unit. Header-only (static inline), no cmocka, so the
 * benchmark can use it too.
 */
#ifndef KIOSK_FIXTURE_REQ_H
#define KIOSK_FIXTURE_REQ_H

#include <stdint.h>
#include <stdio.h>

#include "req.h"
#include "ticket.h"

#define FX_NIK_SITI "3375014101900001"

/* A canonical ticket made from the number N (deterministic). */
static inline void fx_ticket(unsigned n, char out[TICKET_TEXT_MAX])
{
	uint8_t bytes[TICKET_RANDOM_BYTES] = {0};
	bytes[12] = (uint8_t)(n >> 24);
	bytes[13] = (uint8_t)(n >> 16);
	bytes[14] = (uint8_t)(n >> 8);
	bytes[15] = (uint8_t)n;
	ticket_make(bytes, out);
}

/* Field F: CURRENT, and REQUESTED when it changes (NULL: it does not). */
static inline void fx_value(req *r, req_field f, const char *current, const char *requested)
{
	snprintf(r->f[f].current, sizeof r->f[f].current, "%s", current);
	snprintf(r->f[f].requested, sizeof r->f[f].requested, "%s", requested ? requested : "");
	r->f[f].change = requested != NULL;
}

/* Siti's draft, identified by card: every profile field, two changes, the
 * reason "promotion" (without text), two documents, consent version
 * "2026-01". Ticket, reason text, times and state are the caller's. */
static inline void fx_siti(req *r)
{
	req_init(r);
	snprintf(r->kiosk_id, sizeof r->kiosk_id, "PKL-DISKOMINFO-01");
	r->id_source = REQ_ID_CARD;
	snprintf(r->card_uid, sizeof r->card_uid, "04A1B2C3D4E5F6");
	fx_value(r, REQ_F_NAME, "Siti Nur'aini", NULL);
	fx_value(r, REQ_F_NIK, FX_NIK_SITI, NULL);
	fx_value(r, REQ_F_NIP, "199001012015032001", NULL);
	fx_value(r, REQ_F_EMAIL, "siti_nur@example.go.id", NULL);
	fx_value(r, REQ_F_PHONE, "6281234567890", NULL);
	fx_value(r, REQ_F_POSITION, "Pranata Komputer Ahli Pertama", "Pranata Komputer Ahli Muda");
	fx_value(r, REQ_F_INSTITUTION, "Dinas Komunikasi dan Informatika Kota Pekalongan", NULL);
	fx_value(r, REQ_F_WORK_UNIT, "Bidang Persandian dan Keamanan Informasi",
		 "Bidang Aplikasi Informatika");
	fx_value(r, REQ_F_PROVINCE, "Jawa Tengah", NULL);
	fx_value(r, REQ_F_CITY, "Kota Pekalongan", NULL);
	r->reason = REQ_R_PROMOTION;
	r->docs[REQ_D_DECREE] = true;
	r->docs[REQ_D_KTP] = true;
	snprintf(r->consent_version, sizeof r->consent_version, "2026-01");
}

#include "rstate.h"

/* Siti's request number N, submitted at AT at kiosk KIOSK: ticket from N,
 * state queued, and FIRST the draft -> queued event, ready for
 * queue_submit(). Returns what rstate_apply() returns. */
static inline rstate_err fx_queued(req *r, rstate_event *first, unsigned n, const char *kiosk,
				   int64_t at)
{
	fx_siti(r);
	snprintf(r->kiosk_id, sizeof r->kiosk_id, "%s", kiosk);
	fx_ticket(n + 1, r->ticket);
	r->submitted_at = at;
	return rstate_apply(&r->state, RSTATE_QUEUED, RROLE_APPLICANT, kiosk, at, NULL, first);
}

#endif
