/*
 * diag_system: the system checks (placeholder until the checks land).
 */
#include "diag_internal.h"

void diag_system_checks(const diag_env *env, diag_report *r)
{
	(void)env;
	diag_add(r, "system.pending", DIAG_WARN, NULL, "not written yet");
}
