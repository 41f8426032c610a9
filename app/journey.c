/*
 * journey: step rules of the citizen's request (see journey.h).
 */
#include "journey.h"

#include <stdio.h>
#include <string.h>

void journey_init(journey *j, const char *kiosk_id)
{
	explicit_bzero(j, sizeof *j);
	req_init(&j->r);
	snprintf(j->r.kiosk_id, sizeof j->r.kiosk_id, "%s", kiosk_id);
}

/* Does issue I belong to step S of J? */
static bool issue_in_step(const journey *j, const req_issue *i, journey_step s)
{
	switch (s) {
	case J_CURRENT:
		/* An optional field left empty but chosen for change is asked for
		 * on the new-values step, not here (nothing to untick here). */
		return i->part == REQ_PART_CURRENT &&
		       !(i->code == VAL_EMPTY && !req_field_required(i->field));
	case J_CHOOSE:
		return i->part == REQ_PART_REQUEST && i->code == VAL_REQ_NO_CHANGE;
	case J_NEWVALS:
		/* A field may be chosen whose current value was left empty (an
		 * optional field): its new-value step asks for both. */
		return i->part == REQ_PART_REQUESTED ||
		       (i->part == REQ_PART_CURRENT && j->r.f[i->field].change);
	case J_REASON:
		return i->part == REQ_PART_REASON;
	case J_DOCS:
		return i->part == REQ_PART_DOCS;
	default:
		return false;
	}
}

/*
 * Validate a copy of the draft (req_validate normalises in place) into
 * *COPY and keep step S's issues: up to CAP into OUT; returns how many.
 */
static int step_check(const journey *j, journey_step s, req *copy, req_issue *out, int cap)
{
	req_issue all[JOURNEY_ISSUES_MAX];
	*copy = j->r;
	int n = req_validate(copy, all, JOURNEY_ISSUES_MAX);
	if (n > JOURNEY_ISSUES_MAX)
		n = JOURNEY_ISSUES_MAX;
	int k = 0;
	for (int i = 0; i < n; i++) {
		if (!issue_in_step(j, &all[i], s))
			continue;
		if (k < cap)
			out[k] = all[i];
		k++;
	}
	return k < cap ? k : cap;
}

int journey_step_issues(const journey *j, journey_step s, req_issue *out, int cap)
{
	req copy;
	int n = step_check(j, s, &copy, out, cap);
	req_wipe(&copy);
	return n;
}

val_code journey_issue_for(const req_issue *issues, int n, req_part part, req_field field,
			   val_code *warning)
{
	val_code err = VAL_OK;
	if (warning)
		*warning = VAL_OK;
	for (int i = 0; i < n; i++) {
		if (issues[i].part != part || issues[i].field != field)
			continue;
		if (val_code_is_warning(issues[i].code)) {
			if (warning && *warning == VAL_OK)
				*warning = issues[i].code;
		} else if (err == VAL_OK) {
			err = issues[i].code;
		}
	}
	return err;
}

/* Take the values step S edits from NORM, the draft as req_validate
 * normalised it (phone as 62..., trimmed text). */
static void take_normalised(journey *j, journey_step s, const req *norm)
{
	for (int f = 0; f < REQ_F_COUNT; f++) {
		req_value *v = &j->r.f[f];
		if (s == J_CURRENT || (s == J_NEWVALS && v->change))
			memcpy(v->current, norm->f[f].current, sizeof v->current);
		if (s == J_NEWVALS && v->change)
			memcpy(v->requested, norm->f[f].requested, sizeof v->requested);
	}
	if (s == J_REASON)
		memcpy(j->r.reason_text, norm->reason_text, sizeof j->r.reason_text);
	if (s == J_DOCS)
		memcpy(j->r.doc_other, norm->doc_other, sizeof j->r.doc_other);
}

bool journey_next(journey *j, journey_step s)
{
	req_issue issues[JOURNEY_ISSUES_MAX];
	req norm;
	int n = step_check(j, s, &norm, issues, JOURNEY_ISSUES_MAX);
	bool ok = req_issue_errors(issues, n) == 0;
	if (ok) {
		take_normalised(j, s, &norm);
	} else {
		j->attempted[s] = true;
		j->reveal_error = true;
	}
	req_wipe(&norm);
	return ok;
}

void journey_consent(journey *j, int64_t now)
{
	snprintf(j->r.consent_version, sizeof j->r.consent_version, "%s", JOURNEY_CONSENT_VERSION);
	j->r.consent_at = now;
}

val_code journey_identify(journey *j, const char *nik, bool from_card)
{
	char norm[REQ_VALUE_MAX];
	val_code c = req_check_value(REQ_F_NIK, nik, norm, sizeof norm, NULL);
	if (c != VAL_OK)
		return c;
	if (j->resubmit && strcmp(norm, j->resubmit_nik) != 0) {
		explicit_bzero(norm, sizeof norm);
		return VAL_REQ_OTHER_NIK;
	}
	req_set_text(j->r.f[REQ_F_NIK].current, REQ_VALUE_MAX, norm);
	explicit_bzero(norm, sizeof norm);
	j->r.id_source = from_card ? REQ_ID_CARD : REQ_ID_TYPED;
	j->card_nik = from_card;
	return VAL_OK;
}

/* "SITI NUR'AINI" -> "Siti Nur'aini": capital after a space, hyphen or
 * dot and at the start; the card's text is ASCII. */
static void title_case(const char *in, char *out, size_t cap)
{
	size_t i = 0;
	bool up = true;
	for (; in[i] && i + 1 < cap; i++) {
		char c = in[i];
		if (c >= 'A' && c <= 'Z' && !up)
			c = (char)(c - 'A' + 'a');
		else if (c >= 'a' && c <= 'z' && up)
			c = (char)(c - 'a' + 'A');
		out[i] = c;
		up = c == ' ' || c == '-' || c == '.';
	}
	out[i] = '\0';
}

val_code journey_from_card(journey *j, const ktp_identity *id, const char *uid)
{
	val_code c = journey_identify(j, id->nik, true);
	if (c != VAL_OK)
		return c;
	title_case(id->name, j->r.f[REQ_F_NAME].current, REQ_VALUE_MAX);
	title_case(id->province, j->r.f[REQ_F_PROVINCE].current, REQ_VALUE_MAX);
	title_case(id->city, j->r.f[REQ_F_CITY].current, REQ_VALUE_MAX);
	snprintf(j->r.card_uid, sizeof j->r.card_uid, "%s", uid);
	explicit_bzero(j->nik_typed, sizeof j->nik_typed);
	return VAL_OK;
}

void journey_set_change(journey *j, req_field f, bool change)
{
	if ((unsigned)f < REQ_F_COUNT)
		j->r.f[f].change = change;
}

bool journey_start_resubmit(journey *j, const char *kiosk_id)
{
	if (!j->status_loaded)
		return false;
	req fresh;
	if (!req_resubmit(&j->status.r, &fresh)) {
		req_wipe(&fresh);
		return false;
	}
	char nik[17];
	memcpy(nik, j->status.r.f[REQ_F_NIK].current, sizeof nik - 1);
	nik[sizeof nik - 1] = '\0';
	journey_init(j, kiosk_id);
	j->r = fresh;
	snprintf(j->r.kiosk_id, sizeof j->r.kiosk_id, "%s", kiosk_id);
	memcpy(j->resubmit_nik, nik, sizeof nik);
	j->resubmit = true;
	explicit_bzero(nik, sizeof nik);
	req_wipe(&fresh);
	return true;
}
