/*
 * script: the scenario runner (see script.h). It acts only through the same
 * doors a person uses: synthetic SDL touch and key events located through the
 * widget list, and the simulated card reader. It never writes into buffers.
 */
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "log.h"
#include "script.h"
#include "audit.h"
#include "complaint.h"
#include "http.h"
#include "staff.h"
#include "ticket.h"

enum {
	MAX_ARGS = 5,
	LINE_MAX_LEN = 1024,
	TAP_MS = 100,     /* a finger's press and release take about this long */
	UI_DRAG_SLOP = 30, /* a stroke shorter than this would read as a tap */
	READER_WAIT_MS = 5000, /* real time the reader thread gets to answer a card step */
	SYNC_WAIT_MS = 10000,  /* real time the sync engine gets to reach a state */
	DIAG_WAIT_MS = 20000,  /* real time the diagnostics get (the central timeout and more) */
	FINGERS = 10,          /* finger ids a script may use: 0..9 */
	STROKE_STEP = 20,      /* design px between the motion events of a swipe */
};

typedef struct run {
	app *a;
	const char *path;
	const char *shots;
	char dir[512]; /* the script's directory, for relative card paths */
	unsigned long read_ends; /* reads ended that card wait has accounted for */
	int line;
	int steps;
	char ticket[TICKET_TEXT_MAX]; /* "remember ticket": read off the screen */
	char complaint[COMPLAINT_NUMBER_MAX]; /* "remember complaint": likewise */
	queue *other;                 /* "store lock": another writer's connection */
	rstate ticket_state;          /* where "advance" left that request */
	int fx[FINGERS], fy[FINGERS]; /* "finger": where each finger last was */
	char stick[64];               /* "stick insert": the folder, "" none ("$stick") */
} run;

static int fail(run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(run *r, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s:%d: %s\n", r->path, r->line, msg);
	return 1;
}

/* Split LINE into a command word and up to MAX_ARGS arguments, bare or
 * double-quoted (with \" and \\ escapes). Returns the count, or -1. */
static int tokenize(char *line, char **argv, int max)
{
	int n = 0;
	char *p = line;
	while (*p) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			break;
		if (n == max)
			return -1;
		if (*p == '"') {
			char *out = ++p;
			argv[n++] = out;
			while (*p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				*out++ = *p++;
			}
			if (*p != '"')
				return -1;
			p++;
			*out = '\0';
		} else {
			argv[n++] = p;
			while (*p && !isspace((unsigned char)*p))
				p++;
			if (*p)
				*p++ = '\0';
		}
	}
	return n;
}

/* ---- the widget list ------------------------------------------------------ */

static const char *role_name(ui_role r)
{
	static const char *const names[UI_ROLE_COUNT] = {
		"text", "heading", "button", "field", "key", "checkbox", "choice",
		"list", "dialog", "progress", "spinner", "steps"};
	return r < UI_ROLE_COUNT ? names[r] : "?";
}

/* A short list of what is on screen, for failure messages. */
static const char *seen_labels(run *r, bool tappable_only, char *buf, size_t len)
{
	ui *u = r->a->ui;
	size_t o = 0, shown = 0, n = ui_widget_count(u);
	buf[0] = '\0';
	for (size_t i = 0; i < n && o + 64 < len; i++) {
		const ui_widget *w = ui_widget_at(u, i);
		if (tappable_only && (w->role == UI_ROLE_TEXT || w->role == UI_ROLE_HEADING ||
				      w->role == UI_ROLE_KEY))
			continue;
		if (!w->label[0])
			continue;
		if (shown == 16) {
			o += (size_t)snprintf(buf + o, len - o, ", ...");
			break;
		}
		o += (size_t)snprintf(buf + o, len - o, "%s%s \"%.60s\"", shown ? ", " : "",
				      role_name(w->role), w->label);
		shown++;
	}
	if (!shown)
		snprintf(buf, len, "nothing");
	return buf;
}

/* The topmost widget labelled LABEL (optionally of ROLE; -1 = any). */
static const ui_widget *find(run *r, const char *label, int role)
{
	ui *u = r->a->ui;
	const ui_widget *best = NULL;
	for (size_t i = 0; i < ui_widget_count(u); i++) {
		const ui_widget *w = ui_widget_at(u, i);
		if ((role < 0 || (int)w->role == role) && strcmp(w->label, label) == 0) {
			/* Prefer what can be tapped: enabled and not behind a dialog. */
			if (!best || (w->flags & UI_W_ENABLED && !(w->flags & UI_W_INERT)))
				best = w;
		}
	}
	return best;
}

/* Finger ID's event TYPE at design pixel (DX, DY), then a pump. */
static void push_finger_id(run *r, Uint32 type, int id, int dx, int dy)
{
	int wx, wy;
	app_to_window(r->a, dx, dy, &wx, &wy);
	SDL_Event ev = {0};
	ev.type = type;
	ev.tfinger.touchId = 1;
	ev.tfinger.fingerId = id;
	ev.tfinger.x = ((float)wx + 0.5f) / (float)r->a->win_w;
	ev.tfinger.y = ((float)wy + 0.5f) / (float)r->a->win_h;
	ev.tfinger.pressure = 1.0f;
	SDL_PushEvent(&ev);
	app_pump(r->a);
}

static void push_finger(run *r, Uint32 type, int dx, int dy) { push_finger_id(r, type, 1, dx, dy); }

static int tap_widget(run *r, const ui_widget *w, const char *what)
{
	if (!(w->flags & UI_W_ENABLED))
		return fail(r, "expected %s to be enabled, saw it disabled", what);
	if (w->flags & UI_W_INERT)
		return fail(r, "expected %s to be tappable, saw it behind a dialog", what);
	int x = w->r.x + w->r.w / 2, y = w->r.y + w->r.h / 2;
	push_finger(r, SDL_FINGERDOWN, x, y);
	app_advance(r->a, TAP_MS);
	push_finger(r, SDL_FINGERUP, x, y);
	app_advance(r->a, TAP_MS);
	return 0;
}

static int cmd_tap(run *r, const char *label)
{
	const ui_widget *w = find(r, label, -1);
	if (!w) {
		char seen[1536];
		return fail(r, "expected a widget labelled \"%s\", saw %s", label,
			    seen_labels(r, true, seen, sizeof seen));
	}
	char what[160];
	snprintf(what, sizeof what, "%s \"%s\"", role_name(w->role), label);
	return tap_widget(r, w, what);
}

static const ui_widget *find_key(run *r, const char *text)
{
	ui *u = r->a->ui;
	for (size_t i = 0; i < ui_widget_count(u); i++) {
		const ui_widget *w = ui_widget_at(u, i);
		if (w->role == UI_ROLE_KEY && strcmp(w->value, text) == 0)
			return w;
	}
	return NULL;
}

static bool any_key(run *r)
{
	ui *u = r->a->ui;
	for (size_t i = 0; i < ui_widget_count(u); i++)
		if (ui_widget_at(u, i)->role == UI_ROLE_KEY)
			return true;
	return false;
}

