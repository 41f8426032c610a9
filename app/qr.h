/*
 * qr: a QR code drawn with the widget layer's rectangles (libqrencode does
 * the encoding; this is the only file that sees it). Dark modules are merged
 * into horizontal runs, so a ticket's code costs a few hundred rectangles.
 */
#ifndef KIOSK_QR_H
#define KIOSK_QR_H

#include "ui.h"

/*
 * Draw TEXT as a QR code (error correction M) centred in the square of side
 * min(R.w, R.h), on a quiet zone of 4 modules in LIGHT, dark modules in DARK.
 * Returns the side drawn, or 0 when TEXT cannot be encoded (nothing drawn).
 */
int qr_draw(ui *u, ui_rect r, const char *text, ui_color dark, ui_color light);

#endif
