/*
 * admincli: the staff and audit commands of the kiosk binary (see
 * admincli.h). Each command opens the store, does one thing through
 * staff.h or audit.h, and turns the result into a bilingual message and an
 * exit status. The PIN is read with read(2) from the input's descriptor,
 * one byte at a time, so the line after it stays unread and no stdio buffer
 * keeps a copy; every buffer that held it is wiped before return.
 */
#include "admincli.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "queue.h"
#include "staff.h"

enum {
	PIN_BUF = 32,           /* a line longer than this is no PIN */
	LIST_MAX = 1000,        /* accounts --list-staff shows */
	PROBLEMS_MAX = 1000,    /* problems --verify-audit prints */
	CTRL_C = 3,             /* what Ctrl-C sends while ISIG is off */
	CTRL_D = 4,             /* and Ctrl-D without ICANON */
	CTRL_U = 21,            /* erase the line */
	BACKSPACE = 8,
	DEL = 127,              /* what most terminals send for Backspace */
};

/* "kiosk: " and one message for staff error E about CODE. */
static void say_staff_err(FILE *err, staff_err e, const char *code, queue_err qe)
{
	switch (e) {
	case STAFF_ERR_CODE:
		fprintf(err, "kiosk: kode staf harus 4-8 angka / staff code must be 4-8 digits\n");
		break;
	case STAFF_ERR_NAME:
		fprintf(err, "kiosk: --name: nama harus 1-64 byte teks tanpa karakter kontrol"
			     " / name must be 1-64 bytes of text without control characters\n");
		break;
	case STAFF_ERR_ROLE:
		fprintf(err, "kiosk: --role: peran harus officer, supervisor atau technician"
			     " / role must be officer, supervisor or technician\n");
		break;
	case STAFF_ERR_PIN_FORMAT:
		fprintf(err, "kiosk: PIN harus 6-12 angka / PIN must be 6-12 digits\n");
		break;
	case STAFF_ERR_PIN_WEAK:
		fprintf(err, "kiosk: PIN terlalu mudah ditebak (satu angka berulang, angka berurutan,"
			     " atau sama dengan kode) / PIN too easy to guess (one digit repeated, a straight"
			     " run, or the code itself)\n");
		break;
	case STAFF_ERR_EXISTS:
		fprintf(err, "kiosk: kode staf %s sudah ada / staff code %s already exists\n", code, code);
		break;
	case STAFF_ERR_UNKNOWN:
		fprintf(err, "kiosk: kode staf %s tidak dikenal / no staff account has code %s\n", code,
			code);
		break;
	case STAFF_ERR_DISABLED:
		fprintf(err, "kiosk: akun %s sudah nonaktif / account %s is already disabled\n", code, code);
		break;
	case STAFF_ERR_STORE:
		fprintf(err, "kiosk: kesalahan basis data / database error: %s\n", queue_err_name(qe));
		break;
	default:
		fprintf(err, "kiosk: %s\n", staff_err_name(e));
		break;
	}
}

/* Open the store at DB; when MUST_EXIST, a missing file is an error (a new,
 * empty store would only hide a wrong path). NULL after a message. */
static queue *open_store(const char *db, bool must_exist, FILE *err)
{
	if (must_exist && access(db, F_OK) != 0) {
		fprintf(err, "kiosk: %s: basis data tidak ada / no such database: %s\n", db, strerror(errno));
		return NULL;
	}
	queue *q = NULL;
	queue_err e = queue_open(&q, db, NULL);
	if (e != QUEUE_OK) {
		fprintf(err, "kiosk: %s: basis data tidak bisa dibuka / cannot open the database: %s\n", db,
			queue_err_name(e));
		return NULL;
	}
	return q;
}

/* ---- reading a PIN ------------------------------------------------------------------ */

typedef enum line_status { LINE_OK, LINE_EOF, LINE_CANCEL, LINE_TOO_LONG } line_status;

/* One line from FD into BUF (CAP bytes, NUL-terminated, without the newline
 * or a trailing CR). A last line without a newline counts. TTY: FD is a
 * terminal in non-canonical mode, so this does the line editing (Backspace,
 * Ctrl-U) and Enter may arrive as CR; Ctrl-C or Ctrl-D cancel. */
