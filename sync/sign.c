/* sign: HMAC-SHA256 device authentication (see sign.h). */
#include "sign.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

/* sodium_init() is thread-safe and idempotent. It fails only when the
 * system has no usable randomness; then no nonce or key can be trusted and
 * continuing would be worse than stopping. */
static void init_once(void)
{
	if (sodium_init() < 0) {
		fputs("sign: libsodium cannot initialise (no randomness)\n", stderr);
		abort();
	}
}

static void to_hex(const uint8_t *b, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[b[i] >> 4];
		hex[2 * i + 1] = digits[b[i] & 15];
	}
	hex[2 * n] = '\0';
}

static int hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static void set_why(char *why, size_t why_len, const char *msg)
{
	if (why_len > 0)
		snprintf(why, why_len, "%s", msg);
}

int sign_load_secret(const char *path, uint8_t out[SIGN_SECRET_LEN], char *why, size_t why_len)
{
	char buf[256];
	char msg[SIGN_WHY_MAX];
	size_t len, i = 0, got = 0;
	int rc = -1;
	FILE *f = fopen(path, "re");

	if (f == NULL) {
		snprintf(msg, sizeof msg, "cannot open: %s", strerror(errno));
		set_why(why, why_len, msg);
		return -1;
	}
	len = fread(buf, 1, sizeof buf, f);
	bool err = ferror(f) != 0;
	fclose(f);
	if (err) {
		set_why(why, why_len, "cannot read");
		goto out;
	}
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
		i++;
	for (; i + 1 < len && got < SIGN_SECRET_LEN; i += 2) {
		int hi = hex_val((unsigned char)buf[i]), lo = hex_val((unsigned char)buf[i + 1]);
		if (hi < 0 || lo < 0)
			break;
		out[got++] = (uint8_t)(hi << 4 | lo);
	}
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r'))
		i++;
	if (got != SIGN_SECRET_LEN || i != len) {
		sodium_memzero(out, SIGN_SECRET_LEN);
		set_why(why, why_len, "not 64 hexadecimal digits");
		goto out;
	}
	set_why(why, why_len, "");
	rc = 0;
out:
	sodium_memzero(buf, sizeof buf);
	return rc;
}

void sign_body_hash(const void *body, size_t len, char hex[SIGN_HEX_LEN + 1])
{
	uint8_t h[crypto_hash_sha256_BYTES];
	static const uint8_t empty = 0;

	init_once();
	crypto_hash_sha256(h, body ? body : &empty, len);
	to_hex(h, sizeof h, hex);
}

void sign_nonce(char nonce[SIGN_NONCE_LEN + 1])
{
	uint8_t b[SIGN_NONCE_LEN / 2];

	init_once();
	randombytes_buf(b, sizeof b);
	to_hex(b, sizeof b, nonce);
}

int sign_request(const uint8_t secret[SIGN_SECRET_LEN], const char *method, const char *path,
		 int64_t time, const char *nonce, const char *body_hash, char sig[SIGN_HEX_LEN + 1])
{
	char text[4096];
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;

	init_once();
	int n = snprintf(text, sizeof text, "%s\n%s\n%lld\n%s\n%s", method, path, (long long)time,
			 nonce, body_hash);
	if (n < 0 || (size_t)n >= sizeof text) {
		sig[0] = '\0';
		return -1;
	}
	crypto_auth_hmacsha256_init(&st, secret, SIGN_SECRET_LEN);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)text, (size_t)n);
	crypto_auth_hmacsha256_final(&st, mac);
	to_hex(mac, sizeof mac, sig);
	sodium_memzero(&st, sizeof st);
	return 0;
}

bool sign_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la != lb)
		return false;
	return sodium_memcmp(a, b, la) == 0;
}

bool sign_is_hex(const char *s, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[i] == '\0';
}
