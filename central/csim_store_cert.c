/*
 * csim_store_cert: the store's certificates and revocations, complaints,
 * surveys and holidays (see csim_store.h).
 */
#include "csim_store_int.h"

#include <string.h>

static void cert_row(sqlite3_stmt *st, csim_cert *c)
{
	memset(c, 0, sizeof *c);
	csim_col_text(st, 0, c->serial, sizeof c->serial);
	csim_col_text(st, 1, c->subject, sizeof c->subject);
	csim_col_text(st, 2, c->issuer, sizeof c->issuer);
	csim_col_text(st, 3, c->status, sizeof c->status);
	c->not_after = sqlite3_column_int64(st, 4);
	c->revoked_at = sqlite3_column_int64(st, 5);
	csim_col_text(st, 6, c->email, sizeof c->email);
	csim_col_text(st, 7, c->phone, sizeof c->phone);
}

#define CERT_COLUMNS "c.serial, c.subject, c.issuer, c.status, c.not_after, c.revoked_at, h.email, h.phone"

int csim_store_certs_by_nik(csim_store *s, const char *nik, csim_cert_fn fn, void *ctx)
{
	static const char q[] =
		"SELECT " CERT_COLUMNS " FROM certificates c JOIN holders h ON h.id = c.holder_id"
		" WHERE h.nik = ?1 ORDER BY c.serial";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	csim_cert c;
	int n = 0, rc;

	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, nik);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cert_row(st, &c);
		rc = fn(ctx, &c);
		explicit_bzero(&c, sizeof c);
		if (rc != 0)
			return csim_stmt_done(st, -1);
		n++;
	}
	return csim_stmt_done(st, rc == SQLITE_DONE ? n : -1);
}

int csim_store_cert_get(csim_store *s, const char *serial, csim_cert *out)
{
	static const char q[] =
		"SELECT " CERT_COLUMNS " FROM certificates c JOIN holders h ON h.id = c.holder_id"
		" WHERE c.serial = ?1";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	int rc;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, serial);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		cert_row(st, out);
	return csim_stmt_done(st, rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1);
}

int csim_store_revoke(csim_store *s, const csim_revocation_row *r)
{
	static const char q_cert[] =
		"UPDATE certificates SET status = 'revoked', revoked_at = ?2 WHERE serial = ?1";
	static const char q_rev[] =
		"INSERT INTO revocations(serial, ticket, kiosk_id, reason, actor, at, revoked_at,"
		" idem_key, payload) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
	sqlite3_stmt *st = csim_store_stmt(s, q_cert);

	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, r->serial);
	csim_bind_int(st, 2, r->revoked_at);
	if (csim_stmt_exec(st) != 0 || (st = csim_store_stmt(s, q_rev)) == NULL)
		return -1;
	csim_bind_text(st, 1, r->serial);
	csim_bind_text(st, 2, r->ticket);
	csim_bind_text(st, 3, r->kiosk_id);
	csim_bind_text(st, 4, r->reason);
	csim_bind_text(st, 5, r->actor);
	csim_bind_int(st, 6, r->at);
	csim_bind_int(st, 7, r->revoked_at);
	csim_bind_text(st, 8, r->idem_key);
	csim_bind_blob(st, 9, r->payload, r->payload_len);
	return csim_stmt_exec(st);
}

int csim_store_complaint_add(csim_store *s, const csim_complaint_row *c)
{
	static const char q[] =
		"INSERT INTO complaints(number, kiosk_id, category, text, ticket, contact, at,"
		" received_at, idem_key, payload) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
		" ON CONFLICT(number) DO NOTHING";
	sqlite3_stmt *st = csim_store_stmt(s, q);

	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, c->number);
	csim_bind_text(st, 2, c->kiosk_id);
	csim_bind_text(st, 3, c->category);
	csim_bind_text(st, 4, c->text);
	csim_bind_text(st, 5, c->ticket);
	csim_bind_text(st, 6, c->contact);
	csim_bind_int(st, 7, c->at);
	csim_bind_int(st, 8, c->received_at);
	csim_bind_text(st, 9, c->idem_key);
	csim_bind_blob(st, 10, c->payload, c->payload_len);
	if (csim_stmt_exec(st) != 0)
		return -1;
	return sqlite3_changes(s->db) == 0 ? 1 : 0;
}

int64_t csim_store_survey_add(csim_store *s, const csim_survey_row *v)
{
	static const char q[] =
		"INSERT INTO surveys(kiosk_id, ticket, at, scores, comment, received_at, idem_key,"
		" payload) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	sqlite3_stmt *st = csim_store_stmt(s, q);

	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, v->kiosk_id);
	csim_bind_text(st, 2, v->ticket);
	csim_bind_int(st, 3, v->at);
	csim_bind_text(st, 4, v->scores);
	csim_bind_text(st, 5, v->comment);
	csim_bind_int(st, 6, v->received_at);
	csim_bind_text(st, 7, v->idem_key);
	csim_bind_blob(st, 8, v->payload, v->payload_len);
	return csim_stmt_exec(st) == 0 ? sqlite3_last_insert_rowid(s->db) : -1;
}

int csim_store_holidays(csim_store *s, int year, csim_holiday_fn fn, void *ctx)
{
	static const char q[] = "SELECT date, kind, name FROM holidays WHERE year = ?1 ORDER BY date";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	int n = 0, rc;

	if (st == NULL)
		return -1;
	csim_bind_int(st, 1, year);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0),
		       (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2)) != 0)
			return csim_stmt_done(st, -1);
		n++;
	}
	return csim_stmt_done(st, rc == SQLITE_DONE ? n : -1);
}
