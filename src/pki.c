#include "pki.h"

#include <gnutls/crypto.h>
#include <string.h>

/* Every certificate names these, whatever the node: Admin Router reaches the local Exhibitor
 * as https://exhibitor, and operators as https://localhost or https://127.0.0.1. */
static const char *const fixed_dns_sans[] = {"localhost", "exhibitor"};
static const unsigned char loopback_ipv4[4] = {127, 0, 0, 1};

/* Serial numbers: 16 random bytes with the top bit cleared, so always positive and at least
 * 64 bits of entropy even when leading bytes come out as zero. */
#define SERIAL_LEN 16

struct key_type_info {
    const char *name;
    gnutls_pk_algorithm_t algorithm;
    unsigned bits; /* for RSA; the curve for EC is in curve */
    gnutls_ecc_curve_t curve;
};

static const struct key_type_info key_types[] = {
    [KEY_RSA_2048] = {"rsa-2048", GNUTLS_PK_RSA, 2048, GNUTLS_ECC_CURVE_INVALID},
    [KEY_RSA_3072] = {"rsa-3072", GNUTLS_PK_RSA, 3072, GNUTLS_ECC_CURVE_INVALID},
    [KEY_RSA_4096] = {"rsa-4096", GNUTLS_PK_RSA, 4096, GNUTLS_ECC_CURVE_INVALID},
    [KEY_ECDSA_P256] = {"ecdsa-p256", GNUTLS_PK_ECDSA, 0, GNUTLS_ECC_CURVE_SECP256R1},
    [KEY_ECDSA_P384] = {"ecdsa-p384", GNUTLS_PK_ECDSA, 0, GNUTLS_ECC_CURVE_SECP384R1},
};

/* The profile: what each role's certificate carries. */
struct role_profile {
    const char *cn;
    int ca;
    unsigned key_usage_rsa;
    unsigned key_usage_ec;
    const char *eku; /* NULL: no extendedKeyUsage */
    int sans;        /* carries the subjectAltName list */
};

static const struct role_profile profiles[] = {
    [ROLE_ROOT] = {"root", 1, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN,
                   GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN, NULL, 0},
    [ROLE_SERVER] = {"server", 0, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT,
                     GNUTLS_KEY_DIGITAL_SIGNATURE, GNUTLS_KP_TLS_WWW_SERVER, 1},
    [ROLE_CLIENT] = {"client", 0, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT,
                     GNUTLS_KEY_DIGITAL_SIGNATURE, GNUTLS_KP_TLS_WWW_CLIENT, 1},
};

int
key_type_parse(const char *name, enum key_type *out)
{
    for (size_t i = 0; i < sizeof(key_types) / sizeof(key_types[0]); i++) {
        if (strcmp(name, key_types[i].name) == 0) {
            *out = (enum key_type)i;
            return 0;
        }
    }
    return -1;
}

const char *
key_type_name(enum key_type type)
{
    return key_types[type].name;
}

const char *
cert_role_name(enum cert_role role)
{
    return profiles[role].cn;
}

int
pki_generate_key(enum key_type type, gnutls_x509_privkey_t *out, struct err *err)
{
    const struct key_type_info *info = &key_types[type];
    unsigned bits =
        info->algorithm == GNUTLS_PK_RSA ? info->bits : GNUTLS_CURVE_TO_BITS(info->curve);
    int rc = gnutls_x509_privkey_init(out);

    if (rc < 0)
        return err_set(err, "generate %s key: %s", info->name, gnutls_strerror(rc));
    rc = gnutls_x509_privkey_generate2(*out, info->algorithm, bits, 0, NULL, 0);
    if (rc < 0) {
        gnutls_x509_privkey_deinit(*out);
        *out = NULL;
        return err_set(err, "generate %s key: %s", info->name, gnutls_strerror(rc));
    }
    return 0;
}

