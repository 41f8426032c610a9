/*
 * diag_system: the kiosk itself, system.version, system.config and
 * system.uptime (diag_internal.h), and the texts every check file shares
 * (durations, sizes, times in WIB).
 *
 * The build type is what the compiler was told: NDEBUG is set by the
 * release build types (Release, RelWithDebInfo), not by Debug; a
 * sanitizer build says so. The date is the compiler's __DATE__ of this
 * file, close enough to the build's. The configuration is loaded again
 * from its file and validated as at start-up: a file edited since then
 * shows here before the next restart trips over it.
 */
#include <SDL.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diag_internal.h"
#include "http.h"
#include "storecheck.h"

#if defined(__SANITIZE_ADDRESS__)
#define BUILD_TYPE "debug, sanitizers"
#elif defined(NDEBUG)
#define BUILD_TYPE "release"
#else
#define BUILD_TYPE "debug"
#endif

void diag_fmt_duration(int64_t s, char *buf, size_t cap)
{
	if (s < 0)
		s = -s;
	if (s < 60)
		snprintf(buf, cap, "%" PRId64 " s", s);
	else if (s < 3600)
		snprintf(buf, cap, "%" PRId64 " min", s / 60);
	else if (s < 86400)
		snprintf(buf, cap, "%" PRId64 " h %" PRId64 " min", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, cap, "%" PRId64 " d %" PRId64 " h", s / 86400, s % 86400 / 3600);
}

void diag_fmt_bytes(int64_t bytes, char *buf, size_t cap)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, cap, "%" PRId64 " B", bytes);
		return;
	}
	while (v >= 1024 && u < 3) {
		v /= 1024;
		u++;
	}
	snprintf(buf, cap, "%.1f %s", v, units[u]);
}

static void version_check(diag_report *r)
{
	char value[DIAG_VALUE_MAX], curl[96];
	SDL_version sdl;

	SDL_GetVersion(&sdl);
	http_lib_version(curl, sizeof curl);
	snprintf(value, sizeof value, "kiosk %s (%s build, %s)", KIOSK_VERSION, BUILD_TYPE, __DATE__);
	diag_add(r, "system.version", DIAG_OK, value, "SQLite %s, SDL %u.%u.%u, %s",
		 storecheck_sqlite_version(), sdl.major, sdl.minor, sdl.patch, curl);
}

static void config_check(const conf *cfg, diag_report *r)
{
	/* A conf is large (paths of 512 bytes); the checks run on a worker's
	 * stack too, so it lives on the heap. */
	conf *again = malloc(sizeof *again);
	if (again == NULL) {
		diag_add(r, "system.config", DIAG_WARN, cfg->path, "not checked: out of memory");
		return;
	}
	int errors = conf_load(again, cfg->path, NULL);
	free(again);
	if (errors < 0)
		diag_add(r, "system.config", DIAG_FAIL, cfg->path,
			 "the configuration file cannot be opened any more: the kiosk will not start again");
	else if (errors > 0)
		diag_add(r, "system.config", DIAG_FAIL, cfg->path,
			 "%d problem%s in the file since the kiosk started: "
			 "run kiosk -n -c %s before the next start",
			 errors, errors == 1 ? "" : "s", cfg->path);
	else if (cfg->central.secret_file[0] == '\0')
		diag_add(r, "system.config", DIAG_WARN, cfg->path,
			 "[central] secret_file is empty: the kiosk keeps requests but sends nothing");
	else
		diag_add(r, "system.config", DIAG_OK, cfg->path, "valid");
}

static void uptime_check(int64_t uptime_s, diag_report *r)
{
	char value[DIAG_VALUE_MAX];

	if (uptime_s < 0) {
		diag_add(r, "system.uptime", DIAG_OK, "not running",
			 "kiosk --diagnose: the kiosk itself is not measured");
		return;
	}
	diag_fmt_duration(uptime_s, value, sizeof value);
	diag_add(r, "system.uptime", DIAG_OK, value, "since the kiosk started");
}

void diag_system_checks(const diag_env *env, diag_report *r)
{
	version_check(r);
	config_check(env->cfg, r);
	uptime_check(env->uptime_s, r);
}
