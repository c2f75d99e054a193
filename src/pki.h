/* The only code that makes keys and certificates. The certificate profile (what each role's
 * certificate carries) is data in pki.c. */
#ifndef ETA_PKI_H
#define ETA_PKI_H

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <time.h>

#include "addr.h"
#include "bytes.h"
#include "err.h"

enum key_type {
    KEY_RSA_2048,
    KEY_RSA_3072,
    KEY_RSA_4096,
    KEY_ECDSA_P256,
    KEY_ECDSA_P384,
};

#define KEY_TYPE_DEFAULT KEY_RSA_4096

enum cert_role {
    ROLE_ROOT,
    ROLE_SERVER,
    ROLE_CLIENT,
};

/* The subject's fields other than the CN, which comes from the role. */
struct subject {
    const char *country;
    const char *state;
    const char *locality;
    const char *organization;
};

#define SUBJECT_DEFAULT                                                                            \
    {                                                                                              \
        "US", "CA", "San Francisco", "Mesosphere"                                                  \
    }

/* What goes into one certificate besides the profile of its role. */
struct cert_request {
    enum cert_role role;
    const struct subject *subject;
    const struct node_addr *sans; /* beyond the fixed localhost, exhibitor, 127.0.0.1 */
    size_t n_sans;
    time_t not_before;
    time_t not_after;
    gnutls_x509_privkey_t key;        /* the subject's key */
    gnutls_x509_crt_t issuer;         /* NULL for the self-signed root */
    gnutls_x509_privkey_t issuer_key; /* the root's key */
};

/* Parses "rsa-4096" and the like; -1 when unknown. */
int key_type_parse(const char *name, enum key_type *out);
const char *key_type_name(enum key_type type);

/* Makes a new private key of the given type. */
int pki_generate_key(enum key_type type, gnutls_x509_privkey_t *out, struct err *err);

/* Issues and signs one certificate. */
int pki_issue(const struct cert_request *req, gnutls_x509_crt_t *out, struct err *err);

const char *cert_role_name(enum cert_role role);

/* Exports as DER or PEM into out (caller frees with bytes_free). */
int pki_export_cert(gnutls_x509_crt_t crt, gnutls_x509_crt_fmt_t fmt, struct bytes *out,
                    struct err *err);
/* PKCS#1 (RSA) or SEC 1 (EC) PEM, as OpenSSL 1.0 and later read it. */
int pki_export_key_pem(gnutls_x509_privkey_t key, struct bytes *out, struct err *err);
/* Unencrypted PKCS#8 PrivateKeyInfo DER, the input of the JKS key protector. */
int pki_export_key_pkcs8(gnutls_x509_privkey_t key, struct bytes *out, struct err *err);

#endif
