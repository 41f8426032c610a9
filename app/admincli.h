/*
 * admincli: the technician's and supervisor's command-line tools for staff
 * accounts and the audit log (kiosk --add-staff, --list-staff,
 * --disable-staff, --reset-pin-pad, --verify-audit). main.c parses the flags
 * and calls one of these; each opens the store at DB with queue_open(),
 * does one thing, closes it and returns the process exit status.
 *
 * Messages for the person at the console go to ERR in Indonesian and
 * English ("PIN tidak sama / PINs do not match"); results go to OUT. No
 * message carries a PIN; a staff name appears only in --list-staff's table,
 * which exists to show it. The command line's audit entries name the actor
 * "cli" (role "cli").
 *
 * Exit statuses: 0 done; 1 --verify-audit found problems; 2 anything else
 * (bad input, nothing stored; a store that cannot be opened or written).
 *
 * Blocking: each call reads or writes the file; --add-staff also hashes the
 * PIN (about 0.1 s) and waits for the person typing it.
 */
#ifndef KIOSK_ADMINCLI_H
#define KIOSK_ADMINCLI_H

#include <stdio.h>

/*
 * Add an account: CODE (4-8 digits), ROLE ("officer", "supervisor" or
 * "technician"), NAME (1-64 bytes, the person's name). The arguments are
 * checked before the PIN is asked for. Then "PIN (6-12 angka / digits): "
 * and "Ulangi PIN / Repeat PIN: " are written to ERR and one line is read
 * for each from the file descriptor of IN: with echo off when it is a
 * terminal (Ctrl-C or Ctrl-D there cancels), otherwise a plain line each
 * (for provisioning scripts and tests). The PIN is read with read(2), so no
 * stdio buffer keeps a copy, and every buffer holding it is wiped.
 * Mismatch, weak or malformed PIN, bad code, role or name, existing code:
 * a message on ERR, status 2, nothing stored. Success: "staff CODE added
 * (ROLE)" on OUT, status 0. The store is created when DB does not exist.
 */
int admincli_add_staff(const char *db, const char *code, const char *role, const char *name, FILE *in,
		       FILE *out, FILE *err);

/* The accounts, one a line under a header: code, role, created, disabled
 * (local time, "-" when active), name. Status 0, or 2 (no such file, store
 * error). */
int admincli_list_staff(const char *db, FILE *out, FILE *err);

/* Disable the account CODE: "staff CODE disabled" on OUT, status 0; an
 * unknown, malformed or already disabled code, or a store error: status 2. */
int admincli_disable_staff(const char *db, const char *code, FILE *out, FILE *err);

/* Clear the PIN pad's lockout: "PIN pad reset (was: F failures, K
 * lockouts, locked until T)" on OUT, status 0; status 2 on a store error. */
int admincli_reset_pad(const char *db, FILE *out, FILE *err);

/* Check the audit log's chain: "audit log OK: N entries" on OUT and status
 * 0; or one line per problem (audit_problem_describe()) on OUT and status 1;
 * status 2 with the reason on ERR when the store cannot be opened or read
 * (also when DB does not exist: an empty new store would prove nothing). */
int admincli_verify_audit(const char *db, FILE *out, FILE *err);

#endif
