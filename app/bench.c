/*
 * bench: full-frame render+present timings (see bench.h). Each sample forces a
 * complete redraw of the current screen, the worst case the redraw-on-change
 * loop ever pays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

int bench_frames(app *a, int n)
{
	double *t = malloc(sizeof *t * (size_t)n);
	if (!t)
		return 1;
	static const screen_id screens[] = {SCREEN_WELCOME, SCREEN_INFO, SCREEN_GALLERY};
	for (size_t s = 0; s < sizeof screens / sizeof screens[0]; s++) {
		app_goto(a, screens[s]);
		app_advance(a, 0);
		app_render_present(a); /* warm the text cache, as a running kiosk has it */
		for (int i = 0; i < n; i++) {
			double t0 = now_ms();
			app_render_present(a);
			t[i] = now_ms() - t0;
		}
		qsort(t, (size_t)n, sizeof *t, cmp_double);
		printf("frame %s %s p50_ms=%.3f p99_ms=%.3f\n", a->th.landscape ? "landscape" : "portrait",
		       screen_get(screens[s])->name, t[n / 2], t[(n * 99) / 100]);
	}
	free(t);
	return 0;
}