static int cmd_type(run *r, const char *text)
{
	for (const char *p = text; *p;) {
		size_t n = 1;
		while (p[n] && ((unsigned char)p[n] & 0xC0) == 0x80)
			n++;
		char ch[8] = {0};
		memcpy(ch, p, n < sizeof ch ? n : sizeof ch - 1);
		p += n;
		if (!any_key(r))
			return fail(r, "expected an on-screen keyboard to type \"%s\", saw none "
				       "(tap a field first)", ch);
		const ui_widget *k = find_key(r, ch);
		if (!k) { /* maybe behind shift */
			const ui_widget *shift = find(r, ui_tr(r->a->ui, "kbd.shift"), UI_ROLE_KEY);
			if (shift) {
				if (tap_widget(r, shift, "the shift key"))
					return 1;
				k = find_key(r, ch);
			}
		}
		if (!k) {
			char keys[1024] = "";
			size_t o = 0;
			ui *u = r->a->ui;
			for (size_t i = 0; i < ui_widget_count(u) && o + 16 < sizeof keys; i++) {
				const ui_widget *w = ui_widget_at(u, i);
				if (w->role == UI_ROLE_KEY)
					o += (size_t)snprintf(keys + o, sizeof keys - o, "%s",
							      w->value[0] ? w->value : "");
			}
			return fail(r, "expected a key typing \"%s\", saw keys \"%s\"", ch, keys);
		}
		char what[32];
		snprintf(what, sizeof what, "key \"%s\"", ch);
		if (tap_widget(r, k, what))
			return 1;
	}
	return 0;
}

/* Where a finger would start dragging W: a point of it that no scroll
 * region drawn above it (a list inside the page) covers. */
static void drag_start(run *r, const ui_widget *w, int *x, int *y)
{
	static const int tenths[] = {5, 2, 8, 1, 9};
	ui *u = r->a->ui;
	size_t idx = 0;
	while (idx < ui_widget_count(u) && ui_widget_at(u, idx) != w)
		idx++;
	*x = w->r.x + w->r.w / 2;
	for (size_t t = 0; t < sizeof tenths / sizeof tenths[0]; t++) {
		*y = w->r.y + w->r.h * tenths[t] / 10;
		bool covered = false;
		for (size_t i = idx + 1; i < ui_widget_count(u) && !covered; i++) {
			const ui_widget *o = ui_widget_at(u, i);
			covered = o->role == UI_ROLE_LIST && *x >= o->r.x && *x < o->r.x + o->r.w &&
				  *y >= o->r.y && *y < o->r.y + o->r.h;
		}
		if (!covered)
			return;
	}
	*y = w->r.y + w->r.h / 2;
}

/*
 * Drag N pixels on the widget labelled LABEL, as a person does: strokes that
 * start inside the widget (where no inner list covers it) and stay on the
 * screen, repeated until the whole distance is covered.
 */
static int cmd_drag(run *r, const char *label, const char *dir, const char *amount)
{
	char *end;
	long dist = strtol(amount, &end, 10);
	if (*end || dist <= 0 || dist > 20000)
		return fail(r, "expected a distance in pixels (1-20000), saw \"%s\"", amount);
	int sign = strcmp(dir, "up") == 0 ? -1 : strcmp(dir, "down") == 0 ? 1 : 0;
	if (!sign)
		return fail(r, "expected up or down, saw \"%s\"", dir);
	for (long left = dist; left > 0;) {
		const ui_widget *w = find(r, label, -1);
		if (!w) {
			char seen[1536];
			return fail(r, "expected a widget labelled \"%s\" to drag, saw %s", label,
				    seen_labels(r, true, seen, sizeof seen));
		}
		int x, y;
		drag_start(r, w, &x, &y);
		/* Room to the edge of the widget in the stroke's direction. */
		long room = sign < 0 ? y - w->r.y - 8 : w->r.y + w->r.h - 8 - y;
		long stroke = left < room ? left : room;
		if (stroke <= UI_DRAG_SLOP && left < dist)
			break; /* a remainder shorter than a drag would read as a tap */
		if (stroke <= UI_DRAG_SLOP)
			return fail(r, "expected room to drag \"%s\", saw a widget %d px high", label,
				    w->r.h);
		push_finger(r, SDL_FINGERDOWN, x, y);
		for (long moved = 0; moved < stroke;) {
			moved = moved + 40 > stroke ? stroke : moved + 40;
			push_finger(r, SDL_FINGERMOTION, x, y + sign * (int)moved);
			app_advance(r->a, 16);
		}
		push_finger(r, SDL_FINGERUP, x, y + sign * (int)stroke);
		app_advance(r->a, TAP_MS);
		left -= stroke;
	}
	return 0;
}

static const ui_widget *find_text(run *r, const char *text)
{
	ui *u = r->a->ui;
	for (size_t i = 0; i < ui_widget_count(u); i++) {
		const ui_widget *w = ui_widget_at(u, i);
		if (strstr(w->label, text) || strstr(w->value, text))
			return w;
	}
	return NULL;
}

/*
 * "scroll LIST to LABEL": drag the list as a person looking for something
 * does, down the page and then back up, until a widget labelled LABEL (or,
 * with a final '*', whose label starts with it) shows, not cut by its
 * list's lower edge.
 */
/* LABEL equals WANT, or starts with it when WANT ends in '*'. */
static bool label_matches(const char *label, const char *want)
{
	size_t n = strlen(want);
	if (n > 0 && want[n - 1] == '*')
		return strncmp(label, want, n - 1) == 0;
	return strcmp(label, want) == 0;
}

/* The list W lies in (its visible part is clipped to it), or NULL. */
static const ui_widget *list_of(run *r, const ui_widget *w)
{
	ui *u = r->a->ui;
	const ui_widget *best = NULL;
	for (size_t i = 0; i < ui_widget_count(u); i++) {
		const ui_widget *l = ui_widget_at(u, i);
		if (l == w || l->role != UI_ROLE_LIST)
			continue;
		if (w->r.x >= l->r.x && w->r.x < l->r.x + l->r.w && w->r.y >= l->r.y &&
		    w->r.y < l->r.y + l->r.h)
			best = l; /* the last listed is the innermost */
	}
	return best;
}

static bool fully_shown(run *r, const char *label)
{
	ui *u = r->a->ui;
	for (size_t i = 0; i < ui_widget_count(u); i++) {
		const ui_widget *w = ui_widget_at(u, i);
		if (w->role == UI_ROLE_LIST || !label_matches(w->label, label))
			continue;
		/* Widgets record their visible part: one cut by its list's lower
		 * edge is not wholly shown yet. */
		const ui_widget *l = list_of(r, w);
		if (!l || w->r.y + w->r.h < l->r.y + l->r.h - 2)
			return true;
	}
	return false;
}

/* Drag LIST down the page, then back up, until LABEL shows; 1 on a
 * failed drag (reported), 0 otherwise (shown or not). */
static int scroll_list(run *r, const char *list, const char *label)
{
	enum { STEP = 240, TRIES = 24 };
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < TRIES && !fully_shown(r, label); i++) {
			char n[16];
			snprintf(n, sizeof n, "%d", STEP);
			if (cmd_drag(r, list, pass == 0 ? "up" : "down", n) != 0)
				return 1;
		}
	}
	return 0;
}

/* "scroll LIST to LABEL", or with LIST NULL ("scroll to LABEL") every list
 * on the screen in turn: layouts differ by orientation, scripts need not. */
static int cmd_scroll(run *r, const char *list, const char *label)
{
	char seen[1536];
	if (list) {
		if (!find(r, list, UI_ROLE_LIST))
			return fail(r, "expected a list labelled \"%s\", saw %s", list,
				    seen_labels(r, true, seen, sizeof seen));
		if (scroll_list(r, list, label) != 0)
			return 1;
	} else {
		char lists[4][128]; /* labels copied: every drag redraws the frame */
		int n = 0;
		ui *u = r->a->ui;
		for (size_t i = 0; i < ui_widget_count(u) && n < 4; i++) {
			const ui_widget *w = ui_widget_at(u, i);
			if (w->role == UI_ROLE_LIST)
				snprintf(lists[n++], sizeof lists[0], "%s", w->label);
		}
		for (int i = 0; i < n && !fully_shown(r, label); i++)
			if (scroll_list(r, lists[i], label) != 0)
				return 1;
	}
	if (fully_shown(r, label))
		return 0;
	return fail(r, "expected \"%s\" to show when %s%s%s scrolled, saw %s", label, list ? "\"" : "",
		    list ? list : "the lists are", list ? "\" is" : "", seen_labels(r, false, seen, sizeof seen));
}

