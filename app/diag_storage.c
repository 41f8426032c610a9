/*
 * diag_storage: the store on disk, storage.database, storage.integrity,
 * storage.disk, storage.wal and storage.pending (diag_internal.h).
 *
 * The file is looked at read-only through sync/storecheck.h, which never
 * creates it and never checkpoints it, so a missing, foreign or damaged
 * file is reported as it is. Only storage.database fails for a file that
 * is missing, not a database or of a newer schema; the checks that need
 * to read it then warn "not checked". Free space is that of the
 * filesystem holding the database (statvfs on its folder), against
 * [diagnostics] min_free_disk_mb: below it fails, below twice it warns.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>

#include "diag_internal.h"
#include "queue.h"
#include "storecheck.h"

#define MIB ((int64_t)1024 * 1024)

enum {
	WAL_WARN_MIB = 64,      /* a WAL larger than this is not being checkpointed */
	PENDING_WARN_S = 86400, /* the oldest undelivered entry older than this */
};

static void database_check(const char *path, const storecheck_facts *f, diag_report *r)
{
	char value[DIAG_VALUE_MAX], size[32];

	switch (f->state) {
	case STORECHECK_OK: break;
	case STORECHECK_MISSING:
		diag_add(r, "storage.database", DIAG_FAIL, "missing",
			 "%s does not exist: check [storage] database "
			 "(the kiosk creates it at its first start)",
			 path);
		return;
	case STORECHECK_UNREADABLE:
		diag_add(r, "storage.database", DIAG_FAIL, "unreadable", "%s cannot be read: %s", path,
			 f->why);
		return;
	case STORECHECK_NOT_DB:
		diag_add(r, "storage.database", DIAG_FAIL, "not a database",
			 "%s is damaged or not the kiosk's database (%s): restore it from a backup", path,
			 f->why);
		return;
	case STORECHECK_NEWER:
		diag_add(r, "storage.database", DIAG_FAIL, "newer schema",
			 "%s: %s: install that kiosk version, or restore a backup", path, f->why);
		return;
	}
	diag_fmt_bytes(f->size, size, sizeof size);
	snprintf(value, sizeof value, "%s, schema %d", size, f->schema);
	if (f->schema < QUEUE_SCHEMA_VERSION)
		diag_add(r, "storage.database", DIAG_WARN, value,
			 "%s: schema %d is older than this kiosk's %d; "
			 "the kiosk brings it up to date when it starts",
			 path, f->schema, QUEUE_SCHEMA_VERSION);
	else
		diag_add(r, "storage.database", DIAG_OK, value, "%s", path);
}

static void integrity_check(storecheck *sc, diag_report *r)
{
	char first[DIAG_REASON_MAX];
	int problems = 0;

	if (sc == NULL) {
		diag_add(r, "storage.integrity", DIAG_WARN, "not checked",
			 "not checked: the database cannot be opened");
		return;
	}
	int rc = storecheck_integrity(sc, first, sizeof first, &problems);
	if (rc == 0) {
		diag_add(r, "storage.integrity", DIAG_OK, "ok", "SQLite's integrity check found no problem");
	} else if (rc < 0) {
		diag_add(r, "storage.integrity", DIAG_WARN, "not checked", "the check could not run: %s",
			 first);
	} else {
		char value[DIAG_VALUE_MAX];
		snprintf(value, sizeof value, "%d problem%s%s", problems, problems == 1 ? "" : "s",
			 problems >= 100 ? " or more" : "");
		diag_add(r, "storage.integrity", DIAG_FAIL, value,
			 "%s: the database is damaged; restore it from a backup", first);
	}
}

/* The folder holding PATH into DIR ("." for a bare name). */
static void folder_of(const char *path, char *dir, size_t cap)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		snprintf(dir, cap, ".");
	else if (slash == path)
		snprintf(dir, cap, "/");
	else
		snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

static void disk_check(const conf *cfg, const char *path, diag_report *r)
{
	char dir[CONF_PATH_MAX], value[DIAG_VALUE_MAX], size[32];
	struct statvfs vfs;

	folder_of(path, dir, sizeof dir);
	if (statvfs(dir, &vfs) != 0) {
		diag_add(r, "storage.disk", DIAG_WARN, "not checked", "not checked: %s: %s", dir,
			 strerror(errno));
		return;
	}
	int64_t free_b = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
	int64_t min = (int64_t)cfg->diag.min_free_disk_mb * MIB;
	diag_fmt_bytes(free_b, size, sizeof size);
	snprintf(value, sizeof value, "%s free", size);
	if (free_b < min || free_b < 2 * min)
		diag_add(r, "storage.disk", free_b < min ? DIAG_FAIL : DIAG_WARN, value,
			 "only %" PRId64
			 " MiB free on %s; at least %d MiB needed ([diagnostics] min_free_disk_mb)%s",
			 free_b / MIB, dir, cfg->diag.min_free_disk_mb,
			 free_b < min ? ": new requests may fail to save" : "");
	else
		diag_add(r, "storage.disk", DIAG_OK, value, "on %s", dir);
}

static void wal_check(const storecheck_facts *f, diag_report *r)
{
	char value[DIAG_VALUE_MAX];

	if (f->wal_size < 0) {
		diag_add(r, "storage.wal", DIAG_OK, "none",
			 "no write-ahead log: everything is in the database file");
		return;
	}
	diag_fmt_bytes(f->wal_size, value, sizeof value);
	if (f->wal_size > WAL_WARN_MIB * MIB)
		diag_add(r, "storage.wal", DIAG_WARN, value,
			 "the write-ahead log is over %d MiB: it is copied into the database when the kiosk "
			 "is idle; a kiosk never idle, or a program holding the database open, "
			 "keeps it growing",
			 WAL_WARN_MIB);
	else
		diag_add(r, "storage.wal", DIAG_OK, value, "%s", "");
}

static void pending_check(storecheck *sc, diag_report *r)
{
	char value[DIAG_VALUE_MAX], why[DIAG_REASON_MAX], age[32];
	int64_t count = 0, since_ms = 0;

	if (sc == NULL) {
		diag_add(r, "storage.pending", DIAG_WARN, "not checked",
			 "not checked: the database cannot be opened");
		return;
	}
	if (storecheck_pending(sc, &count, &since_ms, why, sizeof why) != 0) {
		diag_add(r, "storage.pending", DIAG_WARN, "not checked", "not checked: %s", why);
		return;
	}
	if (count == 0) {
		diag_add(r, "storage.pending", DIAG_OK, "none pending", "%s", "");
		return;
	}
	int64_t waited = (int64_t)time(NULL) - since_ms / 1000;
	diag_fmt_duration(waited < 0 ? 0 : waited, age, sizeof age);
	snprintf(value, sizeof value, "%" PRId64 " pending, the oldest for %s", count, age);
	if (waited > PENDING_WARN_S)
		diag_add(r, "storage.pending", DIAG_WARN, value,
			 "an entry has waited more than a day for the central service: "
			 "check network.central and sync.last");
	else
		diag_add(r, "storage.pending", DIAG_OK, value, "%s", "");
}

void diag_storage_checks(const diag_env *env, diag_report *r)
{
	const char *path = env->db_path ? env->db_path : env->cfg->storage.database;
	storecheck *sc = NULL;
	storecheck_facts f;

	storecheck_open(&sc, path, &f);
	database_check(path, &f, r);
	integrity_check(sc, r);
	disk_check(env->cfg, path, r);
	wal_check(&f, r);
	pending_check(sc, r);
	storecheck_close(&sc);
}
