/*
 * main: wires the kiosk together and nothing else. Parse the flags, load and
 * validate kiosk.conf, set the log level, then either check the configuration
 * (-n), check the card reader (--reader-test), run the technician's checks
 * without a display (--diagnose [--json]), manage staff accounts or check
 * the audit log (--add-staff, --list-staff, --disable-staff, --reset-pin-pad,
 * --verify-audit: admincli.h), run a scenario headless (--script), measure
 * frames (--bench-frames), or run the kiosk until SIGTERM. Modules close in
 * reverse order.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "admincli.h"
#include "app.h"
#include "bench.h"
#include "conf.h"
#include "diag.h"
#include "log.h"
#include "readertest.h"
#include "script.h"

typedef struct flags {
	const char *conf_path;
	bool check_only;
	bool headless;
	const char *script;
	const char *shots;
	const char *screen;
	const char *orientation;
	int window_w, window_h;
	bool first_frame;
	int bench_frames;
	bool verbose;
	const char *db;
	bool reader_test;
	bool diagnose;
	bool json;
	const char *card;
	const char *central;
	bool no_sync;
	/* staff and audit commands (admincli.h); at most one of them */
	const char *add_staff;     /* CODE */
	const char *staff_role;
	const char *staff_name;
	bool list_staff;
	const char *disable_staff; /* CODE */
	bool reset_pad;
	bool verify_audit;
} flags;

static void usage(FILE *to)
{
	fprintf(to,
		"usage: kiosk [-c FILE] [-n] [-v]\n"
		"       kiosk --headless --script FILE [--screenshots DIR] [-c FILE]\n"
		"       kiosk --reader-test [--card FILE] [-c FILE]\n"
		"       kiosk --diagnose [--json] [--card FILE] [--central URL] [--db FILE] [-c FILE]\n"
		"       kiosk --add-staff CODE --role ROLE --name NAME [--db FILE | -c FILE]\n"
		"       kiosk --list-staff | --disable-staff CODE | --reset-pin-pad | --verify-audit\n"
		"             [--db FILE | -c FILE]\n"
		"options:\n"
		"  -c, --config FILE      configuration (default %s)\n"
		"  -n, --check            validate the configuration and exit (0 ok, 2 errors)\n"
		"  -v, --verbose          debug logging\n"
		"      --headless         dummy video driver and a virtual clock\n"
		"      --script FILE      run a scenario (implies --headless); exit 0 pass, 1 fail\n"
		"      --screenshots DIR  where scenario screenshots go\n"
		"      --screen NAME      start on a screen (welcome, menu, info, status, gallery)\n"
		"      --db FILE          request store to use instead of storage.database\n"
		"      --central URL      central service to sync with instead of [central] url;\n"
		"                         headless runs sync only when given\n"
		"      --no-sync          keep requests on this kiosk, send nothing\n"
		"      --reader-test      check the card reader: descriptor, ATR, UID, record;\n"
		"                         exit 0 record read, 1 UID only, 2 failure\n"
		"      --diagnose         run the technician's checks (reader, display, network and\n"
		"                         sync, storage, system) without a display and print the\n"
		"                         readiness report; exit 0 none failed (warnings allowed),\n"
		"                         1 a check failed, 2 bad usage or configuration\n"
		"      --json             (with --diagnose) the report as JSON: {\"status\", \"checks\":\n"
		"                         [{\"name\", \"status\", \"value\", \"reason\"}], ...}\n"
		"      --card FILE        (reader type sim) the card image on the reader\n"
		"      --add-staff CODE   add a staff account (4-8 digits); asks for the PIN twice\n"
		"                         (6-12 digits; from a terminal without echo, else one\n"
		"                         line each from stdin); needs --role and --name\n"
		"      --role ROLE        officer, supervisor or technician\n"
		"      --name NAME        the person's name, 1-64 bytes\n"
		"      --list-staff       list the staff accounts\n"
		"      --disable-staff CODE  disable an account (it can no longer unlock)\n"
		"      --reset-pin-pad    clear the PIN pad's lockout\n"
		"      --verify-audit     check the audit log's hash chain; exit 0 intact,\n"
		"                         1 problems found (one line each), 2 store error\n"
		"                         (the staff and audit commands use --db, else\n"
		"                         storage.database from the configuration)\n"
		"      --orientation portrait|landscape   override the configuration\n"
		"      --window WxH       window size override (windowed mode)\n"
		"      --first-frame      print the monotonic time of the first frame and exit\n"
		"      --bench-frames N   render N full frames per screen and print timings\n"
		"      --version          print the version\n",
		KIOSK_CONF_DEFAULT);
}

