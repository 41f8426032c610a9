/*
 * diag_display: the display checks (placeholder until the checks land).
 */
#include "diag_internal.h"

void diag_display_checks(const diag_env *env, diag_report *r)
{
	(void)env;
	diag_add(r, "display.pending", DIAG_WARN, NULL, "not written yet");
}
