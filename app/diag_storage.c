/*
 * diag_storage: the storage checks (placeholder until the checks land).
 */
#include "diag_internal.h"

void diag_storage_checks(const diag_env *env, diag_report *r)
{
	(void)env;
	diag_add(r, "storage.pending", DIAG_WARN, NULL, "not written yet");
}
