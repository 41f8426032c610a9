/*
 * csim_store_complaint: the notes on complaints and the central state they
 * give a complaint (see csim_store.h). Complaints themselves are stored in
 * csim_store_cert.c.
 */
#include "csim_store_int.h"

int csim_store_complaint_get(csim_store *s, const char *number, char owner[CSIM_KIOSK_ID_MAX],
			     complaint_state *state)
{
	/* NULL state: no note yet, so the complaint is still open. */
	static const char q[] = "SELECT c.kiosk_id, (SELECT n.state FROM complaint_notes n"
				" WHERE n.number = c.number ORDER BY n.id DESC LIMIT 1)"
				" FROM complaints c WHERE c.number = ?1";
	sqlite3_stmt *st = csim_store_stmt(s, q);
	char name[32];
	complaint_state cur = COMPLAINT_OPEN;
	int rc;

	if (st == NULL)
		return -1;
	csim_bind_text(st, 1, number);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return csim_stmt_done(st, 0);
	if (rc != SQLITE_ROW)
		return csim_stmt_done(st, -1);
	if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
		csim_col_text(st, 1, name, sizeof name);
		if (complaint_state_parse(name, &cur) != 0)
			return csim_stmt_done(st, -1);
	}
	csim_col_text(st, 0, owner, CSIM_KIOSK_ID_MAX);
	*state = cur;
	return csim_stmt_done(st, 1);
}

int csim_store_complaint_note_add(csim_store *s, const csim_complaint_note_row *n)
{
	static const char q[] =
		"INSERT INTO complaint_notes(number, kind, role, actor, at, text, state, kiosk_id, idem_key,"
		" payload, received_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
	sqlite3_stmt *st;

	/* "?" would be stored as a state no later read could parse. */
	if ((unsigned)n->state >= COMPLAINT_STATE_COUNT || (st = csim_store_stmt(s, q)) == NULL)
		return -1;
	csim_bind_text(st, 1, n->number);
	csim_bind_text(st, 2, n->kind);
	csim_bind_text(st, 3, n->role);
	csim_bind_text(st, 4, n->actor);
	csim_bind_int(st, 5, n->at);
	csim_bind_text(st, 6, n->text);
	csim_bind_text(st, 7, complaint_state_name(n->state));
	csim_bind_text(st, 8, n->kiosk_id);
	csim_bind_text(st, 9, n->idem_key);
	csim_bind_blob(st, 10, n->payload, n->payload_len);
	csim_bind_int(st, 11, n->received_at);
	return csim_stmt_exec(st);
}
