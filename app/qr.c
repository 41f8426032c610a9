/*
 * qr: QR codes from libqrencode, drawn as rectangle runs (see qr.h).
 */
#include "qr.h"

#include <qrencode.h>

enum { QUIET = 4 };

int qr_draw(ui *u, ui_rect r, const char *text, ui_color dark, ui_color light)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return 0;
	int side = r.w < r.h ? r.w : r.h;
	int total = q->width + 2 * QUIET;
	int m = side / total; /* whole pixels per module keep the edges crisp */
	if (m < 1) {
		QRcode_free(q);
		return 0;
	}
	int drawn = m * total;
	int x0 = r.x + (r.w - drawn) / 2, y0 = r.y + (r.h - drawn) / 2;
	ui_draw_rect(u, (ui_rect){x0, y0, drawn, drawn}, light, 0);
	x0 += QUIET * m;
	y0 += QUIET * m;
	for (int y = 0; y < q->width; y++) {
		const unsigned char *row = q->data + y * q->width;
		for (int x = 0; x < q->width;) {
			if (!(row[x] & 1)) {
				x++;
				continue;
			}
			int run = x;
			while (run < q->width && (row[run] & 1))
				run++;
			ui_draw_rect(u, (ui_rect){x0 + x * m, y0 + y * m, (run - x) * m, m}, dark, 0);
			x = run;
		}
	}
	QRcode_free(q);
	return drawn;
}
