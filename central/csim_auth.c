/* csim_auth: the kiosk list and the X-Kiosk-* header check (see csim_auth.h). */
#include "csim_auth.h"

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

typedef struct kiosk {
	char id[CSIM_KIOSK_ID_MAX];
	uint8_t secret[SIGN_SECRET_LEN];
	bool enabled;
} kiosk;

struct csim_kiosks {
	kiosk *v;
	size_t n, cap;
};

csim_kiosks *csim_kiosks_new(void)
{
	return calloc(1, sizeof(csim_kiosks));
}

void csim_kiosks_free(csim_kiosks **k)
{
	if (*k == NULL)
		return;
	if ((*k)->v)
		sodium_memzero((*k)->v, (*k)->cap * sizeof *(*k)->v);
	free((*k)->v);
	free(*k);
	*k = NULL;
}

bool csim_kiosk_id_ok(const char *id)
{
	size_t n = 0;
	if (id == NULL)
		return false;
	for (; id[n]; n++) {
		char c = id[n];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
	}
	return n >= 1 && n < CSIM_KIOSK_ID_MAX;
}

static kiosk *find(const csim_kiosks *k, const char *id)
{
	for (size_t i = 0; i < k->n; i++) {
		if (strcmp(k->v[i].id, id) == 0)
			return &k->v[i];
	}
	return NULL;
}

int csim_kiosks_add(csim_kiosks *k, const char *id, const uint8_t secret[SIGN_SECRET_LEN], bool enabled)
{
	kiosk *e;

	if (!csim_kiosk_id_ok(id))
		return -1;
	e = find(k, id);
	if (e == NULL) {
		if (k->n == k->cap) {
			/* Not realloc: the old block holds secrets and must be wiped. */
			size_t cap = k->cap ? k->cap * 2 : 8;
			kiosk *v = calloc(cap, sizeof *v);
			if (v == NULL)
				return -1;
			if (k->v) {
				memcpy(v, k->v, k->n * sizeof *v);
				sodium_memzero(k->v, k->cap * sizeof *v);
				free(k->v);
			}
			k->v = v;
			k->cap = cap;
		}
		e = &k->v[k->n++];
		memcpy(e->id, id, strlen(id) + 1);
	}
	memcpy(e->secret, secret, SIGN_SECRET_LEN);
	e->enabled = enabled;
	return 0;
}

size_t csim_kiosks_count(const csim_kiosks *k)
{
	return k->n;
}

/* Decimal epoch seconds: 1-18 digits, nothing else. */
static bool parse_time(const char *s, int64_t *out)
{
	int64_t v = 0;
	size_t n = 0;
	for (; s[n]; n++) {
		if (s[n] < '0' || s[n] > '9' || n >= 18)
			return false;
		v = v * 10 + (s[n] - '0');
	}
	*out = v;
	return n > 0;
}

csim_auth_result csim_auth_check(const csim_kiosks *k, const csim_auth_in *in)
{
	char hash[SIGN_HEX_LEN + 1], want[SIGN_HEX_LEN + 1];
	int64_t t;
	const kiosk *e;
	bool same;

	if (!csim_kiosk_id_ok(in->id))
		return CSIM_AUTH_BAD_SIGNATURE;
	e = find(k, in->id);
	if (e == NULL || !e->enabled)
		return CSIM_AUTH_UNKNOWN_KIOSK;
	if (in->time == NULL || !parse_time(in->time, &t) || in->nonce == NULL ||
	    !sign_is_hex(in->nonce, SIGN_NONCE_LEN) || in->sig == NULL || !sign_is_hex(in->sig, SIGN_HEX_LEN))
		return CSIM_AUTH_BAD_SIGNATURE;
	sign_body_hash(in->body, in->len, hash);
	if (sign_request(e->secret, in->method, in->uri, t, in->nonce, hash, want) != 0)
		return CSIM_AUTH_BAD_SIGNATURE;
	same = sign_equal(want, in->sig);
	sodium_memzero(want, sizeof want);
	if (!same)
		return CSIM_AUTH_BAD_SIGNATURE;
	if (t > in->now + in->skew || t < in->now - in->skew)
		return CSIM_AUTH_STALE;
	return CSIM_AUTH_OK;
}

const char *csim_auth_code(csim_auth_result r)
{
	switch (r) {
	case CSIM_AUTH_UNKNOWN_KIOSK:
		return "unknown_kiosk";
	case CSIM_AUTH_BAD_SIGNATURE:
		return "bad_signature";
	case CSIM_AUTH_STALE:
		return "stale_signature";
	case CSIM_AUTH_OK:
		break;
	}
	return "";
}

const char *csim_auth_message(csim_auth_result r)
{
	switch (r) {
	case CSIM_AUTH_UNKNOWN_KIOSK:
		return "no such kiosk, or it is disabled";
	case CSIM_AUTH_BAD_SIGNATURE:
		return "X-Kiosk-* headers missing or malformed, or the signature differs";
	case CSIM_AUTH_STALE:
		return "X-Kiosk-Time differs from the server's clock by more than 300 s";
	case CSIM_AUTH_OK:
		break;
	}
	return "";
}
