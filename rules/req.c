/*
 * req: the data-change request model, its whole-request validation and the
 * impact of a change on the certificate (see req.h).
 */
#include "req.h"

#include <stdio.h>
#include <string.h>

#include "nik.h"

/* One row per profile field: wire name, catalog key, required, longest. */
static const struct {
	const char *name;
	const char *key;
	bool required;
	int max_chars;
	bool in_subject;
} field_tab[REQ_F_COUNT] = {
	[REQ_F_NAME] = {"name", "field.name", true, 100, true},
	[REQ_F_NIK] = {"nik", "field.nik", true, 16, true},
	[REQ_F_NIP] = {"nip", "field.nip", false, 18, false},
	[REQ_F_EMAIL] = {"email", "field.email", true, 254, false},
	[REQ_F_PHONE] = {"phone", "field.phone", true, 20, false},
	[REQ_F_POSITION] = {"position", "field.position", false, 100, false},
	[REQ_F_INSTITUTION] = {"institution", "field.institution", false, 100, true},
	[REQ_F_WORK_UNIT] = {"work_unit", "field.work_unit", false, 100, false},
	[REQ_F_PROVINCE] = {"province", "field.province", false, 60, false},
	[REQ_F_CITY] = {"city", "field.city", false, 60, false},
};

static const struct {
	const char *name;
	const char *key;
} reason_tab[REQ_R_COUNT] = {
	[REQ_R_TRANSFER] = {"transfer", "reason.transfer"},
	[REQ_R_PROMOTION] = {"promotion", "reason.promotion"},
	[REQ_R_NAME_CHANGE] = {"name_change", "reason.name_change"},
	[REQ_R_CORRECTION] = {"correction", "reason.correction"},
	[REQ_R_NEW_EMAIL] = {"new_email", "reason.new_email"},
	[REQ_R_NEW_PHONE] = {"new_phone", "reason.new_phone"},
	[REQ_R_OTHER] = {"other", "reason.other"},
};

static const struct {
	const char *name;
	const char *key;
} doc_tab[REQ_D_COUNT] = {
	[REQ_D_DECREE] = {"decree", "doc.decree"},
	[REQ_D_KTP] = {"ktp", "doc.ktp"},
	[REQ_D_RECOMMENDATION] = {"recommendation", "doc.recommendation"},
	[REQ_D_COURT_ORDER] = {"court_order", "doc.court_order"},
	[REQ_D_OTHER] = {"other", "doc.other"},
};

static const char *const id_source_tab[] = {
	[REQ_ID_NONE] = "none",
	[REQ_ID_CARD] = "card",
	[REQ_ID_TYPED] = "typed",
};

void req_init(req *r)
{
	memset(r, 0, sizeof *r);
	r->reason = REQ_R_NONE;
	r->id_source = REQ_ID_NONE;
	r->state = RSTATE_DRAFT;
}

void req_wipe(req *r)
{
	explicit_bzero(r, sizeof *r);
}

const char *req_field_name(req_field f)
{
	return (unsigned)f < REQ_F_COUNT ? field_tab[f].name : "?";
}

const char *req_field_key(req_field f)
{
	return (unsigned)f < REQ_F_COUNT ? field_tab[f].key : "field.name";
}

int req_field_parse(const char *name, req_field *out)
{
	for (int i = 0; i < REQ_F_COUNT; i++) {
		if (strcmp(name, field_tab[i].name) == 0) {
			*out = (req_field)i;
			return 0;
		}
	}
	return -1;
}

const char *req_reason_name(req_reason r)
{
	return r >= 0 && r < REQ_R_COUNT ? reason_tab[r].name : "none";
}

const char *req_reason_key(req_reason r)
{
	return r >= 0 && r < REQ_R_COUNT ? reason_tab[r].key : "reason.other";
}

int req_reason_parse(const char *name, req_reason *out)
{
	if (strcmp(name, "none") == 0) {
		*out = REQ_R_NONE;
		return 0;
	}
	for (int i = 0; i < REQ_R_COUNT; i++) {
		if (strcmp(name, reason_tab[i].name) == 0) {
			*out = (req_reason)i;
			return 0;
		}
	}
	return -1;
}

const char *req_doc_name(req_doc d)
{
	return (unsigned)d < REQ_D_COUNT ? doc_tab[d].name : "?";
}

const char *req_doc_key(req_doc d)
{
	return (unsigned)d < REQ_D_COUNT ? doc_tab[d].key : "doc.other";
}

int req_doc_parse(const char *name, req_doc *out)
{
	for (int i = 0; i < REQ_D_COUNT; i++) {
		if (strcmp(name, doc_tab[i].name) == 0) {
			*out = (req_doc)i;
			return 0;
		}
	}
	return -1;
}

const char *req_id_source_name(req_id_source s)
{
	return (unsigned)s <= REQ_ID_TYPED ? id_source_tab[s] : "none";
}

int req_id_source_parse(const char *name, req_id_source *out)
{
	for (int i = 0; i <= REQ_ID_TYPED; i++) {
		if (strcmp(name, id_source_tab[i]) == 0) {
			*out = (req_id_source)i;
			return 0;
		}
	}
	return -1;
}

