/*
 * csim_seed: what a new sim database starts with. Certificate holders are
 * made-up people (names marked "Contoh"/"Fiktif" where they are not the
 * test fixtures' own made-up applicant), with NIKs of Kota Pekalongan's
 * region code 3375 that belong to nobody; addresses are under example.go.id
 * and phone numbers are from an unassigned 62812000000xx block. One holder
 * owns two certificates, one of them revoked; one owns none.
 * Holidays come from assets/holidays/YYYY.txt ("YYYY-MM-DD<TAB>libur|cuti<TAB>
 * name", # comments), or from a few fixed-date days when the file is absent.
 */
#include "csim_store_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

typedef struct holder {
	const char *nik, *name, *email, *phone;
} holder;

static const holder holders[] = {
	{"3375010101800001", "Budi Santoso Contoh", "budi.contoh@example.go.id", "6281200000001"},
	{"3375014101900001", "Siti Nur'aini", "siti_nur@example.go.id", "6281234567890"},
	{"3375024503850002", "Dewi Lestari Fiktif", "dewi.fiktif@example.go.id", "6281200000002"},
	{"3375031207750003", "Agus Prasetyo Contoh", "agus.contoh@example.go.id", "6281200000003"},
	{"3375046611920004", "Rina Wulandari Fiktif", "rina.fiktif@example.go.id", "6281200000004"},
	{"3375011508880005", "Joko Susilo Contoh", "joko.contoh@example.go.id", "6281200000005"},
};

typedef struct cert {
	const char *serial;
	int holder; /* index in holders[] */
	const char *status;
	long long not_after, revoked_at;
} cert;

/* 1798761600 = 2027-01-01, 1830297600 = 2028-01-01, 1735689600 = 2025-01-01 */
static const cert certs[] = {
	{"5A0F000000000001", 0, "valid", 1830297600LL, 0},
	{"5A0F000000000002", 0, "revoked", 1798761600LL, 1735689600LL},
	{"5A0F000000000003", 1, "valid", 1830297600LL, 0},
	{"5A0F000000000004", 2, "valid", 1798761600LL, 0},
	{"5A0F000000000005", 3, "valid", 1830297600LL, 0},
	{"5A0F000000000006", 4, "valid", 1798761600LL, 0},
};

