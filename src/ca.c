#include "ca.h"

#include <string.h>

#include "fileio.h"

static int
import_cert(const char *path, gnutls_x509_crt_t *crt, struct err *err)
{
    struct bytes pem;
    gnutls_datum_t d;
    int rc;

    if (file_read(path, FILEIO_MAX_INPUT, &pem, err) != 0)
        return err_prefix(err, "--ca-cert");
    d = (gnutls_datum_t){pem.data, (unsigned)pem.len};
    rc = gnutls_x509_crt_init(crt);
    if (rc >= 0)
        rc = gnutls_x509_crt_import(*crt, &d, GNUTLS_X509_FMT_PEM);
    bytes_free(&pem);
    if (rc < 0)
        return err_usage(err, "--ca-cert %s: not a PEM certificate: %s", path, gnutls_strerror(rc));
    return 0;
}

static int
import_key(const char *path, gnutls_x509_privkey_t *key, struct err *err)
{
    struct bytes pem;
    gnutls_datum_t d;
    int rc;

    if (file_read(path, FILEIO_MAX_INPUT, &pem, err) != 0)
        return err_prefix(err, "--ca-key");
    d = (gnutls_datum_t){pem.data, (unsigned)pem.len};
    rc = gnutls_x509_privkey_init(key);
    if (rc >= 0)
        rc = gnutls_x509_privkey_import2(*key, &d, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN);
    bytes_free(&pem);
    if (rc < 0)
        return err_usage(err, "--ca-key %s: not an unencrypted PEM private key: %s", path,
                         gnutls_strerror(rc));
    return 0;
}

static int
check_key_matches(const struct ca *ca, const char *key_path, struct err *err)
{
    unsigned char a[64];
    unsigned char b[64];
    size_t a_len = sizeof(a);
    size_t b_len = sizeof(b);

    if (gnutls_x509_crt_get_key_id(ca->crt, 0, a, &a_len) < 0 ||
        gnutls_x509_privkey_get_key_id(ca->key, 0, b, &b_len) < 0 || a_len != b_len ||
        memcmp(a, b, a_len) != 0)
        return err_usage(err, "--ca-key %s: does not belong to the --ca-cert certificate",
                         key_path);
    return 0;
}

static int
check_is_ca(gnutls_x509_crt_t crt, const char *path, struct err *err)
{
    unsigned ca = 0;
    unsigned usage = 0;
    int rc = gnutls_x509_crt_get_basic_constraints(crt, NULL, &ca, NULL);

    if (rc < 0 || !ca)
        return err_usage(err,
                         "--ca-cert %s: not a CA certificate (basicConstraints CA:TRUE is "
                         "missing)",
                         path);
    rc = gnutls_x509_crt_get_key_usage(crt, &usage, NULL);
    if (rc >= 0 && !(usage & GNUTLS_KEY_KEY_CERT_SIGN))
        return err_usage(err, "--ca-cert %s: its keyUsage does not allow signing certificates",
                         path);
    return 0;
}

/* Only a root: the tree's root-cert.pem is all a master's nginx and Java trust, so a CA whose own
 * issuer is not in the tree would leave every chain incomplete (OpenSSL refuses it). */
static int
check_self_signed(gnutls_x509_crt_t crt, const char *path, struct err *err)
{
    unsigned status = 0;

    if (!gnutls_x509_crt_check_issuer(crt, crt) ||
        gnutls_x509_crt_verify(crt, &crt, 1, GNUTLS_VERIFY_DISABLE_TIME_CHECKS, &status) < 0 ||
        status != 0)
        return err_usage(err,
                         "--ca-cert %s: not a self-signed root CA (an intermediate CA would "
                         "leave the chain incomplete for nginx and Java)",
                         path);
    return 0;
}

/* The profile signs with RSA or ECDSA; other key types would fail only after every key is made. */
static int
check_key_type(gnutls_x509_privkey_t key, const char *path, struct err *err)
{
    int algorithm = gnutls_x509_privkey_get_pk_algorithm(key);

    if (algorithm != GNUTLS_PK_RSA && algorithm != GNUTLS_PK_ECDSA)
        return err_usage(err, "--ca-key %s: a %s key; only RSA and ECDSA roots are supported", path,
                         gnutls_pk_algorithm_get_name((gnutls_pk_algorithm_t)algorithm));
    return 0;
}

static int
check_valid_now(gnutls_x509_crt_t crt, const char *path, time_t now, struct err *err)
{
    if (gnutls_x509_crt_get_expiration_time(crt) <= now)
        return err_usage(err, "--ca-cert %s: expired", path);
    if (gnutls_x509_crt_get_activation_time(crt) > now)
        return err_usage(err, "--ca-cert %s: not valid yet", path);
    return 0;
}

int
ca_load(const char *cert_path, const char *key_path, time_t now, struct ca *out, struct err *err)
{
    int rc;

    memset(out, 0, sizeof(*out));
    rc = import_cert(cert_path, &out->crt, err);
    if (rc == 0)
        rc = import_key(key_path, &out->key, err);
    if (rc == 0)
        rc = check_key_matches(out, key_path, err);
    if (rc == 0)
        rc = check_key_type(out->key, key_path, err);
    if (rc == 0)
        rc = check_is_ca(out->crt, cert_path, err);
    if (rc == 0)
        rc = check_self_signed(out->crt, cert_path, err);
    if (rc == 0)
        rc = check_valid_now(out->crt, cert_path, now, err);
    if (rc != 0)
        ca_free(out);
    return rc;
}

void
ca_free(struct ca *ca)
{
    if (ca->crt)
        gnutls_x509_crt_deinit(ca->crt);
    if (ca->key)
        gnutls_x509_privkey_deinit(ca->key);
    memset(ca, 0, sizeof(*ca));
}
