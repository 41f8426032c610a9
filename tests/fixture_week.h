/*
 * fixture_week: the service standard's week as kiosk.conf's [hours] gives it
 * (Monday-Thursday 08.00-12.00 and 13.00-15.45, Friday 08.00-11.00, the
 * weekend closed), for the tests and benchmarks that build a calendar
 * without a configuration. Header-only, no cmocka.
 */
#ifndef KIOSK_FIXTURE_WEEK_H
#define KIOSK_FIXTURE_WEEK_H

#include "cal.h"

static inline const cal_week *fx_service_week(void)
{
	static const cal_week week = {{
		{2, {{480, 720}, {780, 945}}},
		{2, {{480, 720}, {780, 945}}},
		{2, {{480, 720}, {780, 945}}},
		{2, {{480, 720}, {780, 945}}},
		{1, {{480, 660}}},
		{0, {{0, 0}}},
		{0, {{0, 0}}},
	}};
	return &week;
}

#endif
