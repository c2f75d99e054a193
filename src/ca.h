/* An existing root CA, loaded to issue new node identities that the other masters already
 * trust. */
#ifndef ETA_CA_H
#define ETA_CA_H

#include <gnutls/x509.h>
#include <time.h>

#include "err.h"

struct ca {
    gnutls_x509_crt_t crt;
    gnutls_x509_privkey_t key;
};

/* Loads a PEM certificate and its PEM private key (PKCS#1, SEC 1 or unencrypted PKCS#8). Refuses,
 * as usage errors, a key that does not belong to the certificate, a certificate that is not a CA
 * allowed to sign certificates, and one that is not valid at `now`. */
int ca_load(const char *cert_path, const char *key_path, time_t now, struct ca *out,
            struct err *err);

void ca_free(struct ca *ca);

#endif
