/*
 * csim_tls: the certificate and private key the sim serves HTTPS with
 * (--tls-cert, --tls-key), read from PEM files into memory for
 * libmicrohttpd (csim_http_start()). Only the files are read and their PEM
 * headers looked for here; whether GnuTLS accepts the pair is
 * csim_http_tls_check()'s business. The key is wiped when freed.
 */
#ifndef CSIM_TLS_H
#define CSIM_TLS_H

#include <stddef.h>

#define CSIM_TLS_FILE_MAX (1024 * 1024) /* a PEM file larger than this is refused */

typedef struct csim_tls {
	char *cert; /* PEM text, NUL-terminated, malloc()ed; NULL when not loaded */
	char *key;  /* PEM text, NUL-terminated, malloc()ed, wiped by csim_tls_clear() */
	size_t key_len;
} csim_tls;

/*
 * Read CERT_FILE (must hold a "-----BEGIN CERTIFICATE-----" block) and
 * KEY_FILE (must hold a "-----BEGIN ... PRIVATE KEY-----" block), each at
 * most CSIM_TLS_FILE_MAX bytes, into T (caller-owned, zeroed or cleared).
 * Returns 0, or -1 with one line in WHY (WHY_LEN bytes) naming the option,
 * the file and the reason; T is then empty. Blocks on the two reads.
 */
int csim_tls_load(csim_tls *t, const char *cert_file, const char *key_file, char *why, size_t why_len);

/* Wipe the key, free both texts, leave T empty. T may be empty already. */
void csim_tls_clear(csim_tls *t);

#endif
