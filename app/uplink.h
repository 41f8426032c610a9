/*
 * uplink: the app's side of the sync engine (sync/engine.h). Starts the
 * engine from the configuration, bridges its log lines into the kiosk's
 * log, brings its published status to the UI thread once per pump, and
 * draws the small connection line citizens and staff see.
 *
 * The engine runs when a secret file is configured, except in headless runs
 * (scenarios, benchmarks) unless they name a central service with
 * --central. A kiosk whose engine cannot start keeps working offline: the
 * requests stay in the store, and the line says so.
 */
#ifndef KIOSK_UPLINK_H
#define KIOSK_UPLINK_H

#include <stdbool.h>

#include "ui.h"

struct app;

/* Start the engine when configured (see above). Never fails the kiosk:
 * problems are logged and the kiosk runs offline. */
void uplink_open(struct app *a);

/* Stop the engine (waits for an exchange in progress, at most its timeout). */
void uplink_close(struct app *a);

/* Copy the engine's latest status into a->sync_st. True when it changed
 * since the last call (the screens showing it need a frame). */
bool uplink_poll(struct app *a);

/* New work in the outbox: tell the engine now. No-op without an engine. */
void uplink_kick(struct app *a);

/* Height of the connection line when drawn W pixels wide. */
int uplink_line_height(struct app *a, int w);

/* Draw the connection line ("Terhubung ke layanan pusat" / "Mode luring:
 * 3 permohonan menunggu dikirim") in R, in colour FG. Returns its height. */
int uplink_line(struct app *a, ui_rect r, ui_color fg, ui_align align);

#endif
