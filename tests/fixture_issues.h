/*
 * fixture_issues: matching a request's validation issues in tests
 * (test_req, test_journey). Header-only (static inline); include after
 * cmocka.h. On a mismatch both lists are printed, part field code each.
 */
#ifndef KIOSK_FIXTURE_ISSUES_H
#define KIOSK_FIXTURE_ISSUES_H

#include <stdbool.h>
#include <stdio.h>

#include "req.h"
#include "val.h"

enum { FX_ISSUES_MAX = 48 }; /* as many as a test may compare */

static inline const char *fx_part_name(req_part p)
{
	static const char *const names[] = {"current", "requested", "reason", "docs", "request"};
	return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "?";
}

/* The field matters only for issues about one value (req.h). */
static inline bool fx_issue_same(const req_issue *a, const req_issue *b)
{
	if (a->part != b->part || a->code != b->code)
		return false;
	if (a->part == REQ_PART_CURRENT || a->part == REQ_PART_REQUESTED)
		return a->field == b->field;
	return true;
}

static inline void fx_print_issues(const char *label, const req_issue *is, int n)
{
	printf("  %s (%d):\n", label, n);
	for (int i = 0; i < n; i++)
		printf("    %s %s %s\n", fx_part_name(is[i].part), req_field_name(is[i].field),
		       val_code_name(is[i].code));
}

/*
 * GOT[0..N) holds exactly WANT[0..NWANT) in any order (N <= FX_ISSUES_MAX),
 * and, when ERRORS_FIRST, every error comes before every warning.
 */
static inline void fx_expect_issues(const char *what, const req_issue *got, int n,
				    const req_issue *want, int nwant, bool errors_first)
{
	bool used[FX_ISSUES_MAX] = {false};
	bool ok = n == nwant && n <= FX_ISSUES_MAX;

	for (int w = 0; ok && w < nwant; w++) {
		bool found = false;
		for (int g = 0; g < n && !found; g++) {
			if (!used[g] && fx_issue_same(&got[g], &want[w])) {
				used[g] = true;
				found = true;
			}
		}
		ok = found;
	}
	for (int g = 1; errors_first && ok && g < n; g++)
		if (val_code_is_warning(got[g - 1].code) && !val_code_is_warning(got[g].code))
			ok = false;
	if (!ok) {
		printf("%s: issues differ\n", what);
		fx_print_issues("got", got, n < FX_ISSUES_MAX ? n : FX_ISSUES_MAX);
		fx_print_issues("want", want, nwant);
		fail_msg("%s: issues differ", what);
	}
}

#endif