static line_status read_line(int fd, char *buf, size_t cap, bool tty)
{
	size_t n = 0;
	bool too_long = false, any = false;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		any = true;
		if (c == '\n' || (tty && c == '\r'))
			break;
		if (c == CTRL_C || (tty && c == CTRL_D)) {
			explicit_bzero(buf, cap);
			return LINE_CANCEL;
		}
		if (tty && (c == DEL || c == BACKSPACE)) {
			if (n > 0)
				buf[--n] = '\0';
			continue;
		}
		if (tty && c == CTRL_U) {
			explicit_bzero(buf, cap);
			n = 0;
			too_long = false;
			continue;
		}
		if (n + 1 < cap)
			buf[n++] = c;
		else
			too_long = true;
		c = 0;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	if (!any)
		return LINE_EOF;
	return too_long ? LINE_TOO_LONG : LINE_OK;
}

/* Show PROMPT on ERR and read a line from FD, with echo off on a terminal.
 * Signals and canonical mode are off too, so Ctrl-C arrives at once as a
 * byte (a cancel) and can never kill the process with the terminal left
 * without echo; read_line() does the little line editing a PIN needs. */
static line_status ask(int fd, const char *prompt, char *buf, size_t cap, FILE *err)
{
	struct termios old, quiet;
	bool tty = isatty(fd) && tcgetattr(fd, &old) == 0;
	if (tty) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t) ~(ECHO | ICANON | ISIG);
		quiet.c_cc[VMIN] = 1;
		quiet.c_cc[VTIME] = 0;
		tty = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	fputs(prompt, err);
	fflush(err);
	line_status s = read_line(fd, buf, cap, tty);
	if (tty) {
		tcsetattr(fd, TCSAFLUSH, &old);
		fputc('\n', err);
	}
	return s;
}

/* ---- commands ------------------------------------------------------------------------- */

int admincli_add_staff(const char *db, const char *code, const char *role_name, const char *name, FILE *in,
		       FILE *out, FILE *err)
{
	staff_role role;
	staff_err e = staff_check_code(code);
	if (e == STAFF_OK && staff_role_parse(role_name, &role) != 0)
		e = STAFF_ERR_ROLE;
	if (e == STAFF_OK)
		e = staff_check_name(name);
	if (e != STAFF_OK) {
		say_staff_err(err, e, code, QUEUE_OK);
		return 2;
	}
	queue *q = open_store(db, false, err);
	if (!q)
		return 2;
	/* Say so before anyone types a PIN for nothing. */
	staff_info old;
	queue_err qe = staff_get(q, code, &old);
	explicit_bzero(&old, sizeof old);
	if (qe != QUEUE_ERR_NOT_FOUND) {
		say_staff_err(err, qe == QUEUE_OK ? STAFF_ERR_EXISTS : STAFF_ERR_STORE, code, qe);
		queue_close(&q);
		return 2;
	}

	char pin[PIN_BUF], again[PIN_BUF];
	int fd = fileno(in);
	int rc = 2;
	line_status s = ask(fd, "PIN (6-12 angka / digits): ", pin, sizeof pin, err);
	if (s == LINE_OK || s == LINE_TOO_LONG) {
		line_status s2 = ask(fd, "Ulangi PIN / Repeat PIN: ", again, sizeof again, err);
		if (s == LINE_OK)
			s = s2;
		else if (s2 != LINE_OK && s2 != LINE_TOO_LONG)
			s = s2;
	} else {
		explicit_bzero(again, sizeof again);
	}
	if (s == LINE_EOF || s == LINE_CANCEL) {
		fprintf(err, "kiosk: dibatalkan, tidak ada yang disimpan / cancelled, nothing stored\n");
	} else if (s == LINE_TOO_LONG) {
		say_staff_err(err, STAFF_ERR_PIN_FORMAT, code, QUEUE_OK);
	} else if (strcmp(pin, again) != 0) {
		fprintf(err, "kiosk: PIN tidak sama, tidak ada yang disimpan"
			     " / PINs do not match, nothing stored\n");
	} else if ((e = staff_check_pin(pin, code)) != STAFF_OK) {
		say_staff_err(err, e, code, QUEUE_OK);
	} else {
		e = staff_add(q, NULL, code, name, role, pin, (int64_t)time(NULL), "cli", &qe);
		if (e == STAFF_OK) {
			fprintf(out, "staff %s added (%s)\n", code, staff_role_name(role));
			rc = 0;
		} else {
			say_staff_err(err, e, code, qe);
		}
	}
	explicit_bzero(pin, sizeof pin);
	explicit_bzero(again, sizeof again);
	queue_close(&q);
	return rc;
}

