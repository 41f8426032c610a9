/* csim_tls: PEM certificate and key into memory (see csim_tls.h). */
#include "csim_tls.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Read PATH whole into *OUT (malloc()ed, NUL-terminated, *LEN bytes before
 * the NUL). 0, or -1 with the reason in WHY. Every buffer that held the
 * bytes is wiped before it is freed: the file may be a private key. */
static int read_pem(const char *opt, const char *path, char **out, size_t *len, char *why, size_t why_len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0;
	int err;

	*out = NULL;
	*len = 0;
	if (f == NULL) {
		snprintf(why, why_len, "%s %s: cannot open: %s", opt, path, strerror(errno));
		return -1;
	}
	/* One byte more than allowed tells a file at the cap from one beyond it. */
	buf = malloc(CSIM_TLS_FILE_MAX + 2);
	if (buf == NULL) {
		fclose(f);
		snprintf(why, why_len, "%s %s: out of memory", opt, path);
		return -1;
	}
	n = fread(buf, 1, CSIM_TLS_FILE_MAX + 1, f);
	err = ferror(f) ? errno : 0;
	fclose(f);
	if (err != 0 || n == 0 || n > CSIM_TLS_FILE_MAX) {
		if (err != 0)
			snprintf(why, why_len, "%s %s: cannot read: %s", opt, path, strerror(err));
		else
			snprintf(why, why_len, "%s %s: %s", opt, path,
				 n == 0 ? "the file is empty" : "the file is over 1 MiB: not a PEM file");
		explicit_bzero(buf, CSIM_TLS_FILE_MAX + 2);
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
}

/* TEXT holds a whole PEM block, BEGIN and END lines, whose label ends with
 * LABEL ("CERTIFICATE", "PRIVATE KEY"). A file cut short fails here with
 * our message rather than in GnuTLS (which also leaks on that path). */
static bool has_block(const char *text, const char *label)
{
	const char *p = text;
	size_t n = strlen(label);

	while ((p = strstr(p, "-----BEGIN ")) != NULL) {
		const char *name = p + 11, *end = strstr(name, "-----"), *nl = strchr(name, '\n');
		char tail[80];
		p = name;
		if (end == NULL || (nl != NULL && nl < end) || (size_t)(end - name) < n ||
		    (size_t)(end - name) > 60 || memcmp(end - n, label, n) != 0)
			continue;
		snprintf(tail, sizeof tail, "-----END %.*s-----", (int)(end - name), name);
		if (strstr(end, tail) != NULL)
			return true;
	}
	return false;
}

int csim_tls_load(csim_tls *t, const char *cert_file, const char *key_file, char *why, size_t why_len)
{
	size_t cert_len;

	*t = (csim_tls){0};
	if (read_pem("--tls-cert", cert_file, &t->cert, &cert_len, why, why_len) != 0)
		return -1;
	if (!has_block(t->cert, "CERTIFICATE")) {
		snprintf(why, why_len,
			 "--tls-cert %s: no whole PEM certificate in it (BEGIN/END CERTIFICATE)", cert_file);
		goto fail;
	}
	if (read_pem("--tls-key", key_file, &t->key, &t->key_len, why, why_len) != 0)
		goto fail;
	if (!has_block(t->key, "PRIVATE KEY")) {
		snprintf(why, why_len,
			 "--tls-key %s: no whole PEM private key in it (BEGIN/END ... PRIVATE KEY)", key_file);
		goto fail;
	}
	return 0;
fail:
	csim_tls_clear(t);
	return -1;
}

void csim_tls_clear(csim_tls *t)
{
	if (t->key) {
		explicit_bzero(t->key, t->key_len);
		free(t->key);
	}
	free(t->cert);
	*t = (csim_tls){0};
}