/* "expect check NAME ok|warn|fail": the diagnostics screen's last run. */
static int expect_check(run *r, const char *name, const char *want)
{
	const tech *t = &r->a->tech;
	if (strcmp(want, "ok") != 0 && strcmp(want, "warn") != 0 && strcmp(want, "fail") != 0)
		return fail(r, "expected a status ok, warn or fail, saw \"%s\"", want);
	if (!t->have_report)
		return fail(r, "expected the diagnostics to have run (wait diagnostics), saw no report");
	const diag_check *c = diag_find(&t->report, name);
	if (!c) {
		char names[1024] = "";
		size_t o = 0;
		for (int i = 0; i < t->report.n && o + DIAG_NAME_MAX + 2 < sizeof names; i++)
			o += (size_t)snprintf(names + o, sizeof names - o, "%s%s", i ? " " : "",
					      t->report.checks[i].name);
		return fail(r, "expected check %s, saw only %s", name, names);
	}
	if (strcmp(diag_status_name(c->status), want) != 0)
		return fail(r, "expected check %s %s, saw %s (%s: %s)", name, want,
			    diag_status_name(c->status), c->value, c->reason);
	return 0;
}

/* "expect audit ACTION ["DETAIL"]": one of the newest audit entries is
 * ACTION (with DETAIL in its detail, when given). */
static int expect_audit(run *r, const char *action, const char *detail)
{
	enum { NEWEST = 50 };
	audit_entry *e = calloc(NEWEST, sizeof *e);
	int n = 0;
	queue_err qe = e ? audit_list(r->a->q, 0, e, NEWEST, &n) : QUEUE_ERR_NOMEM;
	bool found = false;
	for (int i = 0; qe == QUEUE_OK && i < n && !found; i++)
		found = strcmp(e[i].rec.action, action) == 0 && (!detail || strstr(e[i].rec.detail, detail));
	char last[AUDIT_ACTION_MAX] = "nothing";
	if (n > 0)
		snprintf(last, sizeof last, "%s", e[0].rec.action);
	free(e);
	if (qe != QUEUE_OK)
		return fail(r, "expected to read the audit log, saw %s", queue_err_name(qe));
	if (!found)
		return fail(r, "expected an audit entry %s%s%s, saw none (the newest is %s)", action,
			    detail ? " with " : "", detail ? detail : "", last);
	return 0;
}

static int cmd_expect(run *r, int argc, char **argv)
{
	ui *u = r->a->ui;
	char seen[1536];
	if (argc == 3 && strcmp(argv[1], "text") == 0) {
		if (!find_text(r, argv[2]))
			return fail(r, "expected text \"%s\", saw %s", argv[2],
				    seen_labels(r, false, seen, sizeof seen));
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "no") == 0 && strcmp(argv[2], "text") == 0) {
		const ui_widget *w = find_text(r, argv[3]);
		if (w)
			return fail(r, "expected no text \"%s\", saw it in %s \"%.60s\"", argv[3],
				    role_name(w->role), w->label);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "screen") == 0) {
		const char *now = screen_get(r->a->screen)->name;
		if (strcmp(now, argv[2]) != 0)
			return fail(r, "expected screen %s, saw screen %s", argv[2], now);
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "field") == 0) {
		const ui_widget *w = find(r, argv[2], UI_ROLE_FIELD);
		if (!w)
			return fail(r, "expected a field labelled \"%s\", saw %s", argv[2],
				    seen_labels(r, true, seen, sizeof seen));
		if (strcmp(w->value, argv[3]) != 0)
			return fail(r, "expected field \"%s\" to hold \"%s\", saw \"%s\"", argv[2],
				    argv[3], w->value);
		return 0;
	}
	if (argc == 3 && (strcmp(argv[1], "checked") == 0 || strcmp(argv[1], "unchecked") == 0)) {
		const ui_widget *w = find(r, argv[2], -1);
		if (!w)
			return fail(r, "expected a widget labelled \"%s\", saw %s", argv[2],
				    seen_labels(r, true, seen, sizeof seen));
		bool want = argv[1][0] == 'c', is = (w->flags & UI_W_CHECKED) != 0;
		if (want != is)
			return fail(r, "expected \"%s\" %s, saw it %s", argv[2], argv[1],
				    is ? "checked" : "unchecked");
		return 0;
	}
	if (argc == 4 && strcmp(argv[1], "check") == 0)
		return expect_check(r, argv[2], argv[3]);
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "audit") == 0)
		return expect_audit(r, argv[2], argc == 4 ? argv[3] : NULL);
	if (argc == 2 && strcmp(argv[1], "restart") == 0) {
		if (!r->a->restart)
			return fail(r, "expected a restart to be requested, saw none");
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "file") == 0) {
		glob_t g;
		int rc = glob(argv[2], 0, NULL, &g);
		size_t n = rc == 0 ? g.gl_pathc : 0;
		if (rc == 0)
			globfree(&g);
		if (n == 0)
			return fail(r, "expected a file matching %s, saw none", argv[2]);
		return 0;
	}
	(void)u;
	return fail(r, "expected text|no text|screen|field|checked|unchecked|check|restart|file|audit "
		       "after expect, saw \"%s\"", argc > 1 ? argv[1] : "");
}

/* SPEC ("30s", "500ms", "2m") in milliseconds into *MS; false when malformed. */
static bool parse_duration(const char *spec, uint64_t *ms)
{
	char *end;
	errno = 0;
	long v = strtol(spec, &end, 10);
	long mult = strcmp(end, "ms") == 0 ? 1 : strcmp(end, "s") == 0 ? 1000 : strcmp(end, "m") == 0 ? 60000 : 0;
	if (errno || v < 0 || !mult || end == spec || v > 24L * 3600 * 1000 / mult)
		return false;
	*ms = (uint64_t)v * (uint64_t)mult;
	return true;
}

static int cmd_wait(run *r, const char *spec)
{
	uint64_t ms;
	if (!parse_duration(spec, &ms))
		return fail(r, "expected a duration such as 30s, 500ms or 2m, saw \"%s\"", spec);
	app_advance(r->a, ms);
	return 0;
}

/* "hold X Y DURATION": a finger kept still at design pixel (X, Y) (a long
 * press: staff mode's hidden corner, which is in no widget list). */
static int cmd_hold(run *r, char **argv)
{
	char *ex, *ey;
	long x = strtol(argv[1], &ex, 10), y = strtol(argv[2], &ey, 10);
	uint64_t ms;
	const theme *th = &r->a->th;
	if (*ex || *ey || ex == argv[1] || ey == argv[2] || x < 0 || y < 0 || x >= th->design_w ||
	    y >= th->design_h || !parse_duration(argv[3], &ms))
		return fail(r, "expected hold X Y DURATION inside the %dx%d design, saw \"%s %s %s\"",
			    th->design_w, th->design_h, argv[1], argv[2], argv[3]);
	push_finger(r, SDL_FINGERDOWN, (int)x, (int)y);
	app_advance(r->a, ms);
	push_finger(r, SDL_FINGERUP, (int)x, (int)y);
	app_advance(r->a, TAP_MS);
	return 0;
}

/* Set field F of R (current value CUR, NEW_VAL when it changes). */
static void put(req *r, req_field f, const char *cur, const char *new_val)
{
	snprintf(r->f[f].current, sizeof r->f[f].current, "%s", cur);
	if (new_val) {
		snprintf(r->f[f].requested, sizeof r->f[f].requested, "%s", new_val);
		r->f[f].change = true;
	}
}

