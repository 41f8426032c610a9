/*
 * diag_network: the network checks (placeholder until the checks land).
 */
#include "diag_internal.h"

void diag_network_checks(const diag_env *env, diag_report *r)
{
	(void)env;
	diag_add(r, "network.pending", DIAG_WARN, NULL, "not written yet");
}