bool req_field_required(req_field f)
{
	return (unsigned)f < REQ_F_COUNT && field_tab[f].required;
}

int req_field_max_chars(req_field f)
{
	return (unsigned)f < REQ_F_COUNT ? field_tab[f].max_chars : 0;
}

bool req_field_in_subject(req_field f)
{
	return (unsigned)f < REQ_F_COUNT && field_tab[f].in_subject;
}

void req_set_text(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	memmove(dst, src, n + 1);
	memset(dst + n + 1, 0, cap - n - 1);
}

val_code req_check_value(req_field f, const char *in, char *out, size_t cap, val_code *warning)
{
	val_code w = VAL_OK;
	val_code c;

	if (warning)
		*warning = VAL_OK;
	if (cap == 0)
		return VAL_TOO_LONG;
	out[0] = '\0';
	switch (f) {
	case REQ_F_NAME:
		c = val_name(in, out, cap, &w);
		break;
	case REQ_F_NIK: {
		nik_info ni;
		c = nik_parse(in, &ni);
		if (c == VAL_OK && !nik_format(&ni, out, cap))
			c = VAL_TOO_LONG;
		break;
	}
	case REQ_F_NIP: {
		nip_info pi;
		c = nip_parse(in, &pi);
		if (c == VAL_OK && !nip_format(&pi, out, cap))
			c = VAL_TOO_LONG;
		break;
	}
	case REQ_F_EMAIL:
		c = val_email(in, out, cap);
		break;
	case REQ_F_PHONE:
		c = val_phone(in, out, cap);
		break;
	case REQ_F_POSITION:
	case REQ_F_INSTITUTION:
	case REQ_F_WORK_UNIT:
	case REQ_F_PROVINCE:
	case REQ_F_CITY:
		c = val_text(in, out, cap, 2, field_tab[f].max_chars);
		break;
	default:
		c = VAL_BAD_CHARS;
		break;
	}
	if (c != VAL_OK)
		out[0] = '\0';
	if (warning)
		*warning = c == VAL_OK ? w : VAL_OK;
	return c;
}

/* Issues are gathered in two passes (errors, then warnings) into a list. */
typedef struct issue_list {
	req_issue *out;
	int cap;
	int n;
} issue_list;

static void add_issue(issue_list *l, req_part part, req_field f, val_code c)
{
	if (l->n < l->cap)
		l->out[l->n] = (req_issue){part, f, c};
	l->n++;
}

/* Validate and normalise one value in place; record its error or warning. */
static void check_value(issue_list *errs, issue_list *warns, req_part part, req_field f,
			char *value)
{
	char norm[REQ_VALUE_MAX];
	val_code w;
	val_code c = req_check_value(f, value, norm, sizeof norm, &w);
	if (c != VAL_OK) {
		add_issue(errs, part, f, c);
	} else {
		req_set_text(value, REQ_VALUE_MAX, norm);
		if (w != VAL_OK)
			add_issue(warns, part, f, w);
	}
	explicit_bzero(norm, sizeof norm);
}

/* The NIK/NIP cross-checks on the values the request ends with. */
static void cross_checks(const req *r, issue_list *warns)
{
	const req_value *nik = &r->f[REQ_F_NIK];
	const req_value *nip = &r->f[REQ_F_NIP];
	const char *nik_s = nik->change ? nik->requested : nik->current;
	const char *nip_s = nip->change ? nip->requested : nip->current;
	nik_info ni;
	nip_info pi;

	if (nik_s[0] == '\0' || nip_s[0] == '\0')
		return;
	if (nik_parse(nik_s, &ni) != VAL_OK || nip_parse(nip_s, &pi) != VAL_OK)
		return;
	val_code w[4];
	int n = nik_nip_check(&ni, &pi, w, 4);
	for (int i = 0; i < n && i < 4; i++)
		add_issue(warns, REQ_PART_REQUEST, REQ_F_NIK, w[i]);
}

