/*
 * session: the visit's data and its idle policy (see session.h).
 */
#include <string.h>

#include "session.h"

void session_wipe(session *s)
{
	explicit_bzero(s, sizeof *s);
	s->form.choice = -1;
}

void session_begin(session *s, uint64_t now_ms)
{
	session_wipe(s);
	s->active = true;
	s->started_ms = now_ms;
	s->last_input_ms = now_ms;
}

void session_touch(session *s, uint64_t now_ms)
{
	if (s->active && !s->idle_dialog)
		s->last_input_ms = now_ms;
}

void session_continue(session *s, uint64_t now_ms)
{
	s->idle_dialog = false;
	s->last_input_ms = now_ms;
}

session_state session_tick(session *s, uint64_t now_ms, int idle_timeout_s, int idle_warning_s,
			   int *seconds_left, uint64_t *next_ms)
{
	if (seconds_left)
		*seconds_left = 0;
	if (next_ms)
		*next_ms = UINT64_MAX;
	if (!s->active)
		return SESSION_OK;
	uint64_t warn_at = s->last_input_ms + (uint64_t)idle_timeout_s * 1000u;
	if (!s->idle_dialog) {
		if (now_ms < warn_at) {
			if (next_ms)
				*next_ms = warn_at;
			return SESSION_OK;
		}
		s->idle_dialog = true;
		s->idle_deadline_ms = warn_at + (uint64_t)idle_warning_s * 1000u;
	}
	if (now_ms >= s->idle_deadline_ms)
		return SESSION_EXPIRED;
	uint64_t left_ms = s->idle_deadline_ms - now_ms;
	if (seconds_left)
		*seconds_left = (int)((left_ms + 999) / 1000);
	if (next_ms) /* the shown number changes at each whole second left */
		*next_ms = now_ms + (left_ms % 1000 ? left_ms % 1000 : 1000);
	return SESSION_WARN;
}