static int fail(sqlite3 *db, sqlite3_stmt *st, char *why, size_t why_len)
{
	snprintf(why, why_len, "seeding: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return -1;
}

int csim_seed_holders(sqlite3 *db, char *why, size_t why_len)
{
	sqlite3_stmt *st = NULL;
	sqlite3_int64 ids[sizeof holders / sizeof holders[0]];

	if (sqlite3_prepare_v2(db, "INSERT INTO holders(nik, name, email, phone) VALUES(?1, ?2, ?3, ?4)", -1,
			       &st, NULL) != SQLITE_OK)
		return fail(db, st, why, why_len);
	for (size_t i = 0; i < sizeof holders / sizeof holders[0]; i++) {
		csim_bind_text(st, 1, holders[i].nik);
		csim_bind_text(st, 2, holders[i].name);
		csim_bind_text(st, 3, holders[i].email);
		csim_bind_text(st, 4, holders[i].phone);
		if (csim_stmt_exec(st) != 0)
			return fail(db, st, why, why_len);
		ids[i] = sqlite3_last_insert_rowid(db);
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(
		    db,
		    "INSERT INTO certificates(serial, holder_id, subject, issuer, status, not_after,"
		    " revoked_at) VALUES(?1, ?2, ?3, 'BSrE', ?4, ?5, ?6)",
		    -1, &st, NULL) != SQLITE_OK)
		return fail(db, st, why, why_len);
	for (size_t i = 0; i < sizeof certs / sizeof certs[0]; i++) {
		csim_bind_text(st, 1, certs[i].serial);
		csim_bind_int(st, 2, ids[certs[i].holder]);
		csim_bind_text(st, 3, holders[certs[i].holder].name);
		csim_bind_text(st, 4, certs[i].status);
		csim_bind_int(st, 5, certs[i].not_after);
		csim_bind_int(st, 6, certs[i].revoked_at);
		if (csim_stmt_exec(st) != 0)
			return fail(db, st, why, why_len);
	}
	sqlite3_finalize(st);
	return 0;
}

typedef struct day {
	const char *date, *kind, *name;
} day;

/* Fixed-date days only: they need no decree to be right. */
static const day builtin[] = {
	{"2026-01-01", "libur", "Tahun Baru 2026 Masehi"},
	{"2026-05-01", "libur", "Hari Buruh Internasional"},
	{"2026-06-01", "libur", "Hari Lahir Pancasila"},
	{"2026-08-17", "libur", "Hari Kemerdekaan Republik Indonesia"},
	{"2026-12-25", "libur", "Kelahiran Yesus Kristus (Natal)"},
	{"2027-01-01", "libur", "Tahun Baru 2027 Masehi"},
	{"2027-05-01", "libur", "Hari Buruh Internasional"},
	{"2027-06-01", "libur", "Hari Lahir Pancasila"},
	{"2027-08-17", "libur", "Hari Kemerdekaan Republik Indonesia"},
	{"2027-12-25", "libur", "Kelahiran Yesus Kristus (Natal)"},
};

static int put_day(sqlite3_stmt *st, int year, const char *date, const char *kind, const char *name)
{
	csim_bind_text(st, 1, date);
	csim_bind_int(st, 2, year);
	csim_bind_text(st, 3, kind);
	csim_bind_text(st, 4, name);
	return csim_stmt_exec(st);
}

/* "YYYY-MM-DD" of YEAR with a plausible month and day. */
static bool date_ok(const char *d, int year)
{
	int y, m, dd;
	char tail;
	return strlen(d) == 10 && sscanf(d, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) == 3 && y == year &&
	       m >= 1 && m <= 12 && dd >= 1 && dd <= 31 && d[4] == '-' && d[7] == '-';
}

static int load_file(sqlite3 *db, sqlite3_stmt *st, FILE *f, const char *path, int year, char *why,
		     size_t why_len)
{
	char line[512];
	int lineno = 0;

	while (fgets(line, sizeof line, f)) {
		char *date, *kind, *name, *save = NULL;
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		date = strtok_r(line, "\t", &save);
		kind = strtok_r(NULL, "\t", &save);
		name = strtok_r(NULL, "\t", &save);
		if (date == NULL || kind == NULL || name == NULL || strtok_r(NULL, "\t", &save) != NULL ||
		    !date_ok(date, year) || (strcmp(kind, "libur") != 0 && strcmp(kind, "cuti") != 0)) {
			snprintf(why, why_len, "%s:%d: not \"%d-MM-DD<TAB>libur|cuti<TAB>name\"", path,
				 lineno, year);
			return -1;
		}
		if (put_day(st, year, date, kind, name) != 0) {
			snprintf(why, why_len, "seeding holidays: %s", sqlite3_errmsg(db));
			return -1;
		}
	}
	if (ferror(f)) {
		snprintf(why, why_len, "%s: cannot read", path);
		return -1;
	}
	return 0;
}

int csim_seed_holidays(sqlite3 *db, const char *dir, int year, char *why, size_t why_len)
{
	char path[4096];
	sqlite3_stmt *st = NULL;
	FILE *f;
	int rc = 0;

	if (sqlite3_prepare_v2(
		    db, "INSERT OR REPLACE INTO holidays(date, year, kind, name) VALUES(?1, ?2, ?3, ?4)", -1,
		    &st, NULL) != SQLITE_OK)
		return fail(db, st, why, why_len);
	snprintf(path, sizeof path, "%s/%d.txt", dir, year);
	f = fopen(path, "re");
	if (f != NULL) {
		rc = load_file(db, st, f, path, year, why, why_len);
		fclose(f);
	} else if (errno != ENOENT) {
		snprintf(why, why_len, "%s: %s", path, strerror(errno));
		rc = -1;
	} else {
		char prefix[16];
		snprintf(prefix, sizeof prefix, "%d-", year);
		for (size_t i = 0; i < sizeof builtin / sizeof builtin[0] && rc == 0; i++) {
			if (strncmp(builtin[i].date, prefix, strlen(prefix)) == 0)
				rc = put_day(st, year, builtin[i].date, builtin[i].kind, builtin[i].name);
		}
		if (rc != 0)
			snprintf(why, why_len, "seeding holidays: %s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return rc;
}
