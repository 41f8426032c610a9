/*
 * png: write screenshots as PNG files (libpng), for the scenario runner and
 * for technicians. Pixels are 8-bit RGBA in memory order R,G,B,A.
 */
#ifndef KIOSK_PNG_H
#define KIOSK_PNG_H

#include <stddef.h>
#include <stdint.h>

/*
 * Write a W x H image whose rows start PITCH bytes apart to PATH (written to
 * PATH.tmp then renamed, so a reader never sees half a file). The alpha
 * channel is dropped (screens are opaque). Returns 0, or -1 with a one-line
 * reason in ERR (always NUL-terminated when ERRLEN > 0); on failure no file
 * is left at PATH or PATH.tmp. Blocks on disk I/O.
 */
int png_write_rgba(const char *path, const uint8_t *pixels, int w, int h, int pitch,
		   char *err, size_t errlen);

#endif
