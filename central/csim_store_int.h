/*
 * csim_store_int: what the store's source files (csim_store*.c, csim_seed.c)
 * share and nobody else sees: the struct, the statement cache, bind helpers.
 */
#ifndef CSIM_STORE_INT_H
#define CSIM_STORE_INT_H

#include <pthread.h>
#include <stdint.h>

#include <sqlite3.h>

#include "csim_store.h"

#define CSIM_STMT_MAX 64

struct csim_store {
	sqlite3 *db;
	pthread_mutex_t mu;
	int64_t last_prune; /* when expired nonces were last deleted */
	struct {
		const char *sql; /* compared by address: each SQL text is a static string */
		sqlite3_stmt *st;
	} stmts[CSIM_STMT_MAX];
	int nstmts;
};

/*
 * The prepared statement for SQL (a string with static storage), prepared
 * on first use and reset before it is handed out, so bindings of the last
 * use are gone. NULL when it cannot be prepared (a bug: the SQL is ours).
 * The caller resets it when done (csim_stmt_done()) so that no read stays
 * open. Store lock held.
 */
sqlite3_stmt *csim_store_stmt(csim_store *s, const char *sql);

/* Reset ST (may be NULL) and return RC unchanged, for tail calls. */
int csim_stmt_done(sqlite3_stmt *st, int rc);

/* Bind helpers: text (NULL binds NULL), blob, int64. Return the SQLite code. */
int csim_bind_text(sqlite3_stmt *st, int i, const char *v);
int csim_bind_blob(sqlite3_stmt *st, int i, const void *v, size_t len);
int csim_bind_int(sqlite3_stmt *st, int i, int64_t v);

/* Run ST (bound) to completion: 0 when it returned SQLITE_DONE, else -1.
 * Resets it either way. */
int csim_stmt_exec(sqlite3_stmt *st);

/* Copy column I of the current row of ST into OUT (CAP bytes, "" for NULL). */
void csim_col_text(sqlite3_stmt *st, int i, char *out, size_t cap);

/* Seeding (csim_seed.c), inside a transaction on DB: the made-up
 * certificate holders and their certificates; the holidays of YEAR from
 * DIR/YEAR.txt, or built-in days when the file is absent. 0 or -1 with WHY. */
int csim_seed_holders(sqlite3 *db, char *why, size_t why_len);
int csim_seed_holidays(sqlite3 *db, const char *dir, int year, char *why, size_t why_len);

#endif
