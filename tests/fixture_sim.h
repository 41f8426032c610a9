/*
 * fixture_sim: start and stop kiosk-central-sim for a test (header-only,
 * static inline, no cmocka, so programs and cmocka tests share it).
 *
 * fxsim_start() runs BIN --port 0 --db DB --kiosk ID=KEYFILE plus EXTRA
 * arguments, reads its "listening on 127.0.0.1:PORT" line, and returns the
 * port; fxsim_stop() sends SIGTERM and reaps it. fxsim_write_key() makes a
 * key file of 64 hex digits from a fixed made-up pattern.
 */
#ifndef KIOSK_FIXTURE_SIM_H
#define KIOSK_FIXTURE_SIM_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct fxsim {
	pid_t pid;
	int port;
	char url[64]; /* "http://127.0.0.1:PORT/v1" */
} fxsim;

/* The test kiosk's secret: bytes 0x00..0x1f as hex. */
static inline int fxsim_write_key(const char *path, uint8_t secret[32])
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	for (int i = 0; i < 32; i++) {
		secret[i] = (uint8_t)(i * 7 + 3);
		fprintf(f, "%02x", secret[i]);
	}
	fputc('\n', f);
	return fclose(f);
}

/* EXTRA: NULL-terminated list of more arguments (may be NULL). Returns 0
 * and fills S, or -1 (the child is reaped). */
static inline int fxsim_start(fxsim *s, const char *bin, const char *db, const char *kiosk_id,
			      const char *keyfile, const char *const *extra)
{
	int fds[2];
	char kiosk[4352];
	const char *argv[40];
	int n = 0;

	memset(s, 0, sizeof *s);
	snprintf(kiosk, sizeof kiosk, "%s=%s", kiosk_id, keyfile);
	argv[n++] = bin;
	argv[n++] = "--port";
	argv[n++] = "0";
	argv[n++] = "--db";
	argv[n++] = db;
	argv[n++] = "--kiosk";
	argv[n++] = kiosk;
	argv[n++] = "--quiet";
	for (int i = 0; extra && extra[i] && n < 39; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	/* execv() wants mutable strings: copies, made before fork(). */
	char *args[40] = {0};
	for (int i = 0; i < n; i++)
		args[i] = strdup(argv[i]);
	if (pipe(fds) != 0)
		return -1;
	s->pid = fork();
	if (s->pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execv(bin, args);
		_exit(127);
	}
	for (int i = 0; i < n; i++)
		free(args[i]);
	close(fds[1]);
	if (s->pid < 0) {
		close(fds[0]);
		return -1;
	}
	FILE *f = fdopen(fds[0], "r");
	char line[256];
	while (f && fgets(line, sizeof line, f)) {
		const char *p = strstr(line, "listening on 127.0.0.1:");
		if (p) {
			s->port = atoi(p + strlen("listening on 127.0.0.1:"));
			break;
		}
	}
	if (f)
		fclose(f); /* the sim's later lines go to a closed pipe: it must not care */
	if (s->port <= 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		return -1;
	}
	snprintf(s->url, sizeof s->url, "http://127.0.0.1:%d/v1", s->port);
	return 0;
}

/* One integer from SQL on the database at PATH, opened read-only (the
 * sim's or a kiosk's); -1 when it cannot be read. Needs <sqlite3.h>. */
#ifdef SQLITE_OK
static inline int64_t fxsim_db_int(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK) {
		sqlite3_busy_timeout(db, 2000);
		if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
			v = sqlite3_column_int64(st, 0);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}
#endif

/* SIGTERM, then wait. Returns the exit status (or 128 + signal). */
static inline int fxsim_stop(fxsim *s)
{
	int st = 0;
	if (s->pid <= 0)
		return -1;
	kill(s->pid, SIGTERM);
	waitpid(s->pid, &st, 0);
	s->pid = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#endif