static int
set_subject(gnutls_x509_crt_t crt, const struct subject *s, const char *cn)
{
    const struct {
        const char *oid;
        const char *value;
    } rdns[] = {
        {GNUTLS_OID_X520_COUNTRY_NAME, s->country},
        {GNUTLS_OID_X520_STATE_OR_PROVINCE_NAME, s->state},
        {GNUTLS_OID_X520_LOCALITY_NAME, s->locality},
        {GNUTLS_OID_X520_ORGANIZATION_NAME, s->organization},
        {GNUTLS_OID_X520_COMMON_NAME, cn},
    };

    for (size_t i = 0; i < sizeof(rdns) / sizeof(rdns[0]); i++) {
        int rc;

        if (rdns[i].value == NULL || rdns[i].value[0] == '\0')
            continue;
        rc = gnutls_x509_crt_set_dn_by_oid(crt, rdns[i].oid, 0, rdns[i].value,
                                           (unsigned)strlen(rdns[i].value));
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int
set_serial(gnutls_x509_crt_t crt)
{
    unsigned char serial[SERIAL_LEN];
    int rc = gnutls_rnd(GNUTLS_RND_RANDOM, serial, sizeof(serial));

    if (rc < 0)
        return rc;
    serial[0] &= 0x7f;
    serial[0] |= 0x40; /* keeps the full length: no leading zero byte is ever dropped */
    return gnutls_x509_crt_set_serial(crt, serial, sizeof(serial));
}

static int
add_san(gnutls_x509_crt_t crt, gnutls_x509_subject_alt_name_t type, const void *data, size_t len)
{
    return gnutls_x509_crt_set_subject_alt_name(crt, type, data, (unsigned)len, GNUTLS_FSAN_APPEND);
}

static int
is_fixed_san(const struct node_addr *a)
{
    if (a->kind != ADDR_DNS)
        return a->ip_len == sizeof(loopback_ipv4) && memcmp(a->ip, loopback_ipv4, a->ip_len) == 0;
    for (size_t j = 0; j < sizeof(fixed_dns_sans) / sizeof(fixed_dns_sans[0]); j++) {
        if (strcmp(a->text, fixed_dns_sans[j]) == 0)
            return 1;
    }
    return 0;
}

/* The fixed names first, then the node's own and any extra ones, each name once. */
static int
set_sans(gnutls_x509_crt_t crt, const struct cert_request *req)
{
    int rc = 0;

    for (size_t i = 0; rc >= 0 && i < sizeof(fixed_dns_sans) / sizeof(fixed_dns_sans[0]); i++)
        rc = add_san(crt, GNUTLS_SAN_DNSNAME, fixed_dns_sans[i], strlen(fixed_dns_sans[i]));
    if (rc >= 0)
        rc = add_san(crt, GNUTLS_SAN_IPADDRESS, loopback_ipv4, sizeof(loopback_ipv4));
    for (size_t i = 0; rc >= 0 && i < req->n_sans; i++) {
        const struct node_addr *a = &req->sans[i];
        int repeated = is_fixed_san(a);

        for (size_t j = 0; j < i && !repeated; j++)
            repeated = strcmp(req->sans[j].text, a->text) == 0;
        if (repeated)
            continue;
        if (a->kind == ADDR_DNS)
            rc = add_san(crt, GNUTLS_SAN_DNSNAME, a->text, strlen(a->text));
        else
            rc = add_san(crt, GNUTLS_SAN_IPADDRESS, a->ip, a->ip_len);
    }
    return rc;
}

static int
set_key_ids(gnutls_x509_crt_t crt, const struct cert_request *req)
{
    unsigned char id[64];
    size_t id_len = sizeof(id);
    int rc = gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA1, id, &id_len);

    if (rc < 0)
        return rc;
    rc = gnutls_x509_crt_set_subject_key_id(crt, id, id_len);
    if (rc < 0 || req->issuer == NULL)
        return rc;
    id_len = sizeof(id);
    rc = gnutls_x509_crt_get_subject_key_id(req->issuer, id, &id_len, NULL);
    if (rc < 0)
        return rc;
    return gnutls_x509_crt_set_authority_key_id(crt, id, id_len);
}

static int
set_extensions(gnutls_x509_crt_t crt, const struct cert_request *req)
{
    const struct role_profile *p = &profiles[req->role];
    int is_rsa = gnutls_x509_privkey_get_pk_algorithm(req->key) == GNUTLS_PK_RSA;
    int rc = gnutls_x509_crt_set_basic_constraints(crt, p->ca, -1);

    if (rc >= 0)
        rc = gnutls_x509_crt_set_key_usage(crt, is_rsa ? p->key_usage_rsa : p->key_usage_ec);
    if (rc >= 0 && p->eku != NULL)
        rc = gnutls_x509_crt_set_key_purpose_oid(crt, p->eku, 0);
    if (rc >= 0 && p->sans)
        rc = set_sans(crt, req);
    if (rc >= 0)
        rc = set_key_ids(crt, req);
    return rc;
}

/* SHA-384 for P-384 keys, SHA-256 for everything else we make. */
static gnutls_digest_algorithm_t
signature_digest(gnutls_x509_privkey_t issuer_key)
{
    unsigned bits = 0;
    int algorithm = gnutls_x509_privkey_get_pk_algorithm2(issuer_key, &bits);

    return algorithm == GNUTLS_PK_ECDSA && bits >= 384 ? GNUTLS_DIG_SHA384 : GNUTLS_DIG_SHA256;
}

static int
build_certificate(gnutls_x509_crt_t crt, const struct cert_request *req)
{
    gnutls_x509_crt_t issuer = req->issuer ? req->issuer : crt;
    int rc = gnutls_x509_crt_set_version(crt, 3);

    if (rc >= 0)
        rc = set_serial(crt);
    if (rc >= 0)
        rc = set_subject(crt, req->subject, profiles[req->role].cn);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_activation_time(crt, req->not_before);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_expiration_time(crt, req->not_after);
    if (rc >= 0)
        rc = gnutls_x509_crt_set_key(crt, req->key);
    if (rc >= 0)
        rc = set_extensions(crt, req);
    if (rc >= 0)
        rc = gnutls_x509_crt_sign2(crt, issuer, req->issuer_key, signature_digest(req->issuer_key),
                                   0);
    return rc;
}

int
pki_issue(const struct cert_request *req, gnutls_x509_crt_t *out, struct err *err)
{
    int rc = gnutls_x509_crt_init(out);

    if (rc >= 0)
        rc = build_certificate(*out, req);
    if (rc < 0) {
        if (*out)
            gnutls_x509_crt_deinit(*out);
        *out = NULL;
        return err_set(err, "issue %s certificate: %s", profiles[req->role].cn,
                       gnutls_strerror(rc));
    }
    return 0;
}

/* Moves a GnuTLS-allocated datum into out, wiping the original. */
static int
take_datum(gnutls_datum_t *d, struct bytes *out)
{
    int rc = bytes_set(out, d->data, d->size);

    gnutls_memset(d->data, 0, d->size);
    gnutls_free(d->data);
    d->data = NULL;
    return rc;
}

static int
finish_export(int rc, gnutls_datum_t *d, struct bytes *out, const char *what, struct err *err)
{
    bytes_init(out);
    if (rc < 0)
        return err_set(err, "export %s: %s", what, gnutls_strerror(rc));
    if (take_datum(d, out) != 0)
        return err_set(err, "export %s: out of memory", what);
    return 0;
}

int
pki_export_cert(gnutls_x509_crt_t crt, gnutls_x509_crt_fmt_t fmt, struct bytes *out,
                struct err *err)
{
    gnutls_datum_t d = {NULL, 0};

    return finish_export(gnutls_x509_crt_export2(crt, fmt, &d), &d, out, "certificate", err);
}

int
pki_export_key_pem(gnutls_x509_privkey_t key, struct bytes *out, struct err *err)
{
    gnutls_datum_t d = {NULL, 0};

    return finish_export(gnutls_x509_privkey_export2(key, GNUTLS_X509_FMT_PEM, &d), &d, out,
                         "private key", err);
}

int
pki_export_key_pkcs8(gnutls_x509_privkey_t key, struct bytes *out, struct err *err)
{
    gnutls_datum_t d = {NULL, 0};
    int rc =
        gnutls_x509_privkey_export2_pkcs8(key, GNUTLS_X509_FMT_DER, NULL, GNUTLS_PKCS_PLAIN, &d);

    return finish_export(rc, &d, out, "private key as PKCS#8", err);
}
