/*
 * scr_tech_storage: the diagnostics page of the storage. Its checks (the
 * database's size, the free disk, the WAL, the integrity check, the oldest
 * item still waiting to be sent) and where the store is and what the
 * configuration asks of it.
 */
#include <stdio.h>

#include "app.h"

void tech_page_storage(app *a, ui_rect r)
{
	ui *u = a->ui;
	tech_body b;
	ui_col *col = tech_body_begin(a, &b, r);
	tech_checks(a, col, TECH_PAGE_STORAGE, false);
	col = tech_body_next(a, &b);
	tech_heading(a, col, "tech.storage_title");
	tech_fact(a, col, "tech.storage_path", a->opts.db_path ? a->opts.db_path : a->cfg->storage.database);
	char n[24];
	snprintf(n, sizeof n, "%d", a->cfg->storage.retention_days);
	const char *ra[1] = {n};
	tech_fact(a, col, "tech.storage_retention", ui_trf(u, "tech.storage_days", ra, 1));
	tech_fact(a, col, "tech.storage_min_free",
		  tech_bytes(a, (int64_t)a->cfg->diag.min_free_disk_mb * 1024 * 1024));
	tech_body_end(a, &b);
}
