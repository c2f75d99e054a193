/* A certificate's fields as text for people, written as keytool writes them where keytool shows
 * the same field, so that the two can be compared line by line. */
#ifndef ETA_CERTINFO_H
#define ETA_CERTINFO_H

#include <gnutls/x509.h>
#include <stddef.h>
#include <time.h>

#define CERTINFO_TEXT_MAX 512 /* enough for any field below but a long name, which is cut */

/* "CN=server, O=Mesosphere, L=San Francisco, ST=CA, C=US": the subject, or the issuer. */
void certinfo_name(gnutls_x509_crt_t crt, int issuer, char *out, size_t size);

/* "2036-12-01 16:14 UTC" */
void certinfo_date(time_t t, char *out, size_t size);

/* "Thu Dec 03 16:12:14 UTC 2026", as Java's Date prints it (here always in UTC). */
void certinfo_java_date(time_t t, char *out, size_t size);

/* "Dec 3, 2026", keytool's creation date. */
void certinfo_java_day(time_t t, char *out, size_t size);

/* The serial number in hexadecimal without leading zeros: "4f0c...". */
void certinfo_serial(gnutls_x509_crt_t crt, char *out, size_t size);

/* "5F:EC:6A:..." */
void certinfo_fingerprint(gnutls_x509_crt_t crt, gnutls_digest_algorithm_t digest, char *out,
                          size_t size);

/* "SHA256withRSA", "SHA384withECDSA" */
void certinfo_signature(gnutls_x509_crt_t crt, char *out, size_t size);

/* "2048-bit RSA key", "256-bit EC (secp256r1) key" */
void certinfo_public_key(gnutls_x509_crt_t crt, char *out, size_t size);

/* Calls fn (when not NULL) for each SAN, with its GnuTLS type and raw value; returns 1 when fn
 * did so for one, else 0. Lists every SAN as text ("localhost, 127.0.0.1") into list when not
 * NULL; without a list it stops at the first match. */
typedef int (*certinfo_san_fn)(unsigned type, const unsigned char *value, size_t len,
                               const void *ctx);
int certinfo_each_san(gnutls_x509_crt_t crt, certinfo_san_fn fn, const void *ctx, char *list,
                      size_t list_size);

#endif