/* Epoch seconds T as local "YYYY-MM-DD HH:MM" into BUF; "-" for 0. */
static void fmt_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (t == 0 || !localtime_r(&tt, &tm) || strftime(buf, len, "%Y-%m-%d %H:%M", &tm) == 0)
		snprintf(buf, len, "-");
}

int admincli_list_staff(const char *db, FILE *out, FILE *err)
{
	queue *q = open_store(db, true, err);
	if (!q)
		return 2;
	staff_info *list = calloc(LIST_MAX, sizeof *list);
	if (!list) {
		fprintf(err, "kiosk: memori habis / out of memory\n");
		queue_close(&q);
		return 2;
	}
	int n = 0;
	queue_err qe = staff_list(q, list, LIST_MAX, &n);
	queue_close(&q);
	if (qe != QUEUE_OK) {
		say_staff_err(err, STAFF_ERR_STORE, "", qe);
		free(list);
		return 2;
	}
	fprintf(out, "%-8s  %-10s  %-16s  %-16s  %s\n", "code", "role", "created", "disabled", "name");
	for (int i = 0; i < n; i++) {
		char created[32], disabled[32];
		fmt_time(list[i].created_at, created, sizeof created);
		fmt_time(list[i].disabled_at, disabled, sizeof disabled);
		fprintf(out, "%-8s  %-10s  %-16s  %-16s  %s\n", list[i].code, staff_role_name(list[i].role),
			created, disabled, list[i].name);
	}
	if (n == 0)
		fprintf(out, "(belum ada akun / no accounts yet)\n");
	explicit_bzero(list, LIST_MAX * sizeof *list);
	free(list);
	return 0;
}

int admincli_disable_staff(const char *db, const char *code, FILE *out, FILE *err)
{
	if (staff_check_code(code) != STAFF_OK) {
		say_staff_err(err, STAFF_ERR_CODE, code, QUEUE_OK);
		return 2;
	}
	queue *q = open_store(db, true, err);
	if (!q)
		return 2;
	queue_err qe = QUEUE_OK;
	staff_err e = staff_disable(q, code, (int64_t)time(NULL), "cli", &qe);
	queue_close(&q);
	if (e != STAFF_OK) {
		say_staff_err(err, e, code, qe);
		return 2;
	}
	fprintf(out, "staff %s disabled\n", code);
	return 0;
}

int admincli_reset_pad(const char *db, FILE *out, FILE *err)
{
	queue *q = open_store(db, true, err);
	if (!q)
		return 2;
	int64_t now = (int64_t)time(NULL);
	staff_pad before;
	queue_err qe = staff_pad_state(q, now, &before);
	staff_err e = qe == QUEUE_OK ? staff_pad_reset(q, now, "cli", &qe) : STAFF_ERR_STORE;
	queue_close(&q);
	if (e != STAFF_OK) {
		say_staff_err(err, e, "", qe);
		return 2;
	}
	char until[32];
	fmt_time(before.locked_until, until, sizeof until);
	fprintf(out, "PIN pad reset (was: %d failures, %d lockouts, locked until %s)\n", before.failures,
		before.lockouts, until);
	return 0;
}

int admincli_verify_audit(const char *db, FILE *out, FILE *err)
{
	queue *q = open_store(db, true, err);
	if (!q)
		return 2;
	audit_problem *p = calloc(PROBLEMS_MAX, sizeof *p);
	if (!p) {
		fprintf(err, "kiosk: memori habis / out of memory\n");
		queue_close(&q);
		return 2;
	}
	int n = 0;
	int64_t entries = 0;
	queue_err qe = audit_verify(q, p, PROBLEMS_MAX, &n, &entries);
	queue_close(&q);
	if (qe != QUEUE_OK) {
		fprintf(err, "kiosk: %s: log audit tidak bisa dibaca / cannot read the audit log: %s\n", db,
			queue_err_name(qe));
		free(p);
		return 2;
	}
	if (n == 0) {
		fprintf(out, "audit log OK: %lld entries\n", (long long)entries);
		free(p);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		char text[256];
		audit_problem_describe(&p[i], text, sizeof text);
		fprintf(out, "%s\n", text);
	}
	if (n == PROBLEMS_MAX)
		fprintf(out, "(stopped after %d problems)\n", n);
	fprintf(err, "kiosk: log audit rusak / audit log damaged: %d problem%s in %lld entries\n", n,
		n == 1 ? "" : "s", (long long)entries);
	free(p);
	return 1;
}