/*
 * "request NIK typed|card": a made-up applicant's submitted request (a new
 * position and work unit, documents decree and KTP-el), stored as a citizen's
 * submit stores it, with NIK and the identity source given; its ticket is
 * remembered. For the staff scenarios, which start where the journey ends.
 */
static int cmd_request(run *r, char **argv)
{
	app *a = r->a;
	req q;
	req_init(&q);
	snprintf(q.kiosk_id, sizeof q.kiosk_id, "%s", a->cfg->kiosk.id);
	q.id_source = strcmp(argv[2], "typed") == 0 ? REQ_ID_TYPED : REQ_ID_CARD;
	put(&q, REQ_F_NAME, "Siti Nur'aini", NULL);
	put(&q, REQ_F_NIK, argv[1], NULL);
	put(&q, REQ_F_NIP, "199001012015032001", NULL);
	put(&q, REQ_F_EMAIL, "siti_nur@example.go.id", NULL);
	put(&q, REQ_F_PHONE, "6281234567890", NULL);
	put(&q, REQ_F_POSITION, "Pranata Komputer Ahli Pertama", "Pranata Komputer Ahli Muda");
	put(&q, REQ_F_INSTITUTION, "Dinas Komunikasi dan Informatika Kota Pekalongan", NULL);
	put(&q, REQ_F_WORK_UNIT, "Bidang Persandian", "Bidang Aplikasi Informatika");
	put(&q, REQ_F_PROVINCE, "Jawa Tengah", NULL);
	put(&q, REQ_F_CITY, "Kota Pekalongan", NULL);
	q.reason = REQ_R_PROMOTION;
	q.docs[REQ_D_DECREE] = true;
	q.docs[REQ_D_KTP] = true;
	snprintf(q.consent_version, sizeof q.consent_version, "%s", JOURNEY_CONSENT_VERSION);
	int64_t now = app_wall_time(a);
	q.consent_at = now;
	q.submitted_at = now;
	rstate_event ev;
	if (rstate_apply(&q.state, RSTATE_QUEUED, RROLE_APPLICANT, a->cfg->kiosk.id, now, NULL, &ev) != RSTATE_OK)
		return fail(r, "expected draft -> queued to be allowed");
	bool unc = false;
	int64_t deadline = cal_deadline(&a->cal, now, &unc), target = cal_target(&a->cal, now, &unc);
	uint8_t rnd[TICKET_RANDOM_BYTES];
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		return fail(r, "expected random bytes for a ticket");
	ticket_make(rnd, q.ticket);
	queue_err e = queue_submit(a->q, &q, &ev, deadline, target, unc);
	if (e != QUEUE_OK)
		return fail(r, "expected the store to take the request, saw %s", queue_err_name(e));
	memcpy(r->ticket, q.ticket, sizeof r->ticket);
	r->ticket_state = RSTATE_QUEUED;
	req_wipe(&q);
	if (a->sync)
		sync_kick(a->sync);
	app_advance(a, TAP_MS);
	return 0;
}

/* "staff add CODE ROLE PIN": an account, as `kiosk --add-staff` makes one
 * (the name is made up from the code). */
static int cmd_staff(run *r, char **argv)
{
	staff_role role;
	if (staff_role_parse(argv[3], &role) != 0)
		return fail(r, "expected a role (officer, supervisor, technician), saw \"%s\"", argv[3]);
	char name[64];
	snprintf(name, sizeof name, "Petugas %s", argv[2]);
	queue_err qe = QUEUE_OK;
	staff_err e = staff_add(r->a->q, NULL, argv[2], name, role, argv[4], app_wall_time(r->a), "cli", &qe);
	if (e != STAFF_OK)
		return fail(r, "expected staff %s to be added, saw %s (%s)", argv[2], staff_err_name(e),
			    queue_err_name(qe));
	return 0;
}

static int cmd_screenshot(run *r, const char *name)
{
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return fail(r, "expected a screenshot name of letters, digits, - and _, saw \"%s\"",
				    name);
	if (!r->shots)
		return 0;
	char path[1024], err[256];
	snprintf(path, sizeof path, "%s/%s.png", r->shots, name);
	if (app_screenshot(r->a, path, err, sizeof err) != 0)
		return fail(r, "expected to write %s, saw: %s", path, err);
	return 0;
}

static int cmd_language(run *r, const char *code)
{
	cat_lang want;
	if (cat_lang_parse(code, &want) != 0)
		return fail(r, "expected language id or en, saw \"%s\"", code);
	if (ui_lang(r->a->ui) == want)
		return 0;
	/* Switch the way a person does: with the toggle on screen. */
	if (cmd_tap(r, ui_tr(r->a->ui, "common.lang_toggle")))
		return 1;
	if (ui_lang(r->a->ui) != want)
		return fail(r, "expected language %s after the toggle, saw %s", code,
			    cat_lang_code(ui_lang(r->a->ui)));
	return 0;
}

/* Reader events of TYPE handled so far. */
static unsigned long seen(const app *a, rdr_event_type type) { return a->reader_seen[type]; }

/* Events that end a card's read: what it read, or why it could not. */
static unsigned long read_ends(const app *a)
{
	return seen(a, RDR_EV_IDENTITY) + seen(a, RDR_EV_CARD_UNREADABLE) + seen(a, RDR_EV_ERROR);
}

/*
 * The reader runs on its own thread in real time, not on the virtual
 * clock: pump the kiosk until COUNT(a) passes SINCE, at most READER_WAIT_MS
 * of real time. False when it did not.
 */
static bool reader_settle(run *r, unsigned long (*count)(const app *a), unsigned long since)
{
	int64_t until = xport_deadline_in(READER_WAIT_MS);
	for (;;) {
		unsigned long pushed = rdr_evq_pushed(r->a->rdr_q);
		app_advance(r->a, 0);
		if (count(r->a) > since)
			return true;
		if (xport_now_ms() >= until)
			return false;
		rdr_evq_wait(r->a->rdr_q, pushed, 50);
	}
}

static unsigned long removals(const app *a) { return seen(a, RDR_EV_CARD_REMOVED); }
static unsigned long arrivals(const app *a) { return seen(a, RDR_EV_CARD_PRESENT); }
static unsigned long attaches(const app *a) { return seen(a, RDR_EV_ATTACHED); }
static unsigned long detaches(const app *a) { return seen(a, RDR_EV_DETACHED); }

/* card insert FILE | card place FILE | card wait | card remove |
 * card fault NAME [COUNT] */
