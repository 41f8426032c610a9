/*
 * readertest: `kiosk --reader-test`, the technician's reader check without a
 * display. Lists the USB CCID readers on the bus with their descriptor facts
 * (reader type usb), then runs reader_probe (drivers/reader.h) on the first
 * allowed one: power on, ATR, UID, and whether the KTP-el record was read.
 * With reader type sim it checks the simulated reader, with CARD_PATH (may
 * be NULL) as the card on it.
 */
#ifndef KIOSK_READERTEST_H
#define KIOSK_READERTEST_H

#include <stdio.h>

#include "conf.h"
#include "usb.h"

/* The USB transport for reader type usb, admitting the readers of
 * [reader] allow (any CCID reader when the list is empty): usb_new()'s
 * result, *OUT NULL on error. The kiosk, this check and the diagnostics
 * open USB the same way through it. */
xport_err readertest_usb_new(const conf *cfg, usb **out);

/* Writes the report to OUT. Returns reader_probe's code: 0 the record was
 * read, 1 the UID only, 2 no reader, no card, or an error. */
int readertest_run(const conf *cfg, const char *card_path, int wait_ms, FILE *out);

#endif
