/*
 * bench: in-process frame timing for `kiosk --bench-frames N` (driven by
 * `make bench`, see docs/benchmarks.md). Start-up time, memory and idle CPU
 * are measured from outside the process by tests/bench.sh.
 */
#ifndef KIOSK_BENCH_H
#define KIOSK_BENCH_H

#include "app.h"

/* Render and present N full frames of each screen; print p50/p99 in ms on
 * stdout as "frame <orientation> <screen> p50_ms=X p99_ms=Y". Returns 0. */
int bench_frames(app *a, int n);

#endif