static int cmd_card(run *r, int argc, char **argv)
{
	ccidsim *sim = r->a->sim;
	if (!sim)
		return fail(r, "expected the simulated reader (reader type = sim), saw another");
	bool place = argc == 3 && strcmp(argv[1], "place") == 0;
	if (argc == 3 && (place || strcmp(argv[1], "insert") == 0)) {
		char path[1024];
		if (argv[2][0] == '/')
			snprintf(path, sizeof path, "%s", argv[2]);
		else
			snprintf(path, sizeof path, "%s/%s", r->dir, argv[2]);
		unsigned long ends = read_ends(r->a), present = arrivals(r->a);
		r->read_ends = ends; /* card wait: the read of this card */
		ccidsim_err e = ccidsim_insert(sim, path);
		if (e != CCIDSIM_OK)
			return fail(r, "expected card %s to go in, saw: %s", argv[2],
				    ccidsim_err_name(e));
		if (place ? !reader_settle(r, arrivals, present) : !reader_settle(r, read_ends, ends))
			return fail(r, "expected the reader to %s card %s within %d ms, saw nothing",
				    place ? "see" : "read", argv[2], READER_WAIT_MS);
		if (!place)
			r->read_ends = read_ends(r->a);
	} else if (argc == 2 && strcmp(argv[1], "wait") == 0) {
		if (!reader_settle(r, read_ends, r->read_ends))
			return fail(r, "expected the reader to finish reading within %d ms, saw nothing",
				    READER_WAIT_MS);
		r->read_ends = read_ends(r->a);
	} else if (argc == 2 && strcmp(argv[1], "remove") == 0) {
		unsigned long since = removals(r->a);
		bool present = ccidsim_card_present(sim);
		ccidsim_remove(sim);
		if (present && !reader_settle(r, removals, since))
			return fail(r, "expected the reader to see the card go within %d ms, saw nothing",
				    READER_WAIT_MS);
	} else if ((argc == 3 || argc == 4) && strcmp(argv[1], "fault") == 0) {
		ccidsim_fault f = ccidsim_fault_parse(argv[2]);
		char *end = NULL;
		long n = argc == 4 ? strtol(argv[3], &end, 10) : 1;
		if (f == CCIDSIM_FAULT_NONE || (end && (*end || n < 0 || n > 1000)))
			return fail(r, "expected card fault NAME [COUNT] with a fault the simulator knows "
				       "(timeout, short-read, wrong-seq, time-ext, unplug, card-removed, "
				       "bad-tlv, bad-sw, t1-edc, mute, auth), saw \"%s\"", argv[2]);
		ccidsim_fault_arm(sim, f, (unsigned)n);
		return 0;
	} else {
		return fail(r, "expected card insert|place FILE, card wait, card remove or card fault "
			       "NAME, saw \"%s\"",
			    argc > 1 ? argv[1] : "");
	}
	app_advance(r->a, TAP_MS);
	return 0;
}

/* sync wait lookup: the officer's certificate lookup answered or failed. */
static int wait_lookup(run *r)
{
	int64_t until = xport_deadline_in(SYNC_WAIT_MS);
	for (;;) {
		app_advance(r->a, 0);
		sync_lookup lk;
		sync_lookup_get(r->a->sync, &lk);
		bool running = lk.state == SYNC_LOOKUP_RUNNING;
		sodium_memzero(&lk, sizeof lk);
		if (!running)
			break;
		if (xport_now_ms() >= until)
			return fail(r, "expected the certificate lookup to end within %d ms", SYNC_WAIT_MS);
		usleep(20000);
	}
	app_advance(r->a, TAP_MS);
	return 0;
}

/* sync wait sent | sync wait offline [N] | sync wait lookup: the sync
 * engine (headless runs start it only with --central), in real time, at
 * most SYNC_WAIT_MS. "sent": connected and nothing left to send;
 * "offline": the service was tried and could not be reached (with N
 * entries waiting, when given); "lookup": see wait_lookup(). */
static int cmd_sync(run *r, const char *what, const char *count)
{
	bool sent = strcmp(what, "sent") == 0, lookup = strcmp(what, "lookup") == 0;
	char *end = NULL;
	long want = count ? strtol(count, &end, 10) : -1;
	if ((!sent && !lookup && strcmp(what, "offline") != 0) || (count && (sent || lookup || *end || want < 0)))
		return fail(r, "expected sync wait sent | sync wait offline [N] | sync wait lookup, saw \"%s%s%s\"",
			    what, count ? " " : "", count ? count : "");
	if (r->a->sync == NULL)
		return fail(r, "expected the sync engine to run (start the kiosk with --central URL)");
	if (lookup)
		return wait_lookup(r);
	int64_t until = xport_deadline_in(SYNC_WAIT_MS);
	/* "sent" asks for a round now, and for the central service's changes
	 * read after it: what the central desk decided meanwhile shows too. */
	int64_t pulls0 = r->a->sync_st.pulls;
	if (sent)
		sync_kick(r->a->sync);
	for (;;) {
		app_advance(r->a, 0);
		const sync_status *st = &r->a->sync_st;
		/* The published status lags a fresh entry until the engine's next
		 * round: "sent" also asks the store itself. */
		int64_t waiting = 0, flying = 0;
		if (sent && (queue_outbox_count(r->a->q, "pending", &waiting) != QUEUE_OK ||
			     queue_outbox_count(r->a->q, "in_flight", &flying) != QUEUE_OK))
			waiting = 1;
		if (sent ? st->online && st->pending == 0 && waiting + flying == 0 && !st->feed_behind &&
				   st->pulls > pulls0
			 : st->contacted && !st->online && (want < 0 || st->pending == want))
			break;
		if (xport_now_ms() >= until)
			return fail(r, "expected the kiosk to be %s within %d ms, saw %s with %lld waiting (%s)",
				    sent ? "connected with nothing to send" : "offline",
				    SYNC_WAIT_MS, st->online ? "connected" : "offline", (long long)st->pending,
				    st->last_error[0] ? st->last_error : "no error");
		usleep(20000);
	}
	app_advance(r->a, TAP_MS);
	return 0;
}

/* reader unplug | reader plug: the simulated reader's USB cable. */
static int cmd_reader(run *r, const char *what)
{
	ccidsim *sim = r->a->sim;
	if (!sim)
		return fail(r, "expected the simulated reader (reader type = sim), saw another");
	bool plug = strcmp(what, "plug") == 0;
	if (!plug && strcmp(what, "unplug") != 0)
		return fail(r, "expected reader plug or reader unplug, saw \"%s\"", what);
	unsigned long (*count)(const app *) = plug ? attaches : detaches;
	unsigned long since = count(r->a);
	if (plug)
		ccidsim_plug(sim);
	else
		ccidsim_unplug(sim);
	if (!reader_settle(r, count, since))
		return fail(r, "expected the reader to be %s within %d ms, saw nothing",
			    plug ? "attached" : "detached", READER_WAIT_MS);
	app_advance(r->a, TAP_MS);
	return 0;
}

static int cmd_key(run *r, const char *spec)
{
	static const struct {
		const char *name;
		SDL_Keycode key;
		Uint16 mod;
	} keys[] = {{"Escape", SDLK_ESCAPE, 0},	     {"Alt+F4", SDLK_F4, KMOD_LALT},
		    {"Ctrl+Q", SDLK_q, KMOD_LCTRL},   {"Alt+Tab", SDLK_TAB, KMOD_LALT},
		    {"Ctrl+W", SDLK_w, KMOD_LCTRL},   {"Return", SDLK_RETURN, 0}};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		if (strcmp(spec, keys[i].name) != 0)
			continue;
		SDL_Event ev = {0};
		ev.type = SDL_KEYDOWN;
		ev.key.keysym.sym = keys[i].key;
		ev.key.keysym.scancode = SDL_GetScancodeFromKey(keys[i].key);
		ev.key.keysym.mod = keys[i].mod;
		ev.key.state = SDL_PRESSED;
		SDL_PushEvent(&ev);
		ev.type = SDL_KEYUP;
		ev.key.state = SDL_RELEASED;
		SDL_PushEvent(&ev);
		app_advance(r->a, TAP_MS);
		return 0;
	}
	return fail(r, "expected Escape, Alt+F4, Ctrl+Q, Ctrl+W, Alt+Tab or Return, saw \"%s\"", spec);
}

static int cmd_close(run *r)
{
	SDL_Event ev = {0};
	ev.type = SDL_WINDOWEVENT;
	ev.window.event = SDL_WINDOWEVENT_CLOSE;
	ev.window.windowID = SDL_GetWindowID(r->a->win);
	SDL_PushEvent(&ev);
	app_advance(r->a, TAP_MS);
	return 0;
}

/* "remember ticket": the ticket number shown on screen (the receipt);
 * "remember complaint": the complaint number ("ADU-" and a ticket). */
