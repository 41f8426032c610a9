/*
 * csim_store_req: the store's requests, their central state, the event
 * history, the change feed and the notifications (see csim_store.h).
 */
#include "csim_store_int.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

int csim_store_ticket_get(csim_store *s, const char *ticket, rstate *state, char owner[CSIM_KIOSK_ID_MAX])
{
	static const char q[] = "SELECT state, kiosk_id FROM tickets WHERE ticket = ?1";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	char name[32];
	int rc;

	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, ticket);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return csim_stmt_done(st, 0);
	if (rc != SQLITE_ROW)
		return csim_stmt_done(st, -1);
	csim_col_text(st, 0, name, sizeof name);
	if (rstate_parse(name, state) != 0)
		return csim_stmt_done(st, -1);
	if (owner)
		csim_col_text(st, 1, owner, CSIM_KIOSK_ID_MAX);
	return csim_stmt_done(st, 1);
}

int csim_store_ticket_set(csim_store *s, const char *ticket, rstate state, int64_t now)
{
	static const char q[] = "UPDATE tickets SET state = ?2, updated_at = ?3 WHERE ticket = ?1";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, ticket);
	csim_bind_text(st, 2, rstate_name(state));
	csim_bind_int(st, 3, now);
	return csim_stmt_exec(st);
}

int64_t csim_store_request_add(csim_store *s, const char *kiosk, const char *ticket, const char *key,
			       const void *payload, size_t len, int64_t now)
{
	static const char q_req[] = "INSERT INTO requests(kiosk_id, ticket, idem_key, payload, received_at)"
				    " VALUES(?1, ?2, ?3, ?4, ?5)";
	/* With --no-ticket-check a duplicate keeps the first row's state and owner. */
	static const char q_ticket[] = "INSERT INTO tickets(ticket, kiosk_id, state, updated_at)"
				       " VALUES(?1, ?2, 'received', ?3) ON CONFLICT(ticket) DO NOTHING";
	sqlite3_stmt *st = csim_store_stmt(s, q_req);
	int64_t id;

	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, kiosk);
	csim_bind_text(st, 2, ticket);
	csim_bind_text(st, 3, key);
	csim_bind_blob(st, 4, payload, len);
	csim_bind_int(st, 5, now);
	if (csim_stmt_exec(st) != 0)
		return -1;
	id = sqlite3_last_insert_rowid(s->db);
	st = csim_store_stmt(s, q_ticket);
	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, ticket);
	csim_bind_text(st, 2, kiosk);
	csim_bind_int(st, 3, now);
	return csim_stmt_exec(st) == 0 ? id : -1;
}

int csim_store_request_payload(csim_store *s, const char *ticket, char **payload, size_t *len)
{
	static const char q[] = "SELECT payload FROM requests WHERE ticket = ?1 ORDER BY id LIMIT 1";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	int rc;

	*payload = NULL;
	*len = 0;
	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, ticket);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return csim_stmt_done(st, 0);
	if (rc != SQLITE_ROW)
		return csim_stmt_done(st, -1);
	*len = (size_t)sqlite3_column_bytes(st, 0);
	*payload = malloc(*len + 1);
	if (*payload == NULL)
		return csim_stmt_done(st, -1);
	if (*len)
		memcpy(*payload, sqlite3_column_blob(st, 0), *len);
	(*payload)[*len] = '\0';
	return csim_stmt_done(st, 1);
}

int64_t csim_store_event_add(csim_store *s, const csim_event_row *e)
{
	static const char q[] =
		"INSERT INTO events(ticket, from_state, to_state, role, actor, at, reason,"
		" kiosk_id, idem_key, payload, received_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
		" ?9, ?10, ?11)";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, e->ticket);
	csim_bind_text(st, 2, rstate_name(e->from));
	csim_bind_text(st, 3, rstate_name(e->to));
	csim_bind_text(st, 4, rrole_name(e->role));
	csim_bind_text(st, 5, e->actor);
	csim_bind_int(st, 6, e->at);
	csim_bind_text(st, 7, e->reason);
	csim_bind_text(st, 8, e->kiosk_id);
	csim_bind_text(st, 9, e->idem_key);
	if (e->payload)
		csim_bind_blob(st, 10, e->payload, e->payload_len);
	csim_bind_int(st, 11, e->received_at);
	return csim_stmt_exec(st) == 0 ? sqlite3_last_insert_rowid(s->db) : -1;
}

int64_t csim_store_change_add(csim_store *s, const char *kiosk, const char *ticket, const char *type,
			      const char *data, int64_t now)
{
	static const char q[] = "INSERT INTO changes(kiosk_id, ticket, type, data, created_at)"
				" VALUES(?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, kiosk);
	csim_bind_text(st, 2, ticket);
	csim_bind_text(st, 3, type);
	csim_bind_text(st, 4, data);
	csim_bind_int(st, 5, now);
	return csim_stmt_exec(st) == 0 ? sqlite3_last_insert_rowid(s->db) : -1;
}

int csim_store_notify(csim_store *s, const csim_note_row *n)
{
	static const char q[] = "INSERT INTO notifications(ticket, channel, kind, recipient, text, cause,"
				" created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	json_t *o;
	char *data;
	int rc;

	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, n->ticket);
	csim_bind_text(st, 2, n->channel);
	csim_bind_text(st, 3, n->kind);
	csim_bind_text(st, 4, n->recipient ? n->recipient : "");
	csim_bind_text(st, 5, n->text);
	csim_bind_text(st, 6, n->cause);
	csim_bind_int(st, 7, n->at);
	if (csim_stmt_exec(st) != 0)
		return -1;
	if (n->feed_kiosk == NULL)
		return 0;
	/* The feed carries what was said, never to whom. */
	o = json_pack("{s:s,s:s,s:I,s:s}", "channel", n->channel, "kind", n->kind, "at", (json_int_t)n->at,
		      "text", n->text);
	data = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
	json_decref(o);
	if (data == NULL)
		return -1;
	rc = csim_store_change_add(s, n->feed_kiosk, n->ticket, "notification", data, n->at) > 0 ? 0 : -1;
	free(data);
	return rc;
}

int csim_store_changes(csim_store *s, const char *kiosk, int64_t since, int limit, csim_change_fn fn,
		       void *ctx, bool *more)
{
	static const char q[] = "SELECT seq, type, ticket, data FROM changes WHERE kiosk_id = ?1 AND seq > ?2"
				" ORDER BY seq LIMIT ?3";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	int n = 0, rc;

	*more = false;
	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, kiosk);
	csim_bind_int(st, 2, since);
	csim_bind_int(st, 3, (int64_t)limit + 1); /* one more row says whether a next page waits */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == limit) {
			*more = true;
			break;
		}
		if (fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2),
		       (const char *)sqlite3_column_text(st, 3)) != 0)
			return csim_stmt_done(st, -1);
		n++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return csim_stmt_done(st, -1);
	return csim_stmt_done(st, n);
}