int req_validate(req *r, req_issue *out, int cap)
{
	req_issue warn_buf[16];
	issue_list errs = {out, cap, 0};
	issue_list warns = {warn_buf, (int)(sizeof warn_buf / sizeof warn_buf[0]), 0};

	if (r->id_source == REQ_ID_NONE)
		add_issue(&errs, REQ_PART_REQUEST, REQ_F_NIK, VAL_REQ_NO_IDENTITY);
	if (r->consent_at <= 0 || r->consent_version[0] == '\0')
		add_issue(&errs, REQ_PART_REQUEST, REQ_F_NAME, VAL_REQ_NO_CONSENT);

	for (int i = 0; i < REQ_F_COUNT; i++) {
		req_field f = (req_field)i;
		req_value *v = &r->f[i];
		if (v->current[0] != '\0')
			check_value(&errs, &warns, REQ_PART_CURRENT, f, v->current);
		else if (field_tab[i].required || v->change)
			add_issue(&errs, REQ_PART_CURRENT, f, VAL_EMPTY);
		if (!v->change)
			continue;
		if (v->requested[0] == '\0') {
			add_issue(&errs, REQ_PART_REQUESTED, f, VAL_EMPTY);
			continue;
		}
		int before = errs.n;
		check_value(&errs, &warns, REQ_PART_REQUESTED, f, v->requested);
		if (errs.n == before && strcmp(v->requested, v->current) == 0)
			add_issue(&errs, REQ_PART_REQUESTED, f, VAL_REQ_SAME_VALUE);
	}
	if (req_change_count(r) == 0)
		add_issue(&errs, REQ_PART_REQUEST, REQ_F_NAME, VAL_REQ_NO_CHANGE);

	if (r->reason == REQ_R_NONE || r->reason >= REQ_R_COUNT) {
		add_issue(&errs, REQ_PART_REASON, REQ_F_NAME, VAL_REQ_NO_REASON);
	} else {
		/* The text is optional, except for "other"; blank counts as none. */
		char norm[REQ_REASON_TEXT_MAX];
		val_code c = val_text(r->reason_text, norm, sizeof norm, 1, REQ_REASON_TEXT_CHARS);
		if (c == VAL_EMPTY) {
			req_set_text(r->reason_text, sizeof r->reason_text, "");
			if (r->reason == REQ_R_OTHER)
				add_issue(&errs, REQ_PART_REASON, REQ_F_NAME, VAL_REQ_REASON_TEXT);
		} else if (c != VAL_OK) {
			add_issue(&errs, REQ_PART_REASON, REQ_F_NAME, c);
		} else {
			req_set_text(r->reason_text, sizeof r->reason_text, norm);
		}
		explicit_bzero(norm, sizeof norm);
	}

	if (r->docs[REQ_D_OTHER]) {
		char norm[REQ_DOC_OTHER_MAX];
		val_code c = val_text(r->doc_other, norm, sizeof norm, 2, 100);
		if (c == VAL_EMPTY)
			c = VAL_REQ_DOC_OTHER;
		if (c != VAL_OK)
			add_issue(&errs, REQ_PART_DOCS, REQ_F_NAME, c);
		else
			req_set_text(r->doc_other, sizeof r->doc_other, norm);
		explicit_bzero(norm, sizeof norm);
	}

	cross_checks(r, &warns);
	if (r->id_source == REQ_ID_TYPED)
		add_issue(&warns, REQ_PART_REQUEST, REQ_F_NIK, VAL_W_TYPED_NIK);

	/* Warnings after the errors, as far as OUT has room. */
	int total = errs.n + warns.n;
	int nw = warns.n < (int)(sizeof warn_buf / sizeof warn_buf[0])
			 ? warns.n
			 : (int)(sizeof warn_buf / sizeof warn_buf[0]);
	for (int i = 0; i < nw; i++)
		add_issue(&errs, warn_buf[i].part, warn_buf[i].field, warn_buf[i].code);
	return total;
}

int req_issue_errors(const req_issue *issues, int n)
{
	int e = 0;
	for (int i = 0; i < n; i++)
		e += !val_code_is_warning(issues[i].code);
	return e;
}

unsigned req_subject_changes(const req *r)
{
	unsigned bits = 0;
	for (int i = 0; i < REQ_F_COUNT; i++)
		if (r->f[i].change && field_tab[i].in_subject)
			bits |= 1u << i;
	return bits;
}

bool req_requires_revocation_if_owner(const req *r)
{
	return req_subject_changes(r) != 0;
}

int req_change_count(const req *r)
{
	int n = 0;
	for (int i = 0; i < REQ_F_COUNT; i++)
		n += r->f[i].change;
	return n;
}

unsigned req_docs_suggested(const req *r)
{
	unsigned d = 1u << REQ_D_KTP;
	const req_value *f = r->f;

	if (r->reason == REQ_R_TRANSFER || r->reason == REQ_R_PROMOTION ||
	    f[REQ_F_POSITION].change || f[REQ_F_INSTITUTION].change || f[REQ_F_WORK_UNIT].change)
		d |= 1u << REQ_D_DECREE;
	if (f[REQ_F_INSTITUTION].change || r->reason == REQ_R_TRANSFER)
		d |= 1u << REQ_D_RECOMMENDATION;
	if (r->reason == REQ_R_NAME_CHANGE || f[REQ_F_NAME].change)
		d |= 1u << REQ_D_COURT_ORDER;
	return d;
}

bool req_resubmit(const req *old, req *out)
{
	req_init(out);
	if (!rstate_can_resubmit(old->state))
		return false;
	memcpy(out->f, old->f, sizeof out->f);
	out->reason = old->reason;
	memcpy(out->reason_text, old->reason_text, sizeof out->reason_text);
	memcpy(out->docs, old->docs, sizeof out->docs);
	memcpy(out->doc_other, old->doc_other, sizeof out->doc_other);
	memcpy(out->kiosk_id, old->kiosk_id, sizeof out->kiosk_id);
	memcpy(out->resubmit_of, old->ticket, sizeof out->resubmit_of);
	/* The identity is established again (card or NIK) in the new session. */
	return true;
}