static int parse_flags(int argc, char **argv, flags *f)
{
	enum { O_HEADLESS = 256, O_SCRIPT, O_SHOTS, O_SCREEN, O_ORIENT, O_WINDOW, O_FIRST, O_BENCH, O_VERSION, O_DB,
	       O_READER_TEST, O_DIAGNOSE, O_JSON, O_CARD, O_CENTRAL, O_NO_SYNC, O_ADD_STAFF, O_ROLE, O_NAME,
	       O_LIST_STAFF, O_DISABLE_STAFF, O_RESET_PAD, O_VERIFY_AUDIT };
	static const struct option longs[] = {
		{"config", required_argument, NULL, 'c'},  {"check", no_argument, NULL, 'n'},
		{"verbose", no_argument, NULL, 'v'},	   {"help", no_argument, NULL, 'h'},
		{"headless", no_argument, NULL, O_HEADLESS}, {"script", required_argument, NULL, O_SCRIPT},
		{"screenshots", required_argument, NULL, O_SHOTS},
		{"screen", required_argument, NULL, O_SCREEN},
		{"orientation", required_argument, NULL, O_ORIENT},
		{"window", required_argument, NULL, O_WINDOW},
		{"first-frame", no_argument, NULL, O_FIRST},
		{"bench-frames", required_argument, NULL, O_BENCH},
		{"db", required_argument, NULL, O_DB},
		{"reader-test", no_argument, NULL, O_READER_TEST},
		{"diagnose", no_argument, NULL, O_DIAGNOSE},
		{"json", no_argument, NULL, O_JSON},
		{"card", required_argument, NULL, O_CARD},
		{"central", required_argument, NULL, O_CENTRAL},
		{"no-sync", no_argument, NULL, O_NO_SYNC},
		{"add-staff", required_argument, NULL, O_ADD_STAFF},
		{"role", required_argument, NULL, O_ROLE},
		{"name", required_argument, NULL, O_NAME},
		{"list-staff", no_argument, NULL, O_LIST_STAFF},
		{"disable-staff", required_argument, NULL, O_DISABLE_STAFF},
		{"reset-pin-pad", no_argument, NULL, O_RESET_PAD},
		{"verify-audit", no_argument, NULL, O_VERIFY_AUDIT},
		{"version", no_argument, NULL, O_VERSION},	  {NULL, 0, NULL, 0}};
	*f = (flags){.conf_path = KIOSK_CONF_DEFAULT};
	int c;
	while ((c = getopt_long(argc, argv, "c:nvh", longs, NULL)) != -1) {
		switch (c) {
		case 'c': f->conf_path = optarg; break;
		case 'n': f->check_only = true; break;
		case 'v': f->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		case O_HEADLESS: f->headless = true; break;
		case O_SCRIPT: f->script = optarg; f->headless = true; break;
		case O_SHOTS: f->shots = optarg; break;
		case O_SCREEN: f->screen = optarg; break;
		case O_ORIENT:
			if (strcmp(optarg, "portrait") != 0 && strcmp(optarg, "landscape") != 0) {
				fprintf(stderr, "kiosk: --orientation: expected portrait or landscape, got '%s'\n", optarg);
				return -1;
			}
			f->orientation = optarg;
			break;
		case O_WINDOW:
			if (sscanf(optarg, "%dx%d", &f->window_w, &f->window_h) != 2 || f->window_w < 320 ||
			    f->window_h < 320 || f->window_w > 7680 || f->window_h > 7680) {
				fprintf(stderr, "kiosk: --window: expected WxH (320-7680 each), got '%s'\n", optarg);
				return -1;
			}
			break;
		case O_FIRST: f->first_frame = true; break;
		case O_BENCH:
			f->bench_frames = atoi(optarg);
			if (f->bench_frames < 10 || f->bench_frames > 100000) {
				fprintf(stderr, "kiosk: --bench-frames: expected 10-100000, got '%s'\n", optarg);
				return -1;
			}
			f->headless = true;
			break;
		case O_DB: f->db = optarg; break;
		case O_READER_TEST: f->reader_test = true; break;
		case O_DIAGNOSE: f->diagnose = true; break;
		case O_JSON: f->json = true; break;
		case O_CARD: f->card = optarg; break;
		case O_CENTRAL:
			if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0) {
				fprintf(stderr, "kiosk: --central: expected an http:// or https:// URL, got '%s'\n",
					optarg);
				return -1;
			}
			f->central = optarg;
			break;
		case O_NO_SYNC: f->no_sync = true; break;
		case O_ADD_STAFF: f->add_staff = optarg; break;
		case O_ROLE: f->staff_role = optarg; break;
		case O_NAME: f->staff_name = optarg; break;
		case O_LIST_STAFF: f->list_staff = true; break;
		case O_DISABLE_STAFF: f->disable_staff = optarg; break;
		case O_RESET_PAD: f->reset_pad = true; break;
		case O_VERIFY_AUDIT: f->verify_audit = true; break;
		case O_VERSION: printf("kiosk %s\n", KIOSK_VERSION); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "kiosk: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	int commands = (f->add_staff != NULL) + f->list_staff + (f->disable_staff != NULL) + f->reset_pad +
		    f->verify_audit;
	if (commands > 1) {
		fprintf(stderr, "kiosk: --add-staff, --list-staff, --disable-staff, --reset-pin-pad and"
				" --verify-audit go one at a time\n");
		return -1;
	}
	if (f->add_staff && (!f->staff_role || !f->staff_name)) {
		fprintf(stderr,
			"kiosk: --add-staff needs --role officer|supervisor|technician and --name NAME\n");
		return -1;
	}
	if (f->json && !f->diagnose) {
		fprintf(stderr, "kiosk: --json goes with --diagnose\n");
		return -1;
	}
	if (f->diagnose && (f->reader_test || f->script || f->check_only || f->bench_frames || commands)) {
		fprintf(stderr, "kiosk: --diagnose goes alone (or with --json, --card, --central, --db,"
				" -c, -v)\n");
		return -1;
	}
	if (!f->add_staff && (f->staff_role || f->staff_name)) {
		fprintf(stderr, "kiosk: --role and --name go with --add-staff\n");
		return -1;
	}
	return 0;
}

static bool admin_command(const flags *f)
{
	return f->add_staff || f->list_staff || f->disable_staff || f->reset_pad || f->verify_audit;
}

/* kiosk --diagnose: every check, once, without a display or a reader
 * thread; the report on stdout. Exit 0 when no check failed, 1 otherwise. */
static int run_diagnose(const flags *f, const conf *cfg)
{
	diag_env env = {.cfg = cfg, .db_path = f->db, .central_url = f->central, .card_path = f->card,
			.have_display = false, .uptime_s = -1};
	diag_report *r = malloc(sizeof *r);
	if (r == NULL) {
		fprintf(stderr, "kiosk: out of memory\n");
		return 2;
	}
	diag_run(&env, DIAG_AREA_ALL, r);
	int rc = f->json ? diag_write_json(r, stdout) : diag_write_text(r, stdout);
	diag_status worst = diag_worst(r);
	free(r);
	if (rc != 0) {
		fprintf(stderr, "kiosk: cannot write the report\n");
		return 2;
	}
	return worst == DIAG_FAIL ? 1 : 0;
}

/* A staff or audit command on the store: --db, else the configuration's. */
static int run_admin(const flags *f)
{
	conf cfg;
	const char *db = f->db;
	if (!db) {
		if (conf_load(&cfg, f->conf_path, stderr) != 0)
			return 2;
		db = cfg.storage.database;
	}
	if (f->add_staff)
		return admincli_add_staff(db, f->add_staff, f->staff_role, f->staff_name, stdin, stdout,
					  stderr);
	if (f->list_staff)
		return admincli_list_staff(db, stdout, stderr);
	if (f->disable_staff)
		return admincli_disable_staff(db, f->disable_staff, stdout, stderr);
	if (f->reset_pad)
		return admincli_reset_pad(db, stdout, stderr);
	return admincli_verify_audit(db, stdout, stderr);
}

/* The technician's "restart the kiosk": everything is closed (the store
 * checkpointed, the reader released); start this program again with the
 * same arguments in the same process, so it works with or without a service
 * manager. Only returns when that fails, to exit with status 1 (a service
 * manager then restarts it). */
static void restart_kiosk(char **argv)
{
	log_info("app", "restarting");
	fflush(NULL);
	execv("/proc/self/exe", argv);
	log_error("app", "restart failed: %s", strerror(errno));
	exit(1);
}

int main(int argc, char **argv)
{
	flags f;
	if (parse_flags(argc, argv, &f) != 0)
		return 2;
	if (admin_command(&f))
		return run_admin(&f);

	conf cfg;
	int errors = conf_load(&cfg, f.conf_path, stderr);
	if (errors != 0)
		return 2;
	if (f.check_only) {
		printf("configuration OK\n");
		return 0;
	}
	log_set_level(f.verbose ? LOG_DEBUG : (log_level)cfg.log.level);
	if (f.reader_test)
		return readertest_run(&cfg, f.card, 10000, stdout);
	if (f.diagnose)
		return run_diagnose(&f, &cfg);
	if (f.orientation)
		cfg.display.orientation = strcmp(f.orientation, "landscape") == 0 ? CONF_LANDSCAPE : CONF_PORTRAIT;
	if (f.window_w) {
		cfg.display.window_w = f.window_w;
		cfg.display.window_h = f.window_h;
		cfg.display.fullscreen = false;
	}

	app_opts opts = {.headless = f.headless, .start_screen = f.screen,
			 .exit_after_first_frame = f.first_frame, .db_path = f.db,
			 .central_url = f.central, .no_sync = f.no_sync};
	app *a;
	if (app_open(&a, &cfg, &opts) != 0)
		return 1;
	int rc;
	bool restart = false;
	if (f.script) {
		rc = script_run(a, f.script, f.shots);
	} else if (f.bench_frames) {
		rc = bench_frames(a, f.bench_frames);
	} else {
		rc = app_run(a);
		restart = a->restart;
	}
	app_close(&a);
	if (restart)
		restart_kiosk(argv);
	return rc;
}