static int cmd_remember(run *r, bool complaint)
{
	ui *u = r->a->ui;
	size_t skip = complaint ? strlen(COMPLAINT_PREFIX) : 0;
	for (size_t i = 0; i < ui_widget_count(u); i++) {
		const ui_widget *w = ui_widget_at(u, i);
		const char *l = w->label;
		char t[TICKET_TEXT_MAX];
		if (complaint && strncmp(l, COMPLAINT_PREFIX, skip) != 0)
			continue;
		if (strlen(l) == skip + TICKET_LEN + 1 && l[skip + 4] == '-' &&
		    ticket_parse(l + skip, t) == TICKET_OK) {
			if (complaint) {
				snprintf(r->complaint, sizeof r->complaint, "%s%s", COMPLAINT_PREFIX, t);
			} else {
				memcpy(r->ticket, t, sizeof t);
				r->ticket_state = RSTATE_QUEUED;
			}
			return 0;
		}
	}
	char seen[1024];
	return fail(r, "expected a %s number on screen, saw %s", complaint ? "complaint" : "ticket",
		    seen_labels(r, false, seen, sizeof seen));
}

/* ARG with "$ticket" and "$complaint" replaced by the remembered numbers,
 * and "$stick" by the folder "stick insert" made, into BUF. */
static void expand(run *r, const char *arg, char *buf, size_t len)
{
	static const char *const names[3] = {"$ticket", "$complaint", "$stick"};
	const char *values[3] = {r->ticket, r->complaint, r->stick};
	size_t o = 0;
	buf[0] = '\0';
	while (*arg && o + 1 < len) {
		int k = -1;
		for (int i = 0; i < 3; i++)
			if (strncmp(arg, names[i], strlen(names[i])) == 0)
				k = i;
		if (k >= 0) {
			o += (size_t)snprintf(buf + o, len - o, "%s", values[k]);
			arg += strlen(names[k]);
		} else {
			buf[o++] = *arg++;
			buf[o] = '\0';
		}
		if (o >= len)
			o = len - 1;
	}
}

/*
 * "advance $ticket STATE [reason]": move the remembered request to STATE the
 * way the central service and the officer would, one allowed transition at a
 * time (the shortest path through rstate's table), each stored as an event.
 * It stands in for the officer screens and the sync engine of later issues.
 */
static int cmd_advance(run *r, int argc, char **argv)
{
	rstate goal;
	if (!r->ticket[0])
		return fail(r, "expected \"remember ticket\" before \"advance\"");
	if (rstate_parse(argv[2], &goal) != 0)
		return fail(r, "expected a state name (received, rejected, ...), saw \"%s\"", argv[2]);
	/* Breadth-first search over (state) with the roles central and officer. */
	int prev[RSTATE_COUNT];
	rrole via[RSTATE_COUNT];
	for (int i = 0; i < RSTATE_COUNT; i++)
		prev[i] = -2;
	int queue_s[RSTATE_COUNT], head = 0, tail = 0;
	prev[r->ticket_state] = -1;
	queue_s[tail++] = (int)r->ticket_state;
	while (head < tail) {
		int s = queue_s[head++];
		static const rrole roles[] = {RROLE_CENTRAL, RROLE_OFFICER};
		for (size_t k = 0; k < 2; k++) {
			rstate next[RSTATE_COUNT];
			int n = rstate_next((rstate)s, roles[k], next, RSTATE_COUNT);
			for (int i = 0; i < n; i++)
				if (prev[next[i]] == -2) {
					prev[next[i]] = s;
					via[next[i]] = roles[k];
					queue_s[tail++] = (int)next[i];
				}
		}
	}
	if (prev[goal] == -2)
		return fail(r, "expected a state reachable from %s, saw \"%s\"",
			    rstate_name(r->ticket_state), argv[2]);
	rstate path[RSTATE_COUNT];
	int n = 0;
	for (int s = (int)goal; prev[s] != -1; s = prev[s])
		path[n++] = (rstate)s;
	for (int i = n - 1; i >= 0; i--) {
		rstate_event ev;
		rstate cur = r->ticket_state;
		const char *reason = path[i] == goal && argc > 3 ? argv[3] : "";
		if (rstate_check(cur, path[i], via[path[i]], reason) == RSTATE_ERR_REASON)
			reason = "-";
		if (rstate_apply(&cur, path[i], via[path[i]], "script", app_wall_time(r->a), reason,
				 &ev) != RSTATE_OK)
			return fail(r, "expected %s -> %s to be allowed", rstate_name(r->ticket_state),
				    rstate_name(path[i]));
		queue_err e = queue_append_event(r->a->q, r->ticket, &ev, false);
		if (e != QUEUE_OK)
			return fail(r, "expected the store to take %s -> %s, saw %s",
				    rstate_name(r->ticket_state), rstate_name(path[i]), queue_err_name(e));
		r->ticket_state = path[i];
	}
	app_advance(r->a, TAP_MS);
	return 0;
}

/* POST BODY to the local kiosk-central-sim's own endpoint PATH ("/_sim/...",
 * beside /v1 at the root of --central URL); 0 when it answers WANT. */
static int sim_post(run *r, const char *path, const char *body, int want)
{
	const char *url = r->a->opts.central_url;
	if (!url)
		return fail(r, "expected the kiosk started with --central URL (the local central service)");
	char root[256];
	snprintf(root, sizeof root, "%s", url);
	size_t n = strlen(root);
	if (n >= 3 && strcmp(root + n - 3, "/v1") == 0)
		root[n - 3] = '\0';
	http_client *c = http_new(&(http_opts){.base_url = root, .connect_timeout_ms = 2000,
						 .total_timeout_ms = 5000});
	answer_raw raw = {0};
	int rc = c ? http_call(c, "POST", path, body, strlen(body), NULL, 0, &raw) : -1;
	int status = raw.status;
	http_free(&c);
	if (rc != 0 || status != want)
		return fail(r, "expected the central service's %s to answer %d, saw %d", path, want, status);
	return 0;
}

/*
 * "central move $ticket STATE [reason]": an officer at the central service
 * moves the request (the sim's /_sim/events), as when the central desk
 * rejects a request the kiosk's officer is still working on offline.
 * "central down" | "central up": every exchange with the central service
 * dropped from now on, or none (the sim's drop_rate fault).
 */
static int cmd_central(run *r, int argc, char **argv)
{
	int rc;
	if (argc == 2) {
		bool down = strcmp(argv[1], "down") == 0;
		if (!down && strcmp(argv[1], "up") != 0)
			return fail(r, "expected central down | central up | central move $ticket STATE, saw \"%s\"",
				    argv[1]);
		rc = sim_post(r, "/_sim/faults", down ? "{\"drop_rate\":1}" : "{\"drop_rate\":0}", 200);
	} else {
		rstate to;
		if (!r->ticket[0] || strcmp(argv[2], r->ticket) != 0)
			return fail(r, "expected \"central move $ticket STATE\" once the ticket is known,"
				    " saw \"%s\"", argv[2]);
		if (rstate_parse(argv[3], &to) != 0)
			return fail(r, "expected a state name (rstate.h), saw \"%s\"", argv[3]);
		if (argc == 5 && strpbrk(argv[4], "\"\\"))
			return fail(r, "expected a reason without quotes or backslashes");
		char body[512];
		snprintf(body, sizeof body,
			 "{\"ticket\":\"%s\",\"to\":\"%s\",\"role\":\"officer\",\"reason\":\"%s\"}", r->ticket,
			 rstate_name(to), argc == 5 ? argv[4] : "");
		rc = sim_post(r, "/_sim/events", body, 201);
	}
	if (rc == 0)
		app_advance(r->a, TAP_MS);
	return rc;
}

/* "notify $ticket CHANNEL "text"": a notification the central service sent. */
static int cmd_notify(run *r, char **argv)
{
	queue_note no = {0};
	snprintf(no.channel, sizeof no.channel, "%s", argv[2]);
	snprintf(no.kind, sizeof no.kind, "script");
	snprintf(no.text, sizeof no.text, "%s", argv[3]);
	no.at = app_wall_time(r->a);
	queue_err e = queue_add_note(r->a->q, r->ticket, &no);
	if (e != QUEUE_OK)
		return fail(r, "expected the store to take the notification, saw %s", queue_err_name(e));
	return 0;
}

