#include "load.h"

#include <errno.h>
#include <fcntl.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "keyprotect.h"

/* DER tags of the PKCS#8 and SEC 1 structures walked below. */
#define DER_INTEGER      0x02
#define DER_OCTET_STRING 0x04
#define DER_OID          0x06
#define DER_SEQUENCE     0x30
#define DER_MAX_LEN_LEN  4 /* length octets of a definite long-form length */

/* OID contents: id-ecPublicKey and the named curves a JKS from keytool may hold. */
static const unsigned char oid_ec_public_key[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};
static const struct {
    unsigned char oid[8];
    size_t len;
    gnutls_ecc_curve_t curve;
} ec_curves[] = {
    {{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}, 8, GNUTLS_ECC_CURVE_SECP256R1},
    {{0x2b, 0x81, 0x04, 0x00, 0x22}, 5, GNUTLS_ECC_CURVE_SECP384R1},
    {{0x2b, 0x81, 0x04, 0x00, 0x23}, 5, GNUTLS_ECC_CURVE_SECP521R1},
};

/* ---- files -------------------------------------------------------------------------------- */

static int
read_open_file(int fd, const char *path, struct loaded_file *out, struct err *err)
{
    struct stat st;

    if (fstat(fd, &st) != 0)
        return err_set(err, "%s: stat: %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return err_set(err, "%s: not a regular file", path);
    if ((unsigned long long)st.st_size > LOAD_MAX_FILE)
        return err_set(err, "%s: %lld bytes, more than the limit of %u", path,
                       (long long)st.st_size, LOAD_MAX_FILE);
    out->mode = st.st_mode & 07777;
    return file_read_fd(fd, path, (size_t)st.st_size, &out->data, err);
}

int
load_file(const char *path, struct loaded_file *out, int *errno_out, struct err *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    int rc;

    bytes_init(&out->data);
    out->mode = 0;
    if (errno_out != NULL)
        *errno_out = fd < 0 ? errno : 0;
    if (fd < 0)
        return err_set(err, "%s: open: %s", path, strerror(errno));
    rc = read_open_file(fd, path, out, err);
    close(fd);
    if (rc != 0)
        load_file_free(out);
    return rc;
}

void
load_file_free(struct loaded_file *f)
{
    bytes_free(&f->data);
    f->mode = 0;
}

/* ---- certificates and PEM keys ------------------------------------------------------------ */

static int
import_cert(const gnutls_datum_t *d, gnutls_x509_crt_fmt_t fmt, gnutls_x509_crt_t *out,
            struct err *err)
{
    int rc = gnutls_x509_crt_init(out);

    if (rc >= 0)
        rc = gnutls_x509_crt_import(*out, d, fmt);
    if (rc < 0) {
        gnutls_x509_crt_deinit(*out);
        *out = NULL;
        return err_set(err, "not a%s certificate: %s",
                       fmt == GNUTLS_X509_FMT_PEM ? " PEM" : "n X.509", gnutls_strerror(rc));
    }
    return 0;
}

int
load_cert_pem(const struct bytes *pem, gnutls_x509_crt_t *out, struct err *err)
{
    gnutls_datum_t d = {pem->data, (unsigned)pem->len};

    return import_cert(&d, GNUTLS_X509_FMT_PEM, out, err);
}

int
load_cert_der(const struct jks_blob *der, gnutls_x509_crt_t *out, struct err *err)
{
    gnutls_datum_t d = {(unsigned char *)der->data, (unsigned)der->len};

    return import_cert(&d, GNUTLS_X509_FMT_DER, out, err);
}

/* Wraps an X.509 private key, which the abstract key then owns. */
static int
to_abstract(gnutls_x509_privkey_t x509, gnutls_privkey_t *out, struct err *err)
{
    int rc = gnutls_privkey_init(out);

    if (rc >= 0)
        rc = gnutls_privkey_import_x509(*out, x509, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE);
    if (rc < 0) {
        gnutls_privkey_deinit(*out);
        *out = NULL;
        gnutls_x509_privkey_deinit(x509);
        return err_set(err, "private key: %s", gnutls_strerror(rc));
    }
    return 0;
}

int
load_key_pem(const struct bytes *pem, gnutls_privkey_t *out, struct err *err)
{
    gnutls_datum_t d = {pem->data, (unsigned)pem->len};
    gnutls_x509_privkey_t key;
    int rc = gnutls_x509_privkey_init(&key);

    *out = NULL;
    if (rc >= 0)
        rc = gnutls_x509_privkey_import2(key, &d, GNUTLS_X509_FMT_PEM, NULL, GNUTLS_PKCS_PLAIN);
    if (rc < 0) {
        gnutls_x509_privkey_deinit(key);
        return err_set(err, "not an unencrypted PEM private key: %s", gnutls_strerror(rc));
    }
    return to_abstract(key, out, err);
}

/* ---- keystores ---------------------------------------------------------------------------- */

static int
is_pkcs12(const struct bytes *data)
{
    gnutls_datum_t d = {data->data, (unsigned)data->len};
    gnutls_pkcs12_t p12;
    int rc;

    if (data->len == 0 || data->data[0] != DER_SEQUENCE || gnutls_pkcs12_init(&p12) < 0)
        return 0;
    rc = gnutls_pkcs12_import(p12, &d, GNUTLS_X509_FMT_DER, 0);
    gnutls_pkcs12_deinit(p12);
    return rc >= 0;
}

int
load_store(const struct bytes *data, const struct bytes *pw16, struct jks_store *store,
           struct err *err)
{
    memset(store, 0, sizeof(*store));
    if (is_pkcs12(data))
        return err_set(err, "a PKCS#12 keystore under a .jks name, not JKS (keytool of Java 9 and "
                            "later writes PKCS#12 unless given -storetype JKS)");
    return jks_decode(data->data, data->len, pw16, store, err);
}

/* ---- private keys in keystores ------------------------------------------------------------ */

/* One DER element with the tag expected: its content in out. Definite lengths only. */
static int
der_take(struct reader *r, unsigned char tag, struct reader *out)
{
    const unsigned char *p;
    size_t len;

    if (reader_take(r, 1, &p) != 0 || p[0] != tag || reader_take(r, 1, &p) != 0)
        return -1;
    len = p[0];
    if (len & 0x80) {
        size_t n = len & 0x7f;

        if (n == 0 || n > DER_MAX_LEN_LEN)
            return -1;
        len = 0;
        for (size_t i = 0; i < n; i++) {
            if (reader_take(r, 1, &p) != 0)
                return -1;
            len = (len << 8) | p[0];
        }
    }
    if (reader_take(r, len, &p) != 0)
        return -1;
    reader_init(out, p, len);
    return 0;
}

static int
curve_of_oid(const struct reader *oid, gnutls_ecc_curve_t *curve)
{
    for (size_t i = 0; i < sizeof(ec_curves) / sizeof(ec_curves[0]); i++) {
        if (oid->len == ec_curves[i].len && memcmp(oid->data, ec_curves[i].oid, oid->len) == 0) {
            *curve = ec_curves[i].curve;
            return 0;
        }
    }
    return -1;
}

/* PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier { id-ecPublicKey, namedCurve },
 * OCTET STRING { ECPrivateKey ::= SEQUENCE { version, OCTET STRING privateKey, ... } } } */
int
load_ec_scalar(const unsigned char *pkcs8, size_t len, gnutls_ecc_curve_t *curve,
               gnutls_datum_t *scalar, struct err *err)
{
    struct reader top;
    struct reader info;
    struct reader field;
    struct reader alg;
    struct reader ec;

    reader_init(&top, pkcs8, len);
    if (der_take(&top, DER_SEQUENCE, &info) != 0 || der_take(&info, DER_INTEGER, &field) != 0 ||
        der_take(&info, DER_SEQUENCE, &alg) != 0 || der_take(&alg, DER_OID, &field) != 0)
        return err_set(err, "private key: not a PKCS#8 PrivateKeyInfo");
    if (field.len != sizeof(oid_ec_public_key) ||
        memcmp(field.data, oid_ec_public_key, field.len) != 0)
        return err_set(err, "private key: PKCS#8 algorithm is not id-ecPublicKey");
    if (der_take(&alg, DER_OID, &field) != 0 || curve_of_oid(&field, curve) != 0)
        return err_set(err, "private key: EC curve is not P-256, P-384 or P-521");
    if (der_take(&info, DER_OCTET_STRING, &field) != 0 ||
        der_take(&field, DER_SEQUENCE, &ec) != 0 || der_take(&ec, DER_INTEGER, &field) != 0 ||
        der_take(&ec, DER_OCTET_STRING, &field) != 0 || field.len == 0)
        return err_set(err, "private key: not an SEC 1 ECPrivateKey inside the PKCS#8");
    scalar->data = (unsigned char *)field.data;
    scalar->size = (unsigned)field.len;
    return 0;
}

static int
import_ec_scalar(const struct bytes *pkcs8, gnutls_x509_crt_t leaf, gnutls_x509_privkey_t key,
                 struct err *err)
{
    gnutls_ecc_curve_t key_curve = GNUTLS_ECC_CURVE_INVALID;
    gnutls_ecc_curve_t crt_curve = GNUTLS_ECC_CURVE_INVALID;
    gnutls_datum_t scalar = {NULL, 0};
    gnutls_datum_t x = {NULL, 0};
    gnutls_datum_t y = {NULL, 0};
    int rc;

    if (load_ec_scalar(pkcs8->data, pkcs8->len, &key_curve, &scalar, err) != 0)
        return -1;
    rc = gnutls_x509_crt_get_pk_ecc_raw(leaf, &crt_curve, &x, &y);
    if (rc < 0)
        return err_set(err, "the key is EC but the certificate's is not: %s", gnutls_strerror(rc));
    if (crt_curve != key_curve)
        rc = err_set(err, "the key is on curve %s, the certificate's on %s",
                     gnutls_ecc_curve_get_name(key_curve), gnutls_ecc_curve_get_name(crt_curve));
    else if ((rc = gnutls_x509_privkey_import_ecc_raw(key, key_curve, &x, &y, &scalar)) < 0)
        rc = err_set(err, "import EC private key: %s", gnutls_strerror(rc));
    gnutls_free(x.data);
    gnutls_free(y.data);
    return rc < 0 ? -1 : 0;
}

static int
import_pkcs8(const struct bytes *pkcs8, gnutls_x509_crt_t leaf, gnutls_x509_privkey_t key,
             enum key_source *source, struct err *err)
{
    gnutls_datum_t d = {pkcs8->data, (unsigned)pkcs8->len};
    int rc =
        gnutls_x509_privkey_import_pkcs8(key, &d, GNUTLS_X509_FMT_DER, NULL, GNUTLS_PKCS_PLAIN);

    *source = KEY_FROM_PKCS8;
    if (rc >= 0)
        return 0;
    if (leaf != NULL && gnutls_x509_crt_get_pk_algorithm(leaf, NULL) == GNUTLS_PK_ECDSA) {
        *source = KEY_FROM_EC_SCALAR;
        return import_ec_scalar(pkcs8, leaf, key, err);
    }
    return err_set(err, "import PKCS#8 private key: %s", gnutls_strerror(rc));
}

int
load_entry_key(const struct bytes *pw16, const struct jks_entry *entry, gnutls_x509_crt_t leaf,
               gnutls_privkey_t *out, enum key_source *source, struct err *err)
{
    struct bytes pkcs8;
    gnutls_x509_privkey_t key;
    int rc;

    *out = NULL;
    if (keyprotect_recover(pw16, entry->protected_key.data, entry->protected_key.len, &pkcs8,
                           err) != 0)
        return -1;
    rc = gnutls_x509_privkey_init(&key);
    if (rc < 0) {
        bytes_free(&pkcs8);
        return err_set(err, "private key: %s", gnutls_strerror(rc));
    }
    rc = import_pkcs8(&pkcs8, leaf, key, source, err);
    bytes_free(&pkcs8);
    if (rc != 0) {
        gnutls_x509_privkey_deinit(key);
        return -1;
    }
    return to_abstract(key, out, err);
}

/* ---- matching ----------------------------------------------------------------------------- */

static const char probe_text[] = "exhibitor-tls-artifacts: does this key belong to the certificate";

static int
verify_probe(gnutls_x509_crt_t crt, gnutls_sign_algorithm_t sign, const gnutls_datum_t *data,
             const gnutls_datum_t *sig)
{
    gnutls_pubkey_t pub;
    int rc = gnutls_pubkey_init(&pub);

    if (rc < 0)
        return rc;
    rc = gnutls_pubkey_import_x509(pub, crt, 0);
    if (rc >= 0)
        rc = gnutls_pubkey_verify_data2(pub, sign, 0, data, sig);
    gnutls_pubkey_deinit(pub);
    return rc;
}

int
key_matches_cert(gnutls_privkey_t key, gnutls_x509_crt_t crt, struct err *err)
{
    int key_pk = gnutls_privkey_get_pk_algorithm(key, NULL);
    int crt_pk = gnutls_x509_crt_get_pk_algorithm(crt, NULL);
    gnutls_sign_algorithm_t sign =
        gnutls_pk_to_sign((gnutls_pk_algorithm_t)key_pk, GNUTLS_DIG_SHA256);
    gnutls_datum_t data = {(unsigned char *)probe_text, sizeof(probe_text) - 1};
    gnutls_datum_t sig = {NULL, 0};
    int rc;

    if (key_pk != crt_pk)
        return err_set(err, "the key is %s, the certificate's key is %s",
                       gnutls_pk_get_name((gnutls_pk_algorithm_t)key_pk),
                       gnutls_pk_get_name((gnutls_pk_algorithm_t)crt_pk));
    rc = gnutls_privkey_sign_data2(key, sign, 0, &data, &sig);
    if (rc < 0)
        return err_set(err, "sign with the key: %s", gnutls_strerror(rc));
    rc = verify_probe(crt, sign, &data, &sig);
    gnutls_free(sig.data);
    if (rc < 0)
        return err_set(err, "the key does not belong to the certificate (a signature made with "
                            "it does not verify with the certificate's public key)");
    return 0;
}
