/*
 * diag_reader: the reader checks (placeholder until the checks land).
 */
#include "diag_internal.h"

void diag_reader_checks(const diag_env *env, diag_report *r)
{
	(void)env;
	diag_add(r, "reader.pending", DIAG_WARN, NULL, "not written yet");
}