/* "store lock" / "store unlock": another connection takes or releases the
 * store's write lock, as a stuck writer would. */
static int cmd_store(run *r, const char *what, const char *db_path)
{
	bool lock = strcmp(what, "lock") == 0;
	if (!lock && strcmp(what, "unlock") != 0)
		return fail(r, "expected store lock or store unlock, saw \"%s\"", what);
	if (!r->other) {
		queue_opts o = {.busy_timeout_ms = 100};
		queue_err e = queue_open(&r->other, db_path, &o);
		if (e != QUEUE_OK)
			return fail(r, "expected to open the store, saw %s", queue_err_name(e));
	}
	queue_err e = queue_hold_write_lock(r->other, lock);
	if (e != QUEUE_OK)
		return fail(r, "expected to %s the store, saw %s", what, queue_err_name(e));
	return 0;
}

/* ---- the technician's diagnostics --------------------------------------- */

/* "wait diagnostics": in real time until the checks the screen started
 * have ended, at most DIAG_WAIT_MS. */
static int cmd_wait_diag(run *r)
{
	int64_t until = xport_deadline_in(DIAG_WAIT_MS);
	for (;;) {
		app_advance(r->a, 0);
		if (!r->a->tech.job)
			break;
		if (xport_now_ms() >= until)
			return fail(r, "expected the diagnostics to end within %d ms, saw them still running",
				    DIAG_WAIT_MS);
		usleep(20000);
	}
	if (!r->a->tech.have_report)
		return fail(r, "expected the diagnostics to have run, saw no report (open the screen first)");
	app_advance(r->a, TAP_MS);
	return 0;
}

/* The point PX %, PY % across the widget labelled LABEL, into *X, *Y. */
static int widget_point(run *r, const char *label, const char *px, const char *py, int *x, int *y)
{
	char *ex, *ey;
	long fx = strtol(px, &ex, 10), fy = strtol(py, &ey, 10);
	if (*ex || *ey || ex == px || ey == py || fx < 0 || fx > 100 || fy < 0 || fy > 100)
		return fail(r, "expected a point as two percentages 0-100 of the widget, saw \"%s %s\"", px,
			    py);
	const ui_widget *w = find(r, label, -1);
	if (!w) {
		char seen[1536];
		return fail(r, "expected a widget labelled \"%s\", saw %s", label,
			    seen_labels(r, true, seen, sizeof seen));
	}
	*x = w->r.x + (int)((long)(w->r.w - 1) * fx / 100);
	*y = w->r.y + (int)((long)(w->r.h - 1) * fy / 100);
	return 0;
}

/* "finger down|move ID "Label" PX PY", "finger up ID": one finger of
 * several (ids 0-9; the widgets follow the first one down). */
static int cmd_finger(run *r, int argc, char **argv)
{
	char *end;
	long id = strtol(argv[2], &end, 10);
	bool down = strcmp(argv[1], "down") == 0, move = strcmp(argv[1], "move") == 0,
	     up = strcmp(argv[1], "up") == 0;
	bool shape = ((down || move) && argc == 6) || (up && argc == 3);
	if (*end || end == argv[2] || id < 0 || id >= FINGERS || !shape)
		return fail(r, "expected finger down|move ID \"Label\" PX PY or finger up ID (ID 0-%d), "
			       "saw \"%s %s\"", FINGERS - 1, argv[1], argv[2]);
	if (!up && widget_point(r, argv[3], argv[4], argv[5], &r->fx[id], &r->fy[id]))
		return 1;
	push_finger_id(r, down ? SDL_FINGERDOWN : move ? SDL_FINGERMOTION : SDL_FINGERUP, (int)id, r->fx[id],
		       r->fy[id]);
	app_advance(r->a, 16);
	return 0;
}

/* "swipe "Label" PX1 PY1 PX2 PY2": one finger drawn across the widget
 * from one point to another, a motion event every STROKE_STEP pixels. */
