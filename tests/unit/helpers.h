/* Shared by the unit tests. Include after <cmocka.h>. Functions are static inline so that a
 * test using only some of them compiles without unused-function warnings. */
#ifndef ETA_TEST_HELPERS_H
#define ETA_TEST_HELPERS_H

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jks.h"
#include "password.h"

/* A password as the UTF-16BE that keystores are keyed with. */
static inline struct bytes
pw(const char *s)
{
    struct err err = {0, ""};
    struct bytes out;

    assert_int_equal(password_utf16be(s, &out, &err), 0);
    return out;
}

/* Checks read a certificate as it will be on disk: GnuTLS reads some extensions (the SANs) only
 * from a certificate it imported, not from one it is building. Consumes built. */
static inline gnutls_x509_crt_t
reimport(gnutls_x509_crt_t built)
{
    gnutls_datum_t der = {NULL, 0};
    gnutls_x509_crt_t crt;

    assert_int_equal(gnutls_x509_crt_export2(built, GNUTLS_X509_FMT_DER, &der), 0);
    assert_int_equal(gnutls_x509_crt_init(&crt), 0);
    assert_int_equal(gnutls_x509_crt_import(crt, &der, GNUTLS_X509_FMT_DER), 0);
    gnutls_free(der.data);
    gnutls_x509_crt_deinit(built);
    return crt;
}

/* A file that tests/unit/make-fixtures.sh made with keytool, whole; the caller frees it. */
static inline unsigned char *
read_fixture(const char *name, size_t *len)
{
    const char *dir = getenv("JKS_FIXTURES");
    char path[4096];
    FILE *f;
    unsigned char *data;
    long size;

    if (dir == NULL)
        fail_msg("JKS_FIXTURES is not set: run through 'make unit', which makes the keytool "
                 "fixtures");
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("%s: cannot open", path);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    rewind(f);
    data = malloc((size_t)size + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *len = (size_t)size;
    return data;
}

static inline const struct jks_entry *
find_entry(const struct jks_store *s, const char *alias)
{
    for (size_t i = 0; i < s->n_entries; i++) {
        if (strcmp(s->entries[i].alias, alias) == 0)
            return &s->entries[i];
    }
    fail_msg("no entry '%s'", alias);
    return NULL;
}

#endif
