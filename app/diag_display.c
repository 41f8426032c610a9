/*
 * diag_display: the display checks, display.screen, display.touch and
 * display.frames (diag_internal.h).
 *
 * A running kiosk passes what its window measured (env->have_display):
 * the resolution and refresh rate, the touch devices SDL sees, and the
 * frame times. kiosk --diagnose has no window: it starts SDL's video
 * subsystem with the default driver, as the kiosk would, to learn whether
 * a display and a touch panel can be found at all, and stops it again.
 * Without a display (a server, CI, a kiosk whose screen is unplugged) the
 * three checks warn rather than fail: the kiosk's other functions, and
 * the report itself, still work, and a technician sees the warning.
 * SDL's "dummy" and "offscreen" drivers draw nowhere, so they count as
 * no display.
 */
#include <SDL.h>
#include <string.h>

#include "diag_internal.h"

#define FRAME_BUDGET_MS (1000.0 / 30.0) /* slower than 30 frames a second shows */

static void touch_check(int devices, diag_report *r)
{
	char value[DIAG_VALUE_MAX];

	snprintf(value, sizeof value, "%d touch device%s", devices, devices == 1 ? "" : "s");
	if (devices > 0)
		diag_add(r, "display.touch", DIAG_OK, value, "%s", "");
	else
		diag_add(r, "display.touch", DIAG_WARN, value, "no touch panel found: only a mouse works");
}

static void frames_check(double p50, double p99, diag_report *r)
{
	char value[DIAG_VALUE_MAX];

	if (p50 <= 0 && p99 <= 0) {
		diag_add(r, "display.frames", DIAG_WARN, "not measured", "no frames measured yet");
		return;
	}
	snprintf(value, sizeof value, "p50 %.1f ms, p99 %.1f ms", p50, p99);
	if (p99 > FRAME_BUDGET_MS)
		diag_add(r, "display.frames", DIAG_WARN, value,
			 "frames slower than 30 per second: the screen may feel sluggish");
	else
		diag_add(r, "display.frames", DIAG_OK, value, "%s", "");
}

/* "1080x1920 at 60 Hz" (HZ 0: unknown) into BUF. */
static void mode_value(char *buf, size_t cap, int w, int h, int hz)
{
	if (hz > 0)
		snprintf(buf, cap, "%dx%d at %d Hz", w, h, hz);
	else
		snprintf(buf, cap, "%dx%d, refresh rate unknown", w, h);
}

static void no_display(diag_report *r, const char *why)
{
	diag_add(r, "display.screen", DIAG_WARN, "none", "no display found (%s)", why);
	diag_add(r, "display.touch", DIAG_WARN, "not checked", "not checked without a display");
	diag_add(r, "display.frames", DIAG_WARN, "not measured", "not measured without a display");
}

/* kiosk --diagnose: can SDL find a display and a touch panel? */
static void probe_display(diag_report *r)
{
	char value[DIAG_VALUE_MAX], why[DIAG_REASON_MAX];

	if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
		snprintf(why, sizeof why, "%s", SDL_GetError());
		no_display(r, why[0] ? why : "SDL cannot start its video");
		return;
	}
	const char *driver = SDL_GetCurrentVideoDriver();
	SDL_DisplayMode mode;
	if (driver == NULL || strcmp(driver, "dummy") == 0 || strcmp(driver, "offscreen") == 0) {
		snprintf(why, sizeof why, "only SDL's %s driver, which draws nowhere", driver ? driver : "?");
		no_display(r, why);
	} else if (SDL_GetNumVideoDisplays() < 1 || SDL_GetDesktopDisplayMode(0, &mode) != 0) {
		snprintf(why, sizeof why, "%s: %s", driver, SDL_GetError());
		no_display(r, why);
	} else {
		mode_value(value, sizeof value, mode.w, mode.h, mode.refresh_rate);
		diag_add(r, "display.screen", DIAG_OK, value, "video driver %s, %d display%s", driver,
			 SDL_GetNumVideoDisplays(), SDL_GetNumVideoDisplays() == 1 ? "" : "s");
		touch_check(SDL_GetNumTouchDevices(), r);
		diag_add(r, "display.frames", DIAG_WARN, "not measured",
			 "kiosk --diagnose draws nothing: the Display page of the running kiosk measures "
			 "frames");
	}
	SDL_QuitSubSystem(SDL_INIT_VIDEO);
}

void diag_display_checks(const diag_env *env, diag_report *r)
{
	char value[DIAG_VALUE_MAX];

	if (!env->have_display) {
		probe_display(r);
		return;
	}
	mode_value(value, sizeof value, env->display_w, env->display_h, env->refresh_hz);
	diag_add(r, "display.screen", DIAG_OK, value, "%s", "");
	touch_check(env->touch_devices, r);
	frames_check(env->frame_ms_p50, env->frame_ms_p99, r);
}