static int cmd_swipe(run *r, char **argv)
{
	int x0, y0, x1, y1;
	if (widget_point(r, argv[1], argv[2], argv[3], &x0, &y0) ||
	    widget_point(r, argv[1], argv[4], argv[5], &x1, &y1))
		return 1;
	int d = abs(x1 - x0) > abs(y1 - y0) ? abs(x1 - x0) : abs(y1 - y0), steps = d / STROKE_STEP + 1;
	push_finger(r, SDL_FINGERDOWN, x0, y0);
	for (int i = 1; i <= steps; i++) {
		push_finger(r, SDL_FINGERMOTION, x0 + (x1 - x0) * i / steps, y0 + (y1 - y0) * i / steps);
		app_advance(r->a, 16);
	}
	push_finger(r, SDL_FINGERUP, x1, y1);
	app_advance(r->a, TAP_MS);
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Remove the stick's folder and everything in it. */
static void stick_cleanup(run *r)
{
	if (r->stick[0])
		nftw(r->stick, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

/* "stick insert": a fresh folder under /tmp that the kiosk treats as a
 * mounted USB stick (the export dialog lists it; "$stick" names it);
 * "stick remove": it goes away, as a stick pulled out does. */
static int cmd_stick(run *r, const char *what)
{
	if (strcmp(what, "insert") == 0) {
		if (r->stick[0])
			return fail(r, "expected one stick at a time, saw %s still in", r->stick);
		snprintf(r->stick, sizeof r->stick, "/tmp/kiosk-stick-XXXXXX");
		if (!mkdtemp(r->stick)) {
			r->stick[0] = '\0';
			return fail(r, "expected a temporary folder, saw: %s", strerror(errno));
		}
		snprintf(r->a->test_mount, sizeof r->a->test_mount, "%s", r->stick);
	} else if (strcmp(what, "remove") == 0) {
		if (!r->stick[0])
			return fail(r, "expected a stick to remove (stick insert), saw none");
		stick_cleanup(r);
		r->a->test_mount[0] = '\0'; /* "$stick" still names where it was */
	} else {
		return fail(r, "expected stick insert or stick remove, saw \"%s\"", what);
	}
	app_advance(r->a, TAP_MS);
	return 0;
}

/*
 * "outbox refused KIND": an outbox entry of KIND (complaint, survey,
 * revocation, complaint_note) whose payload the central service refuses
 * for good (400 invalid_body). With the sync engine running (--central)
 * the engine sends it and makes it a dead letter; without one it is
 * settled here the way the engine settles such an answer.
 */
static int cmd_outbox(run *r, const char *what, const char *kind_name)
{
	static const char payload[] = "{\"v\":0,\"note\":\"made-up entry the central service refuses\"}";
	queue_kind kind = QUEUE_KIND_COUNT;
	for (int k = 0; k < QUEUE_KIND_COUNT; k++)
		if (strcmp(queue_kind_name((queue_kind)k), kind_name) == 0)
			kind = (queue_kind)k;
	if (strcmp(what, "refused") != 0 || kind == QUEUE_KIND_COUNT || kind == QUEUE_KIND_REQUEST ||
	    kind == QUEUE_KIND_EVENT)
		return fail(r, "expected outbox refused complaint|survey|revocation|complaint_note, "
			       "saw \"%s %s\"", what, kind_name);
	int64_t seq = 0;
	queue_err e = queue_outbox_add(r->a->q, kind, payload, sizeof payload - 1, &seq);
	if (e != QUEUE_OK)
		return fail(r, "expected the store to take the entry, saw %s", queue_err_name(e));
	if (r->a->sync) {
		sync_kick(r->a->sync);
		app_advance(r->a, TAP_MS);
		return 0;
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int64_t now_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, wait = 0;
	enum { MAX = 256 };
	queue_entry *x = calloc(MAX, sizeof *x);
	queue_result *res = calloc(MAX, sizeof *res);
	int n = 0;
	bool found = false;
	e = x && res ? queue_outbox_claim(r->a->q, now_ms, MAX, x, &n, &wait) : QUEUE_ERR_NOMEM;
	for (int i = 0; i < n; i++) {
		res[i].seq = x[i].seq;
		if (x[i].seq == seq) { /* the others go back as they were */
			found = true;
			res[i].outcome = QUEUE_OUT_DEAD;
			res[i].http_status = 400;
			snprintf(res[i].reason, sizeof res[i].reason, "HTTP 400 invalid_body");
		} else {
			res[i].outcome = QUEUE_OUT_UNSENT;
		}
		queue_entry_wipe(&x[i]);
	}
	if (e == QUEUE_OK && n > 0)
		e = queue_outbox_settle(r->a->q, res, n, now_ms);
	free(x);
	free(res);
	if (e != QUEUE_OK || !found)
		return fail(r, "expected entry %lld to become a dead letter, saw %s", (long long)seq,
			    e != QUEUE_OK ? queue_err_name(e)
					  : "it not claimed (an earlier entry waits to retry)");
	app_advance(r->a, TAP_MS);
	return 0;
}

static int step(run *r, int argc, char **argv)
{
	char xbuf[MAX_ARGS + 1][LINE_MAX_LEN];
	for (int i = 1; i < argc; i++) {
		expand(r, argv[i], xbuf[i], sizeof xbuf[i]);
		argv[i] = xbuf[i];
	}
	const char *c = argv[0];
	if (strcmp(c, "remember") == 0 && argc == 2 &&
	    (strcmp(argv[1], "ticket") == 0 || strcmp(argv[1], "complaint") == 0))
		return cmd_remember(r, strcmp(argv[1], "complaint") == 0);
	if (strcmp(c, "advance") == 0 && (argc == 3 || argc == 4))
		return cmd_advance(r, argc, argv);
	if (strcmp(c, "notify") == 0 && argc == 4)
		return cmd_notify(r, argv);
	if (strcmp(c, "store") == 0 && argc == 2)
		return cmd_store(r, argv[1], r->a->opts.db_path ? r->a->opts.db_path
							 : r->a->cfg->storage.database);
	if (strcmp(c, "tap") == 0 && argc == 2)
		return cmd_tap(r, argv[1]);
	if (strcmp(c, "request") == 0 && argc == 3 &&
	    (strcmp(argv[2], "typed") == 0 || strcmp(argv[2], "card") == 0))
		return cmd_request(r, argv);
	if (strcmp(c, "central") == 0 &&
	    (argc == 2 || ((argc == 4 || argc == 5) && strcmp(argv[1], "move") == 0)))
		return cmd_central(r, argc, argv);
	if (strcmp(c, "hold") == 0 && argc == 4)
		return cmd_hold(r, argv);
	if (strcmp(c, "staff") == 0 && argc == 5 && strcmp(argv[1], "add") == 0)
		return cmd_staff(r, argv);
	if (strcmp(c, "type") == 0 && argc == 2)
		return cmd_type(r, argv[1]);
	if (strcmp(c, "drag") == 0 && argc == 4)
		return cmd_drag(r, argv[1], argv[2], argv[3]);
	if (strcmp(c, "scroll") == 0 && argc == 4 && strcmp(argv[2], "to") == 0)
		return cmd_scroll(r, argv[1], argv[3]);
	if (strcmp(c, "scroll") == 0 && argc == 3 && strcmp(argv[1], "to") == 0)
		return cmd_scroll(r, NULL, argv[2]);
	if (strcmp(c, "expect") == 0)
		return cmd_expect(r, argc, argv);
	if (strcmp(c, "wait") == 0 && argc == 2 && strcmp(argv[1], "diagnostics") == 0)
		return cmd_wait_diag(r);
	if (strcmp(c, "wait") == 0 && argc == 2)
		return cmd_wait(r, argv[1]);
	if (strcmp(c, "finger") == 0 && (argc == 3 || argc == 6))
		return cmd_finger(r, argc, argv);
	if (strcmp(c, "swipe") == 0 && argc == 6)
		return cmd_swipe(r, argv);
	if (strcmp(c, "stick") == 0 && argc == 2)
		return cmd_stick(r, argv[1]);
	if (strcmp(c, "outbox") == 0 && argc == 3)
		return cmd_outbox(r, argv[1], argv[2]);
	if (strcmp(c, "screenshot") == 0 && argc == 2)
		return cmd_screenshot(r, argv[1]);
	if (strcmp(c, "language") == 0 && argc == 2)
		return cmd_language(r, argv[1]);
	if (strcmp(c, "card") == 0)
		return cmd_card(r, argc, argv);
	if (strcmp(c, "reader") == 0 && argc == 2)
		return cmd_reader(r, argv[1]);
	if (strcmp(c, "sync") == 0 && (argc == 3 || argc == 4) && strcmp(argv[1], "wait") == 0)
		return cmd_sync(r, argv[2], argc == 4 ? argv[3] : NULL);
	if (strcmp(c, "goto") == 0 && argc == 2) {
		screen_id s;
		if (screen_parse(argv[1], &s) != 0)
			return fail(r, "expected a screen name (welcome, info, gallery), saw \"%s\"",
				    argv[1]);
		app_goto(r->a, s);
		app_advance(r->a, TAP_MS);
		return 0;
	}
	if (strcmp(c, "key") == 0 && argc == 2)
		return cmd_key(r, argv[1]);
	if (strcmp(c, "close") == 0 && argc == 1)
		return cmd_close(r);
	return fail(r, "expected a command (tap, type, drag, expect, wait, screenshot, language, "
		       "card, reader, sync, goto, key, close, remember, advance, notify, central, scroll, "
		       "store, hold, staff, request, finger, swipe, stick, outbox) with its arguments, "
		       "saw \"%s\" with %d argument%s",
		    c, argc - 1, argc == 2 ? "" : "s");
}

int script_run(app *a, const char *path, const char *shots_dir)
{
	run r = {.a = a, .path = path, .shots = shots_dir};
	snprintf(r.dir, sizeof r.dir, "%s", path);
	char *slash = strrchr(r.dir, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(r.dir, sizeof r.dir, ".");

	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
		return 1;
	}
	app_advance(a, 0); /* the first frame */
	char line[LINE_MAX_LEN];
	int rc = 0;
	/* Scenarios start with the simulated reader attached, as a kiosk does. */
	if (a->sim && seen(a, RDR_EV_ATTACHED) == 0 && !reader_settle(&r, attaches, 0)) {
		fclose(f);
		return fail(&r, "expected the simulated reader to attach within %d ms, saw nothing",
			    READER_WAIT_MS);
	}
	while (fgets(line, sizeof line, f)) {
		r.line++;
		if (!strchr(line, '\n') && !feof(f)) {
			rc = fail(&r, "expected a line shorter than %d bytes, saw a longer one",
				  LINE_MAX_LEN);
			break;
		}
		char *argv[MAX_ARGS + 1];
		int argc = tokenize(line, argv, MAX_ARGS + 1);
		if (argc < 0) {
			rc = fail(&r, "expected a command with at most %d arguments and closed quotes, "
				      "saw a malformed line", MAX_ARGS);
			break;
		}
		if (argc == 0)
			continue;
		if ((rc = step(&r, argc, argv)) != 0)
			break;
		r.steps++;
	}
	fclose(f);
	queue_close(&r.other);
	stick_cleanup(&r);
	if (rc == 0)
		printf("%s: %d steps passed\n", path, r.steps);
	return rc;
}
