/* Reading what verify and inspect examine: files with their modes, PEM certificates and keys,
 * JKS keystores (told apart from PKCS#12 under a .jks name), and the private keys inside them.
 * Nothing here judges what it reads; that is verify's job. */
#ifndef ETA_LOAD_H
#define ETA_LOAD_H

#include <gnutls/abstract.h>
#include <gnutls/x509.h>
#include <sys/types.h>

#include "bytes.h"
#include "err.h"
#include "jks.h"

#define LOAD_MAX_FILE JKS_MAX_STORE_LEN /* no PEM file or keystore we read is near this */

struct loaded_file {
    struct bytes data; /* NUL-terminated beyond data.len, so PEM can be parsed in place */
    mode_t mode;       /* permission bits of the file read */
};

/* Reads a regular file of at most LOAD_MAX_FILE bytes. Never blocks on a FIFO or device. On a
 * failure errno_out (when not NULL) is the errno that caused it, or 0. */
int load_file(const char *path, struct loaded_file *out, int *errno_out, struct err *err);
void load_file_free(struct loaded_file *f);

/* The first certificate of a PEM file. */
int load_cert_pem(const struct bytes *pem, gnutls_x509_crt_t *out, struct err *err);
int load_cert_der(const struct jks_blob *der, gnutls_x509_crt_t *out, struct err *err);

/* An unencrypted PEM private key: PKCS#1, SEC 1 or PKCS#8. */
int load_key_pem(const struct bytes *pem, gnutls_privkey_t *out, struct err *err);

/* Decodes a keystore as jks_decode does; a PKCS#12 file is refused as such, by name. */
int load_store(const struct bytes *data, const struct bytes *pw16, struct jks_store *store,
               struct err *err);

/* How a private key came out of a private-key entry. */
enum key_source {
    KEY_FROM_PKCS8,     /* GnuTLS imported the PKCS#8 PrivateKeyInfo as it is */
    KEY_FROM_EC_SCALAR, /* an EC key without its public point, completed from the certificate */
};

/* Opens a private-key entry's key with the key password and imports it. Java writes EC keys as
 * PKCS#8 without the optional public point, which GnuTLS 3.7 will not import; such a key is
 * rebuilt from its private scalar and the public point of leaf (the entry's own certificate),
 * so only a signature check (see key_matches_cert) can then tell whether the two belong
 * together. */
int load_entry_key(const struct bytes *pw16, const struct jks_entry *entry, gnutls_x509_crt_t leaf,
                   gnutls_privkey_t *out, enum key_source *source, struct err *err);

/* The private scalar and the curve of an EC PKCS#8 PrivateKeyInfo; the scalar points into
 * pkcs8. Exposed for tests and the fuzzer. */
int load_ec_scalar(const unsigned char *pkcs8, size_t len, gnutls_ecc_curve_t *curve,
                   gnutls_datum_t *scalar, struct err *err);

/* Proves that key belongs to crt: a signature made with the key verifies with the certificate's
 * public key. */
int key_matches_cert(gnutls_privkey_t key, gnutls_x509_crt_t crt, struct err *err);

#endif
