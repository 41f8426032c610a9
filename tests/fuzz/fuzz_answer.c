/*
 * fuzz_answer: libFuzzer harness for the reading of the central service's
 * answers (sync/answer.c: answer_classify and answer_parse_changes).
 *
 * The first byte picks the request kind (low 3 bits, modulo
 * ANSWER_KIND_COUNT + 1; the last = a request answer the transport cut), the status (next 3 bits; the last choice is "no
 * answer", with the body as the transport's reason) and the content type
 * (top 2 bits, which also move the change cursor); the rest is the body.
 * Any input must give a verdict in range with a one-line printable reason
 * (empty only when done), DONE only for a 2xx JSON answer, a dead letter
 * only for a 4xx, and a change page that is either refused with nothing
 * left in it or made of known, ordered changes. Seeds:
 * tests/fuzz/corpus/answer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t cap, bool may_be_empty)
{
	const char *end = memchr(s, '\0', cap);
	if (end == NULL || (!may_be_empty && end == s))
		abort();
	for (const char *p = s; p < end; p++)
		if (*p < 0x20 || *p > 0x7e)
			abort();
}

static void check_answer(const answer_raw *raw, const answer *a)
{
	int st = raw->status;

	if (a->verdict != ANSWER_DONE && a->verdict != ANSWER_RETRY && a->verdict != ANSWER_DEAD)
		abort();
	if (a->status != st)
		abort();
	check_text(a->reason, sizeof a->reason, a->verdict == ANSWER_DONE);
	check_text(a->code, sizeof a->code, true);
	for (const char *p = a->code; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			abort();
	check_text(a->state, sizeof a->state, true);
	rstate s;
	if (a->state[0] != '\0' && rstate_parse(a->state, &s) != 0)
		abort();
	if (a->verdict == ANSWER_DONE &&
	    (st < 200 || st > 299 || raw->truncated || a->bad || a->reason[0] != '\0'))
		abort();
	if ((a->verdict == ANSWER_DEAD) != (st >= 400 && st <= 499 && st != 401 && st != 408 && st != 425 &&
					    st != 429))
		abort();
	/* "bad" blames the server for a 2xx/3xx (or a status out of range):
	 * never for a 4xx/5xx or a network failure. */
	if (a->bad && (st == 0 || (st >= 400 && st <= 599)))
		abort();
	if (st == 0 && strncmp(a->reason, "network: ", 9) != 0)
		abort();
	if (a->auth_refused != (st == 401))
		abort();
}

static queue_change page[ANSWER_CHANGES_MAX];

static void check_changes(const char *body, size_t len, int64_t since)
{
	static const queue_change zero;
	int n = -1, skipped = -1;
	int64_t next = -1;
	bool more = true;
	char why[ANSWER_REASON_MAX];

	memset(page, 0xa5, sizeof page);
	memset(why, 0xa5, sizeof why);
	if (answer_parse_changes(body, len, since, page, &n, &skipped, &next, &more, why, sizeof why) != 0) {
		if (n != 0 || skipped != 0 || more)
			abort();
		for (int i = 0; i < ANSWER_CHANGES_MAX; i++)
			if (memcmp(&page[i], &zero, sizeof zero) != 0)
				abort(); /* a refused page left changes behind */
		check_text(why, sizeof why, false);
		return;
	}
	check_text(why, sizeof why, true);
	if (n < 0 || n > ANSWER_CHANGES_MAX || skipped < 0 || skipped > ANSWER_CHANGES_MAX - n ||
	    next < since)
		abort();
	int64_t last = since;
	for (int i = 0; i < n; i++) {
		const queue_change *c = &page[i];
		if (c->seq <= last || c->seq > next)
			abort();
		last = c->seq;
		if (memchr(c->ticket, '\0', sizeof c->ticket) == NULL || strlen(c->ticket) != 9)
			abort();
		if (c->type == QUEUE_CHANGE_EVENT) {
			if (c->ev.from >= RSTATE_COUNT || c->ev.to >= RSTATE_COUNT || c->ev.role >= RROLE_COUNT ||
			    c->ev.at < 0 || c->ev.actor[0] == '\0' ||
			    memchr(c->ev.actor, '\0', sizeof c->ev.actor) == NULL ||
			    memchr(c->ev.reason, '\0', sizeof c->ev.reason) == NULL)
				abort();
		} else if (c->type == QUEUE_CHANGE_NOTE) {
			const queue_note *q = &c->note;
			if (strcmp(q->channel, "email") != 0 && strcmp(q->channel, "sms") != 0 &&
			    strcmp(q->channel, "kiosk") != 0)
				abort();
			if (memchr(q->kind, '\0', sizeof q->kind) == NULL || q->kind[0] == '\0' || q->at < 0 ||
			    memchr(q->text, '\0', sizeof q->text) == NULL)
				abort();
		} else {
			abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int statuses[8] = {200, 201, 302, 401, 409, 422, 503, 0};
	static const char *const types[4] = {"application/json", "Application/JSON; charset=utf-8",
					     "text/html", NULL};
	if (size == 0)
		return 0;
	uint8_t pick = data[0];
	const char *body = (const char *)data + 1;
	size_t len = size - 1;

	answer_kind kind = (answer_kind)((pick & 7) % (ANSWER_KIND_COUNT + 1));
	answer_raw raw = {
		.status = statuses[(pick >> 3) & 7],
		.content_type = types[pick >> 6],
		.body = body,
		.body_len = len,
		.truncated = false,
	};
	if (kind == ANSWER_KIND_COUNT) {
		kind = ANSWER_REQUEST;
		raw.truncated = true;
	}
	char *net = NULL;
	if (raw.status == 0) {
		/* The transport's reason, whatever its bytes, must come out clean. */
		net = malloc(len + 1);
		if (net == NULL)
			return 0;
		memcpy(net, body, len);
		net[len] = '\0';
		raw.net_error = net;
	}
	answer a;
	memset(&a, 0xa5, sizeof a);
	answer_classify(kind, &raw, &a);
	check_answer(&raw, &a);
	free(net);

	check_changes(body, len, (int64_t)(pick >> 6) * 20);
	return 0;
}
