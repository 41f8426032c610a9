/* csim_call: answers, strict JSON bodies and query arguments (see csim_call.h). */
#include "csim_call.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csim_answer_clear(csim_answer *a)
{
	free(a->body);
	a->body = NULL;
	a->len = 0;
	a->status = 0;
}

void csim_answer_json(csim_answer *a, int status, json_t *v)
{
	char *text = v ? json_dumps(v, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;

	json_decref(v);
	free(a->body);
	a->body = NULL;
	a->len = 0;
	if (text == NULL) {
		/* Out of memory: a fixed answer that needs no allocation to build. */
		static const char oom[] = "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}";
		a->body = strdup(oom);
		a->len = a->body ? strlen(oom) : 0;
		a->status = 500;
		return;
	}
	a->body = text;
	a->len = strlen(text);
	a->status = status;
}

void csim_answer_error(csim_answer *a, int status, const char *code, const char *message)
{
	json_t *err = json_pack("{s:s,s:s}", "code", code, "message", message);
	if (err && a->state[0])
		json_object_set_new(err, "state", json_string(a->state));
	csim_answer_json(a, status, err ? json_pack("{s:o}", "error", err) : NULL);
}

void csim_answer_errorf(csim_answer *a, int status, const char *code, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	csim_answer_error(a, status, code, msg);
}

void csim_answer_conflict(csim_answer *a, const char *state)
{
	snprintf(a->state, sizeof a->state, "%s", state);
	csim_answer_errorf(a, 409, "state_conflict", "the request is %s at the central service", state);
}

void csim_answer_internal(csim_answer *a)
{
	csim_answer_error(a, 500, "internal", "the database failed");
}

static bool listed(const char *key, const char *const *list)
{
	for (; list && *list; list++) {
		if (strcmp(key, *list) == 0)
			return true;
	}
	return false;
}

json_t *csim_json_object(const char *body, size_t len, const char *const *keys, const char *const *optional,
			 char *why, size_t why_len)
{
	json_error_t err;
	json_t *o, *v;
	const char *key;

	o = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	if (o == NULL) {
		snprintf(why, why_len, "not JSON (line %d, column %d)", err.line, err.column);
		return NULL;
	}
	if (!json_is_object(o)) {
		snprintf(why, why_len, "not a JSON object");
		goto fail;
	}
	json_object_foreach (o, key, v) {
		if (!listed(key, keys) && !listed(key, optional)) {
			snprintf(why, why_len, "unknown key");
			goto fail;
		}
	}
	for (; *keys; keys++) {
		if (json_object_get(o, *keys) == NULL) {
			snprintf(why, why_len, "%s: missing", *keys);
			goto fail;
		}
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

int csim_json_str(json_t *o, const char *key, size_t min, size_t max, const char **out, char *why,
		  size_t why_len)
{
	json_t *v = json_object_get(o, key);
	size_t n;

	if (!json_is_string(v)) {
		snprintf(why, why_len, "%s: not a string", key);
		return -1;
	}
	n = json_string_length(v);
	if (n < min || n > max || strlen(json_string_value(v)) != n) {
		snprintf(why, why_len, "%s: %zu to %zu bytes", key, min, max);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

int csim_json_int(json_t *o, const char *key, int64_t min, int64_t max, int64_t *out, char *why,
		  size_t why_len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		snprintf(why, why_len, "%s: an integer from %lld to %lld", key, (long long)min,
			 (long long)max);
		return -1;
	}
	*out = json_integer_value(v);
	return 0;
}

bool csim_ticket_ok(const char *s, bool empty_ok)
{
	char canon[TICKET_TEXT_MAX];

	if (s[0] == '\0')
		return empty_ok;
	return strlen(s) == TICKET_TEXT_MAX - 1 && ticket_parse(s, canon) == TICKET_OK &&
	       strcmp(s, canon) == 0;
}

int csim_query_get(const char *query, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	int found = 0;

	for (const char *p = query; p && *p;) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p);
		if (n > nl && strncmp(p, name, nl) == 0 && p[nl] == '=') {
			size_t vl = n - nl - 1;
			if (found || vl >= cap)
				return -1;
			memcpy(out, p + nl + 1, vl);
			out[vl] = '\0';
			found = 1;
		} else if (n == nl && strncmp(p, name, nl) == 0) {
			if (found)
				return -1;
			out[0] = '\0';
			found = 1;
		}
		p = amp ? amp + 1 : NULL;
	}
	return found;
}

int csim_parse_uint(const char *s, int digits, int64_t *out)
{
	int64_t v = 0;
	int n = 0;

	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= digits)
			return -1;
		v = v * 10 + (s[n] - '0');
	}
	if (n == 0)
		return -1;
	*out = v;
	return 0;
}
